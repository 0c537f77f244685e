// Human-readable views of a parsed message for display: header values with
// RFC 2047 words decoded, addresses formatted, bodies transfer-decoded and
// converted to UTF-8.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/mime/message.hpp"

namespace mailscope::mime {

// Undoes a Content-Transfer-Encoding: base64 and quoted-printable are
// decoded, anything else (7bit, 8bit, binary, unknown) is returned as is.
std::string transfer_decode(std::string_view body, std::string_view encoding);

struct DecodedText {
    std::string text;           // UTF-8
    std::string charset;        // the charset parameter as sent ("us-ascii" when absent)
    bool charset_known = true;  // false: the text was shown as UTF-8 with U+FFFD for bad octets
};

// The body of `part` decoded for reading. `raw` is the original message.
DecodedText decoded_body_text(const MimePart& part, std::string_view raw);

// The first field called `name` with its encoded-words decoded; nullopt if absent.
std::optional<std::string> decoded_header(const MimePart& part, std::string_view name);

std::string decoded_subject(const ParsedMessage& message);

// "Name <mailbox@host>" with the name decoded, or "mailbox@host".
std::string format_address(const AddressData& address);

// Addresses joined by ", "; groups as "Group: a, b;".
std::string format_address_list(const std::vector<AddressData>& addresses);

std::string decoded_from(const ParsedMessage& message);

// The file name of an attachment: Content-Disposition's filename, else
// Content-Type's name, with RFC 2231 and RFC 2047 decoding.
std::optional<std::string> decoded_filename(const MimePart& part);

}  // namespace mailscope::mime
