#include "sim/text/mutf7.hpp"

#include "sim/text/decode_error.hpp"

#include <cstdint>
#include <vector>

#include "sim/text/utf8.hpp"

namespace mailscope::text {

namespace {

// RFC 3501 5.1.3: modified BASE64 uses "," in place of "/".
constexpr std::string_view kModifiedBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int modified_base64_sextet(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == ',') return 63;
    return -1;
}

bool is_direct(char32_t code_point) {
    return code_point >= 0x20 && code_point <= 0x7E;
}

void flush_shift(std::string& out, std::vector<std::uint16_t>& units) {
    if (units.empty()) return;
    out.push_back('&');
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const std::uint16_t unit : units) {
        buffer = (buffer << 16) | unit;
        bits += 16;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kModifiedBase64[(buffer >> bits) & 0x3F]);
        }
        buffer &= (1u << bits) - 1;
    }
    if (bits > 0) out.push_back(kModifiedBase64[(buffer << (6 - bits)) & 0x3F]);
    out.push_back('-');
    units.clear();
}

void push_utf16(std::vector<std::uint16_t>& units, char32_t code_point) {
    if (code_point < 0x10000) {
        units.push_back(static_cast<std::uint16_t>(code_point));
        return;
    }
    const char32_t offset = code_point - 0x10000;
    units.push_back(static_cast<std::uint16_t>(0xD800 + (offset >> 10)));
    units.push_back(static_cast<std::uint16_t>(0xDC00 + (offset & 0x3FF)));
}

std::optional<std::string> encode(std::string_view utf8, bool strict, std::string* error) {
    std::string out;
    std::vector<std::uint16_t> units;
    for (std::size_t pos = 0; pos < utf8.size();) {
        const Utf8Step step = decode_utf8_at(utf8, pos);
        char32_t code_point = step.code_point;
        if (!step.valid) {
            if (strict) {
                if (error != nullptr) {
                    *error = "The mailbox name is not valid UTF-8 (bad byte at offset " +
                             std::to_string(pos) + "), so it cannot be encoded.";
                }
                return std::nullopt;
            }
            code_point = replacement_character;
        }
        pos += step.length;
        if (is_direct(code_point)) {
            flush_shift(out, units);
            out.push_back(static_cast<char>(code_point));
            if (code_point == '&') out.push_back('-');
        } else {
            push_utf16(units, code_point);
        }
    }
    flush_shift(out, units);
    return out;
}

// Decodes the base64 run wire[begin, end) (between "&" and "-") into `out`.
bool decode_run(std::string_view wire, std::size_t begin, std::size_t end, std::string& out,
                std::string* error) {
    std::uint32_t buffer = 0;
    int bits = 0;
    std::vector<std::uint16_t> units;
    for (std::size_t i = begin; i < end; ++i) {
        const int value = modified_base64_sextet(wire[i]);
        if (value < 0) {
            set_error(error, "The character '" + std::string(1, wire[i]) + "' at offset " +
                                 std::to_string(i) +
                                 " is not allowed inside a modified BASE64 run (only A-Z a-z "
                                 "0-9 + and , are).");
            return false;
        }
        buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 16) {
            bits -= 16;
            units.push_back(static_cast<std::uint16_t>((buffer >> bits) & 0xFFFF));
            buffer &= (1u << bits) - 1;
        }
    }
    if (bits >= 6) {
        set_error(error, "The BASE64 run starting at offset " + std::to_string(begin - 1) +
                             " has a leftover character that does not complete a UTF-16 unit.");
        return false;
    }
    if (buffer != 0) {
        set_error(error, "The BASE64 run starting at offset " + std::to_string(begin - 1) +
                             " ends with non-zero padding bits; a correct encoder writes zeros.");
        return false;
    }
    for (std::size_t k = 0; k < units.size(); ++k) {
        char32_t code_point = units[k];
        if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
            set_error(error, "The BASE64 run starting at offset " + std::to_string(begin - 1) +
                                 " contains a UTF-16 low surrogate without a high surrogate "
                                 "before it.");
            return false;
        }
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
            if (k + 1 >= units.size() || units[k + 1] < 0xDC00 || units[k + 1] > 0xDFFF) {
                set_error(error, "The BASE64 run starting at offset " + std::to_string(begin - 1) +
                                     " contains a UTF-16 high surrogate that is not followed by "
                                     "a low surrogate.");
                return false;
            }
            code_point = 0x10000 + ((code_point - 0xD800) << 10) + (units[k + 1] - 0xDC00);
            ++k;
        }
        if (is_direct(code_point)) {
            set_error(error, "The BASE64 run starting at offset " + std::to_string(begin - 1) +
                                 " encodes the printable character '" +
                                 std::string(1, static_cast<char>(code_point)) +
                                 "', which must be written as itself.");
            return false;
        }
        append_utf8(out, code_point);
    }
    return true;
}

}  // namespace

std::string mutf7_encode(std::string_view utf8) {
    return *encode(utf8, false, nullptr);
}

std::optional<std::string> mutf7_encode_strict(std::string_view utf8, std::string* error) {
    return encode(utf8, true, error);
}

std::optional<std::string> mutf7_decode(std::string_view wire, std::string* error) {
    std::string out;
    bool previous_was_run = false;
    for (std::size_t pos = 0; pos < wire.size();) {
        const char c = wire[pos];
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7E) {
            set_error(error, "The octet 0x" + std::string(1, "0123456789ABCDEF"[byte >> 4]) +
                                 std::string(1, "0123456789ABCDEF"[byte & 0xF]) + " at offset " +
                                 std::to_string(pos) +
                                 " is not printable ASCII; other characters must be encoded "
                                 "with &...-.");
            return std::nullopt;
        }
        if (c != '&') {
            out.push_back(c);
            previous_was_run = false;
            ++pos;
            continue;
        }
        const std::size_t close = wire.find('-', pos + 1);
        if (close == std::string_view::npos) {
            set_error(error, "The \"&\" at offset " + std::to_string(pos) +
                                 " starts an encoded run that is never closed with \"-\" (a "
                                 "literal ampersand is written \"&-\").");
            return std::nullopt;
        }
        if (close == pos + 1) {
            out.push_back('&');
            previous_was_run = false;
            pos += 2;
            continue;
        }
        if (previous_was_run) {
            set_error(error, "Two encoded runs meet at offset " + std::to_string(pos) +
                                 " (\"-&\"); RFC 3501 forbids this null shift, the runs must be "
                                 "one.");
            return std::nullopt;
        }
        if (!decode_run(wire, pos + 1, close, out, error)) return std::nullopt;
        previous_was_run = true;
        pos = close + 1;
    }
    return out;
}

}  // namespace mailscope::text
