// Matching the responses a step produced against what the lesson expects.
//
// A pattern is matched against one response without its final CRLF:
//   exact text            "* 3 EXISTS"
//   glob                  "* FLAGS (*)": `*` stands for any run of octets,
//                         except the untagged marker "* " at the very start
//                         and the IMAP flag "\*", which are literal
//   regular expression    "re:\* (\d+) EXISTS" (ECMAScript, whole response)
// $name is replaced by the value a previous step captured (escaped inside
// regular expressions).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "lessons/lesson.hpp"

namespace mailscope::lessons {

using Variables = std::map<std::string, std::string, std::less<>>;

// A $variable's name: a letter or "_", then letters, digits and "_".
bool is_variable_name_start(char c);
bool is_variable_name_char(char c);

// Longest response text a pattern looks at, to bound the regex engine's work.
inline constexpr std::size_t kMaxMatchedText = 64 * 1024;

// A sentence saying why `regex` cannot compile ($variables are stood in for).
std::optional<std::string> check_regex(std::string_view regex);

// Replaces each $name found in `variables`; other text is left as written.
std::string substitute(std::string_view text, const Variables& variables,
                       bool escape_for_regex = false);

bool glob_matches(std::string_view glob, std::string_view text);

// Does `text` match `pattern` after substitution? Globs also match exactly.
bool pattern_matches(const Pattern& pattern, std::string_view text, const Variables& variables);

// The first group of the first match of `pattern` (Regex) in `text`, or the
// whole match when the expression has no group.
std::optional<std::string> capture_from(const Pattern& pattern, std::string_view text,
                                        const Variables& variables);

}  // namespace mailscope::lessons
