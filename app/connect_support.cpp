#include "app/connect_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>

#include "app/cli_text.hpp"
#include "app/password_prompt.hpp"
#include "net/oauth_token_source.hpp"
#include "net/tls_options.hpp"
#include "sim/core/login_script.hpp"
#include "sim/core/transcript.hpp"

namespace mailscope::app {

std::optional<ConnectStart> prepare_connect(const ConnectOptions& options,
                                            const transport::ServerUrl& url,
                                            std::string_view plain_scheme) {
    auto refuse = [&options](const sim::Said& reason) -> std::optional<ConnectStart> {
        std::cerr << cli_error(options.language, "mailscope connect", reason);
        return std::nullopt;
    };
    if (options.starttls && url.implicit_tls) {
        return refuse(sim::say(sim::Phrase::CliStarttlsNeedsPlain, plain_scheme, url.scheme));
    }
    if (options.insecure && !options.ca_file.empty()) {
        return refuse(sim::say(sim::Phrase::CliInsecureAndCaFile));
    }
    if (!options.key_log.empty()) {
        if (auto reason = transport::key_log_unwritable(options.key_log); !reason.empty())
            return refuse(sim::say(sim::Phrase::CliCannotWriteKeyLog, options.key_log, reason));
    }
    const bool tls = url.implicit_tls || options.starttls;
    if (!url.user.empty() && !tls && !transport::is_loopback_host(url.host) &&
        !options.allow_plaintext_login) {
        return refuse(sim::say(sim::Phrase::CliPasswordInClear, url.host, plain_scheme));
    }
    ConnectStart start;
    if (!options.script.empty()) {
        std::ifstream in(options.script, std::ios::binary);
        if (!in) return refuse(sim::say(sim::Phrase::CliCannotReadFile, options.script));
        std::string line;
        while (std::getline(in, line))
            start.script.push_back(line);
    }
    if (options.insecure) {
        std::cout << fmt::format("{}{}{}\n", options.colour ? kConnectRed : "",
                                 cli_say(options.language, sim::Phrase::CliInsecureWarning,
                                         sim::say(sim::Phrase::CliInsecureTls)),
                                 options.colour ? kConnectReset : "");
    }
    if (!options.key_log.empty()) {
        std::cout << cli_say(options.language, sim::Phrase::CliKeyLogConnect, options.key_log)
                  << "\n";
    }
    const bool oauth =
        options.oauth || !options.oauth_mechanism.empty() || !options.oauth_token_command.empty();
    if (!options.oauth_mechanism.empty()) {
        start.oauth_mechanism = sim::oauth_mechanism_from_name(options.oauth_mechanism);
        if (!start.oauth_mechanism) {
            return refuse(sim::say(sim::Phrase::CliOAuthMechanismUnknown, options.oauth_mechanism));
        }
    }
    if (oauth) {
        if (url.user.empty()) return refuse(sim::say(sim::Phrase::CliOAuthNeedsUser, url.host));
        auto result = transport::obtain_oauth_token(options.oauth_token_command);
        if (!result.token) return refuse(result.error);
        start.oauth_token = std::move(result.token);
    } else if (!url.user.empty()) {
        auto result = obtain_password(
            cli_say(options.language, sim::Phrase::CliPasswordPrompt, url.user, url.host));
        if (!result.password) return refuse(result.error);
        start.password = std::move(result.password);
    }
    return start;
}

transport::NetClientOptions net_client_options(const ConnectOptions& options,
                                               const transport::ServerUrl& url) {
    transport::NetClientOptions net;
    net.host = url.host;
    net.port = url.port;
    net.implicit_tls = url.implicit_tls;
    if (!options.ca_file.empty()) net.tls.ca_file = options.ca_file;
    net.tls.insecure = options.insecure;
    if (!options.key_log.empty()) net.tls.key_log = options.key_log;
    net.timeout = std::chrono::milliseconds(
        static_cast<std::int64_t>(std::max(0.001, options.timeout_seconds) * 1000));
    return net;
}

void announce_connecting(const transport::ServerUrl& url, sim::Language language) {
    std::cout << cli_say(
                     language,
                     url.implicit_tls ? sim::Phrase::CliConnectingTls : sim::Phrase::CliConnecting,
                     url.host, url.port)
              << "\n"
              << std::flush;
}

void save_transcript(const ConnectOptions& options, const sim::SessionTrace& trace) {
    if (options.transcript.empty()) return;
    std::ofstream out(options.transcript, std::ios::binary | std::ios::trunc);
    const bool json = options.transcript.ends_with(".jsonl");
    out << (json ? sim::export_jsonl(trace) : sim::export_text(trace));
    if (!out) {
        std::cerr << cli_error(options.language, "mailscope connect",
                               sim::Phrase::CliCannotWriteFile, options.transcript);
    }
}

}  // namespace mailscope::app
