#include "net/server_thread.hpp"

#include <future>

#include "net/tcp_server.hpp"

namespace mailscope::transport {

ServerThread::ServerThread() : m_server(std::make_unique<TcpServer>(m_io.context(), nullptr)) {}

ServerThread::~ServerThread() {
    m_io.stop([server = m_server.get()] { server->stop(); });
    // The connections go with the server, before the context their sockets belong to.
    m_server.reset();
}

std::uint16_t ServerThread::listen(const ListenerConfig& config, HandlerFactory factory) {
    // The acceptor is the I/O thread's: the caller waits only for the bind.
    std::packaged_task<std::uint16_t()> bind(
        [this, &config, &factory] { return m_server->listen(config, std::move(factory)); });
    auto port = bind.get_future();
    m_io.post([&bind] { bind(); });
    return port.get();
}

}  // namespace mailscope::transport
