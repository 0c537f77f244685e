// The RFC section that defines each command and response, for the trace and the GUI.
#pragma once

#include <string_view>

#include "sim/imap/command.hpp"
#include "sim/imap/response.hpp"

namespace mailscope::imap {

std::string_view command_section(Verb verb);  // "RFC 3501 6.2.3" for LOGIN
// Also the UID forms (RFC 3501 6.4.8, UID MOVE, UID EXPUNGE), X<atom>
// commands (6.5.1) and the extension commands parsed as unknown verbs.
std::string_view command_section(const Command& command);
std::string_view response_section(const Response& response);  // by name / status / code

}  // namespace mailscope::imap
