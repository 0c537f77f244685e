#pragma once

#include <string>

namespace mailscope::app {

struct ProxyOptions {
    std::string listen = "127.0.0.1:1143";  // [ADDR:]PORT for the clients
    std::string upstream;                   // imaps://host[:port] or imap://host[:port]
    bool upstream_starttls = false;         // imap:// upstream: the proxy does STARTTLS
    std::string client_tls;                 // "none" or "implicit"; default: implicit with --cert
    std::string cert;                       // our certificate towards the clients (PEM)
    std::string key;
    std::string ca_file;  // to verify the upstream
    bool insecure = false;
    std::string trace_dir;  // one .txt and one .jsonl per session
    double timeout_seconds = 30;
    bool reveal_secrets = false;
    bool colour = false;
};

// `mailscope proxy`: relays real clients to a real server and prints each
// session's exchanges annotated, until SIGINT/SIGTERM. Returns the exit code.
int run_proxy(const ProxyOptions& options);

}  // namespace mailscope::app
