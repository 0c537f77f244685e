// The RFC section that defines each response, for the trace and the GUI
// (a command's is in its verb table, sim/imap/verbs.hpp).
#pragma once

#include <string>
#include <string_view>

#include "sim/imap/response.hpp"

namespace mailscope::imap {

std::string_view response_section(const Response& response);  // by name / status / code

// The same rule in RFC 9051, for a session that follows IMAP4rev2: "RFC 3501
// 6.3.1" (SELECT) is "RFC 9051 6.3.2", and the extensions RFC 9051 folded in
// (ENABLE, IDLE, NAMESPACE, UNSELECT, MOVE, UIDPLUS, ESEARCH) are cited
// there too. A section without a counterpart (LSUB, CHECK, RECENT) is
// returned as it is.
std::string imap4rev2_section(std::string_view section);

}  // namespace mailscope::imap
