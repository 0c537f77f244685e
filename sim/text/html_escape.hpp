// Text made safe inside HTML elements and quoted attributes: the pages a
// teacher hands back and the handouts show wire text, which may hold markup.
#pragma once

#include <string>
#include <string_view>

namespace mailscope::text {

// '&', '<', '>' and '"' as character references; everything else as it is.
std::string html_escaped(std::string_view text);

}  // namespace mailscope::text
