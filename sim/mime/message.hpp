// The parsed form of an RFC 5322 message and its MIME tree (RFC 2045, 2046).
//
// Parsing never fails: a malformed message degrades to something a learner
// can still look at (a multipart without a usable boundary becomes a plain
// text body), and each such decision is recorded in `problems`. Nesting is
// bounded by max_nesting_depth and the number of parts by max_parts, so
// hostile input costs linear time and bounded memory.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/mime/envelope.hpp"
#include "sim/mime/header.hpp"
#include "sim/text/encoded_words.hpp"

namespace mailscope::mime {

inline constexpr std::size_t max_nesting_depth = 32;
inline constexpr std::size_t max_parts = 10000;
// Header fields indexed over the whole message, all parts together.
inline constexpr std::size_t max_total_header_fields = 65536;

struct MimePart {
    // The part's own header: the MIME header of a body part, or the message
    // header for the top level and for a message/rfc822 encapsulation.
    std::vector<HeaderField> headers;

    // Content-Type as sent ("TEXT", "text"...); the RFC 2045 default
    // text/plain; charset=us-ascii when absent or unusable.
    std::string type = "text";
    std::string subtype = "plain";
    std::vector<text::RawParameter> params;  // as sent, quotes removed

    std::optional<std::string> id;           // Content-ID
    std::optional<std::string> description;  // Content-Description
    std::optional<std::string> encoding;     // Content-Transfer-Encoding as sent
    std::optional<std::string> md5;          // Content-MD5
    std::optional<std::string> disposition;  // "attachment", "inline"... as sent
    std::vector<text::RawParameter> disposition_params;
    std::vector<std::string> language;    // Content-Language tags
    std::optional<std::string> location;  // Content-Location

    // Octet offsets into the original message. The header runs from
    // header_begin to header_end and includes the blank line; the body runs
    // from body_begin (== header_end) to body_end.
    std::size_t header_begin = 0;
    std::size_t header_end = 0;
    std::size_t body_begin = 0;
    std::size_t body_end = 0;
    bool has_blank_line = false;

    // Lines in the body: line breaks, plus one for a last line without one.
    std::size_t body_lines = 0;

    // multipart/*: the body parts. message/rfc822: exactly one child, the
    // encapsulated message (its `headers` are that message's header).
    std::vector<MimePart> children;
    // message/rfc822 only: the encapsulated message's envelope.
    std::optional<EnvelopeData> envelope;

    std::size_t body_size() const { return body_end - body_begin; }
    bool is_multipart() const;
    bool is_message_rfc822() const;
    bool is_text() const;
    std::string type_upper() const;
    std::string subtype_upper() const;
    // The IMAP body-fld-enc value: the header as sent, or "7BIT" by default.
    std::string transfer_encoding() const;
    // A Content-Type parameter by case-insensitive name, as sent.
    std::optional<std::string> param(std::string_view name) const;
};

struct ParsedMessage {
    MimePart root;          // the message header and its body
    EnvelopeData envelope;  // of the top-level message
    std::size_t size = 0;   // octets in the raw message (RFC822.SIZE)
    // Plain sentences about what was malformed and how it was handled.
    std::vector<std::string> problems;
};

ParsedMessage parse_message(std::string_view raw);

}  // namespace mailscope::mime
