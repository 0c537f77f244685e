#include "sim/mime/address.hpp"
#include "sim/core/ascii.hpp"

#include <cstddef>

namespace mailscope::mime {

namespace {

enum class TokenKind { Atom, Quoted, DomainLiteral, Comment, Special };

struct Token {
    TokenKind kind = TokenKind::Atom;
    std::string_view raw;  // as written, delimiters included
    char special = 0;
};

using ascii::is_space;

bool is_special(char c) {
    return c == '<' || c == '>' || c == '@' || c == ',' || c == ';' || c == ':' || c == '.' ||
           c == ')' || c == ']' || c == '\\';
}

// Offset just past the delimited run that opens at `pos`. Comments nest
// (RFC 5322 3.2.2); the depth is only counted.
std::size_t skip_delimited(std::string_view text, std::size_t pos, char open, char close) {
    std::size_t depth = 1;
    std::size_t i = pos + 1;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '\\') {
            i += 2;
            continue;
        }
        ++i;
        if (c == close && --depth == 0) return i;
        if (c == open && open != close) ++depth;
    }
    return text.size();
}

// The content of a quoted string or comment: delimiters dropped, quoted pairs
// unescaped. Nested comment parentheses are kept.
std::string unescape(const Token& token) {
    std::string_view inner = token.raw.substr(1);
    const char close = token.kind == TokenKind::Quoted ? '"' : ')';
    if (!inner.empty() && inner.back() == close) inner.remove_suffix(1);
    std::string out;
    out.reserve(inner.size());
    for (std::size_t i = 0; i < inner.size(); ++i) {
        if (inner[i] == '\\' && i + 1 < inner.size()) ++i;
        out.push_back(inner[i]);
    }
    return out;
}

std::vector<Token> tokenize(std::string_view text) {
    std::vector<Token> tokens;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char c = text[pos];
        if (is_space(c)) {
            ++pos;
            continue;
        }
        Token token;
        std::size_t end = pos + 1;
        if (c == '"') {
            token.kind = TokenKind::Quoted;
            end = skip_delimited(text, pos, '"', '"');
        } else if (c == '(') {
            token.kind = TokenKind::Comment;
            end = skip_delimited(text, pos, '(', ')');
        } else if (c == '[') {
            token.kind = TokenKind::DomainLiteral;
            end = skip_delimited(text, pos, '[', ']');
        } else if (is_special(c)) {
            token.kind = TokenKind::Special;
            token.special = c;
        } else {
            while (end < text.size() && !is_space(text[end]) && !is_special(text[end]) &&
                   text[end] != '"' && text[end] != '(' && text[end] != '[') {
                ++end;
            }
        }
        token.raw = text.substr(pos, end - pos);
        tokens.push_back(token);
        pos = end;
    }
    return tokens;
}

class AddressParser {
  public:
    explicit AddressParser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

    std::vector<AddressData> parse() {
        while (m_pos < m_tokens.size() && m_out.size() < max_addresses) {
            if (is(',')) {
                ++m_pos;
                continue;
            }
            parse_one(false);
        }
        return std::move(m_out);
    }

  private:
    bool is(char special) const {
        return m_pos < m_tokens.size() && m_tokens[m_pos].kind == TokenKind::Special &&
               m_tokens[m_pos].special == special;
    }

    bool is_word(std::size_t i) const {
        return m_tokens[i].kind == TokenKind::Atom || m_tokens[i].kind == TokenKind::Quoted;
    }

    // Display phrase: words joined by one space, quoted strings unquoted.
    struct Phrase {
        std::string display;
        std::string local;  // the same tokens as a local part: raw, no spaces
        std::optional<std::string> comment;
    };

    Phrase read_phrase() {
        Phrase phrase;
        while (m_pos < m_tokens.size()) {
            const Token& token = m_tokens[m_pos];
            if (token.kind == TokenKind::Comment) {
                if (!phrase.comment) phrase.comment = unescape(token);
            } else if (is_word(m_pos)) {
                if (!phrase.display.empty()) phrase.display.push_back(' ');
                if (token.kind == TokenKind::Quoted) {
                    phrase.display.append(unescape(token));
                } else {
                    phrase.display.append(token.raw);
                }
                phrase.local.append(token.raw);
            } else if (is('.')) {
                phrase.display.push_back('.');
                phrase.local.push_back('.');
            } else {
                break;
            }
            ++m_pos;
        }
        return phrase;
    }

    // Domain: atoms, dots and domain literals, as written.
    std::string read_domain(std::optional<std::string>& comment) {
        std::string domain;
        while (m_pos < m_tokens.size()) {
            const Token& token = m_tokens[m_pos];
            if (token.kind == TokenKind::Comment) {
                if (!comment) comment = unescape(token);
            } else if (token.kind == TokenKind::Atom || token.kind == TokenKind::DomainLiteral ||
                       is('.')) {
                domain.append(token.raw);
            } else {
                break;
            }
            ++m_pos;
        }
        return domain;
    }

    void skip_comments(std::optional<std::string>& comment) {
        while (m_pos < m_tokens.size() && m_tokens[m_pos].kind == TokenKind::Comment) {
            if (!comment) comment = unescape(m_tokens[m_pos]);
            ++m_pos;
        }
    }

    void parse_one(bool in_group) {
        const std::size_t start = m_pos;
        Phrase phrase = read_phrase();
        if (is(':') && !in_group) {
            ++m_pos;
            m_out.push_back({std::nullopt, std::nullopt, phrase.display, std::nullopt});
            while (m_pos < m_tokens.size() && !is(';') && m_out.size() < max_addresses) {
                if (is(',')) {
                    ++m_pos;
                    continue;
                }
                parse_one(true);
            }
            if (is(';')) ++m_pos;
            m_out.push_back({});
            return;
        }
        if (is('<')) {
            ++m_pos;
            parse_angle_addr(phrase);
            return;
        }
        if (is('@') && !phrase.local.empty()) {
            ++m_pos;
            std::optional<std::string> comment = phrase.comment;
            AddressData address;
            address.mailbox = phrase.local;
            address.host = read_domain(comment);
            skip_comments(comment);
            address.name = comment;
            m_out.push_back(std::move(address));
            return;
        }
        if (!phrase.local.empty()) {
            // A bare word such as "undisclosed-recipients": a mailbox without a domain.
            AddressData address;
            address.mailbox = phrase.local;
            address.host = std::string();
            address.name = phrase.comment;
            m_out.push_back(std::move(address));
            return;
        }
        // Something that starts no address: skip it, keeping "," and a group's ";".
        if (m_pos == start && m_pos < m_tokens.size() && !(in_group && is(';')) && !is(',')) {
            ++m_pos;
        }
    }

    void parse_angle_addr(const Phrase& phrase) {
        AddressData address;
        if (!phrase.display.empty()) address.name = phrase.display;
        std::optional<std::string> comment = phrase.comment;
        skip_comments(comment);
        // Obsolete route (RFC 5322 4.4): "@a,@b:" before the addr-spec.
        if (is('@')) {
            std::string route;
            while (m_pos < m_tokens.size() && !is(':') && !is('>')) {
                route.append(m_tokens[m_pos].raw);
                ++m_pos;
            }
            if (is(':')) {
                ++m_pos;
                address.adl = route;
            }
        }
        // Comments inside the brackets annotate the parts of the address;
        // they are not the display name of an angle-addr (RFC 5322 3.4).
        const Phrase local = read_phrase();
        address.mailbox = local.local;
        std::optional<std::string> inner_comment;
        if (is('@')) {
            ++m_pos;
            address.host = read_domain(inner_comment);
        } else {
            address.host = std::string();
        }
        while (m_pos < m_tokens.size() && !is('>') && !is(',') && !is(';'))
            ++m_pos;
        if (is('>')) ++m_pos;
        skip_comments(comment);
        if (!address.name) address.name = comment;
        // "<>" (an empty return path) carries no address at all.
        if (address.mailbox->empty() && address.host->empty() && !address.name) return;
        m_out.push_back(std::move(address));
    }

    std::vector<Token> m_tokens;
    std::size_t m_pos = 0;
    std::vector<AddressData> m_out;
};

}  // namespace

std::vector<AddressData> parse_address_list(std::string_view value) {
    return AddressParser(tokenize(value)).parse();
}

}  // namespace mailscope::mime
