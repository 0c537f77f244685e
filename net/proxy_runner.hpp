// What a program needs to run `mailscope proxy` without touching Asio: the
// settings, the sink that receives each proxied session's events, and the
// loop that relays until SIGINT or SIGTERM. The proxy itself (net/proxy.hpp)
// runs on any io_context it is given; this loop gives it one of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sim/core/protocol.hpp"
#include "sim/core/proxy_relay.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::transport {

// Receives one proxied session's events (see sim::ProxyRelay::Sink for
// which), in order, as they are appended.
class ProxySink {
  public:
    virtual ~ProxySink() = default;
    virtual void on_event(sim::RelayLeg leg, const sim::SessionTrace& trace,
                          const sim::TraceEvent& event) = 0;
    // The events of one read or write are all out: a point to flush output.
    virtual void on_flush() = 0;
    // The session is over (its last events are out); `error` is empty after
    // a clean close.
    virtual void on_close(const std::string& error) = 0;
};

// Called for each accepted client with its number and address ("127.0.0.1:53211").
using ProxySinkFactory =
    std::function<std::unique_ptr<ProxySink>(std::uint64_t id, const std::string& peer)>;

struct ProxySettings {
    sim::Protocol protocol = sim::Protocol::Imap;
    std::string listen = "127.0.0.1:1143";  // [ADDR:]PORT for the clients
    // Both set: the clients speak TLS to the proxy, from the first octet or,
    // with client_starttls, after their STARTTLS (POP3: STLS).
    std::string cert;
    std::string key;
    bool client_starttls = false;
    std::string upstream_host;
    std::uint16_t upstream_port = 0;
    bool upstream_implicit_tls = false;
    bool upstream_starttls = false;      // the proxy negotiates STARTTLS/STLS itself
    std::optional<std::string> ca_file;  // to verify the upstream
    bool insecure = false;
    // Both legs' TLS secrets go here (net/key_log.hpp).
    std::optional<std::string> key_log;
    // Bounds the upstream connection, each TLS handshake and each awaited reply.
    std::chrono::milliseconds timeout{30000};
    // A client that sends nothing this long has its session closed.
    std::chrono::milliseconds idle_timeout{1800 * 1000};
    bool reveal_secrets = false;
    sim::TraceRetention retention;  // events of each leg kept in memory
};

// Binds, calls `on_listening` with the bound address and port, relays until
// SIGINT or SIGTERM, then calls `on_stopping` and closes every session.
// Throws std::invalid_argument with a sentence when the settings cannot be
// used (an unreadable certificate or CA file, a malformed address) and
// std::system_error when the address cannot be bound.
void run_proxy_until_signal(
    const ProxySettings& settings, ProxySinkFactory factory,
    const std::function<void(const std::string& address, std::uint16_t port)>& on_listening,
    const std::function<void()>& on_stopping);

}  // namespace mailscope::transport
