// A tolerant reader for "* LIST" and "* LSUB" responses (RFC 3501 7.2.2,
// 7.2.3) and for the UIDVALIDITY / UIDNEXT response codes (7.1), for the
// mailbox inspector's folder tree. Like fetch_scan it never fails: what it
// cannot read it leaves out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailscope::gui {

struct FolderRow {
    std::string wire;     // the name as sent (modified UTF-7, RFC 3501 5.1.3)
    std::string decoded;  // UTF-8; equal to `wire` when it does not decode
    std::optional<char> delimiter;
    std::vector<std::string> attributes;  // \Noselect, \HasChildren...
};

// `line` is the response as sent, e.g. `* LIST (\HasNoChildren) "/" "&BB8EMAQ,BDoEMA-"`.
std::optional<FolderRow> scan_list(std::string_view line);

// "UIDVALIDITY 3857529045" -> 3857529045 for `name` "UIDVALIDITY"; the text
// of a response code as TraceEvent::code holds it.
std::optional<std::uint32_t> code_number(std::string_view code, std::string_view name);

}  // namespace mailscope::gui
