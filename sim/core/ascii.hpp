// ASCII classes and case folding, as every mail protocol's keywords, verbs,
// header names and charset names need (RFC 3501 9: "case-insensitive" means
// ASCII). Octets outside the class are left as they are, whatever the locale,
// which <cctype> does not promise.
#pragma once

#include <string>
#include <string_view>

namespace mailscope::ascii {

constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// WSP of RFC 5234: space and horizontal tab.
constexpr bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

// WSP and the line end's CR and LF.
constexpr bool is_space(char c) {
    return is_blank(c) || c == '\r' || c == '\n';
}

constexpr std::string_view trim_blanks(std::string_view text) {
    while (!text.empty() && is_blank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_blank(text.back()))
        text.remove_suffix(1);
    return text;
}

constexpr std::string_view trim_spaces(std::string_view text) {
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

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
