// Structured MIME header values of the form "value; name=value; ..." as used
// by Content-Type and Content-Disposition (RFC 2045 5.1, RFC 2183).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/text/encoded_words.hpp"

namespace mailscope::mime {

struct ParameterizedValue {
    std::string value;                       // "text/plain", "attachment"... trimmed
    std::vector<text::RawParameter> params;  // in order, quotes removed, names as sent
};

// A header is bounded in size, but a parameter list inside it need not be
// indexed beyond this.
inline constexpr std::size_t max_parameters = 256;

// Comments are removed, quoted strings unquoted; a parameter without "=" is
// ignored. Never fails.
ParameterizedValue parse_parameterized_value(std::string_view text);

}  // namespace mailscope::mime
