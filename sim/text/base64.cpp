#include "sim/text/base64.hpp"

#include "sim/text/decode_error.hpp"

#include <array>
#include <cstdint>

namespace mailscope::text {

namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_reverse_table() {
    std::array<std::int8_t, 256> table{};
    for (auto& entry : table)
        entry = -1;
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    }
    return table;
}

constexpr std::array<std::int8_t, 256> reverse_table = make_reverse_table();

int sextet(char c) {
    return reverse_table[static_cast<unsigned char>(c)];
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t group = (static_cast<unsigned char>(bytes[i]) << 16) |
                                    (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                                    static_cast<unsigned char>(bytes[i + 2]);
        out.push_back(alphabet[(group >> 18) & 0x3F]);
        out.push_back(alphabet[(group >> 12) & 0x3F]);
        out.push_back(alphabet[(group >> 6) & 0x3F]);
        out.push_back(alphabet[group & 0x3F]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
        out.push_back(alphabet[(group >> 18) & 0x3F]);
        out.push_back(alphabet[(group >> 12) & 0x3F]);
        out.append("==");
    } else if (rest == 2) {
        const std::uint32_t group = (static_cast<unsigned char>(bytes[i]) << 16) |
                                    (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out.push_back(alphabet[(group >> 18) & 0x3F]);
        out.push_back(alphabet[(group >> 12) & 0x3F]);
        out.push_back(alphabet[(group >> 6) & 0x3F]);
        out.push_back('=');
    }
    return out;
}

std::string base64_encode_lines(std::string_view bytes, std::size_t line_length) {
    if (line_length < 4) line_length = 4;
    line_length -= line_length % 4;
    const std::string flat = base64_encode(bytes);
    std::string out;
    out.reserve(flat.size() + flat.size() / line_length * 2 + 2);
    for (std::size_t pos = 0; pos < flat.size(); pos += line_length) {
        out.append(flat, pos, line_length);
        out.append("\r\n");
    }
    return out;
}

std::optional<std::string> base64_decode_strict(std::string_view text, std::string* error) {
    if (text.size() % 4 != 0) {
        set_error(error, "Base64 text must come in groups of four characters, but its length is " +
                             std::to_string(text.size()) + ".");
        return std::nullopt;
    }
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last_group = i + 4 == text.size();
        int values[4];
        int padding = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = text[i + k];
            if (c == '=') {
                if (!last_group || k < 2) {
                    set_error(error,
                              "Base64 padding '=' may only appear at the very end, at "
                              "position " +
                                  std::to_string(i + k) + ".");
                    return std::nullopt;
                }
                ++padding;
                values[k] = 0;
                continue;
            }
            if (padding > 0) {
                set_error(error, "Base64 data continues after the padding '=' at position " +
                                     std::to_string(i + k) + ".");
                return std::nullopt;
            }
            values[k] = sextet(c);
            if (values[k] < 0) {
                set_error(error, "The character at position " + std::to_string(i + k) +
                                     " is not part of the base64 alphabet.");
                return std::nullopt;
            }
        }
        const std::uint32_t group =
            (values[0] << 18) | (values[1] << 12) | (values[2] << 6) | values[3];
        const std::uint32_t unused_bits = padding == 2 ? 0xFFFF : padding == 1 ? 0xFF : 0;
        if ((group & unused_bits) != 0) {
            set_error(error,
                      "The last base64 group has non-zero padding bits, so this is not "
                      "the canonical encoding of any data.");
            return std::nullopt;
        }
        out.push_back(static_cast<char>(group >> 16));
        if (padding < 2) out.push_back(static_cast<char>((group >> 8) & 0xFF));
        if (padding < 1) out.push_back(static_cast<char>(group & 0xFF));
    }
    return out;
}

std::string base64_decode_mime(std::string_view text) {
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t group = 0;
    int count = 0;
    for (const char c : text) {
        if (c == '=') break;
        const int value = sextet(c);
        if (value < 0) continue;
        group = (group << 6) | static_cast<std::uint32_t>(value);
        if (++count == 4) {
            out.push_back(static_cast<char>(group >> 16));
            out.push_back(static_cast<char>((group >> 8) & 0xFF));
            out.push_back(static_cast<char>(group & 0xFF));
            group = 0;
            count = 0;
        }
    }
    if (count == 2) {
        out.push_back(static_cast<char>(group >> 4));
    } else if (count == 3) {
        out.push_back(static_cast<char>(group >> 10));
        out.push_back(static_cast<char>((group >> 2) & 0xFF));
    }
    return out;
}

}  // namespace mailscope::text
