// A tolerant reader for the parts of an untagged FETCH response the mailbox
// inspector shows (RFC 3501 7.4.2): UID, FLAGS, RFC822.SIZE and the subject
// inside ENVELOPE. It is not the protocol parser: it never fails, skips what
// it does not know, and reads each byte at most once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailscope::gui {

struct FetchFacts {
    std::optional<std::uint32_t> uid;
    std::optional<std::vector<std::string>> flags;
    std::optional<std::uint64_t> size;
    std::optional<std::string> subject;
};

// `line` is the response as sent, e.g. "* 12 FETCH (UID 7 FLAGS (\Seen))".
FetchFacts scan_fetch(std::string_view line);

// "* 23 EXISTS" -> 23. nullopt when the line does not start with "* " and a number.
std::optional<std::uint32_t> untagged_number(std::string_view line);

}  // namespace mailscope::gui
