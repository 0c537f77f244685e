// FETCH answers for one message from the mail store (RFC 3501 6.4.5, 7.4.2).
//
// The session decides which messages a FETCH names and sends the responses;
// this file turns one message and the requested attributes into the typed
// FETCH items that imap::make_fetch serializes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server_mock/mail_store.hpp"
#include "server_mock/parsed_cache.hpp"
#include "sim/imap/command.hpp"
#include "sim/imap/response.hpp"

namespace mailscope::server {

// The parts of a FETCH answer that depend only on a message's octets and
// cost a MIME parse: each is filled the first time it is asked for.
struct FetchFacts {
    std::shared_ptr<const imap::Envelope> envelope;
    std::optional<imap::BodyStructure> body;            // BODY
    std::optional<imap::BodyStructure> body_structure;  // BODYSTRUCTURE
};
struct MessageContext {
    const Message& message;
    std::uint32_t seq;
    bool recent;  // \Recent as seen by the asking session
};

// The FLAGS item: the stored flags, plus \Recent when `recent`.
imap::FetchItem flags_item(const Message& message, bool recent);

// What answering a FETCH did besides the items.
struct FetchEffects {
    // A non-PEEK BODY[...], RFC822 or RFC822.TEXT was fetched and \Seen is
    // not set (RFC 3501 6.4.5): the caller then sets \Seen in the store and
    // adds a FLAGS item to the response.
    bool sets_seen = false;
    // NUL octets of the message sent as 0x80 (wire_safety.hpp).
    std::size_t replaced_nuls = 0;
    // BINARY asked to decode a Content-Transfer-Encoding this server does
    // not know (as written): the FETCH fails with NO [UNKNOWN-CTE] (RFC 3516
    // 4.3) and these items are not sent.
    std::optional<std::string> unknown_encoding;
};

// The octets of BODY[section] (RFC 3501 6.4.5): the raw message's, as
// stored; nothing when the message has no such section.
std::optional<std::string> body_section_octets(const mime::ParsedMessage& parsed,
                                               std::string_view raw,
                                               const imap::SectionSpec& section);

// FETCH items for one message, in the order of `atts`; UID comes first when
// `uid_command` and UID was not requested (RFC 3501 6.4.8).
// A section that does not exist answers "" (Dovecot does the same).
std::vector<imap::FetchItem> build_fetch_items(const MessageContext& context,
                                               const std::vector<imap::FetchAtt>& atts,
                                               ParsedCache& cache, bool uid_command,
                                               FetchEffects& effects);

}  // namespace mailscope::server
