// Editing a server's capability list on its way to a client: the proxy
// offers STARTTLS (POP3: STLS) itself while the client's leg is in clear,
// so that clients that look for it in the list go on to use it, and drops
// it once that leg is TLS, as a server must (RFC 3207 4.2; RFC 3501 6.2.1
// and RFC 2595 4 forbid a second STARTTLS).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/core/protocol.hpp"

namespace mailscope::sim {

enum class ListChange : std::uint8_t { None, Added, Removed };

struct EditedList {
    std::string text;  // the reply as the client gets it
    ListChange change = ListChange::None;
};

// `reply` is one whole reply that lists capabilities: an IMAP line with a
// CAPABILITY response or [CAPABILITY ...] code (RFC 3501 7.2.1, 7.1), a
// POP3 reply to CAPA ending in ".\r\n" (RFC 2449 5), or an SMTP reply to
// EHLO (RFC 5321 4.1.1.1). With `offer` the STARTTLS (STLS) item is added
// when missing, without it removed when present; anything else is kept
// octet for octet.
EditedList offer_starttls(Protocol protocol, std::string_view reply, bool offer);

// The command that asks for the list: CAPABILITY, CAPA or EHLO.
std::string_view capability_verb(Protocol protocol);

}  // namespace mailscope::sim
