// Case folding of ASCII letters only, as every mail protocol's keywords,
// verbs, header names and charset names need (RFC 3501 9: "case-insensitive"
// means ASCII). Octets outside A-Z and a-z are left as they are, whatever
// the locale.
#pragma once

#include <string>
#include <string_view>

namespace mailscope::ascii {

constexpr char to_upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr char to_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = to_upper(c);
    return out;
}

inline std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = to_lower(c);
    return out;
}

constexpr bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_upper(a[i]) != to_upper(b[i])) return false;
    }
    return true;
}

constexpr bool istarts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

}  // namespace mailscope::ascii
