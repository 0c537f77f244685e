#include "sim/imap/syntax.hpp"
#include "sim/core/ascii.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace mailscope::imap {

namespace {

char upper_ascii(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

using ascii::is_digit;

// Words followed directly by a [section] (RFC 3501 fetch-att and msg-att, RFC 3516 BINARY).
bool takes_section(std::string_view word) {
    static constexpr std::array<std::string_view, 5> words{"BODY", "BODY.PEEK", "BINARY",
                                                           "BINARY.PEEK", "BINARY.SIZE"};
    for (auto w : words) {
        if (iequals(word, w)) return true;
    }
    return false;
}

sim::Said describe_octet(unsigned char c) {
    using sim::Phrase;
    if (c == 0) return sim::say(Phrase::OctetNul);
    if (c >= 0x80) return sim::say(Phrase::Octet8Bit, fmt::format("0x{:02X}", c));
    if (c < 0x20 || c == 0x7f) return sim::say(Phrase::OctetControl, fmt::format("0x{:02X}", c));
    return sim::verbatim(fmt::format("'{}'", static_cast<char>(c)));
}

class Lexer {
  public:
    Lexer(std::string_view bytes, std::size_t& pos, const Limits& limits)
        : m_bytes(bytes), m_pos(pos), m_limits(limits) {}

    // `closer` is 0 for the end of the line, ')' or ']'.
    std::optional<ParseError> sequence(std::vector<Node>& out, std::size_t depth, char closer,
                                       bool in_bracket, bool first_needs_space) {
        bool first = true;
        while (true) {
            if (m_pos >= m_bytes.size()) {
                if (closer == 0) return std::nullopt;
                return error(sim::Phrase::MissingCloserAtMessageEnd, std::string(1, closer));
            }
            char c = m_bytes[m_pos];
            if (c == '\r' || c == '\n') {
                if (closer == 0) return std::nullopt;
                return error(sim::Phrase::MissingCloserAtLineEnd, std::string(1, closer));
            }
            if (closer != 0 && c == closer) return std::nullopt;
            if (closer == 0 && in_bracket && c == ']') return std::nullopt;
            bool space = false;
            if (c == ' ') {
                space = true;
                ++m_pos;
                if (m_pos >= m_bytes.size()) return error(sim::Phrase::LineEndsWithSpace);
                char next = m_bytes[m_pos];
                if (next == ' ') return error(sim::Phrase::TwoSpaces);
                if (next == '\r' || next == '\n') return error(sim::Phrase::ExtraSpaceAtLineEnd);
                if (next == ')' || next == ']')
                    return error(sim::Phrase::ExtraSpaceBefore, std::string(1, next));
                if (first && !first_needs_space) return error(sim::Phrase::ExtraSpaceAfterOpening);
            } else if (c == '(' && !out.empty() && out.back().kind == Node::Kind::List && !first) {
                // body-type-mpart = 1*body SP media-subtype: the parts of a multipart
                // BODYSTRUCTURE follow each other without a space (RFC 3501 9).
            } else if (!first || first_needs_space) {
                return error(sim::Phrase::ExpectedSpaceBefore,
                             describe_octet(static_cast<unsigned char>(c)));
            }
            if (auto err = one(out, depth, in_bracket, space)) return err;
            first = false;
        }
    }

  private:
    std::optional<ParseError> error(sim::Said message) const {
        return parse_error(m_pos, std::move(message));
    }
    template <typename... Args>
    std::optional<ParseError> error(sim::Phrase phrase, Args&&... args) const {
        return error(sim::say(phrase, std::forward<Args>(args)...));
    }

    std::optional<ParseError> one(std::vector<Node>& out, std::size_t depth, bool in_bracket,
                                  bool space) {
        char c = m_bytes[m_pos];
        switch (c) {
            case '(':
                return list(out, depth, in_bracket, space);
            case '"':
                return quoted(out, space);
            case '{':
                return literal(out, space, false);
            case '~':
                if (m_pos + 1 < m_bytes.size() && m_bytes[m_pos + 1] == '{') {
                    ++m_pos;
                    return literal(out, space, true);
                }
                return atom(out, depth, in_bracket, space);
            case ')':
            case ']':
                return error(sim::Phrase::Unexpected,
                             describe_octet(static_cast<unsigned char>(c)));
            default:
                return atom(out, depth, in_bracket, space);
        }
    }

    std::optional<ParseError> list(std::vector<Node>& out, std::size_t depth, bool in_bracket,
                                   bool space) {
        return group(out, depth, Node::Kind::List, ')', in_bracket, space);
    }

    // A parenthesized list or a bracketed section: the opening octet is at
    // m_pos, the group ends at `close`.
    std::optional<ParseError> group(std::vector<Node>& out, std::size_t depth, Node::Kind kind,
                                    char close, bool in_bracket, bool space) {
        if (depth + 1 > m_limits.max_nesting) {
            return error(sim::Phrase::NestedTooDeep, m_limits.max_nesting);
        }
        Node node;
        node.kind = kind;
        node.space_before = space;
        node.offset = m_pos;
        ++m_pos;
        // Lists in responses mostly hold a handful of items (an address has
        // four): growing from one by doubling would move them three times.
        if (kind == Node::Kind::List) node.children.reserve(4);
        if (auto err = sequence(node.children, depth + 1, close, in_bracket, false)) return err;
        ++m_pos;
        out.push_back(std::move(node));
        return std::nullopt;
    }

    std::optional<ParseError> quoted(std::vector<Node>& out, bool space) {
        Node node;
        node.kind = Node::Kind::Quoted;
        node.space_before = space;
        node.offset = m_pos;
        ++m_pos;
        // The run up to the first octet that needs a look is taken whole:
        // most quoted strings have no escape at all.
        const std::size_t run_begin = m_pos;
        while (m_pos < m_bytes.size()) {
            const char c = m_bytes[m_pos];
            if (c == '"' || c == '\\' || c == '\r' || c == '\n' || c == '\0') break;
            ++m_pos;
        }
        node.value.assign(m_bytes.substr(run_begin, m_pos - run_begin));
        while (true) {
            if (m_pos >= m_bytes.size()) return error(sim::Phrase::QuotedNotClosed);
            char c = m_bytes[m_pos];
            if (c == '"') break;
            if (c == '\r' || c == '\n') return error(sim::Phrase::QuotedNotClosedAtLineEnd);
            if (c == '\0') return error(sim::Phrase::QuotedNul);
            if (c == '\\') {
                ++m_pos;
                if (m_pos >= m_bytes.size() || (m_bytes[m_pos] != '\\' && m_bytes[m_pos] != '"')) {
                    return error(sim::Phrase::QuotedBadEscape);
                }
                c = m_bytes[m_pos];
            }
            node.value.push_back(c);
            ++m_pos;
        }
        ++m_pos;
        out.push_back(std::move(node));
        return std::nullopt;
    }

    // `binary`: literal8, its '~' already read.
    std::optional<ParseError> literal(std::vector<Node>& out, bool space, bool binary) {
        Node node;
        node.kind = Node::Kind::Literal;
        node.binary = binary;
        node.space_before = space;
        node.offset = binary ? m_pos - 1 : m_pos;
        ++m_pos;
        std::uint64_t size = 0;
        std::size_t digits = 0;
        while (m_pos < m_bytes.size() && is_digit(m_bytes[m_pos])) {
            std::uint64_t d = static_cast<std::uint64_t>(m_bytes[m_pos] - '0');
            if (size > (UINT64_MAX - d) / 10) return error(sim::Phrase::LiteralSizeTooBig);
            size = size * 10 + d;
            ++digits;
            ++m_pos;
        }
        if (digits == 0) return error(sim::Phrase::LiteralNoSize);
        const std::size_t significant = fmt::formatted_size("{}", size);
        if (digits - significant > 255) return error(sim::Phrase::LiteralLeadingZeros);
        node.size_leading_zeros = static_cast<std::uint8_t>(digits - significant);
        if (m_pos < m_bytes.size() && m_bytes[m_pos] == '+') {
            node.synchronizing = false;
            ++m_pos;
        }
        if (m_pos >= m_bytes.size() || m_bytes[m_pos] != '}')
            return error(sim::Phrase::LiteralNoClose);
        ++m_pos;
        if (m_pos < m_bytes.size() && m_bytes[m_pos] == '\r') ++m_pos;
        if (m_pos >= m_bytes.size() || m_bytes[m_pos] != '\n')
            return error(sim::Phrase::LiteralNotAtLineEnd);
        ++m_pos;
        if (size > m_limits.max_literal_size) {
            return error(sim::Phrase::LiteralOverLimit, size, m_limits.max_literal_size);
        }
        if (size > m_bytes.size() - m_pos) return error(sim::Phrase::LiteralBeyondMessage, size);
        std::string_view data = m_bytes.substr(m_pos, static_cast<std::size_t>(size));
        const void* nul = binary ? nullptr : std::memchr(data.data(), 0, data.size());
        if (nul) {
            m_pos += static_cast<std::size_t>(static_cast<const char*>(nul) - data.data());
            return error(sim::Phrase::LiteralNul);
        }
        node.value.assign(data);
        m_pos += data.size();
        out.push_back(std::move(node));
        return std::nullopt;
    }

    std::optional<ParseError> atom(std::vector<Node>& out, std::size_t depth, bool in_bracket,
                                   bool space) {
        std::size_t begin = m_pos;
        while (m_pos < m_bytes.size()) {
            unsigned char c = static_cast<unsigned char>(m_bytes[m_pos]);
            if (c <= 0x20 || c >= 0x7f || c == '(' || c == ')' || c == '{' || c == '"') break;
            if (c == ']' && in_bracket) break;
            if (c == '[' && m_pos > begin && takes_section(m_bytes.substr(begin, m_pos - begin)))
                break;
            ++m_pos;
        }
        if (m_pos == begin) {
            return error(sim::Phrase::Unexpected,
                         describe_octet(static_cast<unsigned char>(m_bytes[m_pos])));
        }
        Node node;
        node.space_before = space;
        node.offset = begin;
        node.value.assign(m_bytes.substr(begin, m_pos - begin));
        if (iequals(node.value, "NIL")) {
            node.kind = Node::Kind::Nil;
        } else if (node.value.find_first_not_of("0123456789") == std::string::npos) {
            node.kind = Node::Kind::Number;
        }
        out.push_back(std::move(node));
        if (m_pos < m_bytes.size() && m_bytes[m_pos] == '[') return section(out, depth);
        if (m_pos < m_bytes.size()) {
            unsigned char c = static_cast<unsigned char>(m_bytes[m_pos]);
            if (c == 0 || c >= 0x80 || (c < 0x20 && c != '\r' && c != '\n') || c == 0x7f) {
                return error(sim::Phrase::Unexpected, describe_octet(c));
            }
        }
        return std::nullopt;
    }

    std::optional<ParseError> section(std::vector<Node>& out, std::size_t depth) {
        if (auto err = group(out, depth, Node::Kind::Section, ']', true, false)) return err;
        if (m_pos < m_bytes.size() && m_bytes[m_pos] == '<') return partial(out);
        return std::nullopt;
    }

    std::optional<ParseError> partial(std::vector<Node>& out) {
        Node node;
        node.kind = Node::Kind::Partial;
        node.space_before = false;
        node.offset = m_pos;
        ++m_pos;
        std::size_t begin = m_pos;
        while (m_pos < m_bytes.size() && (is_digit(m_bytes[m_pos]) || m_bytes[m_pos] == '.'))
            ++m_pos;
        if (m_pos >= m_bytes.size() || m_bytes[m_pos] != '>')
            return error(sim::Phrase::PartialNotClosed);
        node.value.assign(m_bytes.substr(begin, m_pos - begin));
        ++m_pos;
        out.push_back(std::move(node));
        return std::nullopt;
    }

    std::string_view m_bytes;
    std::size_t& m_pos;
    const Limits& m_limits;
};

}  // namespace

void write_quoted(std::string& out, std::string_view text) {
    out.push_back('"');
    for (char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
}

bool quotable(std::string_view value) {
    if (value.size() > 1024) return false;
    for (char c : value) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u == 0 || u == '\r' || u == '\n' || u >= 0x80) return false;
    }
    return true;
}

bool Node::is_atom(std::string_view word) const {
    return (kind == Kind::Atom || kind == Kind::Number || kind == Kind::Nil) &&
           iequals(value, word);
}

bool Node::is_string() const {
    return kind == Kind::Atom || kind == Kind::Number || kind == Kind::Quoted ||
           (kind == Kind::Literal && !binary) || kind == Kind::Nil;
}

std::optional<std::uint64_t> Node::as_number64() const {
    if (kind != Kind::Number || value.empty() || value.size() > 20) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : value) {
        std::uint64_t d = static_cast<std::uint64_t>(c - '0');
        if (n > (UINT64_MAX - d) / 10) return std::nullopt;
        n = n * 10 + d;
    }
    return n;
}

std::optional<std::uint32_t> Node::as_number() const {
    auto n = as_number64();
    if (!n || *n > UINT32_MAX) return std::nullopt;
    return static_cast<std::uint32_t>(*n);
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (upper_ascii(a[i]) != upper_ascii(b[i])) return false;
    }
    return true;
}

std::string to_upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = upper_ascii(c);
    return out;
}

bool is_atom_char(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
    switch (c) {
        case '(':
        case ')':
        case '{':
        case '%':
        case '*':
        case '"':
        case '\\':
        case ']':
            return false;
        default:
            return true;
    }
}

bool is_astring_char(char c) {
    return c == ']' || is_atom_char(c);
}

bool is_atom_text(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text) {
        if (!is_atom_char(c)) return false;
    }
    return true;
}

bool is_astring_atom(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text) {
        if (!is_astring_char(c)) return false;
    }
    return true;
}

namespace {

Node make_node(Node::Kind kind, std::string value, bool space_before = true) {
    Node node;
    node.kind = kind;
    node.space_before = space_before;
    node.value = std::move(value);
    return node;
}

Node make_group(Node::Kind kind, std::vector<Node> children) {
    Node node;
    node.kind = kind;
    for (std::size_t i = 0; i < children.size(); ++i)
        children[i].space_before = i != 0;
    node.children = std::move(children);
    return node;
}

}  // namespace

Node make_atom(std::string text) {
    auto kind = Node::Kind::Atom;
    if (iequals(text, "NIL")) {
        kind = Node::Kind::Nil;
    } else if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
        kind = Node::Kind::Number;
    }
    return make_node(kind, std::move(text));
}

Node make_number(std::uint64_t number) {
    return make_node(Node::Kind::Number, fmt::format("{}", number));
}

Node make_quoted(std::string text) {
    return make_node(Node::Kind::Quoted, std::move(text));
}

Node make_literal(std::string data, bool synchronizing) {
    Node node = make_node(Node::Kind::Literal, std::move(data));
    node.synchronizing = synchronizing;
    return node;
}

Node make_literal8(std::string data, bool synchronizing) {
    Node node = make_literal(std::move(data), synchronizing);
    node.binary = true;
    return node;
}

Node make_nil() {
    return make_node(Node::Kind::Nil, "NIL");
}

Node make_list(std::vector<Node> children) {
    return make_group(Node::Kind::List, std::move(children));
}

Node make_section(std::vector<Node> children) {
    Node node = make_group(Node::Kind::Section, std::move(children));
    node.space_before = false;
    return node;
}

Node make_partial(std::string text) {
    return make_node(Node::Kind::Partial, std::move(text), false);
}

Node make_text(std::string text) {
    return make_node(Node::Kind::Text, std::move(text));
}

Node make_astring(std::string_view value, bool non_sync) {
    if (is_astring_atom(value) && !iequals(value, "NIL")) return make_atom(std::string(value));
    return make_string(value, non_sync);
}

Node make_string(std::string_view value, bool non_sync) {
    if (quotable(value)) return make_quoted(std::string(value));
    return make_literal(std::string(value), !non_sync);
}

Node make_nstring(const std::optional<std::string>& value) {
    return value ? make_string(*value) : make_nil();
}

void write_node(std::string& out, const Node& node) {
    if (node.space_before) out.push_back(' ');
    switch (node.kind) {
        case Node::Kind::Atom:
        case Node::Kind::Number:
        case Node::Kind::Nil:
        case Node::Kind::Text:
            out += node.value;
            break;
        case Node::Kind::Quoted:
            write_quoted(out, node.value);
            break;
        case Node::Kind::Literal:
            if (node.binary) out += '~';
            out += '{';
            out.append(node.size_leading_zeros, '0');
            out += fmt::format("{}{}}}\r\n", node.value.size(), node.synchronizing ? "" : "+");
            out += node.value;
            break;
        case Node::Kind::List:
            out.push_back('(');
            write_nodes(out, node.children);
            out.push_back(')');
            break;
        case Node::Kind::Section:
            out.push_back('[');
            write_nodes(out, node.children);
            out.push_back(']');
            break;
        case Node::Kind::Partial:
            out.push_back('<');
            out += node.value;
            out.push_back('>');
            break;
    }
}

void write_nodes(std::string& out, const std::vector<Node>& nodes) {
    for (const Node& node : nodes)
        write_node(out, node);
}

std::string to_wire(const std::vector<Node>& nodes) {
    std::string out;
    write_nodes(out, nodes);
    return out;
}

std::optional<ParseError> lex_nodes(std::string_view bytes, std::size_t& pos,
                                    std::vector<Node>& out, const Limits& limits,
                                    bool stop_at_bracket) {
    Lexer lexer(bytes, pos, limits);
    return lexer.sequence(out, 0, 0, stop_at_bracket, true);
}

std::optional<ParseError> expect_line_end(std::string_view bytes, std::size_t pos) {
    if (pos < bytes.size() && bytes[pos] == '\r') {
        if (pos + 1 < bytes.size() && bytes[pos + 1] == '\n') {
            if (pos + 2 == bytes.size()) return std::nullopt;
            return parse_error(pos + 2, sim::say(sim::Phrase::DataAfterLineEnd));
        }
        return parse_error(pos, sim::say(sim::Phrase::CrWithoutLf));
    }
    if (pos < bytes.size() && bytes[pos] == '\n') {
        if (pos + 1 == bytes.size()) return std::nullopt;
        return parse_error(pos + 1, sim::say(sim::Phrase::DataAfterLineEnd));
    }
    if (pos >= bytes.size()) return parse_error(pos, sim::say(sim::Phrase::NoCrlf));
    return parse_error(pos, sim::say(sim::Phrase::Unexpected,
                                     describe_octet(static_cast<unsigned char>(bytes[pos]))));
}

namespace {

// The size of the literal8 a line announces at its end ("~{12}\r\n").
std::optional<std::uint64_t> literal8_announced(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    if (line.empty() || line.back() != '}') return std::nullopt;
    line.remove_suffix(1);
    if (!line.empty() && line.back() == '+') line.remove_suffix(1);
    const std::size_t open = line.rfind("~{");
    if (open == std::string_view::npos) return std::nullopt;
    const std::string_view digits = line.substr(open + 2);
    if (digits.empty() || digits.size() > 19 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    std::uint64_t size = 0;
    for (char c : digits)
        size = size * 10 + static_cast<std::uint64_t>(c - '0');
    return size;
}

}  // namespace

std::optional<ParseError> find_nul(std::string_view bytes) {
    // Every command and response comes through here: without a NUL, one
    // memchr decides; only with one are the lines and their literal8s read.
    if (std::memchr(bytes.data(), 0, bytes.size()) == nullptr) return std::nullopt;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        const std::size_t lf = bytes.find('\n', pos);
        const std::size_t line_end = lf == std::string_view::npos ? bytes.size() : lf + 1;
        const std::string_view line = bytes.substr(pos, line_end - pos);
        if (const void* nul = std::memchr(line.data(), 0, line.size())) {
            auto offset = static_cast<std::size_t>(static_cast<const char*>(nul) - bytes.data());
            return parse_error(offset, sim::say(sim::Phrase::NulAtOffset, offset));
        }
        pos = line_end;
        if (const auto binary = literal8_announced(line))
            pos += static_cast<std::size_t>(std::min<std::uint64_t>(*binary, bytes.size() - pos));
    }
    return std::nullopt;
}

namespace {

void collect_8bit_quoted(const std::vector<Node>& nodes, std::vector<const Node*>& out) {
    for (const auto& node : nodes) {
        if (node.kind == Node::Kind::Quoted &&
            std::any_of(node.value.begin(), node.value.end(),
                        [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
            out.push_back(&node);
        }
        collect_8bit_quoted(node.children, out);
    }
}

}  // namespace

std::vector<const Node*> quoted_with_8bit(const std::vector<Node>& nodes) {
    std::vector<const Node*> out;
    collect_8bit_quoted(nodes, out);
    return out;
}

ParseError parse_error(std::size_t offset, sim::Said said) {
    ParseError error;
    error.offset = offset;
    error.message = sim::render(said, sim::Language::En);
    error.said = std::move(said);
    return error;
}

}  // namespace mailscope::imap
