// The data of an IMAP ENVELOPE (RFC 3501 7.4.2), taken from a header block.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/mime/address.hpp"
#include "sim/mime/header.hpp"

namespace mailscope::mime {

// Strings are the unfolded header values, still RFC 2047 encoded, as IMAP
// sends them; nullopt means the field is absent (IMAP NIL). An empty address
// list is NIL too.
struct EnvelopeData {
    std::optional<std::string> date;
    std::optional<std::string> subject;
    std::vector<AddressData> from;
    std::vector<AddressData> sender;    // defaults to `from` when absent or empty
    std::vector<AddressData> reply_to;  // defaults to `from` when absent or empty
    std::vector<AddressData> to;
    std::vector<AddressData> cc;
    std::vector<AddressData> bcc;
    std::optional<std::string> in_reply_to;
    std::optional<std::string> message_id;
};

EnvelopeData build_envelope(const std::vector<HeaderField>& fields);

}  // namespace mailscope::mime
