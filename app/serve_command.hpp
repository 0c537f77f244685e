#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "net/server_limits.hpp"
#include "server_mock/mail_store.hpp"
#include "server_mock/server_config.hpp"
#include "sim/core/language.hpp"

namespace mailscope::app {

struct ServeOptions {
    std::vector<std::string> imap;   // [ADDR:]PORT, plain with STARTTLS
    std::vector<std::string> imaps;  // [ADDR:]PORT, implicit TLS
    std::vector<std::string> smtp;   // [ADDR:]PORT, plain with STARTTLS
    std::vector<std::string> smtps;  // [ADDR:]PORT, implicit TLS (RFC 8314)
    std::vector<std::string> pop3;   // [ADDR:]PORT, plain with STLS
    std::vector<std::string> pop3s;  // [ADDR:]PORT, implicit TLS (RFC 8314)
    std::vector<std::string> users;  // NAME:PASSWORD
    std::string users_file;
    std::string fixture;
    std::string mbox;
    std::string maildir;
    std::string data_dir;
    std::string trace_dir;
    std::string class_report;  // a CSV rewritten as each session ends (class_report.hpp)
    std::string assignment;    // with class_report: the steps each student is to do
    // Events of each session held in memory (the rest are only in trace_dir).
    std::size_t trace_window = 256;
    std::string cert;
    std::string key;
    server::ServerConfig config;
    // Every user's quota root until its owner's SETQUOTA (RFC 9208).
    server::QuotaLimits quota;
    // Connections, unsent output and TLS handshakes (tcp_server.hpp).
    transport::ServerLimits limits;
    // Of the session reports and the class report.
    sim::Language language = sim::Language::En;
};

// `mailscope serve`: the mock server on TCP until SIGINT/SIGTERM, when every
// session gets a BYE. Returns the exit code.
int run_serve(const ServeOptions& options);

}  // namespace mailscope::app
