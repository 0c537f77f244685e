#include "sim/mime/header.hpp"
#include "sim/core/ascii.hpp"

#include <algorithm>

namespace mailscope::mime {

namespace {

using ascii::is_blank;

// Length of the empty line at `pos` (2 for CRLF, 1 for LF), or 0.
std::size_t blank_line_length(std::string_view text, std::size_t pos) {
    if (text[pos] == '\n') return 1;
    if (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') return 2;
    return 0;
}

std::size_t next_line(std::string_view text, std::size_t pos) {
    const std::size_t newline = text.find('\n', pos);
    return newline == std::string_view::npos ? text.size() : newline + 1;
}

using ascii::trim_blanks;

std::string_view strip_line_break(std::string_view text) {
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    return text;
}

// RFC 5322 2.2: printable US-ASCII except the colon.
bool is_valid_name(std::string_view name) {
    if (name.empty()) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte >= 33 && byte <= 126 && c != ':';
    });
}

}  // namespace

std::string unfold(std::string_view raw_value) {
    std::string out;
    out.reserve(raw_value.size());
    for (const char c : raw_value) {
        if (c != '\r' && c != '\n') out.push_back(c);
    }
    return std::string(trim_blanks(out));
}

HeaderBlock parse_header_block(std::string_view message, std::size_t begin,
                               std::size_t max_fields) {
    HeaderBlock block;
    block.begin = begin;
    std::size_t pos = std::min(begin, message.size());
    while (pos < message.size()) {
        if (const std::size_t blank = blank_line_length(message, pos); blank > 0) {
            block.has_blank_line = true;
            block.blank_begin = pos;
            block.end = pos + blank;
            return block;
        }
        std::size_t end = next_line(message, pos);
        while (end < message.size() && is_blank(message[end]))
            end = next_line(message, end);

        const std::string_view first_line = message.substr(pos, next_line(message, pos) - pos);
        const std::size_t colon = first_line.find(':');
        // Obsolete syntax (RFC 5322 4.5.8) allows blanks before the colon.
        const std::string_view name = colon == std::string_view::npos
                                          ? std::string_view()
                                          : trim_blanks(first_line.substr(0, colon));
        if (is_blank(message[pos]) || !is_valid_name(name)) {
            ++block.malformed_lines;
        } else if (block.fields.size() >= max_fields) {
            block.truncated = true;
        } else {
            HeaderField field;
            field.name = std::string(name);
            field.raw_value = std::string(
                strip_line_break(message.substr(pos + colon + 1, end - pos - colon - 1)));
            field.value = unfold(field.raw_value);
            field.begin = pos;
            field.end = end;
            block.fields.push_back(std::move(field));
        }
        pos = end;
    }
    block.blank_begin = message.size();
    block.end = message.size();
    return block;
}

const HeaderField* find_field(const std::vector<HeaderField>& fields, std::string_view name) {
    for (const HeaderField& field : fields) {
        if (ascii::iequals(field.name, name)) return &field;
    }
    return nullptr;
}

std::vector<const HeaderField*> find_fields(const std::vector<HeaderField>& fields,
                                            std::string_view name) {
    std::vector<const HeaderField*> found;
    for (const HeaderField& field : fields) {
        if (ascii::iequals(field.name, name)) found.push_back(&field);
    }
    return found;
}

std::string header_fields_subset(std::string_view header, const std::vector<std::string>& names,
                                 bool exclude) {
    const HeaderBlock block = parse_header_block(header);
    std::string out;
    for (const HeaderField& field : block.fields) {
        const bool listed = std::any_of(names.begin(), names.end(), [&](const std::string& name) {
            return ascii::iequals(field.name, name);
        });
        if (listed != exclude) out.append(header.substr(field.begin, field.end - field.begin));
    }
    if (block.has_blank_line)
        out.append(header.substr(block.blank_begin, block.end - block.blank_begin));
    return out;
}

}  // namespace mailscope::mime
