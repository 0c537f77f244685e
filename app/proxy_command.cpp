#include "app/proxy_command.hpp"

#include <fmt/format.h>

#include <asio.hpp>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "net/proxy.hpp"
#include "net/tls.hpp"
#include "server_mock/trace_files.hpp"
#include "sim/core/trace_format.hpp"
#include "sim/imap/session.hpp"

namespace mailscope::app {

namespace fs = std::filesystem;

namespace {

// Events of a proxied session kept in memory: they are printed and written
// as they come, so a long session does not grow the proxy.
constexpr sim::TraceRetention kProxyTraceWindow{256, 256u << 10};

// "20261203T081500", the proxy's start in UTC: part of every trace file's
// name, so that a restart never writes over an earlier run's files.
std::string run_stamp() {
    const auto now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%S", &utc);
    return text;
}

// One proxied session: an observer engine fed with both directions, each
// event printed as it is appended (prefixed with the session number) and,
// with a trace directory, written to the session's files at once. Secrets
// are masked by the engine unless --reveal-secrets.
class TraceSink : public transport::ProxySink {
  public:
    TraceSink(const transport::ConnectionInfo& info, const ProxyOptions& options,
              const std::string& stamp)
        : m_id(info.id),
          m_trace(sim::Protocol::Imap, fmt::format("proxy #{} from {}", info.id, info.peer),
                  kProxyTraceWindow) {
        m_format.colour = options.colour;
        if (!options.trace_dir.empty()) {
            std::string error;
            m_files = server::TraceFiles::create(
                options.trace_dir, fmt::format("proxy-{}-{:05}", stamp, info.id), error);
            if (!m_files) std::cerr << fmt::format("mailscope proxy: {}\n", error);
        }
        m_trace.set_sink([this](const sim::TraceEvent& event) {
            print(event);
            if (m_files) m_files->add(event);
        });
        m_session.emplace(m_trace, session_options(options));
        std::cout << fmt::format("#{} client {} connected\n", m_id, info.peer) << std::flush;
    }

    void on_bytes(sim::Direction dir, std::string_view bytes, transport::Micros now) override {
        m_session->feed(dir, bytes, now);
        flush();
    }
    void on_note(const std::string& text, transport::Micros now) override {
        m_session->note(sim::Direction::ServerToClient, text, now);
        flush();
    }
    void on_close(const std::string& error, transport::Micros now) override {
        if (!error.empty()) m_session->note(sim::Direction::ServerToClient, error, now);
        m_session->feed_eof(sim::Direction::ServerToClient, now);
        flush();
        if (m_files) m_files->finish(m_trace.label());
        std::cout << fmt::format("#{} session ended{}\n", m_id, error.empty() ? "" : ": " + error)
                  << std::flush;
    }

  private:
    static imap::SessionOptions session_options(const ProxyOptions& options) {
        imap::SessionOptions result;
        result.role = imap::Role::Observer;
        result.reveal_secrets = options.reveal_secrets;
        return result;
    }

    void print(const sim::TraceEvent& event) {
        const auto text = sim::format_event(m_trace, event, m_format);
        std::size_t at = 0;
        while (at < text.size()) {
            auto lf = text.find('\n', at);
            if (lf == std::string::npos) lf = text.size() - 1;
            m_out += fmt::format("#{} {}", m_id, std::string_view(text).substr(at, lf + 1 - at));
            at = lf + 1;
        }
    }

    void flush() {
        std::cout << m_out << std::flush;
        m_out.clear();
        if (m_files) m_files->flush();
    }

    std::uint64_t m_id;
    sim::SessionTrace m_trace;
    std::unique_ptr<server::TraceFiles> m_files;
    std::optional<imap::ImapSession> m_session;
    sim::FormatOptions m_format;
    std::string m_out;
};

int usage_error(const std::string& message) {
    std::cerr << fmt::format("mailscope proxy: {}\n", message);
    return 2;
}

}  // namespace

int run_proxy(const ProxyOptions& options) {
    auto parsed = transport::parse_server_url(options.upstream);
    if (auto* error = std::get_if<std::string>(&parsed))
        return usage_error("--upstream: " + *error);
    auto url = std::get<transport::ServerUrl>(parsed);
    if (url.protocol != sim::Protocol::Imap) {
        return usage_error(
            "--upstream: the proxy relays IMAP only; watch a POP3 or SMTP server "
            "with `mailscope connect " +
            url.scheme + "://...`");
    }
    if (!url.user.empty()) {
        return usage_error("--upstream names no user: the clients log in through the proxy");
    }
    if (options.upstream_starttls && url.implicit_tls) {
        return usage_error("--upstream-starttls is for imap:// upstreams; imaps:// is TLS already");
    }
    if (options.insecure && !options.ca_file.empty()) {
        return usage_error("--insecure and --ca-file contradict each other");
    }
    if (options.cert.empty() != options.key.empty()) {
        return usage_error("--cert and --key go together");
    }
    std::string client_tls = options.client_tls;
    if (client_tls.empty()) client_tls = options.cert.empty() ? "none" : "implicit";
    if (client_tls != "none" && client_tls != "implicit") {
        return usage_error("--client-tls takes none or implicit");
    }
    if (client_tls == "implicit" && options.cert.empty()) {
        return usage_error("--client-tls implicit needs --cert and --key");
    }

    transport::ProxyConfig config;
    try {
        config.listen =
            transport::parse_listen_address(options.listen, "proxy", client_tls == "implicit");
        if (client_tls == "implicit") {
            config.client_tls = transport::make_server_context({options.cert, options.key});
        }
        transport::ClientTlsOptions tls;
        if (!options.ca_file.empty()) tls.ca_file = options.ca_file;
        tls.insecure = options.insecure;
        // Fails early, with a readable message, on an unusable CA file.
        transport::make_client_context(tls);
        config.upstream.tls = tls;
    } catch (const std::exception& error) {
        return usage_error(error.what());
    }
    config.upstream.host = url.host;
    config.upstream.port = url.port;
    config.upstream.implicit_tls = url.implicit_tls;
    config.upstream.timeout = std::chrono::milliseconds(
        static_cast<std::int64_t>(std::max(0.001, options.timeout_seconds) * 1000));
    config.upstream_starttls = options.upstream_starttls;

    if (options.insecure) {
        std::cout << fmt::format(
            "{}WARNING: --insecure: the upstream's certificate is NOT verified{}\n",
            options.colour ? "\x1b[1;31m" : "", options.colour ? "\x1b[0m" : "");
    }
    if (!url.implicit_tls && !options.upstream_starttls) {
        std::cout << "note: the upstream hop is in clear (imap:// without --upstream-starttls)\n";
    }

    asio::io_context io;
    const std::string stamp = run_stamp();
    transport::Proxy proxy(io, config, [&options, &stamp](const transport::ConnectionInfo& info) {
        return std::make_unique<TraceSink>(info, options, stamp);
    });
    try {
        auto port = proxy.listen();
        std::cout << fmt::format("listening: proxy {}:{}{} -> {}\n", config.listen.address, port,
                                 config.listen.implicit_tls ? " (TLS)" : "", options.upstream);
    } catch (const std::exception& error) {
        std::cerr << fmt::format("mailscope proxy: cannot listen on {}: {}\n", options.listen,
                                 error.what());
        return 1;
    }
    if (!options.trace_dir.empty()) std::cout << fmt::format("traces: {}\n", options.trace_dir);
    std::cout << "press Ctrl+C to stop" << std::endl;

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](std::error_code, int) {
        std::cout << "stopping" << std::endl;
        proxy.stop();
        io.stop();
    });
    io.run();
    return 0;
}

}  // namespace mailscope::app
