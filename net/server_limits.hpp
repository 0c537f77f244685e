// What one TcpServer holds at most, so that a class of buggy and curious
// clients cannot exhaust the machine (see tcp_server.hpp for what happens
// at each limit).
#pragma once

#include <cstddef>

#include "sim/core/connection_handler.hpp"

namespace mailscope::transport {

struct ServerLimits {
    // Back-pressure: a connection is not read while more than this many
    // octets wait to be written to it.
    std::size_t output_bound = 1024 * 1024;
    // A session whose unsent output passes this (one enormous response) is
    // closed with its handler's goodbye; the output is dropped.
    std::size_t session_output_cap = 64 * 1024 * 1024;
    // The same for the unsent output of all sessions together: the session
    // whose output pushes the sum past it is closed.
    std::size_t total_output_cap = 256 * 1024 * 1024;
    // Sessions beyond this are answered with the listener's refusal.
    std::size_t max_connections = 512;
    // A TLS handshake (implicit TLS, or after STARTTLS) that has not
    // finished by then closes the connection.
    Micros handshake_timeout = 30ll * 1000 * 1000;
    // A connection that is closing but whose peer takes none of the rest of
    // its output for this long is cut.
    Micros close_linger = 10ll * 1000 * 1000;
};

}  // namespace mailscope::transport
