// Literal sizes that do not match their data. The mistake a learner makes
// most is counting characters instead of octets (RFC 3501 4.3: a literal is
// prefixed by "the number of octets"), and with Cyrillic text the two differ:
// "борис" is 5 characters, 10 octets in UTF-8 and 5 in windows-1251. So a
// mismatch is explained by counting the text the client meant every one of
// those ways and saying which count the announced size is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/core/catalogue.hpp"

namespace mailscope::imap {

// `announced`: the n of {n}; `text`: the octets the client meant as the
// literal. A clause such as "{31} was announced, but the text is 58 octets
// of UTF-8 (31 characters, 31 octets in windows-1251): {31} counts
// characters, not octets; this text needs {58}".
std::string explain_literal_size(std::uint64_t announced, std::string_view text);
// The same clause as a phrase of the catalogue.
sim::Said explain_literal_said(std::uint64_t announced, std::string_view text);

}  // namespace mailscope::imap
