// Proxy: a listener that relays each IMAP client to one upstream server and
// shows a sink every octet of both directions, for live inspection of real
// clients (curl, Thunderbird) talking to real servers.
//
// What it does with TLS, so the trace can always be read:
//  - towards the client: plain, or implicit TLS with our certificate;
//  - towards the server: imaps://, or imap:// with STARTTLS negotiated by the
//    proxy before the greeting is relayed (`upstream_starttls`); the pre-TLS
//    [CAPABILITY] list is then removed from the relayed greeting, since it
//    described the clear-text connection;
//  - a STARTTLS from the client is answered by the proxy itself with BAD:
//    relaying it would hide the rest of the session inside TLS the proxy
//    cannot read. Clients that need TLS connect with imaps to the proxy.
#pragma once

#include <asio.hpp>
#include <asio/ssl.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/net_client.hpp"
#include "net/tcp_server.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::transport {

// Receives one proxied session, in wire order.
class ProxySink {
  public:
    virtual ~ProxySink() = default;
    virtual void on_bytes(sim::Direction dir, std::string_view bytes, Micros now) = 0;
    // Something the proxy did or saw (TLS up, upstream unreachable...).
    virtual void on_note(const std::string& text, Micros now) = 0;
    // The session is over; `error` is empty after a clean close.
    virtual void on_close(const std::string& error, Micros now) = 0;
};

using ProxySinkFactory = std::function<std::unique_ptr<ProxySink>(const ConnectionInfo& info)>;

struct ProxyConfig {
    ListenerConfig listen;  // implicit_tls: the client speaks TLS to the proxy
    std::shared_ptr<asio::ssl::context> client_tls;  // required when listen.implicit_tls
    NetClientOptions upstream;
    bool upstream_starttls = false;
};

class Proxy {
  public:
    Proxy(asio::io_context& io, ProxyConfig config, ProxySinkFactory factory);
    ~Proxy();

    // Binds and starts accepting; returns the bound port. Throws
    // std::system_error when the address cannot be bound.
    std::uint16_t listen();
    // Stops accepting and closes every session.
    void stop();
    std::size_t session_count() const;

    class Session;

  private:
    void accept();

    asio::io_context& m_io;
    ProxyConfig m_config;
    ProxySinkFactory m_factory;
    asio::ip::tcp::acceptor m_acceptor;
    std::vector<std::weak_ptr<Session>> m_sessions;
    std::uint64_t m_next_id = 1;
};

// The relayed greeting when the proxy did STARTTLS upstream: "* OK
// [CAPABILITY ...] text" loses its capability code; other greetings pass.
std::string strip_greeting_capabilities(std::string_view greeting);

}  // namespace mailscope::transport
