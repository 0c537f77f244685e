// Quoted-Printable content transfer encoding (RFC 2045 section 6.7).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailscope::text {

// Decodes "=XX" escapes and removes soft line breaks ("=" at the end of a line).
// Trailing whitespace on a line is dropped, as rule 3 asks. Broken escapes are
// kept literally, since mail in the wild is often sloppy and nothing is lost.
// Hard line breaks (CRLF or bare LF) come out as CRLF.
std::string quoted_printable_decode(std::string_view text);

// Encodes bytes with CRLF line breaks kept as hard breaks and lines wrapped
// with soft breaks so no encoded line exceeds `line_length` (76 at most).
std::string quoted_printable_encode(std::string_view bytes, std::size_t line_length = 76);

}  // namespace mailscope::text
