#include "sim/mime/message.hpp"

#include <algorithm>

#include "sim/core/ascii.hpp"
#include "sim/mime/parameters.hpp"

namespace mailscope::mime {

namespace {

// RFC 2046 5.1.1 limits boundaries to 70 characters; allow some slack.
constexpr std::size_t max_boundary_length = 200;
constexpr std::size_t max_problems = 100;

using ascii::trim_blanks;

bool is_line_space(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

std::optional<std::string> field_value(const std::vector<HeaderField>& fields,
                                       std::string_view name) {
    const HeaderField* field = find_field(fields, name);
    if (field == nullptr) return std::nullopt;
    return field->value;
}

std::size_t count_lines(std::string_view body) {
    std::size_t lines = static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n'));
    if (!body.empty() && body.back() != '\n') ++lines;
    return lines;
}

void set_default_type(MimePart& part, bool in_digest) {
    // RFC 2045 5.2, and RFC 2046 5.1.5 for the parts of a multipart/digest.
    part.params.clear();
    if (in_digest) {
        part.type = "message";
        part.subtype = "rfc822";
    } else {
        part.type = "text";
        part.subtype = "plain";
        part.params.push_back({"charset", "us-ascii"});
    }
}

class Parser {
  public:
    Parser(std::string_view raw, std::vector<std::string>& problems)
        : m_raw(raw), m_problems(problems) {}

    MimePart parse_part(std::size_t begin, std::size_t end, std::size_t depth, bool in_digest) {
        ++m_parts;
        MimePart part;
        HeaderBlock block = parse_header_block(m_raw.substr(0, end), begin,
                                               std::min(max_header_fields, m_fields_left));
        m_fields_left -= block.fields.size();
        part.headers = std::move(block.fields);
        part.header_begin = begin;
        part.header_end = block.end;
        part.body_begin = block.end;
        part.body_end = end;
        part.has_blank_line = block.has_blank_line;
        if (block.malformed_lines > 0) {
            report("The header at offset " + std::to_string(begin) + " has " +
                   std::to_string(block.malformed_lines) +
                   " line(s) that are neither a field nor a continuation; they were ignored.");
        }
        if (block.truncated) {
            report("The header at offset " + std::to_string(begin) +
                   " has more fields than this viewer indexes; only the first ones are used.");
        }
        read_content_fields(part, in_digest);
        part.body_lines = count_lines(m_raw.substr(part.body_begin, part.body_size()));

        if (part.is_multipart() || part.is_message_rfc822()) {
            if (depth >= max_nesting_depth) {
                degrade(part,
                        "is nested deeper than " + std::to_string(max_nesting_depth) + " levels");
            } else if (m_parts >= max_parts) {
                degrade(part, "comes after the first " + std::to_string(max_parts) + " parts");
            } else if (part.is_multipart()) {
                split_multipart(part, depth);
            } else {
                MimePart inner = parse_part(part.body_begin, part.body_end, depth + 1, false);
                part.envelope = build_envelope(inner.headers);
                part.children.push_back(std::move(inner));
            }
        }
        return part;
    }

  private:
    void report(std::string problem) {
        if (m_problems.size() < max_problems) m_problems.push_back(std::move(problem));
    }

    void degrade(MimePart& part, const std::string& reason) {
        report("The " + part.type + "/" + part.subtype + " part at offset " +
               std::to_string(part.header_begin) + " " + reason +
               ", so it is shown as plain text.");
        part.children.clear();
        set_default_type(part, false);
    }

    void read_content_fields(MimePart& part, bool in_digest) {
        const std::vector<HeaderField>& fields = part.headers;
        set_default_type(part, in_digest);
        if (const HeaderField* content_type = find_field(fields, "Content-Type")) {
            ParameterizedValue parsed = parse_parameterized_value(content_type->value);
            const std::size_t slash = parsed.value.find('/');
            const std::string_view type =
                slash == std::string::npos
                    ? ""
                    : trim_blanks(std::string_view(parsed.value).substr(0, slash));
            const std::string_view subtype =
                slash == std::string::npos
                    ? ""
                    : trim_blanks(std::string_view(parsed.value).substr(slash + 1));
            if (type.empty() || subtype.empty()) {
                report("The Content-Type \"" + parsed.value + "\" at offset " +
                       std::to_string(content_type->begin) +
                       " is not of the form type/subtype; the default was used.");
            } else {
                part.type = std::string(type);
                part.subtype = std::string(subtype);
                part.params = std::move(parsed.params);
            }
        }
        part.id = field_value(fields, "Content-ID");
        part.description = field_value(fields, "Content-Description");
        part.encoding = field_value(fields, "Content-Transfer-Encoding");
        part.md5 = field_value(fields, "Content-MD5");
        part.location = field_value(fields, "Content-Location");
        if (const HeaderField* disposition = find_field(fields, "Content-Disposition")) {
            ParameterizedValue parsed = parse_parameterized_value(disposition->value);
            part.disposition = std::move(parsed.value);
            part.disposition_params = std::move(parsed.params);
        }
        if (const auto language = field_value(fields, "Content-Language")) {
            std::string_view rest = *language;
            while (!rest.empty()) {
                const std::size_t comma = rest.find(',');
                const std::string_view tag = trim_blanks(rest.substr(0, comma));
                if (!tag.empty()) part.language.emplace_back(tag);
                rest =
                    comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            }
        }
    }

    // RFC 2046 5.1.1: a delimiter is "--" boundary at the start of a line,
    // followed only by blanks; the line break before it belongs to it.
    void split_multipart(MimePart& part, std::size_t depth) {
        const auto boundary = part.param("boundary");
        if (!boundary || boundary->empty() || boundary->size() > max_boundary_length) {
            degrade(part, "has no usable boundary parameter");
            return;
        }
        const std::string delimiter = "--" + *boundary;
        std::vector<std::pair<std::size_t, std::size_t>> ranges;
        std::optional<std::size_t> part_start;
        bool closed = false;
        bool limited = false;
        std::size_t pos = part.body_begin;
        while (pos < part.body_end) {
            const std::size_t newline = m_raw.find('\n', pos);
            const std::size_t next = newline == std::string_view::npos || newline >= part.body_end
                                         ? part.body_end
                                         : newline + 1;
            const std::string_view line = m_raw.substr(pos, next - pos);
            if (line.starts_with(delimiter)) {
                std::string_view rest = line.substr(delimiter.size());
                const bool close = rest.starts_with("--");
                if (close || is_line_space(rest)) {
                    if (part_start) ranges.emplace_back(*part_start, content_end(*part_start, pos));
                    if (close) {
                        closed = true;
                        break;
                    }
                    if (m_parts + ranges.size() >= max_parts) {
                        limited = true;
                        break;
                    }
                    part_start = next;
                }
            }
            pos = next;
        }
        if (ranges.empty() && !part_start) {
            degrade(part, "has no line with its boundary \"" + *boundary + "\"");
            return;
        }
        if (limited) {
            report("The multipart at offset " + std::to_string(part.header_begin) +
                   " has too many parts; only the first ones are shown.");
        } else if (!closed) {
            report("The multipart at offset " + std::to_string(part.header_begin) +
                   " has no closing delimiter \"" + delimiter +
                   "--\"; its last part runs to the end (the message may be truncated).");
            ranges.emplace_back(*part_start, part.body_end);
        }
        const bool digest = ascii::iequals(part.subtype, "digest");
        part.children.reserve(ranges.size());
        for (const auto& [begin, end] : ranges) {
            part.children.push_back(parse_part(begin, end, depth + 1, digest));
        }
    }

    // Where a body part's content ends, given the offset of the delimiter line
    // after it: just before the line break that precedes the delimiter.
    std::size_t content_end(std::size_t start, std::size_t delimiter_pos) const {
        std::size_t end = delimiter_pos;
        if (end > start && m_raw[end - 1] == '\n') --end;
        if (end > start && m_raw[end - 1] == '\r') --end;
        return end;
    }

    std::string_view m_raw;
    std::vector<std::string>& m_problems;
    std::size_t m_parts = 0;
    std::size_t m_fields_left = max_total_header_fields;
};

}  // namespace

bool MimePart::is_multipart() const {
    return ascii::iequals(type, "multipart");
}

bool MimePart::is_message_rfc822() const {
    return ascii::iequals(type, "message") && ascii::iequals(subtype, "rfc822");
}

bool MimePart::is_text() const {
    return ascii::iequals(type, "text");
}

std::string MimePart::type_upper() const {
    return ascii::upper(type);
}

std::string MimePart::subtype_upper() const {
    return ascii::upper(subtype);
}

std::string MimePart::transfer_encoding() const {
    return encoding.value_or("7BIT");
}

std::optional<std::string> MimePart::param(std::string_view name) const {
    for (const text::RawParameter& parameter : params) {
        if (ascii::iequals(parameter.name, name)) return parameter.value;
    }
    return std::nullopt;
}

ParsedMessage parse_message(std::string_view raw) {
    ParsedMessage message;
    message.size = raw.size();
    Parser parser(raw, message.problems);
    message.root = parser.parse_part(0, raw.size(), 0, false);
    message.envelope = build_envelope(message.root.headers);
    return message;
}

}  // namespace mailscope::mime
