// Proxy: a listener that relays each IMAP, POP3 or SMTP client to one
// upstream server, for live inspection of real clients (curl, Thunderbird,
// mutt) talking to real servers.
//
// This layer only moves bytes and does TLS: towards the client plain or
// implicit TLS with our certificate, towards the server plain, implicit TLS,
// or TLS started when the relay asks for it. What the protocol means (the
// client's STARTTLS answered by the proxy, the proxy's own STARTTLS/STLS
// upstream, the greeting relayed after it, the order of replies) is decided
// by sim::ProxyRelay (sim/core/proxy_relay.hpp), one observer engine per leg.
// Everything runs on the io_context the proxy is given.
#pragma once

#include <asio.hpp>
#include <asio/ssl.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "net/net_client.hpp"
#include "net/proxy_runner.hpp"
#include "net/tcp_server.hpp"

namespace mailscope::transport {

struct ProxyConfig {
    ListenerConfig listen;  // implicit_tls: the client speaks TLS to the proxy
    // Required when listen.implicit_tls or client_starttls.
    std::shared_ptr<asio::ssl::context> client_tls;
    // The client connects in clear; the proxy completes its STARTTLS.
    bool client_starttls = false;
    NetClientOptions upstream;
    std::chrono::milliseconds client_idle_timeout{1800 * 1000};
    sim::Protocol protocol = sim::Protocol::Imap;
    bool upstream_starttls = false;
    bool reveal_secrets = false;
    sim::TraceRetention retention;
};

// Builds the configuration `settings` describe; throws std::invalid_argument
// as run_proxy_until_signal() says.
ProxyConfig make_proxy_config(const ProxySettings& settings);

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

}  // namespace mailscope::transport
