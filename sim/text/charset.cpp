#include "sim/text/charset.hpp"

#include "sim/text/decode_error.hpp"

#include <array>
#include <cstdint>

#include "sim/text/utf8.hpp"

namespace mailscope::text {

namespace {

// Upper halves (octets 0x80-0xFF) of the single-byte code pages; the lower
// halves are US-ASCII. 0xFFFD marks an octet the code page leaves undefined.
using UpperHalf = std::array<char16_t, 128>;

// Windows code page 1251.
constexpr UpperHalf windows_1251 = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,  // 80
    0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,  // 88
    0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90
    0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,  // 98
    0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,  // A0
    0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,  // A8
    0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,  // B0
    0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,  // B8
    0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,  // C0
    0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,  // C8
    0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,  // D0
    0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,  // D8
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437,  // E0
    0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,  // E8
    0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,  // F0
    0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,  // F8
};

// KOI8-R (RFC 1489). The letters follow the Latin transliteration order, so
// stripping the eighth bit leaves readable Latin text.
constexpr UpperHalf koi8_r = {
    0x2500, 0x2502, 0x250C, 0x2510, 0x2514, 0x2518, 0x251C, 0x2524,  // 80
    0x252C, 0x2534, 0x253C, 0x2580, 0x2584, 0x2588, 0x258C, 0x2590,  // 88
    0x2591, 0x2592, 0x2593, 0x2320, 0x25A0, 0x2219, 0x221A, 0x2248,  // 90
    0x2264, 0x2265, 0x00A0, 0x2321, 0x00B0, 0x00B2, 0x00B7, 0x00F7,  // 98
    0x2550, 0x2551, 0x2552, 0x0451, 0x2553, 0x2554, 0x2555, 0x2556,  // A0
    0x2557, 0x2558, 0x2559, 0x255A, 0x255B, 0x255C, 0x255D, 0x255E,  // A8
    0x255F, 0x2560, 0x2561, 0x0401, 0x2562, 0x2563, 0x2564, 0x2565,  // B0
    0x2566, 0x2567, 0x2568, 0x2569, 0x256A, 0x256B, 0x256C, 0x00A9,  // B8
    0x044E, 0x0430, 0x0431, 0x0446, 0x0434, 0x0435, 0x0444, 0x0433,  // C0
    0x0445, 0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E,  // C8
    0x043F, 0x044F, 0x0440, 0x0441, 0x0442, 0x0443, 0x0436, 0x0432,  // D0
    0x044C, 0x044B, 0x0437, 0x0448, 0x044D, 0x0449, 0x0447, 0x044A,  // D8
    0x042E, 0x0410, 0x0411, 0x0426, 0x0414, 0x0415, 0x0424, 0x0413,  // E0
    0x0425, 0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E,  // E8
    0x041F, 0x042F, 0x0420, 0x0421, 0x0422, 0x0423, 0x0416, 0x0412,  // F0
    0x042C, 0x042B, 0x0417, 0x0428, 0x042D, 0x0429, 0x0427, 0x042A,  // F8
};

// KOI8-U (RFC 2319): KOI8-R with eight box-drawing positions given to the
// Ukrainian letters.
constexpr UpperHalf make_koi8_u() {
    UpperHalf table = koi8_r;
    table[0xA4 - 0x80] = 0x0454;
    table[0xA6 - 0x80] = 0x0456;
    table[0xA7 - 0x80] = 0x0457;
    table[0xAD - 0x80] = 0x0491;
    table[0xB4 - 0x80] = 0x0404;
    table[0xB6 - 0x80] = 0x0406;
    table[0xB7 - 0x80] = 0x0407;
    table[0xBD - 0x80] = 0x0490;
    return table;
}
constexpr UpperHalf koi8_u = make_koi8_u();

// ISO-8859-5: C1 controls, then the Cyrillic block in Unicode order with three
// exceptions (soft hyphen, numero sign, section sign).
constexpr UpperHalf make_iso_8859_5() {
    UpperHalf table{};
    for (int i = 0; i < 0x20; ++i)
        table[i] = static_cast<char16_t>(0x80 + i);
    table[0x20] = 0x00A0;
    for (int i = 0x21; i < 0x80; ++i)
        table[i] = static_cast<char16_t>(0x0400 + i - 0x20);
    table[0xAD - 0x80] = 0x00AD;
    table[0xF0 - 0x80] = 0x2116;
    table[0xFD - 0x80] = 0x00A7;
    return table;
}
constexpr UpperHalf iso_8859_5 = make_iso_8859_5();

// IBM code page 866 (the DOS "alternative" encoding).
constexpr UpperHalf cp866 = {
    0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,  // 80
    0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,  // 88
    0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,  // 90
    0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,  // 98
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437,  // A0
    0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,  // A8
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,  // B0
    0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,  // B8
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,  // C0
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,  // C8
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,  // D0
    0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,  // D8
    0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,  // E0
    0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,  // E8
    0x0401, 0x0451, 0x0404, 0x0454, 0x0407, 0x0457, 0x040E, 0x045E,  // F0
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x2116, 0x00A4, 0x25A0, 0x00A0,  // F8
};

constexpr UpperHalf make_iso_8859_1() {
    UpperHalf table{};
    for (int i = 0; i < 0x80; ++i)
        table[i] = static_cast<char16_t>(0x80 + i);
    return table;
}
constexpr UpperHalf iso_8859_1 = make_iso_8859_1();

enum class Family : std::uint8_t { Utf8, Ascii, SingleByte };

struct CharsetInfo {
    std::string_view canonical;
    Family family;
    const UpperHalf* table;
    std::string_view aliases;  // space separated, lower case
};

const std::array<CharsetInfo, 8>& charsets() {
    static const std::array<CharsetInfo, 8> list = {{
        {"utf-8", Family::Utf8, nullptr, "utf-8 utf8"},
        {"us-ascii", Family::Ascii, nullptr, "us-ascii ascii us ansi_x3.4-1968 iso646-us csascii"},
        {"iso-8859-1", Family::SingleByte, &iso_8859_1,
         "iso-8859-1 iso8859-1 iso_8859-1 latin1 latin-1 l1 cp819 iso-ir-100 csisolatin1"},
        {"windows-1251", Family::SingleByte, &windows_1251,
         "windows-1251 cp1251 win-1251 x-cp1251 cswindows1251"},
        {"koi8-r", Family::SingleByte, &koi8_r, "koi8-r koi8r koi8 cskoi8r"},
        {"koi8-u", Family::SingleByte, &koi8_u, "koi8-u koi8u"},
        {"iso-8859-5", Family::SingleByte, &iso_8859_5,
         "iso-8859-5 iso8859-5 iso_8859-5 cyrillic iso-ir-144 csisolatincyrillic"},
        {"ibm866", Family::SingleByte, &cp866, "ibm866 cp866 866 csibm866 x-cp866 dos-866"},
    }};
    return list;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '"')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '"')) {
        text.remove_suffix(1);
    }
    return text;
}

const CharsetInfo* find_charset(std::string_view name) {
    name = trim(name);
    for (const CharsetInfo& info : charsets()) {
        std::string_view rest = info.aliases;
        while (!rest.empty()) {
            const std::size_t space = rest.find(' ');
            const std::string_view alias = rest.substr(0, space);
            if (equal_ignoring_case(alias, name)) return &info;
            rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
        }
    }
    return nullptr;
}

}  // namespace

std::optional<std::string_view> canonical_charset(std::string_view name) {
    const CharsetInfo* info = find_charset(name);
    if (info == nullptr) return std::nullopt;
    return info->canonical;
}

std::optional<std::string> to_utf8(std::string_view bytes, std::string_view charset) {
    const CharsetInfo* info = find_charset(charset);
    if (info == nullptr) return std::nullopt;
    switch (info->family) {
        case Family::Utf8:
            return sanitize_utf8(bytes);
        case Family::Ascii: {
            std::string out;
            out.reserve(bytes.size());
            for (const char c : bytes) {
                if (static_cast<unsigned char>(c) < 0x80) {
                    out.push_back(c);
                } else {
                    append_utf8(out, replacement_character);
                }
            }
            return out;
        }
        case Family::SingleByte: {
            std::string out;
            out.reserve(bytes.size() * 2);
            for (const char c : bytes) {
                const auto byte = static_cast<unsigned char>(c);
                if (byte < 0x80) {
                    out.push_back(c);
                } else {
                    append_utf8(out, (*info->table)[byte - 0x80]);
                }
            }
            return out;
        }
    }
    return std::nullopt;
}

std::optional<std::string> from_utf8(std::string_view utf8, std::string_view charset,
                                     std::string* error) {
    const CharsetInfo* info = find_charset(charset);
    if (info == nullptr) {
        set_error(error, "The charset \"" + std::string(charset) + "\" is not supported.");
        return std::nullopt;
    }
    if (info->family == Family::Utf8) {
        if (!is_valid_utf8(utf8)) {
            set_error(error, "The text is not valid UTF-8.");
            return std::nullopt;
        }
        return std::string(utf8);
    }
    std::string out;
    out.reserve(utf8.size());
    for (std::size_t pos = 0; pos < utf8.size();) {
        const Utf8Step step = decode_utf8_at(utf8, pos);
        if (!step.valid) {
            set_error(error, "The text is not valid UTF-8 (bad byte at offset " +
                                 std::to_string(pos) + ").");
            return std::nullopt;
        }
        const char32_t code_point = step.code_point;
        bool found = code_point < 0x80;
        if (found) {
            out.push_back(static_cast<char>(code_point));
        } else if (info->table != nullptr && code_point != replacement_character) {
            for (std::size_t i = 0; i < info->table->size(); ++i) {
                if ((*info->table)[i] == code_point) {
                    out.push_back(static_cast<char>(0x80 + i));
                    found = true;
                    break;
                }
            }
        }
        if (!found) {
            std::string character(utf8.substr(pos, step.length));
            set_error(error, "The character \"" + character + "\" (at offset " +
                                 std::to_string(pos) + ") has no code in " +
                                 std::string(info->canonical) + ".");
            return std::nullopt;
        }
        pos += step.length;
    }
    return out;
}

}  // namespace mailscope::text
