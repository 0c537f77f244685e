// Lab report: what a teacher reads after a student's client talked to the
// mock server. It lists the client's protocol violations, each with the RFC
// section it breaks and the line of the numbered transcript that follows.
#pragma once

#include <string>

#include "sim/core/trace.hpp"

namespace mailscope::server {

// A plain-text report: a summary line, the client's violations ("line 12:
// RFC 3501 6.2.3: LOGIN is not valid..."), then the numbered transcript the
// line numbers refer to ("12 C: a1 LOGIN ..."). Server-side violations are
// not the student's and are left out; what the server noted about its own
// answers (a stored NUL sent as 0x80, an injected fault) is listed between.
std::string violation_report(const sim::SessionTrace& trace);

}  // namespace mailscope::server
