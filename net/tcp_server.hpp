// TcpServer: accepts connections on loopback (unless told otherwise) and runs
// one sans-I/O ConnectionHandler per connection, plain, with STARTTLS
// upgrades, or with implicit TLS. Everything runs on the io_context's thread,
// so handlers and the mail store they share need no locks.
//
// A class of buggy and curious clients must not bring it down, so it holds
// bounded resources (ServerLimits): it stops reading a client whose output
// waits unread (back-pressure, see connection_handler.hpp), closes with the
// handler's goodbye a session whose unsent output passes its cap or the
// server's, refuses connections beyond the maximum with the listener's
// refusal, cuts TLS handshakes that do not finish, and when the process runs
// out of file descriptors it refuses the waiting connection through a
// descriptor kept in reserve and backs off instead of retrying accept in a
// busy loop.
#pragma once

#include <asio.hpp>
#include <asio/ssl.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/listener_config.hpp"
#include "net/server_limits.hpp"
#include "sim/core/connection_handler.hpp"

namespace mailscope::transport {

class TcpServer {
  public:
    // `tls` may be null when no listener needs TLS and STARTTLS is not offered.
    TcpServer(asio::io_context& io, std::shared_ptr<asio::ssl::context> tls,
              ServerLimits limits = {});
    ~TcpServer();

    // Binds and starts accepting; returns the bound port. Throws
    // std::system_error when the address cannot be bound.
    std::uint16_t listen(const ListenerConfig& config, HandlerFactory factory);
    // Stops accepting and closes every connection after telling its handler.
    void stop();
    // Connections still open, refused ones included.
    std::size_t connection_count() const;
    // Octets waiting to be written, over all connections.
    std::size_t unsent_octets() const;
    bool tls_available() const { return static_cast<bool>(m_tls); }

    class Connection;
    // What the connections share with the server and keep while they live.
    struct Shared;

  private:
    struct Listener;
    void accept(const std::shared_ptr<Listener>& listener);
    void start_connection(const std::shared_ptr<Listener>& listener, asio::ip::tcp::socket socket);
    bool refuse_with_reserve(Listener& listener);
    void back_off(const std::shared_ptr<Listener>& listener);

    asio::io_context& m_io;
    std::shared_ptr<asio::ssl::context> m_tls;
    std::vector<std::shared_ptr<Listener>> m_listeners;
    std::shared_ptr<Shared> m_shared;
    // A descriptor held only to be given up when the process has no other,
    // so that a connection can still be accepted and told to go away.
    int m_reserve_fd = -1;
    std::uint64_t m_next_id = 1;
};

}  // namespace mailscope::transport
