// Where a server listens and what a connection's handler is told about its
// connection: the TCP server's settings without its Asio machinery, so that
// the code which sets up a server (serve, the GUI's lab) needs no Asio.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sim/core/connection_handler.hpp"

namespace mailscope::transport {

struct ListenerConfig {
    std::string name;  // "imap", "imaps", "pop3", ...
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  // 0: any free port (tests)
    bool implicit_tls = false;
    // Written to a connection the server has no room for (too many
    // connections, no file descriptor left) before it is closed: the
    // protocol's refusal, e.g. "* BYE ...\r\n". Empty: closed silently.
    std::string refusal;
};

struct ConnectionInfo {
    std::string listener;
    std::string peer;  // "127.0.0.1:53211"
    std::uint64_t id = 0;
};

using HandlerFactory =
    std::function<std::unique_ptr<ConnectionHandler>(const ConnectionInfo& info)>;

// "ADDR:PORT", "[v6]:PORT" or "PORT" (then on 127.0.0.1). Throws
// std::invalid_argument with a readable message.
ListenerConfig parse_listen_address(const std::string& text, std::string name, bool implicit_tls);

// Steady-clock microseconds (the TCP transport's clock).
Micros steady_now();

}  // namespace mailscope::transport
