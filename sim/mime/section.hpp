// The octets behind an IMAP body section specification (RFC 3501 6.4.5):
// BODY[<part>.<text>]<<partial>>.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/mime/message.hpp"

namespace mailscope::mime {

enum class SectionText {
    None,             // BODY[] or BODY[1.2]: the whole message or the part's body
    Header,           // HEADER
    HeaderFields,     // HEADER.FIELDS (names)
    HeaderFieldsNot,  // HEADER.FIELDS.NOT (names)
    Text,             // TEXT
    Mime,             // MIME: the part's own MIME header (needs a part number)
};

// Finds the part named by the numeric path (RFC 3501 6.4.5): in a
// multipart, n is the n-th body part; a non-multipart message has one part,
// its body; after a message/rfc822 part the numbers continue inside the
// encapsulated message. Gives nullptr when the path names no part.
const MimePart* find_section_part(const ParsedMessage& message,
                                  const std::vector<std::uint32_t>& part);

// The exact octets IMAP returns for the section, or nullopt when the section
// does not exist: a part number out of range, MIME without a part number, or
// HEADER/TEXT/HEADER.FIELDS on a part that is not message/rfc822.
// `fields` are the names for HEADER.FIELDS and HEADER.FIELDS.NOT.
std::optional<std::string> section_octets(const ParsedMessage& message, std::string_view raw,
                                          const std::vector<std::uint32_t>& part, SectionText which,
                                          const std::vector<std::string>& fields = {});

// BODY[...]<origin.count>: the octets from `origin`, at most `count` of them
// (all of the rest without a count). An origin past the end gives an empty
// string, as RFC 3501 6.4.5 says.
std::string_view partial_octets(std::string_view octets, std::uint32_t origin,
                                std::optional<std::uint32_t> count = std::nullopt);

}  // namespace mailscope::mime
