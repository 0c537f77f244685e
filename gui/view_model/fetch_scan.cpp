#include "gui/view_model/fetch_scan.hpp"
#include "sim/core/ascii.hpp"

#include <cctype>
#include <limits>

namespace mailscope::gui {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

class Scanner {
  public:
    explicit Scanner(std::string_view text) : m_text(text) {}

    bool done() const { return m_pos >= m_text.size(); }
    char peek() const { return done() ? '\0' : m_text[m_pos]; }
    void skip_spaces() {
        while (!done() && (peek() == ' ' || peek() == '\r' || peek() == '\n'))
            ++m_pos;
    }
    bool eat(char c) {
        if (peek() != c) return false;
        ++m_pos;
        return true;
    }

    // An attribute name; a section such as BODY[HEADER.FIELDS (SUBJECT)] counts
    // as part of it, because it may contain spaces.
    std::string_view attribute() {
        const std::size_t start = m_pos;
        while (!done() && peek() != ' ' && peek() != '(' && peek() != ')') {
            if (peek() == '[') {
                while (!done() && peek() != ']')
                    ++m_pos;
            }
            if (!done()) ++m_pos;
        }
        return m_text.substr(start, m_pos - start);
    }

    std::optional<std::uint64_t> number() {
        std::uint64_t value = 0;
        std::size_t digits = 0;
        while (is_digit(peek())) {
            if (digits < 19) value = value * 10 + static_cast<std::uint64_t>(peek() - '0');
            ++digits;
            ++m_pos;
        }
        if (digits == 0 || digits >= 19) return std::nullopt;
        return value;
    }

    // nstring (RFC 3501 9): NIL gives nullopt; a literal's octets are taken
    // when the line carries them.
    std::optional<std::string> nstring() {
        if (peek() == '"') return quoted();
        if (peek() == '{') return literal();
        skip_value();
        return std::nullopt;
    }

    // Skips one value of any shape without recursion, so nesting depth costs nothing.
    void skip_value() {
        int depth = 0;
        do {
            skip_spaces();
            if (done()) return;
            const char c = peek();
            if (c == '(') {
                ++depth;
                ++m_pos;
            } else if (c == ')') {
                // A ')' at depth 0 closes the caller's list: leave it for the caller.
                if (depth == 0) return;
                --depth;
                ++m_pos;
            } else if (c == '"') {
                quoted();
            } else if (c == '{') {
                literal();
            } else {
                attribute();
            }
        } while (depth > 0 && !done());
    }

    std::vector<std::string> flag_list() {
        std::vector<std::string> flags;
        if (!eat('(')) {
            skip_value();
            return flags;
        }
        while (true) {
            skip_spaces();
            if (done() || eat(')')) break;
            const std::string_view flag = attribute();
            if (flag.empty()) {
                skip_value();
                continue;
            }
            flags.emplace_back(flag);
        }
        return flags;
    }

  private:
    std::string quoted() {
        std::string value;
        ++m_pos;
        while (!done() && peek() != '"') {
            if (peek() == '\\' && m_pos + 1 < m_text.size()) ++m_pos;
            value.push_back(peek());
            ++m_pos;
        }
        eat('"');
        return value;
    }

    std::string literal() {
        ++m_pos;
        const auto size = number();
        eat('+');
        eat('}');
        eat('\r');
        eat('\n');
        if (!size) return {};
        const std::size_t take = std::min<std::uint64_t>(*size, m_text.size() - m_pos);
        std::string value(m_text.substr(m_pos, take));
        m_pos += take;
        return value;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

}  // namespace

std::optional<std::uint32_t> untagged_number(std::string_view line) {
    if (line.size() < 3 || line[0] != '*' || line[1] != ' ') return std::nullopt;
    Scanner scanner(line.substr(2));
    const auto value = scanner.number();
    if (!value || *value > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
    return static_cast<std::uint32_t>(*value);
}

FetchFacts scan_fetch(std::string_view line) {
    FetchFacts facts;
    const std::size_t open = line.find('(');
    if (open == std::string_view::npos) return facts;
    Scanner scanner(line.substr(open + 1));
    while (true) {
        scanner.skip_spaces();
        if (scanner.done() || scanner.eat(')')) break;
        const std::string_view name = scanner.attribute();
        scanner.skip_spaces();
        if (name.empty()) {
            scanner.skip_value();
        } else if (ascii::iequals(name, "UID")) {
            const auto uid = scanner.number();
            if (uid && *uid <= std::numeric_limits<std::uint32_t>::max()) {
                facts.uid = static_cast<std::uint32_t>(*uid);
            }
        } else if (ascii::iequals(name, "RFC822.SIZE")) {
            facts.size = scanner.number();
        } else if (ascii::iequals(name, "FLAGS")) {
            facts.flags = scanner.flag_list();
        } else if (ascii::iequals(name, "ENVELOPE") && scanner.eat('(')) {
            // envelope = "(" env-date SP env-subject SP ... ")"  (RFC 3501 9)
            scanner.skip_spaces();
            scanner.skip_value();
            scanner.skip_spaces();
            facts.subject = scanner.nstring();
            while (true) {
                scanner.skip_spaces();
                if (scanner.done() || scanner.eat(')')) break;
                scanner.skip_value();
            }
        } else {
            scanner.skip_value();
        }
    }
    return facts;
}

}  // namespace mailscope::gui
