// UTF-8 validation, decoding and the display sanitizer.
//
// Everything shown to a learner is UTF-8; bytes that are not valid UTF-8 are
// made visible as U+FFFD instead of being passed to the GUI raw.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailscope::text {

inline constexpr char32_t replacement_character = 0xFFFD;

// One code point read from a UTF-8 string. `length` is at least 1 even when
// `valid` is false, so a loop always advances.
struct Utf8Step {
    char32_t code_point = 0;
    std::size_t length = 1;
    bool valid = false;
};

// Reads the code point starting at `pos` (pos < text.size()). Rejects overlong
// forms, surrogates and values above U+10FFFF (RFC 3629 section 3).
Utf8Step decode_utf8_at(std::string_view text, std::size_t pos);

bool is_valid_utf8(std::string_view text);

// Appends `code_point` as UTF-8; surrogates and out-of-range values become U+FFFD.
void append_utf8(std::string& out, char32_t code_point);

// Copies `text`, replacing each invalid sequence with U+FFFD.
std::string sanitize_utf8(std::string_view text);

}  // namespace mailscope::text
