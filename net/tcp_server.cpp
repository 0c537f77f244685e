#include "net/tcp_server.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <stdexcept>

namespace mailscope::transport {

Micros steady_now() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

ListenerConfig parse_listen_address(const std::string& text, std::string name, bool implicit_tls) {
    ListenerConfig config;
    config.name = std::move(name);
    config.implicit_tls = implicit_tls;
    std::string port_text = text;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            throw std::invalid_argument(fmt::format("\"{}\": expected [ADDRESS]:PORT", text));
        }
        config.address = text.substr(1, close - 1);
        port_text = text.substr(close + 2);
    } else if (auto colon = text.rfind(':'); colon != std::string::npos) {
        config.address = text.substr(0, colon);
        port_text = text.substr(colon + 1);
    }
    if (port_text.empty() || port_text.size() > 5 ||
        !std::all_of(port_text.begin(), port_text.end(),
                     [](char c) { return c >= '0' && c <= '9'; })) {
        throw std::invalid_argument(fmt::format("\"{}\": the port must be a number", text));
    }
    auto port = std::stoul(port_text);
    if (port > 65535) throw std::invalid_argument(fmt::format("\"{}\": port out of range", text));
    config.port = static_cast<std::uint16_t>(port);
    std::error_code ec;
    asio::ip::make_address(config.address, ec);
    if (ec) {
        throw std::invalid_argument(fmt::format("\"{}\": not an IP address", config.address));
    }
    return config;
}

// ---------------------------------------------------------------------------
// [SECTION] One connection
// ---------------------------------------------------------------------------

struct TcpServer::Shared {
    explicit Shared(const ServerLimits& server_limits) : limits(server_limits) {}

    ServerLimits limits;
    std::vector<std::weak_ptr<Connection>> connections;
    std::size_t sessions = 0;  // open connections that are not refusals
    std::size_t unsent = 0;    // octets queued or being written, all connections
};

namespace {

// The handler of a connection the server has no room for: it says the
// listener's refusal and asks to close.
class Refusal : public ConnectionHandler {
  public:
    explicit Refusal(std::string text) : m_text(std::move(text)) {}

    void on_open(Micros, bool) override {
        if (!m_text.empty()) m_output.push_back({m_text, 0});
    }
    std::size_t on_bytes(std::string_view bytes, Micros) override { return bytes.size(); }
    void on_eof(Micros) override {}
    void on_timer(Micros) override {}
    void on_tls_started(Micros) override {}
    void on_server_shutdown(Micros) override {}
    void on_overload(Micros, std::string_view) override {}
    OutputQueue& output() override { return m_output; }
    bool wants_tls_upgrade() const override { return false; }
    void tls_upgrade_started() override {}
    bool wants_close() const override { return true; }
    std::optional<Micros> next_deadline() const override { return std::nullopt; }

  private:
    std::string m_text;
    OutputQueue m_output;
};

}  // namespace

class TcpServer::Connection : public std::enable_shared_from_this<TcpServer::Connection> {
  public:
    Connection(asio::ip::tcp::socket socket, std::shared_ptr<asio::ssl::context> tls,
               std::unique_ptr<ConnectionHandler> handler, bool implicit_tls,
               std::shared_ptr<Shared> shared, bool session)
        : m_tls_context(std::move(tls)),
          m_handler(std::move(handler)),
          m_shared(std::move(shared)),
          m_timer(socket.get_executor()),
          m_guard(socket.get_executor()),
          m_implicit_tls(implicit_tls),
          m_session(session) {
        if (m_tls_context) {
            m_stream.emplace(std::move(socket), *m_tls_context);
        } else {
            m_plain.emplace(std::move(socket));
        }
        m_handler->output().set_bound(m_shared->limits.output_bound);
        if (m_session) ++m_shared->sessions;
    }

    ~Connection() { release(); }

    void start() {
        if (m_implicit_tls) {
            handshake([self = shared_from_this()] {
                self->m_handler->on_open(steady_now(), true);
                self->pump();
            });
        } else {
            m_handler->on_open(steady_now(), false);
            pump();
        }
    }

    // A clean goodbye: the handler queues its farewell, which is written
    // before the connection closes.
    void shutdown() {
        if (m_closed) return;
        m_handler->on_server_shutdown(steady_now());
        pump();
    }

  private:
    asio::ip::tcp::socket& socket() { return m_stream ? m_stream->next_layer() : *m_plain; }

    template <typename Done>
    void handshake(Done done) {
        m_busy_tls = true;
        m_handshake_started = steady_now();
        guard();
        m_stream->async_handshake(asio::ssl::stream_base::server,
                                  [self = shared_from_this(), done](std::error_code ec) {
                                      self->m_busy_tls = false;
                                      if (ec) {
                                          self->fail();
                                          return;
                                      }
                                      self->m_tls_on = true;
                                      self->guard();
                                      done();
                                  });
    }

    std::size_t unsent() const {
        return m_handler->output().octets() + (m_pending_write.size() - m_written);
    }

    bool closing() const { return m_overloaded || m_handler->wants_close(); }

    bool takes_input() const {
        return !m_busy_tls && !m_overloaded && !m_handler->reading_paused() &&
               !m_handler->wants_tls_upgrade() && !m_handler->wants_close() &&
               unsent() <= m_shared->limits.output_bound;
    }

    void pump() {
        if (m_closed) return;
        account();
        if (!m_held.empty() && takes_input()) {
            const std::size_t taken = m_handler->on_bytes(m_held, steady_now());
            m_held.erase(0, std::min(taken, m_held.size()));
            account();
        }
        auto& output = m_handler->output();
        if (!m_writing && !m_busy_tls) {
            if (m_written < m_pending_write.size()) {
                write();
            } else if (!output.empty()) {
                if (output.front().not_before > steady_now()) {
                    arm(output.front().not_before);
                } else {
                    m_pending_write = output.take_front().bytes;
                    m_written = 0;
                    write();
                }
            } else {
                if (m_handler->wants_tls_upgrade() && m_stream && !m_tls_on) {
                    m_handler->tls_upgrade_started();
                    handshake([self = shared_from_this()] {
                        self->m_handler->on_tls_started(steady_now());
                        self->pump();
                    });
                    return;
                }
                if (closing()) {
                    close();
                    return;
                }
                if (auto deadline = m_handler->next_deadline()) arm(*deadline);
            }
        }
        if (!m_reading && m_held.empty() && takes_input()) read();
        guard();
    }

    // Keeps the server's count of unsent octets, and closes a session whose
    // output passes its cap or pushes the server's past its own.
    void account() {
        const std::size_t now_unsent = unsent();
        const bool grew = now_unsent > m_accounted;
        m_shared->unsent = m_shared->unsent - m_accounted + now_unsent;
        m_accounted = now_unsent;
        if (!grew || m_overloaded) return;
        const auto& limits = m_shared->limits;
        std::string reason;
        if (now_unsent > limits.session_output_cap) {
            reason = fmt::format(
                "{} octets of output wait for this client, more than one session may hold ({})",
                now_unsent, limits.session_output_cap);
        } else if (m_shared->unsent > limits.total_output_cap) {
            reason = fmt::format(
                "the server holds more unsent output for its clients than it allows ({} octets)",
                limits.total_output_cap);
        } else {
            return;
        }
        m_overloaded = true;
        m_handler->output().clear();
        m_handler->on_overload(steady_now(), reason);
        account();
    }

    void arm(Micros when) {
        if (m_armed_for == when) return;
        m_armed_for = when;
        m_timer.expires_after(std::chrono::microseconds(std::max<Micros>(0, when - steady_now())));
        m_timer.async_wait([self = shared_from_this(), when](std::error_code ec) {
            if (ec || self->m_closed) return;
            if (self->m_armed_for == when) self->m_armed_for = -1;
            auto deadline = self->m_handler->next_deadline();
            if (deadline && *deadline <= steady_now()) self->m_handler->on_timer(steady_now());
            self->pump();
        });
    }

    // The transport's own deadlines: a TLS handshake that does not finish,
    // and a closing connection whose peer takes none of its output.
    void guard() {
        std::optional<Micros> deadline;
        if (m_busy_tls) {
            deadline = m_handshake_started + m_shared->limits.handshake_timeout;
        } else if (closing() && (m_writing || unsent() > 0)) {
            if (m_closing_since < 0) m_closing_since = steady_now();
            deadline = std::max(m_closing_since, m_last_progress) + m_shared->limits.close_linger;
        }
        if (!deadline || m_guard_for == *deadline) return;
        m_guard_for = *deadline;
        m_guard.expires_after(
            std::chrono::microseconds(std::max<Micros>(0, *deadline - steady_now())));
        m_guard.async_wait([self = shared_from_this(), when = *deadline](std::error_code ec) {
            if (ec || self->m_closed || self->m_guard_for != when) return;
            self->m_guard_for = -1;
            // The handshake finished or the output moved meanwhile.
            const bool stuck =
                self->m_busy_tls ||
                (self->closing() && std::max(self->m_closing_since, self->m_last_progress) +
                                            self->m_shared->limits.close_linger <=
                                        steady_now());
            if (stuck) {
                self->fail();
            } else {
                self->guard();
            }
        });
    }

    void read() {
        m_reading = true;
        auto handler = [self = shared_from_this()](std::error_code ec, std::size_t n) {
            self->m_reading = false;
            if (self->m_closed) return;
            if (ec) {
                self->m_handler->on_eof(steady_now());
                self->m_peer_gone = true;
                self->pump();
                self->close();
                return;
            }
            const std::string_view bytes(self->m_buffer.data(), n);
            const std::size_t taken = self->m_handler->on_bytes(bytes, steady_now());
            if (taken < n) self->m_held.assign(bytes.substr(taken));
            self->pump();
        };
        if (m_tls_on) {
            m_stream->async_read_some(asio::buffer(m_buffer), handler);
        } else {
            socket().async_read_some(asio::buffer(m_buffer), handler);
        }
    }

    // Writes what is left of the chunk being written. Chunks are never
    // merged, so a session's split responses stay separate writes.
    void write() {
        m_writing = true;
        auto rest =
            asio::buffer(m_pending_write.data() + m_written, m_pending_write.size() - m_written);
        auto handler = [self = shared_from_this()](std::error_code ec, std::size_t n) {
            self->m_writing = false;
            if (self->m_closed) return;
            if (ec) {
                self->fail();
                return;
            }
            self->m_written += n;
            self->m_last_progress = steady_now();
            if (self->m_written == self->m_pending_write.size()) {
                self->m_pending_write.clear();
                self->m_written = 0;
            }
            self->pump();
        };
        if (m_tls_on) {
            m_stream->async_write_some(rest, handler);
        } else {
            socket().async_write_some(rest, handler);
        }
    }

    void fail() {
        if (m_closed) return;
        if (!m_peer_gone) m_handler->on_eof(steady_now());
        m_peer_gone = true;
        close();
    }

    void close() {
        if (m_closed) return;
        m_closed = true;
        std::error_code ec;
        m_timer.cancel();
        m_guard.cancel();
        socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
        socket().close(ec);
        release();
    }

    // Gives back what the connection counted in the server's totals.
    void release() {
        m_shared->unsent -= m_accounted;
        m_accounted = 0;
        if (m_session) {
            --m_shared->sessions;
            m_session = false;
        }
    }

    std::shared_ptr<asio::ssl::context> m_tls_context;
    std::optional<asio::ssl::stream<asio::ip::tcp::socket>> m_stream;
    std::optional<asio::ip::tcp::socket> m_plain;
    std::unique_ptr<ConnectionHandler> m_handler;
    std::shared_ptr<Shared> m_shared;
    asio::steady_timer m_timer;
    asio::steady_timer m_guard;
    Micros m_armed_for = -1;
    Micros m_guard_for = -1;
    Micros m_handshake_started = 0;
    Micros m_closing_since = -1;
    Micros m_last_progress = 0;
    std::array<char, 16384> m_buffer{};
    // Input the handler did not take while its output was full.
    std::string m_held;
    std::string m_pending_write;
    std::size_t m_written = 0;
    std::size_t m_accounted = 0;
    bool m_implicit_tls = false;
    bool m_session = false;
    bool m_tls_on = false;
    bool m_busy_tls = false;
    bool m_reading = false;
    bool m_writing = false;
    bool m_closed = false;
    bool m_peer_gone = false;
    bool m_overloaded = false;
};

// ---------------------------------------------------------------------------
// [SECTION] Listeners
// ---------------------------------------------------------------------------

namespace {

constexpr auto kFirstBackOff = std::chrono::milliseconds(10);
constexpr auto kLongestBackOff = std::chrono::seconds(1);

// Asio reports socket errors in its own category, which std::errc does not
// match, so they are compared by number.
bool system_error_is(const std::error_code& ec, int value) {
    return ec.category() == asio::error::get_system_category() && ec.value() == value;
}

bool out_of_descriptors(const std::error_code& ec) {
    return system_error_is(ec, EMFILE) || system_error_is(ec, ENFILE);
}

// accept() failures that retrying at once cannot cure.
bool out_of_resources(const std::error_code& ec) {
    return out_of_descriptors(ec) || system_error_is(ec, ENOBUFS) || system_error_is(ec, ENOMEM);
}

int open_reserve() {
    return ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

}  // namespace

struct TcpServer::Listener {
    Listener(ListenerConfig listener_config, asio::io_context& io, HandlerFactory handler_factory)
        : config(std::move(listener_config)),
          acceptor(io),
          factory(std::move(handler_factory)),
          retry(io) {}

    ListenerConfig config;
    asio::ip::tcp::acceptor acceptor;
    HandlerFactory factory;
    asio::steady_timer retry;
    std::chrono::milliseconds back_off{0};
};

TcpServer::TcpServer(asio::io_context& io, std::shared_ptr<asio::ssl::context> tls,
                     ServerLimits limits)
    : m_io(io),
      m_tls(std::move(tls)),
      m_shared(std::make_shared<Shared>(limits)),
      m_reserve_fd(open_reserve()) {}

TcpServer::~TcpServer() {
    stop();
    if (m_reserve_fd >= 0) ::close(m_reserve_fd);
}

std::uint16_t TcpServer::listen(const ListenerConfig& config, HandlerFactory factory) {
    if (config.implicit_tls && !m_tls) {
        throw std::invalid_argument(fmt::format("{} needs a TLS certificate", config.name));
    }
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address(config.address), config.port);
    auto listener = std::make_shared<Listener>(config, m_io, std::move(factory));
    listener->acceptor.open(endpoint.protocol());
    listener->acceptor.set_option(asio::socket_base::reuse_address(true));
    listener->acceptor.bind(endpoint);
    listener->acceptor.listen(asio::socket_base::max_listen_connections);
    auto port = listener->acceptor.local_endpoint().port();
    listener->config.port = port;
    m_listeners.push_back(listener);
    accept(listener);
    return port;
}

void TcpServer::accept(const std::shared_ptr<Listener>& listener) {
    listener->acceptor.async_accept(
        [this, listener](std::error_code ec, asio::ip::tcp::socket socket) {
            if (ec == asio::error::operation_aborted || !listener->acceptor.is_open()) return;
            if (ec) {
                // The connection stays in the backlog while the process is
                // out of descriptors: refuse it through the reserve, then
                // wait before trying again instead of spinning.
                if (out_of_descriptors(ec) && refuse_with_reserve(*listener)) {
                    accept(listener);
                } else if (out_of_resources(ec)) {
                    back_off(listener);
                } else {
                    accept(listener);
                }
                return;
            }
            listener->back_off = std::chrono::milliseconds(0);
            start_connection(listener, std::move(socket));
            accept(listener);
        });
}

void TcpServer::start_connection(const std::shared_ptr<Listener>& listener,
                                 asio::ip::tcp::socket socket) {
    std::error_code peer_ec;
    auto remote = socket.remote_endpoint(peer_ec);
    socket.set_option(asio::ip::tcp::no_delay(true), peer_ec);
    auto& shared = *m_shared;
    std::unique_ptr<ConnectionHandler> handler;
    const bool session = shared.sessions < shared.limits.max_connections;
    if (session) {
        ConnectionInfo info;
        info.listener = listener->config.name;
        info.peer = peer_ec ? std::string("?")
                            : fmt::format("{}:{}", remote.address().to_string(), remote.port());
        info.id = m_next_id++;
        handler = listener->factory(info);
    } else {
        handler = std::make_unique<Refusal>(listener->config.refusal);
    }
    auto connection =
        std::make_shared<Connection>(std::move(socket), m_tls, std::move(handler),
                                     listener->config.implicit_tls, m_shared, session);
    auto& list = shared.connections;
    list.erase(
        std::remove_if(list.begin(), list.end(), [](const auto& weak) { return weak.expired(); }),
        list.end());
    list.push_back(connection);
    connection->start();
}

// Gives up the reserve descriptor to accept one waiting connection, says
// the refusal in the clear (a TLS client cannot read it without a
// handshake, which would hold the last descriptor, so it is only closed),
// closes it and takes the reserve back. False when nothing was accepted.
bool TcpServer::refuse_with_reserve(Listener& listener) {
    if (m_reserve_fd < 0) m_reserve_fd = open_reserve();
    if (m_reserve_fd < 0) return false;
    ::close(m_reserve_fd);
    m_reserve_fd = -1;
    std::error_code ec;
    asio::ip::tcp::socket socket(m_io);
    // Without waiting: the connection may have gone from the backlog. Only
    // for this call, since a non-blocking acceptor would make async_accept
    // report "would block" instead of waiting.
    listener.acceptor.non_blocking(true, ec);
    listener.acceptor.accept(socket, ec);
    const bool accepted = !ec;
    listener.acceptor.non_blocking(false, ec);
    if (accepted) {
        if (!listener.config.implicit_tls && !listener.config.refusal.empty()) {
            socket.non_blocking(true, ec);
            socket.write_some(asio::buffer(listener.config.refusal), ec);
        }
        socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
        socket.close(ec);
    }
    m_reserve_fd = open_reserve();
    return accepted;
}

void TcpServer::back_off(const std::shared_ptr<Listener>& listener) {
    listener->back_off =
        std::clamp(listener->back_off * 2, std::chrono::milliseconds(kFirstBackOff),
                   std::chrono::milliseconds(kLongestBackOff));
    listener->retry.expires_after(listener->back_off);
    listener->retry.async_wait([this, listener](std::error_code ec) {
        if (ec || !listener->acceptor.is_open()) return;
        accept(listener);
    });
}

void TcpServer::stop() {
    for (auto& listener : m_listeners) {
        std::error_code ec;
        listener->acceptor.close(ec);
        listener->retry.cancel();
    }
    m_listeners.clear();
    // The list stays: connection_count() tells when the goodbyes are out.
    for (auto& weak : m_shared->connections) {
        if (auto connection = weak.lock()) connection->shutdown();
    }
}

std::size_t TcpServer::connection_count() const {
    std::size_t n = 0;
    for (const auto& weak : m_shared->connections)
        n += weak.expired() ? 0 : 1;
    return n;
}

std::size_t TcpServer::unsent_octets() const {
    return m_shared->unsent;
}

}  // namespace mailscope::transport
