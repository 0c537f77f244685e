// Decoded views of what travelled on the wire, shown beside the raw bytes:
// a literal holding a message gets its header fields with RFC 2047 words
// decoded and its text parts transfer-decoded and converted to UTF-8; a line
// naming mailboxes gets its modified UTF-7 names (RFC 3501 5.1.3) decoded;
// a masked secret is only ever called hidden.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/trace.hpp"

namespace mailscope::gui {

// The content of a literal decoded for reading, as display lines: the header
// fields, then every text part under a "-- type/subtype; charset --" line,
// other parts as one line giving their type and size. Lines longer than
// `width` characters wrap; at most `max_lines` lines are kept (the last one
// says so). Octets that are not a message (a body section) are shown as text.
std::vector<std::string> decoded_literal_lines(std::string_view octets, std::size_t width = 96,
                                               std::size_t max_lines = 64);

// The modified UTF-7 mailbox names in the first line of an IMAP command or
// untagged response that names mailboxes (LIST, SELECT, RENAME...). Names
// that are plain ASCII or do not decode are left out.
struct DecodedName {
    std::string raw;
    std::string decoded;
};
std::vector<DecodedName> decoded_mailbox_names(const sim::TraceEvent& event);

enum class NoteForm : std::uint8_t {
    Full,   // "raw \u2192 decoded": a tooltip, where there is room
    Short,  // the decoded names only: a row, where the raw text follows
};

// What a row shows beside its raw text: `hidden_word` for a masked secret,
// else the decoded mailbox names joined by ", ", else nothing.
std::string decoded_note(const sim::TraceEvent& event, std::string_view hidden_word,
                         NoteForm form = NoteForm::Full);

}  // namespace mailscope::gui
