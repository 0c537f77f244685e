#include "app/proxy_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "app/cli_text.hpp"
#include "app/default_certificate.hpp"
#include "net/proxy_runner.hpp"
#include "net/server_url.hpp"
#include "net/tls_options.hpp"
#include "server_mock/trace_files.hpp"
#include "sim/core/trace_format.hpp"

namespace mailscope::app {

namespace {

constexpr std::string_view kProxy = "mailscope proxy";

// Events of a proxied session kept in memory: they are printed and written
// as they come, so a long session does not grow the proxy.
constexpr sim::TraceRetention kProxyTraceWindow{256, 256u << 10};

// One proxied session: every event the relay shows is printed as it is
// appended, prefixed with the session number ("#3 ", and "#3 upstream " for
// the proxy's own exchange with the server) and, with a trace directory, the
// client's leg (the session as the client saw it) is written to the
// session's files at once. Secrets are masked by the engines unless
// --reveal-secrets.
class TraceSink : public transport::ProxySink {
  public:
    TraceSink(std::uint64_t id, const std::string& peer, const ProxyOptions& options,
              const std::string& stamp)
        : m_id(id), m_language(options.language) {
        m_format.colour = options.colour;
        m_format.language = options.language;
        if (!options.trace_dir.empty()) {
            std::string error;
            m_files = server::TraceFiles::create(options.trace_dir,
                                                 fmt::format("proxy-{}-{:05}", stamp, id), error,
                                                 options.language);
            if (!m_files) std::cerr << cli_error(m_language, kProxy, sim::verbatim(error));
        }
        std::cout << cli_say(m_language, sim::Phrase::CliProxyClientConnected, m_id, peer) << "\n"
                  << std::flush;
        m_label = fmt::format("proxy #{} from {}", id, peer);
    }

    void on_event(sim::RelayLeg leg, const sim::SessionTrace& trace,
                  const sim::TraceEvent& event) override {
        const auto prefix = leg == sim::RelayLeg::Client ? fmt::format("#{} ", m_id)
                                                         : fmt::format("#{} upstream ", m_id);
        const auto text = sim::format_event(trace, event, m_format);
        std::size_t at = 0;
        while (at < text.size()) {
            auto lf = text.find('\n', at);
            if (lf == std::string::npos) lf = text.size() - 1;
            m_out += prefix;
            m_out += std::string_view(text).substr(at, lf + 1 - at);
            at = lf + 1;
        }
        if (leg == sim::RelayLeg::Client && m_files) m_files->add(event);
    }

    void on_flush() override {
        std::cout << m_out << std::flush;
        m_out.clear();
        if (m_files) m_files->flush();
    }

    void on_close(const std::string& error) override {
        on_flush();
        if (m_files) m_files->finish(m_label);
        std::cout << (error.empty() ? cli_say(m_language, sim::Phrase::CliProxySessionEnded, m_id)
                                    : cli_say(m_language, sim::Phrase::CliProxySessionEndedBecause,
                                              m_id, error))
                  << "\n"
                  << std::flush;
    }

  private:
    std::uint64_t m_id;
    sim::Language m_language;
    std::string m_label;
    std::unique_ptr<server::TraceFiles> m_files;
    sim::FormatOptions m_format;
    std::string m_out;
};

std::optional<sim::Protocol> protocol_named(std::string_view name) {
    for (auto protocol : {sim::Protocol::Imap, sim::Protocol::Pop3, sim::Protocol::Smtp}) {
        if (sim::protocol_name(protocol) == name) return protocol;
    }
    return std::nullopt;
}

int usage_error(sim::Language language, const sim::Said& message) {
    std::cerr << cli_error(language, kProxy, message);
    return 2;
}

}  // namespace

int run_proxy(const ProxyOptions& options) {
    auto parsed = transport::parse_server_url(options.upstream);
    if (auto* error = std::get_if<sim::Said>(&parsed))
        return usage_error(options.language, sim::say(sim::Phrase::CliLine, "--upstream", *error));
    auto url = std::get<transport::ServerUrl>(parsed);
    auto protocol = url.protocol;
    if (!options.protocol.empty()) {
        auto named = protocol_named(options.protocol);
        if (!named) return usage_error(options.language, sim::say(sim::Phrase::CliProtocolChoice));
        if (*named != url.protocol) {
            return usage_error(options.language,
                               sim::say(sim::Phrase::CliProtocolContradicts, options.protocol,
                                        url.scheme, sim::protocol_name(url.protocol)));
        }
        protocol = *named;
    }
    if (!url.user.empty()) {
        return usage_error(options.language, sim::say(sim::Phrase::CliUpstreamNoUser));
    }
    if (options.upstream_starttls && url.implicit_tls) {
        return usage_error(options.language,
                           sim::say(sim::Phrase::CliUpstreamStarttlsPlain, url.scheme));
    }
    if (options.insecure && !options.ca_file.empty()) {
        return usage_error(options.language, sim::say(sim::Phrase::CliInsecureAndCaFile));
    }
    if (options.cert.empty() != options.key.empty()) {
        return usage_error(options.language, sim::say(sim::Phrase::CliCertKeyTogether));
    }
    if (!options.key_log.empty()) {
        if (auto reason = transport::key_log_unwritable(options.key_log); !reason.empty()) {
            return usage_error(options.language, sim::say(sim::Phrase::CliCannotWriteKeyLog,
                                                          options.key_log, reason));
        }
    }
    std::string client_tls = options.client_tls;
    if (client_tls.empty()) client_tls = options.cert.empty() ? "none" : "implicit";
    if (client_tls != "none" && client_tls != "starttls" && client_tls != "implicit") {
        return usage_error(options.language, sim::say(sim::Phrase::CliClientTlsChoice));
    }

    transport::ProxySettings settings;
    settings.protocol = protocol;
    settings.listen = options.listen;
    if (client_tls != "none") {
        transport::ServerTlsFiles files{options.cert, options.key};
        if (files.cert_file.empty()) {
            // As `serve` does: one certificate made on first run and kept.
            const auto dir = default_tls_dir({});
            files = {(dir / "cert.pem").string(), (dir / "key.pem").string()};
            if (!std::filesystem::exists(files.cert_file) ||
                !std::filesystem::exists(files.key_file)) {
                if (auto error = transport::ensure_self_signed(files)) {
                    std::cerr << cli_error(options.language, kProxy, sim::verbatim(*error));
                    return 1;
                }
                std::cout << cli_say(options.language, sim::Phrase::CliMadeCertificate,
                                     files.cert_file)
                          << "\n";
            }
        }
        settings.cert = files.cert_file;
        settings.key = files.key_file;
        settings.client_starttls = client_tls == "starttls";
    }
    settings.upstream_host = url.host;
    settings.upstream_port = url.port;
    settings.upstream_implicit_tls = url.implicit_tls;
    settings.upstream_starttls = options.upstream_starttls;
    if (!options.ca_file.empty()) settings.ca_file = options.ca_file;
    settings.insecure = options.insecure;
    if (!options.key_log.empty()) settings.key_log = options.key_log;
    settings.timeout = std::chrono::milliseconds(
        static_cast<std::int64_t>(std::max(0.001, options.timeout_seconds) * 1000));
    settings.idle_timeout = std::chrono::milliseconds(
        static_cast<std::int64_t>(std::max(0.001, options.idle_timeout_seconds) * 1000));
    settings.reveal_secrets = options.reveal_secrets;
    settings.retention = kProxyTraceWindow;

    if (options.insecure) {
        std::cout << fmt::format("{}{}{}\n", options.colour ? "\x1b[1;31m" : "",
                                 cli_say(options.language, sim::Phrase::CliInsecureWarning,
                                         sim::say(sim::Phrase::CliUpstreamNotVerified)),
                                 options.colour ? "\x1b[0m" : "");
    }
    if (!options.key_log.empty()) {
        std::cout << cli_say(options.language, sim::Phrase::CliKeyLogProxy, options.key_log)
                  << "\n";
    }
    if (!url.implicit_tls && !options.upstream_starttls) {
        std::cout << cli_say(options.language, sim::Phrase::CliUpstreamInClear, url.scheme) << "\n";
    }

    const std::string stamp = server::run_stamp();
    auto factory = [&options, &stamp](std::uint64_t id, const std::string& peer) {
        return std::make_unique<TraceSink>(id, peer, options, stamp);
    };
    auto on_listening = [&](const std::string& address, std::uint16_t port) {
        std::cout << fmt::format("listening: proxy {}:{}{} -> {} ({})\n", address, port,
                                 settings.cert.empty()      ? ""
                                 : settings.client_starttls ? " (STARTTLS offered)"
                                                            : " (TLS)",
                                 options.upstream, sim::protocol_name(protocol));
        if (!options.trace_dir.empty()) {
            std::cout << cli_say(options.language, sim::Phrase::CliTraces, options.trace_dir)
                      << "\n";
        }
        std::cout << cli_say(options.language, sim::Phrase::CliPressCtrlC) << std::endl;
    };
    try {
        transport::run_proxy_until_signal(settings, factory, on_listening, [&options] {
            std::cout << cli_say(options.language, sim::Phrase::CliStopping) << std::endl;
        });
    } catch (const std::invalid_argument& error) {
        return usage_error(options.language, sim::verbatim(error.what()));
    } catch (const std::exception& error) {
        std::cerr << cli_error(options.language, kProxy, sim::Phrase::CliCannotListenOn,
                               options.listen, error.what());
        return 1;
    }
    return 0;
}

}  // namespace mailscope::app
