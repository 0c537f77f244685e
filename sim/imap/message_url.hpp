// IMAP URLs that name a message or a part of one (RFC 5092, the imapurl of
// RFC 4469 5), as CATENATE's URL parts and BADURL carry them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "sim/imap/command.hpp"

namespace mailscope::imap {

struct MessageUrl {
    // imap://[user[;AUTH=..]@]host[:port]/...: RFC 4469 3 leaves such URLs
    // to other extensions, so a server with CATENATE alone refuses them.
    bool absolute = false;
    std::string user;  // percent-decoded; empty when the URL names none
    std::string host;  // with the port, if any
    // Percent-decoded octets of the name; none for ";UID=n...", relative to
    // the selected mailbox (RFC 4469 3).
    std::optional<std::string> mailbox;
    std::optional<std::uint32_t> uidvalidity;
    std::uint32_t uid = 0;
    std::optional<SectionSpec> section;  // none: the whole message
    // ;PARTIAL=origin[.length]: the octets from origin, at most length of them.
    std::optional<std::pair<std::uint32_t, std::optional<std::uint32_t>>> partial;
};

// The URL, or a sentence saying why it names no message.
std::variant<MessageUrl, std::string> parse_message_url(std::string_view url);

}  // namespace mailscope::imap
