// How a client connects: the network client's options, without the
// client's Asio machinery (the server's URL is in net/server_url.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "net/server_url.hpp"
#include "net/tls_options.hpp"

namespace mailscope::transport {

struct NetClientOptions {
    std::string host;
    std::uint16_t port = 0;
    bool implicit_tls = false;
    ClientTlsOptions tls;
    // Bounds the connection, each TLS handshake, and each awaited reply.
    std::chrono::milliseconds timeout{30000};
};

}  // namespace mailscope::transport
