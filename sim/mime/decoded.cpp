#include "sim/mime/decoded.hpp"

#include "sim/core/ascii.hpp"
#include "sim/text/base64.hpp"
#include "sim/text/charset.hpp"
#include "sim/text/encoded_words.hpp"
#include "sim/text/quoted_printable.hpp"
#include "sim/text/utf8.hpp"

namespace mailscope::mime {

namespace {

std::optional<std::string> find_decoded(const std::vector<text::RawParameter>& params,
                                        std::string_view name) {
    for (text::DecodedParameter& parameter : text::decode_parameters(params)) {
        if (parameter.name == name) return std::move(parameter.value);
    }
    return std::nullopt;
}

}  // namespace

std::string transfer_decode(std::string_view body, std::string_view encoding) {
    std::string_view trimmed = encoding;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) {
        trimmed.remove_prefix(1);
    }
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t')) {
        trimmed.remove_suffix(1);
    }
    if (ascii::iequals(trimmed, "base64")) return text::base64_decode_mime(body);
    if (ascii::iequals(trimmed, "quoted-printable")) {
        return text::quoted_printable_decode(body);
    }
    return std::string(body);
}

DecodedText decoded_body_text(const MimePart& part, std::string_view raw) {
    DecodedText result;
    if (part.body_end > raw.size() || part.body_begin > part.body_end) return result;
    const std::string octets =
        transfer_decode(raw.substr(part.body_begin, part.body_size()), part.transfer_encoding());
    result.charset = part.param("charset").value_or("us-ascii");
    if (auto converted = text::to_utf8(octets, result.charset)) {
        // Mail labelled us-ascii often carries UTF-8 anyway; show it if it is valid.
        const bool ascii_label = text::canonical_charset(result.charset) == "us-ascii";
        result.text = ascii_label && text::is_valid_utf8(octets) ? octets : std::move(*converted);
    } else {
        result.charset_known = false;
        result.text = text::sanitize_utf8(octets);
    }
    return result;
}

std::optional<std::string> decoded_header(const MimePart& part, std::string_view name) {
    const HeaderField* field = find_field(part.headers, name);
    if (field == nullptr) return std::nullopt;
    return text::decode_header_value(field->value);
}

std::string decoded_subject(const ParsedMessage& message) {
    return decoded_header(message.root, "Subject").value_or(std::string());
}

std::string format_address(const AddressData& address) {
    std::string mailbox = text::sanitize_utf8(address.mailbox.value_or(std::string()));
    if (address.host && !address.host->empty()) {
        mailbox.push_back('@');
        mailbox.append(text::sanitize_utf8(*address.host));
    }
    if (!address.name || address.name->empty()) return mailbox;
    return text::decode_header_value(*address.name) + " <" + mailbox + ">";
}

std::string format_address_list(const std::vector<AddressData>& addresses) {
    std::string out;
    bool first_in_group = false;
    for (const AddressData& address : addresses) {
        if (address.is_group_end()) {
            out += ";";
            continue;
        }
        if (!out.empty() && !first_in_group) out += ", ";
        if (address.is_group_start()) {
            out += text::decode_header_value(*address.mailbox) + ":";
            first_in_group = true;
            continue;
        }
        if (first_in_group) out += " ";
        first_in_group = false;
        out += format_address(address);
    }
    return out;
}

std::string decoded_from(const ParsedMessage& message) {
    return format_address_list(message.envelope.from);
}

std::optional<std::string> decoded_filename(const MimePart& part) {
    if (auto name = find_decoded(part.disposition_params, "filename")) return name;
    return find_decoded(part.params, "name");
}

}  // namespace mailscope::mime
