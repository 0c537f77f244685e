#include "app/connect_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>

#include "app/password_prompt.hpp"
#include "sim/core/login_script.hpp"
#include "sim/core/transcript.hpp"

namespace mailscope::app {

std::optional<ConnectStart> prepare_connect(const ConnectOptions& options,
                                            const transport::ServerUrl& url,
                                            std::string_view plain_scheme) {
    auto refuse = [](const std::string& reason) -> std::optional<ConnectStart> {
        std::cerr << fmt::format("mailscope connect: {}\n", reason);
        return std::nullopt;
    };
    if (options.starttls && url.implicit_tls) {
        return refuse(fmt::format("--starttls is for {}://; {}:// is TLS from the first octet",
                                  plain_scheme, url.scheme));
    }
    if (options.insecure && !options.ca_file.empty()) {
        return refuse("--insecure and --ca-file contradict each other");
    }
    const bool tls = url.implicit_tls || options.starttls;
    if (!url.user.empty() && !tls && !transport::is_loopback_host(url.host) &&
        !options.allow_plaintext_login) {
        return refuse(fmt::format(
            "logging in to {} would send the password in clear; use {}s://, --starttls, or "
            "--allow-plaintext-login if you really mean it",
            url.host, plain_scheme));
    }
    ConnectStart start;
    if (!options.script.empty()) {
        std::ifstream in(options.script, std::ios::binary);
        if (!in) return refuse(fmt::format("cannot read {}", options.script));
        std::string line;
        while (std::getline(in, line))
            start.script.push_back(line);
    }
    if (options.insecure) {
        std::cout << fmt::format("{}WARNING: --insecure: {}{}\n", options.colour ? kConnectRed : "",
                                 sim::insecure_tls_warning, options.colour ? kConnectReset : "");
    }
    if (!url.user.empty()) {
        auto result = obtain_password(fmt::format("password for {}@{}: ", url.user, url.host));
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
    net.timeout = std::chrono::milliseconds(
        static_cast<std::int64_t>(std::max(0.001, options.timeout_seconds) * 1000));
    return net;
}

void announce_connecting(const transport::ServerUrl& url) {
    std::cout << fmt::format("connecting to {}:{}{}\n", url.host, url.port,
                             url.implicit_tls ? " with TLS" : "")
              << std::flush;
}

void save_transcript(const ConnectOptions& options, const sim::SessionTrace& trace) {
    if (options.transcript.empty()) return;
    std::ofstream out(options.transcript, std::ios::binary | std::ios::trunc);
    const bool json = options.transcript.ends_with(".jsonl");
    out << (json ? sim::export_jsonl(trace) : sim::export_text(trace));
    if (!out) std::cerr << fmt::format("mailscope connect: cannot write {}\n", options.transcript);
}

}  // namespace mailscope::app
