// SMTP replies (RFC 5321 4.2): three digits, "-" on every line of a
// multi-line reply but the last, and the enhanced status codes of RFC 2034 /
// RFC 3463 ("2.1.0") at the start of the text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/catalogue.hpp"

namespace mailscope::smtp {

struct Reply {
    int code = 0;
    std::string enhanced;  // "2.1.0", or empty
    // Each line's text without the code, the separator and the enhanced code.
    std::vector<std::string> lines;

    std::string first_line() const { return lines.empty() ? std::string() : lines.front(); }
    bool positive() const { return code >= 200 && code < 400; }
};

// A reply of one line, or of several when `text` holds "\n".
Reply make_reply(int code, std::string_view enhanced, std::string_view text);
// Every line prefixed with the code and, when set, the enhanced code; a reply
// without lines is the code alone ("250"), an empty line keeps its space ("334 ").
std::string serialize(const Reply& reply);

struct ReplyLine {
    int code = 0;
    bool last = true;  // "ddd " or "ddd" alone; false for "ddd-"
    std::string text;
};
// One line without its CRLF; nothing when it is not "ddd", "ddd text" or "ddd-text".
std::optional<ReplyLine> parse_reply_line(std::string_view line);

// RFC 5321 4.2: the first digit is 2 to 5, the second 0 to 5.
bool code_in_range(int code);
// "2.1.0" at the start of `text` (RFC 3463 2), when its class matches the reply's.
std::optional<std::string> leading_enhanced_code(std::string_view text, int code);
std::string_view reply_section(int code);
// A few words on what a code means (RFC 5321 4.2.2, 4.2.3).
sim::Phrase reply_meaning_phrase(int code);

}  // namespace mailscope::smtp
