// Test support: is a text Russian, and does a phrase take the same arguments
// in both languages? Asked alike by the catalogue's tests, the engines'
// phrase tests and the lesson-language test.
#pragma once

#include <cctype>
#include <set>
#include <string>
#include <string_view>

namespace mailscope::test {

// A letter of U+0400..U+04FF: 0xD0..0xD3 and a continuation octet in UTF-8.
inline bool has_cyrillic(std::string_view text) {
    for (const char c : text) {
        const auto octet = static_cast<unsigned char>(c);
        if (octet >= 0xD0 && octet <= 0xD3) return true;
    }
    return false;
}

// A word of English prose: Latin letters only (IMAP4rev1 is a name), three
// or more, lower case after the first (keywords are upper case).
inline bool has_english_word(std::string_view text) {
    std::size_t begin = 0;
    while (begin < text.size()) {
        std::size_t end = begin;
        while (end < text.size() && std::isalnum(static_cast<unsigned char>(text[end])) != 0)
            ++end;
        const auto word = text.substr(begin, end - begin);
        bool prose = word.size() >= 3;
        for (std::size_t i = 0; prose && i < word.size(); ++i) {
            const char c = word[i];
            prose =
                i == 0 ? std::isalpha(static_cast<unsigned char>(c)) != 0 : (c >= 'a' && c <= 'z');
        }
        if (prose) return true;
        begin = end + 1;
    }
    return false;
}

// A word only an English sentence has, if `text` holds one (wire words and
// names do not: they are upper case or stand alone).
inline std::string english_sentence_word(std::string_view text) {
    const std::string padded = " " + std::string(text) + " ";
    for (const char* word : {" the ", " The ", " is ", " are ", " was ", " not ", " of ", " to ",
                             " a ", " an ", " and ", " from ", " with ", " sent ", " before "}) {
        if (padded.find(word) != std::string::npos) return word;
    }
    return {};
}

// The argument numbers a format string names ({0}, {1}...); -1 stands for an
// automatic "{}". "{{" is a brace, not an argument.
inline std::set<int> argument_numbers(std::string_view format) {
    std::set<int> found;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] == '{' && i + 1 < format.size() && format[i + 1] == '{') {
            ++i;
            continue;
        }
        if (format[i] != '{') continue;
        const auto end = format.find('}', i);
        if (end == std::string_view::npos) break;
        const auto inside = format.substr(i + 1, end - i - 1);
        found.insert(inside.empty() ? -1 : std::stoi(std::string(inside)));
        i = end;
    }
    return found;
}

}  // namespace mailscope::test
