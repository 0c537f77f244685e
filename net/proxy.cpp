#include "net/proxy.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <deque>
#include <functional>
#include <optional>

namespace mailscope::transport {

// ---------------------------------------------------------------------------
// [SECTION] One proxied session: bytes between two sockets and the relay
// ---------------------------------------------------------------------------

class Proxy::Session : public std::enable_shared_from_this<Proxy::Session> {
  public:
    Session(asio::io_context& io, asio::ip::tcp::socket socket, const ProxyConfig& config,
            std::unique_ptr<ProxySink> sink, std::string label)
        : m_io(io),
          m_config(config),
          m_sink(std::move(sink)),
          m_relay(sim::ProxyRelayOptions{config.protocol, config.upstream_starttls,
                                         config.client_starttls, config.reveal_secrets,
                                         std::move(label), config.retention},
                  [this](sim::RelayLeg leg, const sim::SessionTrace& trace,
                         const sim::TraceEvent& event) { m_sink->on_event(leg, trace, event); }),
          m_timer(io),
          m_idle_timer(io) {
        if (m_config.listen.implicit_tls) {
            m_stream.emplace(std::move(socket), *m_config.client_tls);
        } else {
            m_plain.emplace(std::move(socket));
        }
    }

    void start() {
        arm_idle_timer();
        if (!m_stream) {
            connect_upstream();
            return;
        }
        handshake_with_client([this] { connect_upstream(); });
    }

    void close(const std::string& error) {
        if (m_closed) return;
        m_closed = true;
        m_timer.cancel();
        m_idle_timer.cancel();
        if (m_upstream) m_upstream->close();
        std::error_code ignored;
        client_socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        client_socket().close(ignored);
        m_relay.end(error, steady_now());
        m_sink->on_flush();
        m_sink->on_close(error);
    }

  private:
    asio::ip::tcp::socket& client_socket() { return m_stream ? m_stream->next_layer() : *m_plain; }

    void connect_upstream() {
        try {
            m_upstream = NetClient::create(m_io, m_config.upstream);
        } catch (const std::exception& error) {
            m_relay.upstream_failed(error.what(), steady_now());
            pump();
            return;
        }
        // The relay puts the reason on the wire to the client: in English.
        m_upstream->connect([self = shared_from_this()](const sim::Said& error) {
            if (self->m_closed) return;
            if (!sim::is_empty(error)) {
                self->m_relay.upstream_failed(sim::render(error, sim::Language::En), steady_now());
                self->pump();
                return;
            }
            const auto& up = self->m_config.upstream;
            self->m_relay.note(self->m_upstream->tls_active()
                                   ? sim::say(sim::Phrase::UpstreamConnectedTls, up.host, up.port,
                                              self->m_upstream->tls_description())
                                   : sim::say(sim::Phrase::UpstreamConnected, up.host, up.port),
                               steady_now());
            if (self->m_upstream->tls_active()) self->note_upstream_verification();
            self->m_upstream_ready = true;
            self->m_upstream->start_reading(
                [self](std::string_view bytes) {
                    if (self->m_closed) return;
                    self->m_relay.from_upstream(bytes, steady_now());
                    self->pump();
                },
                [self](const sim::Said& error) { self->on_upstream_end(error); });
            self->pump();
        });
    }

    // Carries out what the relay decided: octets to either side, TLS
    // upstream, the end of the session.
    void pump() {
        if (m_closed) return;
        if (auto bytes = m_relay.take_to_upstream(); !bytes.empty() && m_upstream) {
            m_upstream->write(std::move(bytes));
        }
        if (auto bytes = m_relay.take_to_client(); !bytes.empty()) {
            m_writes.push_back(std::move(bytes));
        }
        if (m_relay.take_tls_request()) start_upstream_tls();
        if (m_upstream) m_upstream->expect_reply(m_relay.upstream_reply_awaited());
        if (m_relay.take_client_tls_request()) m_client_tls_wanted = true;
        if (m_relay.failure() && !m_closing) {
            m_closing = true;
            m_close_error = *m_relay.failure();
        }
        m_sink->on_flush();
        write_client();
        if (m_upstream_ready && m_relay.wants_client_bytes() && !m_closing) read_client();
    }

    void start_upstream_tls() {
        m_upstream->start_tls([self = shared_from_this()](const sim::Said& error) {
            if (self->m_closed) return;
            if (!sim::is_empty(error)) {
                self->m_relay.upstream_failed(sim::render(error, sim::Language::En), steady_now());
            } else {
                self->m_relay.upstream_tls_established(self->m_upstream->tls_description(),
                                                       steady_now());
                self->note_upstream_verification();
            }
            self->pump();
        });
    }

    // Restarted by every read from the client: a session nobody uses ends,
    // and its sockets with it.
    void arm_idle_timer() {
        m_idle_timer.expires_after(m_config.client_idle_timeout);
        m_idle_timer.async_wait([self = shared_from_this()](std::error_code ec) {
            if (ec || self->m_closed || self->m_closing) return;
            const auto seconds =
                std::chrono::duration_cast<std::chrono::seconds>(self->m_config.client_idle_timeout)
                    .count();
            self->m_relay.give_up(sim::say(sim::Phrase::ProxyClientIdle, seconds), steady_now());
            self->pump();
        });
    }

    void note_upstream_verification() {
        const auto& up = m_config.upstream;
        m_relay.note(up.tls.insecure ? sim::say(sim::Phrase::UpstreamCertificateNotVerified)
                                     : sim::say(sim::Phrase::UpstreamCertificateVerified, up.host),
                     steady_now());
    }

    void on_upstream_end(const sim::Said& error) {
        if (m_closed) return;
        m_relay.note(sim::is_empty(error) ? sim::say(sim::Phrase::UpstreamClosedConnection)
                                          : sim::say(sim::Phrase::UpstreamError, error),
                     steady_now());
        m_close_error = sim::render(error, sim::Language::En);
        m_closing = true;
        pump();
    }

    void read_client() {
        if (m_closed || m_reading) return;
        m_reading = true;
        auto handler = [self = shared_from_this()](std::error_code ec, std::size_t n) {
            self->m_reading = false;
            if (self->m_closed) return;
            if (ec) {
                bool clean = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
                self->m_relay.note(sim::say(sim::Phrase::ClientClosedConnection), steady_now());
                self->close(clean ? std::string()
                                  : fmt::format("client connection broke: {}", ec.message()));
                return;
            }
            self->arm_idle_timer();
            self->m_relay.from_client(std::string_view(self->m_buffer.data(), n), steady_now());
            self->pump();
        };
        if (m_client_tls_on) {
            m_stream->async_read_some(asio::buffer(m_buffer), handler);
        } else {
            client_socket().async_read_some(asio::buffer(m_buffer), handler);
        }
    }

    // The client's STARTTLS was answered: once that answer is written, the
    // next octets on the connection are its handshake.
    void start_client_tls() {
        m_client_tls_wanted = false;
        m_stream.emplace(std::move(*m_plain), *m_config.client_tls);
        m_plain.reset();
        handshake_with_client([this] { pump(); });
    }

    // The server side of the client's handshake, implicit or after STARTTLS,
    // bounded by --timeout; `then` runs once it succeeded.
    void handshake_with_client(std::function<void()> then) {
        auto self = shared_from_this();
        m_timer.expires_after(m_config.upstream.timeout);
        m_timer.async_wait([self](std::error_code ec) {
            if (ec || self->m_closed || self->m_client_tls_on) return;
            self->close("the client did not finish the TLS handshake in time");
        });
        m_stream->async_handshake(asio::ssl::stream_base::server, [self, then = std::move(then)](
                                                                      std::error_code ec) {
            self->m_timer.cancel();
            if (self->m_closed) return;
            if (ec) {
                self->m_relay.client_tls_failed(ec.message(), steady_now());
                self->close(fmt::format("TLS handshake with the client failed: {}", ec.message()));
                return;
            }
            self->m_client_tls_on = true;
            SSL* ssl = self->m_stream->native_handle();
            self->m_relay.client_tls_established(SSL_get_version(ssl), SSL_get_cipher_name(ssl),
                                                 steady_now());
            then();
        });
    }

    void write_client() {
        if (m_closed || m_writing) return;
        if (m_writes.empty()) {
            if (m_closing) {
                close(m_close_error);
            } else if (m_client_tls_wanted && m_plain) {
                start_client_tls();
            }
            return;
        }
        m_writing = true;
        auto handler = [self = shared_from_this()](std::error_code ec, std::size_t) {
            self->m_writing = false;
            if (self->m_closed) return;
            if (ec) {
                self->close(fmt::format("cannot write to the client: {}", ec.message()));
                return;
            }
            self->m_writes.pop_front();
            self->write_client();
        };
        if (m_client_tls_on) {
            asio::async_write(*m_stream, asio::buffer(m_writes.front()), handler);
        } else {
            asio::async_write(client_socket(), asio::buffer(m_writes.front()), handler);
        }
    }

    asio::io_context& m_io;
    ProxyConfig m_config;
    std::unique_ptr<ProxySink> m_sink;
    sim::ProxyRelay m_relay;
    std::optional<asio::ssl::stream<asio::ip::tcp::socket>> m_stream;
    std::optional<asio::ip::tcp::socket> m_plain;
    asio::steady_timer m_timer;
    asio::steady_timer m_idle_timer;
    std::shared_ptr<NetClient> m_upstream;
    std::array<char, 16384> m_buffer{};
    std::deque<std::string> m_writes;
    std::string m_close_error;
    bool m_upstream_ready = false;
    bool m_client_tls_on = false;
    bool m_client_tls_wanted = false;
    bool m_reading = false;
    bool m_writing = false;
    bool m_closing = false;
    bool m_closed = false;
};

// ---------------------------------------------------------------------------
// [SECTION] Listener
// ---------------------------------------------------------------------------

Proxy::Proxy(asio::io_context& io, ProxyConfig config, ProxySinkFactory factory)
    : m_io(io), m_config(std::move(config)), m_factory(std::move(factory)), m_acceptor(io) {}

Proxy::~Proxy() {
    stop();
}

std::uint16_t Proxy::listen() {
    if (m_config.listen.implicit_tls && !m_config.client_tls) {
        throw std::invalid_argument("TLS towards the client needs a certificate and a key");
    }
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address(m_config.listen.address),
                                     m_config.listen.port);
    m_acceptor.open(endpoint.protocol());
    m_acceptor.set_option(asio::socket_base::reuse_address(true));
    m_acceptor.bind(endpoint);
    m_acceptor.listen(asio::socket_base::max_listen_connections);
    m_config.listen.port = m_acceptor.local_endpoint().port();
    accept();
    return m_config.listen.port;
}

void Proxy::accept() {
    m_acceptor.async_accept([this](std::error_code ec, asio::ip::tcp::socket socket) {
        if (ec) {
            if (ec != asio::error::operation_aborted && m_acceptor.is_open()) accept();
            return;
        }
        std::error_code peer_ec;
        auto remote = socket.remote_endpoint(peer_ec);
        ConnectionInfo info;
        info.listener = "proxy";
        info.peer = peer_ec ? std::string("?")
                            : fmt::format("{}:{}", remote.address().to_string(), remote.port());
        info.id = m_next_id++;
        socket.set_option(asio::ip::tcp::no_delay(true), peer_ec);
        auto session = std::make_shared<Session>(
            m_io, std::move(socket), m_config, m_factory(info.id, info.peer),
            fmt::format("proxy #{} from {}", info.id, info.peer));
        std::erase_if(m_sessions, [](const auto& weak) { return weak.expired(); });
        m_sessions.push_back(session);
        session->start();
        accept();
    });
}

void Proxy::stop() {
    std::error_code ignored;
    m_acceptor.close(ignored);
    for (auto& weak : m_sessions) {
        if (auto session = weak.lock()) session->close("the proxy stopped");
    }
    m_sessions.clear();
}

std::size_t Proxy::session_count() const {
    return static_cast<std::size_t>(std::count_if(
        m_sessions.begin(), m_sessions.end(), [](const auto& weak) { return !weak.expired(); }));
}

// ---------------------------------------------------------------------------
// [SECTION] Running until a signal
// ---------------------------------------------------------------------------

ProxyConfig make_proxy_config(const ProxySettings& settings) {
    if (settings.cert.empty() != settings.key.empty()) {
        throw std::invalid_argument("a certificate and its key go together");
    }
    const bool client_tls = !settings.cert.empty();
    if (settings.client_starttls && !client_tls) {
        throw std::invalid_argument("STARTTLS towards the clients needs a certificate and a key");
    }
    ProxyConfig config;
    config.listen =
        parse_listen_address(settings.listen, "proxy", client_tls && !settings.client_starttls);
    config.client_starttls = settings.client_starttls;
    if (client_tls) {
        config.client_tls = make_server_context({settings.cert, settings.key}, settings.key_log);
    }
    ClientTlsOptions tls;
    tls.ca_file = settings.ca_file;
    tls.insecure = settings.insecure;
    tls.key_log = settings.key_log;
    // Fails early, with a readable message, on an unusable CA file.
    try {
        make_client_context(tls);
    } catch (const std::exception& error) {
        throw std::invalid_argument(error.what());
    }
    config.upstream.tls = tls;
    config.upstream.host = settings.upstream_host;
    config.upstream.port = settings.upstream_port;
    config.upstream.implicit_tls = settings.upstream_implicit_tls;
    config.upstream.timeout = settings.timeout;
    config.client_idle_timeout = settings.idle_timeout;
    config.protocol = settings.protocol;
    config.upstream_starttls = settings.upstream_starttls;
    config.reveal_secrets = settings.reveal_secrets;
    config.retention = settings.retention;
    return config;
}

void run_proxy_until_signal(
    const ProxySettings& settings, ProxySinkFactory factory,
    const std::function<void(const std::string& address, std::uint16_t port)>& on_listening,
    const std::function<void()>& on_stopping) {
    ProxyConfig config;
    try {
        config = make_proxy_config(settings);
    } catch (const std::invalid_argument&) {
        throw;
    } catch (const std::exception& error) {
        throw std::invalid_argument(error.what());
    }
    asio::io_context io;
    Proxy proxy(io, config, std::move(factory));
    const auto port = proxy.listen();
    on_listening(config.listen.address, port);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](std::error_code, int) {
        on_stopping();
        proxy.stop();
        io.stop();
    });
    io.run();
}

}  // namespace mailscope::transport
