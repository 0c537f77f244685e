// IMAP modified UTF-7 mailbox names (RFC 3501 section 5.1.3).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mailscope::text {

// Encodes a UTF-8 mailbox name for the wire. Invalid UTF-8 input is encoded as
// if each bad sequence were U+FFFD; use mutf7_encode_strict to reject it.
std::string mutf7_encode(std::string_view utf8);

// Like mutf7_encode, but refuses input that is not valid UTF-8.
std::optional<std::string> mutf7_encode_strict(std::string_view utf8, std::string* error = nullptr);

// Decodes a wire mailbox name to UTF-8. Strict: it refuses every form RFC 3501
// forbids or that a canonical encoder never produces (an unterminated or empty
// shift, a bare "&", non-zero padding bits, printable ASCII hidden in base64,
// null shifts "-&", broken UTF-16 surrogate pairs, octets outside printable
// ASCII). `error` receives a sentence explaining the first problem found.
std::optional<std::string> mutf7_decode(std::string_view wire, std::string* error = nullptr);

}  // namespace mailscope::text
