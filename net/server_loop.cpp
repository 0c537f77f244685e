#include "net/server_loop.hpp"

#include <asio.hpp>

#include <chrono>
#include <csignal>

#include "net/tcp_server.hpp"
#include "net/tls.hpp"

namespace mailscope::transport {

// The server before the context: its connections' sockets belong to it.
struct ServerLoop::Loop {
    Loop(const ServerTlsFiles& tls, ServerLimits limits)
        : server(io, make_server_context(tls), limits) {}

    // Polls until every session has gone or three seconds have passed.
    void wait_for_goodbyes(std::chrono::steady_clock::time_point started) {
        if (server.connection_count() == 0 ||
            std::chrono::steady_clock::now() - started > std::chrono::seconds(3)) {
            io.stop();
            return;
        }
        check.expires_after(std::chrono::milliseconds(20));
        check.async_wait([this, started](std::error_code) { wait_for_goodbyes(started); });
    }

    asio::io_context io;
    TcpServer server;
    asio::steady_timer check{io};
};

ServerLoop::ServerLoop(const ServerTlsFiles& tls, ServerLimits limits)
    : m_loop(std::make_unique<Loop>(tls, limits)) {}

ServerLoop::~ServerLoop() = default;

std::uint16_t ServerLoop::listen(const ListenerConfig& config, HandlerFactory factory) {
    return m_loop->server.listen(config, std::move(factory));
}

void ServerLoop::run_until_signal(const std::function<void()>& on_stopping) {
    Loop& loop = *m_loop;
    asio::signal_set signals(loop.io, SIGINT, SIGTERM);
    signals.async_wait([&loop, &on_stopping](std::error_code, int) {
        on_stopping();
        loop.server.stop();
        loop.wait_for_goodbyes(std::chrono::steady_clock::now());
    });
    loop.io.run();
}

}  // namespace mailscope::transport
