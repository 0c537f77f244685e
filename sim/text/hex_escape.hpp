// The two hex digits after an escape character: "=XX" in quoted-printable
// (RFC 2045 6.7) and in the Q encoding of encoded words (RFC 2047 4.2),
// "%XX" in extended parameter values (RFC 2231 4).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace mailscope::text {

// The value of a hex digit, either case; -1 for any other octet.
constexpr int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// The octet that text[at + 1] and text[at + 2] spell, or nothing when they
// are not two hex digits.
constexpr std::optional<char> escaped_octet(std::string_view text, std::size_t at) {
    if (at + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[at + 1]);
    const int low = hex_value(text[at + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    return static_cast<char>(high * 16 + low);
}

}  // namespace mailscope::text
