#include "net/net_client.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace mailscope::transport {

namespace {

std::string percent_decode(std::string_view text, bool& ok) {
    std::string out;
    ok = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            ok = false;
            return out;
        }
        out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
        i += 2;
    }
    return out;
}

bool is_eof(const std::error_code& ec) {
    // A server that closes without a TLS close_notify is common and harmless
    // for IMAP, whose messages are self-delimiting.
    return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
}

}  // namespace

std::variant<ServerUrl, sim::Said> parse_server_url(std::string_view text) {
    ServerUrl url;
    auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) {
        return sim::say(sim::Phrase::UrlNotUrl, text);
    }
    for (char c : text.substr(0, scheme_end)) {
        url.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    struct Scheme {
        std::string_view name;
        sim::Protocol protocol;
        std::uint16_t port;
        bool implicit_tls;
    };
    static constexpr Scheme schemes[] = {
        {"imap", sim::Protocol::Imap, 143, false}, {"imaps", sim::Protocol::Imap, 993, true},
        {"pop", sim::Protocol::Pop3, 110, false},  {"pop3", sim::Protocol::Pop3, 110, false},
        {"pop3s", sim::Protocol::Pop3, 995, true}, {"smtp", sim::Protocol::Smtp, 25, false},
        {"smtps", sim::Protocol::Smtp, 465, true}, {"submission", sim::Protocol::Smtp, 587, false},
    };
    const auto* known = std::find_if(std::begin(schemes), std::end(schemes),
                                     [&](const Scheme& s) { return s.name == url.scheme; });
    if (known == std::end(schemes)) {
        return sim::say(sim::Phrase::UrlUnknownScheme, url.scheme);
    }
    if (url.scheme == "pop") url.scheme = "pop3";
    url.protocol = known->protocol;
    url.port = known->port;
    url.implicit_tls = known->implicit_tls;
    std::string_view rest = text.substr(scheme_end + 3);
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        if (slash + 1 != rest.size()) {
            return sim::say(sim::Phrase::UrlMailboxPath);
        }
        rest = rest.substr(0, slash);
    }
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        bool ok = false;
        url.user = percent_decode(rest.substr(0, at), ok);
        if (!ok || url.user.empty()) {
            return sim::say(sim::Phrase::UrlBadUser);
        }
        if (url.user.find(':') != std::string::npos) {
            return sim::say(sim::Phrase::UrlPassword);
        }
        rest = rest.substr(at + 1);
    }
    std::string_view port_text;
    bool has_port = false;
    if (!rest.empty() && rest.front() == '[') {
        auto close = rest.find(']');
        if (close == std::string_view::npos) return sim::say(sim::Phrase::UrlIpv6Unclosed);
        url.host = std::string(rest.substr(1, close - 1));
        rest = rest.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return sim::say(sim::Phrase::UrlPortAfterBracket);
            port_text = rest.substr(1);
            has_port = true;
        }
    } else if (auto colon = rest.find(':'); colon != std::string_view::npos) {
        url.host = std::string(rest.substr(0, colon));
        port_text = rest.substr(colon + 1);
        has_port = true;
    } else {
        url.host = std::string(rest);
    }
    if (url.host.empty()) return sim::say(sim::Phrase::UrlNoHost);
    if (!has_port) return url;
    if (port_text.empty()) return sim::say(sim::Phrase::UrlPortEmpty);
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(),
                                             [](char c) { return c >= '0' && c <= '9'; })) {
        return sim::say(sim::Phrase::UrlPortNotNumber, port_text);
    }
    auto port = std::stoul(std::string(port_text));
    if (port == 0 || port > 65535) return sim::say(sim::Phrase::UrlPortOutOfRange, port);
    url.port = static_cast<std::uint16_t>(port);
    return url;
}

bool is_loopback_host(const std::string& host) {
    if (host == "localhost") return true;
    std::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    return !ec && address.is_loopback();
}

// ---------------------------------------------------------------------------
// [SECTION] Connection
// ---------------------------------------------------------------------------

std::shared_ptr<NetClient> NetClient::create(asio::io_context& io, NetClientOptions options) {
    auto context = make_client_context(options.tls);
    return std::make_shared<NetClient>(io, std::move(options), std::move(context));
}

NetClient::NetClient(asio::io_context& io, NetClientOptions options,
                     std::shared_ptr<asio::ssl::context> context)
    : m_io(io),
      m_options(std::move(options)),
      m_context(std::move(context)),
      m_stream(io, *m_context),
      m_resolver(io),
      m_phase_timer(io),
      m_reply_timer(io) {}

std::string NetClient::seconds() const {
    return fmt::format("{:g}", static_cast<double>(m_options.timeout.count()) / 1000.0);
}

void NetClient::connect(Done done) {
    auto self = shared_from_this();
    auto where = fmt::format("{}:{}", m_options.host, m_options.port);
    auto settled = std::make_shared<bool>(false);
    m_phase_timer.expires_after(m_options.timeout);
    m_phase_timer.async_wait([self, settled, done, where](std::error_code ec) {
        if (ec || *settled) return;
        *settled = true;
        self->m_resolver.cancel();
        self->close();
        done(sim::say(sim::Phrase::NetConnectTimedOut, where, self->seconds()));
    });
    m_resolver.async_resolve(
        m_options.host, std::to_string(m_options.port),
        [self, settled, done, where](std::error_code ec,
                                     asio::ip::tcp::resolver::results_type results) {
            if (*settled) return;
            if (ec) {
                *settled = true;
                self->m_phase_timer.cancel();
                self->close();
                done(sim::say(sim::Phrase::NetHostNotFound, self->m_options.host, ec.message()));
                return;
            }
            asio::async_connect(
                self->socket(), results,
                [self, settled, done, where](std::error_code ec, const asio::ip::tcp::endpoint&) {
                    if (*settled) return;
                    if (ec) {
                        *settled = true;
                        self->m_phase_timer.cancel();
                        self->close();
                        done(sim::say(sim::Phrase::NetCannotConnect, where, ec.message()));
                        return;
                    }
                    std::error_code ignored;
                    self->socket().set_option(asio::ip::tcp::no_delay(true), ignored);
                    if (!self->m_options.implicit_tls) {
                        *settled = true;
                        self->m_phase_timer.cancel();
                        done({});
                        return;
                    }
                    // The handshake arms its own timer.
                    *settled = true;
                    self->m_phase_timer.cancel();
                    self->handshake(done);
                });
        });
}

void NetClient::handshake(Done done) {
    auto self = shared_from_this();
    prepare_client_stream(m_stream.native_handle(), m_options.host, m_options.tls);
    auto settled = std::make_shared<bool>(false);
    m_phase_timer.expires_after(m_options.timeout);
    m_phase_timer.async_wait([self, settled, done](std::error_code ec) {
        if (ec || *settled) return;
        *settled = true;
        self->close();
        done(sim::say(sim::Phrase::NetTlsTimedOut, self->m_options.host, self->seconds()));
    });
    m_stream.async_handshake(
        asio::ssl::stream_base::client, [self, settled, done](std::error_code ec) {
            if (*settled) return;
            *settled = true;
            self->m_phase_timer.cancel();
            if (ec) {
                auto reason = self->verify_result();
                auto message =
                    reason.empty()
                        ? sim::say(sim::Phrase::NetTlsFailed, self->m_options.host, ec.message())
                        : sim::say(sim::Phrase::NetTlsNotVerified, self->m_options.host, reason);
                self->close();
                done(message);
                return;
            }
            self->m_tls_on = true;
            done({});
        });
}

void NetClient::start_reading(OnBytes on_bytes, Done on_end) {
    m_on_bytes = std::move(on_bytes);
    m_on_end = std::move(on_end);
    read();
}

void NetClient::read() {
    if (m_reading || m_closed || m_upgrading || !m_on_bytes) return;
    m_reading = true;
    auto handler = [self = shared_from_this()](std::error_code ec, std::size_t n) {
        self->m_reading = false;
        if (self->m_closed) return;
        if (self->m_upgrading) {
            // Octets that arrived in clear after the server's OK to STARTTLS
            // are dropped: they could be an attacker's injection (RFC 3501 6.2.1).
            self->handshake(std::exchange(self->m_upgrade_done, {}));
            return;
        }
        if (ec) {
            self->finish(is_eof(ec) ? sim::Said{}
                                    : sim::say(sim::Phrase::NetConnectionBroke,
                                               self->m_options.host, ec.message()));
            return;
        }
        if (self->m_expecting) self->arm_reply_timer();
        self->m_on_bytes(std::string_view(self->m_buffer.data(), n));
        self->read();
    };
    if (m_tls_on) {
        m_stream.async_read_some(asio::buffer(m_buffer), handler);
    } else {
        socket().async_read_some(asio::buffer(m_buffer), handler);
    }
}

void NetClient::write(std::string bytes) {
    if (m_closed || bytes.empty()) return;
    m_writes.push_back(std::move(bytes));
    pump_writes();
}

void NetClient::pump_writes() {
    if (m_writing || m_closed || m_upgrading || m_writes.empty()) return;
    m_writing = true;
    auto handler = [self = shared_from_this()](std::error_code ec, std::size_t) {
        self->m_writing = false;
        if (self->m_closed) return;
        if (ec) {
            self->finish(sim::say(sim::Phrase::NetCannotWrite, self->m_options.host, ec.message()));
            return;
        }
        self->m_writes.pop_front();
        self->pump_writes();
    };
    if (m_tls_on) {
        asio::async_write(m_stream, asio::buffer(m_writes.front()), handler);
    } else {
        asio::async_write(socket(), asio::buffer(m_writes.front()), handler);
    }
}

void NetClient::start_tls(Done done) {
    if (m_closed || m_tls_on) {
        done(sim::say(m_closed ? sim::Phrase::NetConnectionClosed
                               : sim::Phrase::NetTlsAlreadyActive));
        return;
    }
    auto self = shared_from_this();
    auto after_writes = [self, done] {
        self->m_upgrading = true;
        if (self->m_reading) {
            self->m_upgrade_done = [self, done](const sim::Said& error) {
                self->m_upgrading = false;
                done(error);
                if (sim::is_empty(error)) {
                    self->read();
                    self->pump_writes();
                }
            };
            std::error_code ignored;
            self->socket().cancel(ignored);
        } else {
            self->handshake([self, done](const sim::Said& error) {
                self->m_upgrading = false;
                done(error);
                if (sim::is_empty(error)) {
                    self->read();
                    self->pump_writes();
                }
            });
        }
    };
    // The STARTTLS command itself must be on the wire before the handshake.
    if (!m_writing && m_writes.empty()) {
        after_writes();
        return;
    }
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [self, poll, after_writes] {
        if (self->m_closed) return;
        if (!self->m_writing && self->m_writes.empty()) {
            after_writes();
            return;
        }
        asio::post(self->m_io, [poll] { (*poll)(); });
    };
    asio::post(m_io, [poll] { (*poll)(); });
}

void NetClient::expect_reply(bool expecting) {
    if (expecting == m_expecting) return;
    m_expecting = expecting;
    if (expecting) {
        arm_reply_timer();
    } else {
        m_reply_timer.cancel();
    }
}

void NetClient::arm_reply_timer() {
    m_reply_timer.expires_after(m_options.timeout);
    m_reply_timer.async_wait([self = shared_from_this()](std::error_code ec) {
        if (ec || self->m_closed || !self->m_expecting) return;
        self->finish(sim::say(sim::Phrase::NetNoAnswer, self->m_options.host, self->seconds()));
    });
}

void NetClient::finish(const sim::Said& error) {
    auto on_end = std::exchange(m_on_end, {});
    close();
    if (on_end) on_end(error);
}

void NetClient::close() {
    if (m_closed) return;
    m_closed = true;
    std::error_code ignored;
    m_phase_timer.cancel();
    m_reply_timer.cancel();
    m_resolver.cancel();
    socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
    // The callbacks may own the object that owns this client: let them go,
    // but not while one of them may be running.
    asio::post(m_io, [self = shared_from_this()] {
        self->m_on_bytes = {};
        self->m_on_end = {};
        self->m_upgrade_done = {};
    });
}

std::string NetClient::tls_description() {
    if (!m_tls_on) return {};
    SSL* ssl = m_stream.native_handle();
    auto description = fmt::format("{} {}", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
    if (auto subject = peer_subject(ssl); !subject.empty())
        description += fmt::format(", subject {}", subject);
    return description;
}

std::string NetClient::verify_result() {
    return verify_failure(m_stream.native_handle());
}

}  // namespace mailscope::transport
