// ServerLoop: `mailscope serve`'s TCP server run on the calling thread until
// SIGINT or SIGTERM, then stopped the polite way: every session is told the
// server is going (its BYE, -ERR or 421), and the loop waits up to three
// seconds for those goodbyes to be written before it cuts what is left.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "net/listener_config.hpp"
#include "net/server_limits.hpp"
#include "net/tls_options.hpp"

namespace mailscope::transport {

class ServerLoop {
  public:
    // Throws std::runtime_error with a readable message when the
    // certificate files cannot be used.
    ServerLoop(const ServerTlsFiles& tls, ServerLimits limits);
    ~ServerLoop();
    ServerLoop(const ServerLoop&) = delete;
    ServerLoop& operator=(const ServerLoop&) = delete;

    // Binds and starts accepting; returns the bound port. Throws
    // std::system_error when the address cannot be bound.
    std::uint16_t listen(const ListenerConfig& config, HandlerFactory factory);

    // Serves until SIGINT or SIGTERM; `on_stopping` runs when the signal came,
    // before the sessions are told.
    void run_until_signal(const std::function<void()>& on_stopping);

  private:
    struct Loop;
    std::unique_ptr<Loop> m_loop;
};

}  // namespace mailscope::transport
