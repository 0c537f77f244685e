// Base64 (RFC 2045 section 6.8, RFC 4648 section 4).
//
// Two decoders on purpose: IMAP and SASL payloads must be exact, so the strict
// one rejects anything unusual; MIME bodies are wrapped and often sloppy, so the
// lenient one skips what RFC 2045 says a decoder must ignore.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mailscope::text {

// Plain base64 with padding and no line breaks.
std::string base64_encode(std::string_view bytes);

// Base64 wrapped into CRLF-terminated lines of at most `line_length` characters,
// as a MIME body needs (RFC 2045 allows 76 at most).
std::string base64_encode_lines(std::string_view bytes, std::size_t line_length = 76);

// Rejects whitespace, characters outside the alphabet, a length that is not a
// multiple of four, misplaced padding and non-zero padding bits. `error`
// receives a sentence explaining the first problem found.
std::optional<std::string> base64_decode_strict(std::string_view text,
                                                std::string* error = nullptr);

// Skips every character outside the alphabet (line breaks, spaces) and stops
// at the first '='. A dangling lone character at the end is dropped.
std::string base64_decode_mime(std::string_view text);

}  // namespace mailscope::text
