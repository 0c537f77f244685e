// RFC 5322 header blocks: splitting into fields, unfolding, lookup by name and
// the exact header subsets IMAP returns for BODY[HEADER.FIELDS (...)].
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mailscope::mime {

struct HeaderField {
    std::string name;       // as sent, without the colon
    std::string raw_value;  // octets after the colon, folding kept, final line break excluded
    std::string value;      // unfolded (RFC 5322 2.2.3) with surrounding blanks trimmed
    std::size_t begin = 0;  // offset of the field's first octet in the message
    std::size_t end = 0;    // offset just past the field's last line break
};

struct HeaderBlock {
    std::vector<HeaderField> fields;
    std::size_t begin = 0;        // offset of the first header octet
    std::size_t blank_begin = 0;  // offset of the blank line, or `end` when there is none
    std::size_t end = 0;          // offset just past the blank line: where the body starts
    bool has_blank_line = false;
    std::size_t malformed_lines = 0;  // lines that are neither a field nor a continuation
    bool truncated = false;           // more fields than max_header_fields were present
};

// A header with more fields than this is kept whole, but only this many
// fields are indexed, so hostile input cannot blow up memory.
inline constexpr std::size_t max_header_fields = 4096;

// Parses the header block that starts at `begin` in `message` and ends at the
// first empty line (or at the end of `message`). Accepts CRLF and bare LF.
// At most `max_fields` fields are indexed.
HeaderBlock parse_header_block(std::string_view message, std::size_t begin = 0,
                               std::size_t max_fields = max_header_fields);

// Removes the line breaks of folded lines and trims surrounding blanks.
std::string unfold(std::string_view raw_value);

// The first field called `name` (case-insensitive), or nullptr.
const HeaderField* find_field(const std::vector<HeaderField>& fields, std::string_view name);

// Every field called `name`, in message order.
std::vector<const HeaderField*> find_fields(const std::vector<HeaderField>& fields,
                                            std::string_view name);

// The octets IMAP returns for HEADER.FIELDS (`names`) or, when `exclude` is
// true, HEADER.FIELDS.NOT (`names`) (RFC 3501 6.4.5): the matching fields
// exactly as sent, in message order, followed by the blank line if the
// header had one. `header` starts at the first header octet; anything after
// the blank line is ignored.
std::string header_fields_subset(std::string_view header, const std::vector<std::string>& names,
                                 bool exclude);

}  // namespace mailscope::mime
