#include "server_mock/imap_envelope.hpp"
#include "sim/core/ascii.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace mailscope::server {

namespace {

imap::BodyParams to_params(const std::vector<text::RawParameter>& params) {
    imap::BodyParams out;
    out.reserve(params.size());
    for (const text::RawParameter& param : params)
        out.emplace_back(ascii::upper(param.name), param.value);
    return out;
}

std::vector<imap::Address> to_addresses(const std::vector<mime::AddressData>& addresses) {
    std::vector<imap::Address> out;
    out.reserve(addresses.size());
    for (const mime::AddressData& address : addresses)
        out.push_back(to_imap_address(address));
    return out;
}

// Sizes and line counts are 32-bit numbers on the wire (RFC 3501 9 number);
// the store caps messages far below that, so this only guards the type.
std::uint32_t clamp32(std::size_t value) {
    return static_cast<std::uint32_t>(
        std::min<std::size_t>(value, std::numeric_limits<std::uint32_t>::max()));
}

// RFC 3501 7.4.2: BODYSTRUCTURE writes the extension fields in this order;
// all four are always sent so every part looks the same to a learner.
constexpr std::size_t kExtensionFields = 4;

void add_extension_data(const mime::MimePart& part, imap::BodyStructure& body) {
    body.extension_count = kExtensionFields;
    if (part.is_multipart()) {
        body.params = to_params(part.params);
    } else {
        body.md5 = part.md5;
    }
    if (part.disposition) {
        body.disposition = imap::BodyDisposition{ascii::upper(*part.disposition),
                                                 to_params(part.disposition_params)};
    }
    body.language = part.language;
    body.location = part.location;
}

}  // namespace

imap::Address to_imap_address(const mime::AddressData& address) {
    return imap::Address{address.name, address.adl, address.mailbox, address.host};
}

imap::Envelope to_imap_envelope(const mime::EnvelopeData& envelope) {
    imap::Envelope out;
    out.date = envelope.date;
    out.subject = envelope.subject;
    out.from = to_addresses(envelope.from);
    out.sender = to_addresses(envelope.sender);
    out.reply_to = to_addresses(envelope.reply_to);
    out.to = to_addresses(envelope.to);
    out.cc = to_addresses(envelope.cc);
    out.bcc = to_addresses(envelope.bcc);
    out.in_reply_to = envelope.in_reply_to;
    out.message_id = envelope.message_id;
    return out;
}

imap::BodyStructure to_imap_body_structure(const mime::MimePart& part, bool extensible) {
    imap::BodyStructure body;
    if (part.is_multipart()) {
        body.multipart = true;
        body.type = "MULTIPART";
        body.subtype = part.subtype_upper();
        body.parts.reserve(part.children.size());
        for (const mime::MimePart& child : part.children)
            body.parts.push_back(to_imap_body_structure(child, extensible));
        if (extensible) add_extension_data(part, body);
        return body;
    }
    body.type = part.type_upper();
    body.subtype = part.subtype_upper();
    body.params = to_params(part.params);
    body.id = part.id;
    body.description = part.description;
    body.encoding = ascii::upper(part.transfer_encoding());
    body.size = clamp32(part.body_size());
    if (part.is_message_rfc822() && !part.children.empty()) {
        body.envelope = to_imap_envelope(part.envelope.value_or(mime::EnvelopeData{}));
        body.parts.push_back(to_imap_body_structure(part.children.front(), extensible));
        body.lines = clamp32(part.body_lines);
    } else if (part.is_text()) {
        body.lines = clamp32(part.body_lines);
    }
    if (extensible) add_extension_data(part, body);
    return body;
}

}  // namespace mailscope::server
