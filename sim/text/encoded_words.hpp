// RFC 2047 encoded-words in header fields and RFC 2231 parameter values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailscope::text {

enum class WordEncoding { Base64, QuotedPrintable };

// Decodes a header value for display: unfolds it, decodes every well-formed
// "=?charset?B|Q?text?=" word to UTF-8 and drops the whitespace between two
// adjacent encoded-words (RFC 2047 section 6.2). Words that are malformed or
// name an unknown charset stay as written. Raw 8-bit text is shown as UTF-8
// with invalid sequences replaced by U+FFFD.
std::string decode_header_value(std::string_view raw_value);

// Encodes UTF-8 text as one or more encoded-words in `charset`, each at most 75
// characters (RFC 2047 section 2) and never splitting a character, separated
// by CRLF SP so the result can be placed in a header as a folded value.
// Gives nullopt, with a sentence in `error`, if a character has no code in
// `charset`.
std::optional<std::string> encode_header_value(std::string_view utf8, std::string_view charset,
                                               WordEncoding encoding, std::string* error = nullptr);

// One MIME parameter as written in a header ("name=value"), value unquoted.
struct RawParameter {
    std::string name;
    std::string value;
};

// A parameter after RFC 2231 processing.
struct DecodedParameter {
    std::string name;      // lower case, without "*" or section number
    std::string value;     // UTF-8
    std::string language;  // from charset'language'..., empty if none
};

// Joins RFC 2231 continuations ("name*0", "name*1*"...) in section order,
// decodes extended values ("charset'lang'%XX") to UTF-8 and passes plain
// parameters through (decoding RFC 2047 words some mailers put in them).
// The result keeps the order in which each name first appeared.
std::vector<DecodedParameter> decode_parameters(const std::vector<RawParameter>& parameters);

}  // namespace mailscope::text
