#include "sim/text/quoted_printable.hpp"
#include "sim/core/ascii.hpp"

#include "sim/text/hex_escape.hpp"

namespace mailscope::text {

namespace {

using ascii::is_blank;

// The content of one line, without its break and trailing blanks.
std::string_view trim_line_end(std::string_view line) {
    while (!line.empty() && (is_blank(line.back()) || line.back() == '\r'))
        line.remove_suffix(1);
    return line;
}

void decode_line(std::string_view line, std::string& out, bool& soft_break) {
    soft_break = false;
    std::size_t i = 0;
    while (i < line.size()) {
        // The text up to the next "=" is copied as it is, in one piece.
        const std::size_t equals = line.find('=', i);
        if (equals == std::string_view::npos) {
            out.append(line.substr(i));
            return;
        }
        out.append(line.substr(i, equals - i));
        i = equals;
        if (i + 1 == line.size()) {
            soft_break = true;
            return;
        }
        if (const auto octet = escaped_octet(line, i)) {
            out.push_back(*octet);
            i += 3;
            continue;
        }
        out.push_back('=');
        ++i;
    }
}

}  // namespace

std::string quoted_printable_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t newline = text.find('\n', pos);
        const bool has_break = newline != std::string_view::npos;
        const std::size_t end = has_break ? newline : text.size();
        bool soft_break = false;
        decode_line(trim_line_end(text.substr(pos, end - pos)), out, soft_break);
        if (has_break && !soft_break) out.append("\r\n");
        pos = has_break ? newline + 1 : text.size();
    }
    return out;
}

std::string quoted_printable_encode(std::string_view bytes, std::size_t line_length) {
    if (line_length < 4 || line_length > 76) line_length = 76;
    static constexpr char hex_digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size() * 3 / 2 + 8);
    std::size_t column = 0;
    auto emit = [&](std::string_view piece) {
        // Leave room for the "=" of a soft break.
        if (column + piece.size() > line_length - 1) {
            out.append("=\r\n");
            column = 0;
        }
        out.append(piece);
        column += piece.size();
    };
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') {
            out.append("\r\n");
            column = 0;
            ++i;
            continue;
        }
        const bool at_line_end = i + 1 == bytes.size() || bytes[i + 1] == '\r';
        const bool literal =
            (byte >= 33 && byte <= 126 && c != '=') || (is_blank(c) && !at_line_end);
        if (literal) {
            emit(std::string_view(&c, 1));
        } else {
            const char escaped[3] = {'=', hex_digits[byte >> 4], hex_digits[byte & 0xF]};
            emit(std::string_view(escaped, 3));
        }
    }
    return out;
}

}  // namespace mailscope::text
