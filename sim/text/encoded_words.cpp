#include "sim/text/encoded_words.hpp"

#include <algorithm>
#include <cstdint>

#include "sim/core/ascii.hpp"
#include "sim/text/base64.hpp"
#include "sim/text/charset.hpp"
#include "sim/text/hex_escape.hpp"
#include "sim/text/utf8.hpp"

namespace mailscope::text {

namespace {

// Generous bound for a charset name; real ones are shorter than 20 octets.
constexpr std::size_t max_charset_length = 64;

using ascii::is_blank;

struct EncodedWord {
    std::string_view charset;  // canonical name
    std::string bytes;         // decoded octets, still in `charset`
    std::size_t end = 0;       // offset just past "?="
};

std::string decode_q(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const auto octet = c == '=' ? escaped_octet(text, i) : std::nullopt;
        if (c == '_') {
            out.push_back(' ');
        } else if (octet) {
            out.push_back(*octet);
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// Parses "=?charset?e?text?=" at `pos`; nullopt if it is not a usable word.
std::optional<EncodedWord> parse_word(std::string_view text, std::size_t pos) {
    const std::size_t charset_begin = pos + 2;
    std::size_t i = charset_begin;
    while (i < text.size() && text[i] != '?' && !is_blank(text[i]) &&
           i - charset_begin <= max_charset_length) {
        ++i;
    }
    if (i >= text.size() || text[i] != '?' || i == charset_begin) return std::nullopt;
    std::string_view charset_name = text.substr(charset_begin, i - charset_begin);
    // RFC 2231 section 5 lets a word carry a language: "charset*lang".
    charset_name = charset_name.substr(0, charset_name.find('*'));
    const auto charset = canonical_charset(charset_name);
    if (!charset) return std::nullopt;
    if (i + 2 >= text.size() || text[i + 2] != '?') return std::nullopt;
    const char encoding = ascii::to_lower(text[i + 1]);
    if (encoding != 'b' && encoding != 'q') return std::nullopt;
    const std::size_t payload_begin = i + 3;
    std::size_t j = payload_begin;
    while (j < text.size() && text[j] != '?' && !is_blank(text[j]))
        ++j;
    if (j + 1 >= text.size() || text[j] != '?' || text[j + 1] != '=') return std::nullopt;
    const std::string_view payload = text.substr(payload_begin, j - payload_begin);
    EncodedWord word;
    word.charset = *charset;
    word.bytes = encoding == 'b' ? base64_decode_mime(payload) : decode_q(payload);
    word.end = j + 2;
    return word;
}

bool q_safe(unsigned char byte) {
    // RFC 2047 section 5 rule (3): the characters allowed in a phrase.
    return (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
           (byte >= '0' && byte <= '9') || byte == '!' || byte == '*' || byte == '+' ||
           byte == '-' || byte == '/';
}

std::size_t encoded_length(std::string_view bytes, WordEncoding encoding) {
    if (encoding == WordEncoding::Base64) return (bytes.size() + 2) / 3 * 4;
    std::size_t length = 0;
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        length += (q_safe(byte) || byte == ' ') ? 1 : 3;
    }
    return length;
}

std::string encode_payload(std::string_view bytes, WordEncoding encoding) {
    if (encoding == WordEncoding::Base64) return base64_encode(bytes);
    static constexpr char hex_digits[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == ' ') {
            out.push_back('_');
        } else if (q_safe(byte)) {
            out.push_back(c);
        } else {
            out.push_back('=');
            out.push_back(hex_digits[byte >> 4]);
            out.push_back(hex_digits[byte & 0xF]);
        }
    }
    return out;
}

std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto octet = text[i] == '%' ? escaped_octet(text, i) : std::nullopt;
        if (octet) {
            out.push_back(*octet);
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

struct Section {
    std::uint32_t number = 0;
    bool extended = false;
    std::string value;
};

struct ParameterGroup {
    std::string name;
    std::optional<std::string> plain;
    std::vector<Section> sections;
};

// Splits "name*3*" into its base, section number and extended flag.
void classify(std::string_view name, std::string& base, std::optional<std::uint32_t>& number,
              bool& extended) {
    extended = false;
    number.reset();
    if (!name.empty() && name.back() == '*') {
        extended = true;
        name.remove_suffix(1);
    }
    const std::size_t star = name.rfind('*');
    if (star != std::string_view::npos && star + 1 < name.size() && name.size() - star <= 6 &&
        std::all_of(name.begin() + static_cast<std::ptrdiff_t>(star) + 1, name.end(),
                    [](char c) { return c >= '0' && c <= '9'; })) {
        std::uint32_t value = 0;
        for (std::size_t i = star + 1; i < name.size(); ++i)
            value = value * 10 + (name[i] - '0');
        number = value;
        name = name.substr(0, star);
    }
    base = ascii::lower(name);
}

DecodedParameter finish(const ParameterGroup& group) {
    DecodedParameter result;
    result.name = group.name;
    if (group.sections.empty()) {
        result.value = decode_header_value(group.plain.value_or(std::string()));
        return result;
    }
    std::vector<Section> sections = group.sections;
    std::stable_sort(sections.begin(), sections.end(),
                     [](const Section& a, const Section& b) { return a.number < b.number; });
    std::string charset;
    std::string bytes;
    for (std::size_t k = 0; k < sections.size(); ++k) {
        std::string_view value = sections[k].value;
        if (!sections[k].extended) {
            bytes.append(value);
            continue;
        }
        if (k == 0) {
            // RFC 2231 section 4: the first extended section starts with charset'language'.
            const std::size_t first = value.find('\'');
            const std::size_t second =
                first == std::string_view::npos ? first : value.find('\'', first + 1);
            if (second != std::string_view::npos) {
                charset = std::string(value.substr(0, first));
                result.language = std::string(value.substr(first + 1, second - first - 1));
                value = value.substr(second + 1);
            }
        }
        bytes.append(percent_decode(value));
    }
    auto converted = charset.empty() ? std::nullopt : to_utf8(bytes, charset);
    result.value = converted ? std::move(*converted) : sanitize_utf8(bytes);
    return result;
}

}  // namespace

std::string decode_header_value(std::string_view raw_value) {
    std::string text;
    text.reserve(raw_value.size());
    for (const char c : raw_value) {
        if (c != '\r' && c != '\n') text.push_back(c);
    }

    std::string out;
    out.reserve(text.size());
    std::string blanks;
    std::string run_bytes;
    std::string_view run_charset;
    bool last_was_word = false;
    auto flush_run = [&] {
        if (run_charset.empty()) return;
        out.append(to_utf8(run_bytes, run_charset).value_or(std::string()));
        run_bytes.clear();
        run_charset = {};
    };

    for (std::size_t pos = 0; pos < text.size();) {
        const char c = text[pos];
        if (is_blank(c)) {
            blanks.push_back(c);
            ++pos;
            continue;
        }
        if (c == '=' && pos + 1 < text.size() && text[pos + 1] == '?') {
            if (auto word = parse_word(text, pos)) {
                // Whitespace between two encoded-words is not part of the text.
                if (!last_was_word) {
                    flush_run();
                    out.append(blanks);
                }
                blanks.clear();
                // Same charset: join the octets first, a character may be split between words.
                if (run_charset != word->charset) flush_run();
                run_charset = word->charset;
                run_bytes.append(word->bytes);
                last_was_word = true;
                pos = word->end;
                continue;
            }
        }
        flush_run();
        out.append(blanks);
        blanks.clear();
        out.push_back(c);
        last_was_word = false;
        ++pos;
    }
    flush_run();
    out.append(blanks);
    return sanitize_utf8(out);
}

std::optional<std::string> encode_header_value(std::string_view utf8, std::string_view charset,
                                               WordEncoding encoding, std::string* error) {
    const auto canonical = canonical_charset(charset);
    if (!canonical) {
        if (error != nullptr)
            *error = "The charset \"" + std::string(charset) + "\" is not supported.";
        return std::nullopt;
    }
    const std::string prefix =
        "=?" + std::string(*canonical) + (encoding == WordEncoding::Base64 ? "?B?" : "?Q?");
    const std::size_t budget = 75 - prefix.size() - 2;
    std::string out;
    std::string word_bytes;
    auto emit = [&] {
        if (word_bytes.empty()) return;
        if (!out.empty()) out.append("\r\n ");
        out.append(prefix);
        out.append(encode_payload(word_bytes, encoding));
        out.append("?=");
        word_bytes.clear();
    };
    for (std::size_t pos = 0; pos < utf8.size();) {
        const Utf8Step step = decode_utf8_at(utf8, pos);
        const std::string_view character = utf8.substr(pos, step.length);
        auto bytes = from_utf8(character, *canonical, error);
        if (!bytes) return std::nullopt;
        if (encoded_length(word_bytes + *bytes, encoding) > budget) emit();
        word_bytes.append(*bytes);
        pos += step.length;
    }
    emit();
    if (out.empty()) out = prefix + "?=";
    return out;
}

std::vector<DecodedParameter> decode_parameters(const std::vector<RawParameter>& parameters) {
    std::vector<ParameterGroup> groups;
    for (const RawParameter& parameter : parameters) {
        std::string base;
        std::optional<std::uint32_t> number;
        bool extended = false;
        classify(parameter.name, base, number, extended);
        auto group = std::find_if(groups.begin(), groups.end(),
                                  [&](const ParameterGroup& g) { return g.name == base; });
        if (group == groups.end()) {
            groups.push_back({base, std::nullopt, {}});
            group = groups.end() - 1;
        }
        if (number || extended) {
            group->sections.push_back({number.value_or(0), extended, parameter.value});
        } else if (!group->plain) {
            group->plain = parameter.value;
        }
    }
    std::vector<DecodedParameter> result;
    result.reserve(groups.size());
    for (const ParameterGroup& group : groups)
        result.push_back(finish(group));
    return result;
}

}  // namespace mailscope::text
