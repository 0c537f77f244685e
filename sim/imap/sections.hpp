// The RFC section that defines each command and response, for the trace and the GUI.
#pragma once

#include <string_view>

#include "sim/imap/command.hpp"
#include "sim/imap/response.hpp"

namespace mailscope::imap {

std::string_view command_section(Verb verb);                  // "RFC 3501 6.2.3" for LOGIN
std::string_view response_section(const Response& response);  // by name / status / code

}  // namespace mailscope::imap
