// Functions a lesson may write in the text it sends, evaluated after the
// $variables inside them are replaced:
//   $md5(a, b, ...)    lower-case hex MD5 of the arguments written one after
//                      another: APOP's digest is $md5($stamp, secret)
//                      (RFC 1939 7: the greeting's timestamp, then the secret)
//   $repeat(text, n)   `text` n times, for lines longer than a limit
// Arguments are separated by commas and trimmed of surrounding spaces; they
// cannot contain "," or ")". Any other $word( is plain text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lessons/pattern.hpp"
#include "sim/core/catalogue.hpp"

namespace mailscope::lessons {

// Longest text $repeat may produce (a 1 MB line is a lesson's worst case).
inline constexpr std::size_t kMaxRepeatedText = 2 * 1024 * 1024;

// A sentence saying why a $function call in `text` cannot be evaluated
// (no closing parenthesis, wrong number of arguments, a count that is not a
// number or too large).
std::optional<sim::Said> check_functions(std::string_view text);

// `text` with its $variables replaced and its $functions evaluated.
std::string expand(std::string_view text, const Variables& variables);

}  // namespace mailscope::lessons
