// Character set conversion for the charsets a Russian-speaking learner meets in
// real mail: UTF-8, US-ASCII, ISO-8859-1 and the Cyrillic single-byte code
// pages (windows-1251, KOI8-R, KOI8-U, ISO-8859-5, CP866).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mailscope::text {

// The canonical (IANA preferred, lower case) name of a supported charset, or
// nullopt. Matching ignores case and knows the usual aliases ("cp1251",
// "latin1", "ibm866", "utf8"...).
std::optional<std::string_view> canonical_charset(std::string_view name);

// Converts `bytes` in `charset` to UTF-8. Bytes that have no meaning in that
// charset (invalid UTF-8, 8-bit octets in US-ASCII, the hole at 0x98 in
// windows-1251) become U+FFFD. Only an unknown charset gives nullopt.
std::optional<std::string> to_utf8(std::string_view bytes, std::string_view charset);

// Converts UTF-8 text to `charset`. Gives nullopt, and a sentence in `error`,
// when the charset is unknown, the input is not UTF-8 or a character has no
// code in that charset.
std::optional<std::string> from_utf8(std::string_view utf8, std::string_view charset,
                                     std::string* error = nullptr);

}  // namespace mailscope::text
