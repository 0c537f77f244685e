// What the mock servers say to a connection they have no room for (too
// many connections, no file descriptor left) before closing it: the
// protocol's own way to turn a client away at the greeting, so the client
// reports "try again later" instead of waiting for a greeting that never
// comes.
#pragma once

#include <string>

#include "server_mock/server_config.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::server {

// The whole line, CRLF included: IMAP "* BYE [UNAVAILABLE] ..." (RFC 3501
// 7.1.5, RFC 5530), POP3 "-ERR [SYS/TEMP] ..." (RFC 2449 8, RFC 3206) and
// SMTP "421 4.3.2 ..." (RFC 5321 3.1 and 4.2.3, RFC 3463).
std::string too_many_connections(sim::Protocol protocol, const ServerConfig& config);

}  // namespace mailscope::server
