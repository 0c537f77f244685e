#include "sim/transport/tcp_server.hpp"

#include <fmt/format.h>

#include <algorithm>
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

class TcpServer::Connection : public std::enable_shared_from_this<TcpServer::Connection> {
  public:
    Connection(asio::ip::tcp::socket socket, std::shared_ptr<asio::ssl::context> tls,
               std::unique_ptr<ConnectionHandler> handler, bool implicit_tls)
        : m_tls_context(std::move(tls)),
          m_handler(std::move(handler)),
          m_timer(socket.get_executor()),
          m_implicit_tls(implicit_tls) {
        if (m_tls_context) {
            m_stream.emplace(std::move(socket), *m_tls_context);
        } else {
            m_plain.emplace(std::move(socket));
        }
    }

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
        m_stream->async_handshake(asio::ssl::stream_base::server,
                                  [self = shared_from_this(), done](std::error_code ec) {
                                      self->m_busy_tls = false;
                                      if (ec) {
                                          self->fail();
                                          return;
                                      }
                                      self->m_tls_on = true;
                                      done();
                                  });
    }

    void pump() {
        if (m_closed) return;
        auto& output = m_handler->output();
        const Micros now = steady_now();
        if (!m_writing && !m_busy_tls && !output.empty()) {
            if (output.front().not_before > now) {
                arm(output.front().not_before);
            } else {
                write(std::move(output.front().bytes));
                output.pop_front();
            }
        } else if (!m_writing && !m_busy_tls && output.empty()) {
            if (m_handler->wants_tls_upgrade() && m_stream && !m_tls_on) {
                m_handler->tls_upgrade_started();
                handshake([self = shared_from_this()] {
                    self->m_handler->on_tls_started(steady_now());
                    self->pump();
                });
                return;
            }
            if (m_handler->wants_close()) {
                close();
                return;
            }
            if (auto deadline = m_handler->next_deadline()) arm(*deadline);
        }
        if (!m_reading && !m_busy_tls && !m_handler->reading_paused() &&
            !m_handler->wants_tls_upgrade() && !m_handler->wants_close()) {
            read();
        }
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
            self->m_handler->on_bytes(std::string_view(self->m_buffer.data(), n), steady_now());
            self->pump();
        };
        if (m_tls_on) {
            m_stream->async_read_some(asio::buffer(m_buffer), handler);
        } else {
            socket().async_read_some(asio::buffer(m_buffer), handler);
        }
    }

    void write(std::string bytes) {
        m_writing = true;
        m_pending_write = std::move(bytes);
        auto handler = [self = shared_from_this()](std::error_code ec, std::size_t) {
            self->m_writing = false;
            if (self->m_closed) return;
            if (ec) {
                self->fail();
                return;
            }
            self->pump();
        };
        if (m_tls_on) {
            asio::async_write(*m_stream, asio::buffer(m_pending_write), handler);
        } else {
            asio::async_write(socket(), asio::buffer(m_pending_write), handler);
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
        socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
        socket().close(ec);
    }

    std::shared_ptr<asio::ssl::context> m_tls_context;
    std::optional<asio::ssl::stream<asio::ip::tcp::socket>> m_stream;
    std::optional<asio::ip::tcp::socket> m_plain;
    std::unique_ptr<ConnectionHandler> m_handler;
    asio::steady_timer m_timer;
    Micros m_armed_for = -1;
    std::array<char, 16384> m_buffer{};
    std::string m_pending_write;
    bool m_implicit_tls = false;
    bool m_tls_on = false;
    bool m_busy_tls = false;
    bool m_reading = false;
    bool m_writing = false;
    bool m_closed = false;
    bool m_peer_gone = false;
};

// ---------------------------------------------------------------------------
// [SECTION] Listeners
// ---------------------------------------------------------------------------

struct TcpServer::Listener {
    ListenerConfig config;
    asio::ip::tcp::acceptor acceptor;
    HandlerFactory factory;
};

TcpServer::TcpServer(asio::io_context& io, std::shared_ptr<asio::ssl::context> tls)
    : m_io(io),
      m_tls(std::move(tls)),
      m_connections(std::make_shared<std::vector<std::weak_ptr<Connection>>>()) {}

TcpServer::~TcpServer() {
    stop();
}

std::uint16_t TcpServer::listen(const ListenerConfig& config, HandlerFactory factory) {
    if (config.implicit_tls && !m_tls) {
        throw std::invalid_argument(fmt::format("{} needs a TLS certificate", config.name));
    }
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address(config.address), config.port);
    auto listener = std::make_shared<Listener>(
        Listener{config, asio::ip::tcp::acceptor(m_io), std::move(factory)});
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
            if (ec) {
                if (ec != asio::error::operation_aborted && listener->acceptor.is_open()) {
                    accept(listener);
                }
                return;
            }
            std::error_code peer_ec;
            auto remote = socket.remote_endpoint(peer_ec);
            ConnectionInfo info;
            info.listener = listener->config.name;
            info.peer = peer_ec ? std::string("?")
                                : fmt::format("{}:{}", remote.address().to_string(), remote.port());
            info.id = m_next_id++;
            socket.set_option(asio::ip::tcp::no_delay(true), peer_ec);
            auto connection = std::make_shared<Connection>(
                std::move(socket), m_tls, listener->factory(info), listener->config.implicit_tls);
            auto& list = *m_connections;
            list.erase(std::remove_if(list.begin(), list.end(),
                                      [](const auto& weak) { return weak.expired(); }),
                       list.end());
            list.push_back(connection);
            connection->start();
            accept(listener);
        });
}

void TcpServer::stop() {
    for (auto& listener : m_listeners) {
        std::error_code ec;
        listener->acceptor.close(ec);
    }
    m_listeners.clear();
    for (auto& weak : *m_connections) {
        if (auto connection = weak.lock()) connection->shutdown();
    }
    m_connections->clear();
}

std::size_t TcpServer::connection_count() const {
    std::size_t n = 0;
    for (const auto& weak : *m_connections)
        n += weak.expired() ? 0 : 1;
    return n;
}

}  // namespace mailscope::transport
