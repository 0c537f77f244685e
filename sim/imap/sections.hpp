// The RFC section that defines each response, for the trace and the GUI
// (a command's is in its verb table, sim/imap/verbs.hpp).
#pragma once

#include <string_view>

#include "sim/imap/response.hpp"

namespace mailscope::imap {

std::string_view response_section(const Response& response);  // by name / status / code

}  // namespace mailscope::imap
