#include "net/proxy.hpp"
#include "sim/core/ascii.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <optional>

namespace mailscope::transport {

namespace {

constexpr std::size_t kMaxHeldLine = 64 * 1024;
constexpr std::string_view kUpstreamTag = "MSPROXY1";

std::string_view without_line_end(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    return line;
}

// The tag of "tag STARTTLS", or empty.
std::string starttls_tag(std::string_view line) {
    line = without_line_end(line);
    auto space = line.find(' ');
    if (space == 0 || space == std::string_view::npos) return {};
    if (!ascii::iequals(line.substr(space + 1), "STARTTLS")) return {};
    return std::string(line.substr(0, space));
}

// Octets of the literal a line announces at its end ({n} or {n+}), or 0.
std::uint64_t announced_literal(std::string_view line) {
    line = without_line_end(line);
    if (line.empty() || line.back() != '}') return 0;
    auto open = line.rfind('{');
    if (open == std::string_view::npos) return 0;
    auto digits = line.substr(open + 1, line.size() - open - 2);
    if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
    if (digits.empty() || digits.size() > 12) return 0;
    std::uint64_t size = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return 0;
        size = size * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return size;
}

}  // namespace

std::string strip_greeting_capabilities(std::string_view greeting) {
    constexpr std::string_view prefix = "* OK [CAPABILITY ";
    if (greeting.size() < prefix.size() ||
        !ascii::iequals(greeting.substr(0, prefix.size()), prefix)) {
        return std::string(greeting);
    }
    auto close = greeting.find(']');
    if (close == std::string_view::npos) return std::string(greeting);
    auto rest = greeting.substr(close + 1);
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (without_line_end(rest).empty()) return "* OK ready\r\n";
    return fmt::format("* OK {}", rest);
}

// ---------------------------------------------------------------------------
// [SECTION] One proxied session
// ---------------------------------------------------------------------------

class Proxy::Session : public std::enable_shared_from_this<Proxy::Session> {
  public:
    Session(asio::io_context& io, asio::ip::tcp::socket socket, const ProxyConfig& config,
            std::unique_ptr<ProxySink> sink)
        : m_io(io), m_config(config), m_sink(std::move(sink)), m_timer(io) {
        if (m_config.listen.implicit_tls) {
            m_stream.emplace(std::move(socket), *m_config.client_tls);
        } else {
            m_plain.emplace(std::move(socket));
        }
    }

    void start() {
        if (!m_stream) {
            connect_upstream();
            return;
        }
        auto self = shared_from_this();
        m_timer.expires_after(m_config.upstream.timeout);
        m_timer.async_wait([self](std::error_code ec) {
            if (ec || self->m_closed || self->m_client_tls_on) return;
            self->close("the client did not finish the TLS handshake in time");
        });
        m_stream->async_handshake(asio::ssl::stream_base::server, [self](std::error_code ec) {
            self->m_timer.cancel();
            if (self->m_closed) return;
            if (ec) {
                self->close(fmt::format("TLS handshake with the client failed: {}", ec.message()));
                return;
            }
            self->m_client_tls_on = true;
            SSL* ssl = self->m_stream->native_handle();
            self->note(fmt::format("client TLS established: {} {}", SSL_get_version(ssl),
                                   SSL_get_cipher_name(ssl)));
            self->connect_upstream();
        });
    }

    void close(const std::string& error) {
        if (m_closed) return;
        m_closed = true;
        m_timer.cancel();
        if (m_upstream) m_upstream->close();
        std::error_code ignored;
        client_socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        client_socket().close(ignored);
        m_sink->on_close(error, steady_now());
    }

  private:
    asio::ip::tcp::socket& client_socket() { return m_stream ? m_stream->next_layer() : *m_plain; }

    void note(const std::string& text) { m_sink->on_note(text, steady_now()); }

    void connect_upstream() {
        try {
            m_upstream = NetClient::create(m_io, m_config.upstream);
        } catch (const std::exception& error) {
            refuse(error.what());
            return;
        }
        m_upstream->connect([self = shared_from_this()](const std::string& error) {
            if (self->m_closed) return;
            if (!error.empty()) {
                self->refuse(error);
                return;
            }
            const auto& up = self->m_config.upstream;
            self->note(fmt::format("upstream {}:{} connected{}", up.host, up.port,
                                   self->m_upstream->tls_active()
                                       ? " with TLS: " + self->m_upstream->tls_description()
                                       : std::string()));
            self->m_negotiating = self->m_config.upstream_starttls;
            self->m_upstream->start_reading(
                [self](std::string_view bytes) { self->on_upstream_bytes(bytes); },
                [self](const std::string& error) { self->on_upstream_end(error); });
            if (!self->m_negotiating) self->read_client();
        });
    }

    // The upstream cannot be used: the client hears why in a BYE.
    void refuse(const std::string& error) {
        note(fmt::format("upstream unavailable: {}", error));
        to_client(fmt::format("* BYE [UNAVAILABLE] mailscope proxy: {}\r\n", error));
        m_close_error = error;
        m_closing = true;
        write_client();
    }

    void on_upstream_bytes(std::string_view bytes) {
        if (m_closed) return;
        if (!m_negotiating) {
            to_client(std::string(bytes));
            return;
        }
        m_negotiation += bytes;
        if (m_negotiation.size() > kMaxHeldLine) {
            close("the upstream server sent an overlong line before TLS");
            return;
        }
        std::size_t lf;
        while (m_negotiating && (lf = m_negotiation.find('\n')) != std::string::npos) {
            std::string line = m_negotiation.substr(0, lf + 1);
            m_negotiation.erase(0, lf + 1);
            on_negotiation_line(line);
        }
    }

    // RFC 3501 6.2.1: STARTTLS on behalf of the client, before it sees anything.
    void on_negotiation_line(const std::string& line) {
        if (m_greeting.empty()) {
            m_greeting = line;
            if (!line.starts_with("* OK")) {
                close(fmt::format("the upstream greeting does not allow STARTTLS: {}",
                                  without_line_end(line)));
                return;
            }
            m_upstream->write(fmt::format("{} STARTTLS\r\n", kUpstreamTag));
            return;
        }
        if (!line.starts_with(std::string(kUpstreamTag) + " ")) return;
        if (!without_line_end(line).substr(kUpstreamTag.size() + 1).starts_with("OK")) {
            close(fmt::format("the upstream server refused STARTTLS: {}", without_line_end(line)));
            return;
        }
        // Anything after the OK arrived in clear and is dropped (RFC 3501 6.2.1).
        m_negotiation.clear();
        m_upstream->start_tls([self = shared_from_this()](const std::string& error) {
            if (self->m_closed) return;
            if (!error.empty()) {
                self->close(error);
                return;
            }
            self->note(fmt::format("upstream STARTTLS done by the proxy: {}",
                                   self->m_upstream->tls_description()));
            self->m_negotiating = false;
            self->to_client(strip_greeting_capabilities(self->m_greeting));
            self->read_client();
        });
    }

    void on_upstream_end(const std::string& error) {
        if (m_closed) return;
        note(error.empty() ? "the upstream server closed the connection"
                           : fmt::format("upstream: {}", error));
        m_close_error = error;
        m_closing = true;
        write_client();
    }

    // --- client side ----------------------------------------------------------

    void read_client() {
        if (m_closed || m_reading) return;
        m_reading = true;
        auto handler = [self = shared_from_this()](std::error_code ec, std::size_t n) {
            self->m_reading = false;
            if (self->m_closed) return;
            if (ec) {
                bool clean = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
                self->note("the client closed the connection");
                self->close(clean ? std::string()
                                  : fmt::format("client connection broke: {}", ec.message()));
                return;
            }
            self->from_client(std::string_view(self->m_buffer.data(), n));
            self->read_client();
        };
        if (m_client_tls_on) {
            m_stream->async_read_some(asio::buffer(m_buffer), handler);
        } else {
            client_socket().async_read_some(asio::buffer(m_buffer), handler);
        }
    }

    // Whole lines are relayed (so a STARTTLS can be caught before the server
    // sees it); literal data streams through as it comes.
    void from_client(std::string_view bytes) {
        std::size_t at = 0;
        while (at < bytes.size() && !m_closed) {
            if (m_literal_left > 0) {
                auto n = static_cast<std::size_t>(
                    std::min<std::uint64_t>(m_literal_left, bytes.size() - at));
                to_upstream(bytes.substr(at, n));
                m_literal_left -= n;
                at += n;
                continue;
            }
            auto lf = bytes.find('\n', at);
            if (lf == std::string_view::npos) {
                m_line.append(bytes.substr(at));
                if (m_line.size() > kMaxHeldLine) to_upstream(std::exchange(m_line, {}));
                return;
            }
            m_line.append(bytes.substr(at, lf + 1 - at));
            at = lf + 1;
            std::string line = std::exchange(m_line, {});
            if (auto tag = starttls_tag(line); !tag.empty()) {
                m_sink->on_bytes(sim::Direction::ClientToServer, line, steady_now());
                to_client(fmt::format(
                    "{} NO [mailscope proxy] STARTTLS is not relayed: connect to the proxy with "
                    "TLS instead\r\n",
                    tag));
                continue;
            }
            m_literal_left = announced_literal(line);
            to_upstream(line);
        }
    }

    void to_upstream(std::string_view bytes) {
        m_sink->on_bytes(sim::Direction::ClientToServer, bytes, steady_now());
        m_upstream->write(std::string(bytes));
    }

    void to_client(std::string bytes) {
        m_sink->on_bytes(sim::Direction::ServerToClient, bytes, steady_now());
        m_writes.push_back(std::move(bytes));
        write_client();
    }

    void write_client() {
        if (m_closed || m_writing) return;
        if (m_writes.empty()) {
            if (m_closing) close(m_close_error);
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
    std::optional<asio::ssl::stream<asio::ip::tcp::socket>> m_stream;
    std::optional<asio::ip::tcp::socket> m_plain;
    asio::steady_timer m_timer;
    std::shared_ptr<NetClient> m_upstream;
    std::array<char, 16384> m_buffer{};
    std::deque<std::string> m_writes;
    std::string m_line;
    std::uint64_t m_literal_left = 0;
    std::string m_greeting;
    std::string m_negotiation;
    std::string m_close_error;
    bool m_negotiating = false;
    bool m_client_tls_on = false;
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
        auto session =
            std::make_shared<Session>(m_io, std::move(socket), m_config, m_factory(info));
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

}  // namespace mailscope::transport
