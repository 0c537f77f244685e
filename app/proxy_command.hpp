#pragma once

#include <string>

#include "sim/core/language.hpp"

namespace mailscope::app {

struct ProxyOptions {
    std::string listen = "127.0.0.1:1143";  // [ADDR:]PORT for the clients
    std::string upstream;                   // imap[s]://, pop3[s]://, smtp[s]://, submission://
    std::string protocol;                   // imap, pop3, smtp; empty: the upstream's scheme
    bool upstream_starttls = false;         // plain upstream: the proxy does STARTTLS/STLS
    std::string client_tls;                 // "none" or "implicit"; default: implicit with --cert
    std::string cert;                       // our certificate towards the clients (PEM)
    std::string key;
    std::string ca_file;  // to verify the upstream
    bool insecure = false;
    std::string trace_dir;  // one .txt and one .jsonl per session
    std::string key_log;    // both legs' TLS secrets in the NSS key log format
    double timeout_seconds = 30;
    double idle_timeout_seconds = 1800;  // a silent client's session ends (RFC 3501 5.4)
    bool reveal_secrets = false;
    bool colour = false;
    sim::Language language = sim::Language::En;
};

// `mailscope proxy`: relays real clients to a real server and prints each
// session's exchanges annotated, until SIGINT/SIGTERM. Returns the exit code.
int run_proxy(const ProxyOptions& options);

}  // namespace mailscope::app
