#include "sim/core/json_text.hpp"

#include <fmt/format.h>

#include <iterator>
#include <stdexcept>

#include "sim/core/word_scan.hpp"

namespace mailscope::sim {

namespace {

// How many continuation octets follow `lead`, and the range the first of
// them must be in (RFC 3629 4: no overlong forms, no surrogates, nothing
// above U+10FFFF); 0 for an octet that cannot start a UTF-8 sequence.
struct Lead {
    int continuations = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
};

Lead classify_lead(unsigned char lead) {
    if (lead >= 0xC2 && lead <= 0xDF) return {1, 0x80, 0xBF};
    if (lead == 0xE0) return {2, 0xA0, 0xBF};
    if (lead == 0xED) return {2, 0x80, 0x9F};
    if (lead >= 0xE1 && lead <= 0xEF) return {2, 0x80, 0xBF};
    if (lead == 0xF0) return {3, 0x90, 0xBF};
    if (lead >= 0xF1 && lead <= 0xF3) return {3, 0x80, 0xBF};
    if (lead == 0xF4) return {3, 0x80, 0x8F};
    return {};
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

bool plain_ascii(unsigned char c) {
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// Most of a trace is message text, checked a word at a time.
std::size_t plain_run_end(std::string_view text, std::size_t from) {
    using namespace word_scan;
    return run_end(
        text, from,
        [](std::uint64_t word) {
            return (word & kHighs) | has_below(word, 0x20) | has_octet(word, '"') |
                   has_octet(word, '\\');
        },
        [](unsigned char c) { return !plain_ascii(c); });
}

void append_escaped_ascii(std::string& out, unsigned char c) {
    static constexpr char kHex[] = "0123456789abcdef";
    switch (c) {
        case '\b':
            out += "\\b";
            return;
        case '\t':
            out += "\\t";
            return;
        case '\n':
            out += "\\n";
            return;
        case '\f':
            out += "\\f";
            return;
        case '\r':
            out += "\\r";
            return;
        case '"':
            out += "\\\"";
            return;
        case '\\':
            out += "\\\\";
            return;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xf];
            } else {
                out += static_cast<char>(c);
            }
    }
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t run = plain_run_end(text, i);
        out.append(text.substr(i, run - i));
        i = run;
        if (i == text.size()) break;
        const auto lead = static_cast<unsigned char>(text[i]);
        // Mail is lines: most escapes are a CRLF, written at once.
        if (lead == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            out.append("\\r\\n", 4);
            i += 2;
            continue;
        }
        if (lead < 0x80) {
            append_escaped_ascii(out, lead);
            ++i;
            continue;
        }
        const Lead expected = classify_lead(lead);
        if (expected.continuations == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        // A sequence broken after its first octet loses what it had read;
        // the octet that broke it is read again as the start of the next.
        std::size_t next = i + 1;
        bool whole = true;
        for (int k = 0; k < expected.continuations; ++k, ++next) {
            if (next == text.size()) {
                whole = false;
                break;
            }
            const auto c = static_cast<unsigned char>(text[next]);
            const unsigned char low = k == 0 ? expected.low : 0x80;
            const unsigned char high = k == 0 ? expected.high : 0xBF;
            if (c < low || c > high) {
                whole = false;
                break;
            }
        }
        if (whole) {
            out.append(text.substr(i, next - i));
        } else {
            out += kReplacement;
        }
        i = next;
    }
    out += '"';
}

void JsonText::separate() {
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (m_depth == 0) return;
    const std::uint64_t bit = std::uint64_t{1} << (m_depth - 1);
    if (m_has_member & bit) m_out += ',';
    m_has_member |= bit;
}

void JsonText::open(char bracket) {
    separate();
    if (m_depth == 64) throw std::length_error("JSON nested deeper than 64 levels");
    m_out += bracket;
    ++m_depth;
    m_has_member &= ~(std::uint64_t{1} << (m_depth - 1));
}

void JsonText::close(char bracket) {
    --m_depth;
    m_out += bracket;
}

void JsonText::begin_object() {
    open('{');
}

void JsonText::end_object() {
    close('}');
}

void JsonText::begin_array() {
    open('[');
}

void JsonText::end_array() {
    close(']');
}

void JsonText::key(std::string_view name) {
    separate();
    m_out += '"';
    m_out += name;
    m_out += "\":";
    m_after_key = true;
}

void JsonText::value(std::string_view text) {
    separate();
    append_json_string(m_out, text);
}

void JsonText::value(std::uint64_t number) {
    separate();
    const fmt::format_int digits(number);
    m_out.append(digits.data(), digits.size());
}

void JsonText::value(std::int64_t number) {
    separate();
    const fmt::format_int digits(number);
    m_out.append(digits.data(), digits.size());
}

void JsonText::value(bool flag) {
    separate();
    m_out += flag ? "true" : "false";
}

void JsonText::null() {
    separate();
    m_out += "null";
}

void JsonText::value(const std::vector<std::string>& strings) {
    begin_array();
    for (const auto& text : strings)
        value(std::string_view(text));
    end_array();
}

}  // namespace mailscope::sim
