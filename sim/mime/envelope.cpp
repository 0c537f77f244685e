#include "sim/mime/envelope.hpp"

namespace mailscope::mime {

namespace {

std::optional<std::string> text_field(const std::vector<HeaderField>& fields,
                                      std::string_view name) {
    const HeaderField* field = find_field(fields, name);
    if (field == nullptr) return std::nullopt;
    return field->value;
}

std::vector<AddressData> address_field(const std::vector<HeaderField>& fields,
                                       std::string_view name) {
    const HeaderField* field = find_field(fields, name);
    if (field == nullptr) return {};
    return parse_address_list(field->value);
}

}  // namespace

EnvelopeData build_envelope(const std::vector<HeaderField>& fields) {
    EnvelopeData envelope;
    envelope.date = text_field(fields, "Date");
    envelope.subject = text_field(fields, "Subject");
    envelope.from = address_field(fields, "From");
    envelope.sender = address_field(fields, "Sender");
    envelope.reply_to = address_field(fields, "Reply-To");
    envelope.to = address_field(fields, "To");
    envelope.cc = address_field(fields, "Cc");
    envelope.bcc = address_field(fields, "Bcc");
    envelope.in_reply_to = text_field(fields, "In-Reply-To");
    envelope.message_id = text_field(fields, "Message-ID");
    // RFC 3501 7.4.2: the server fills in Sender and Reply-To from From.
    if (envelope.sender.empty()) envelope.sender = envelope.from;
    if (envelope.reply_to.empty()) envelope.reply_to = envelope.from;
    return envelope;
}

}  // namespace mailscope::mime
