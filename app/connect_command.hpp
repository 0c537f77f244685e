#pragma once

#include <string>

#include "sim/core/language.hpp"

namespace mailscope::app {

struct ConnectOptions {
    std::string url;  // imap://[user@]host[:port] or imaps://...
    bool starttls = false;
    bool allow_plaintext_login = false;
    std::string ca_file;
    bool insecure = false;
    double timeout_seconds = 30;
    std::string script;      // commands, one per line, run without a terminal
    std::string transcript;  // .jsonl: JSON Lines, anything else: C:/S: text
    std::string key_log;     // TLS secrets in the NSS key log format, for Wireshark
    // OAuth 2.0 instead of the password (any of these three asks for it):
    // the token from this command's output, else from MAILSCOPE_OAUTH_TOKEN.
    bool oauth = false;
    std::string oauth_token_command;
    std::string oauth_mechanism;  // xoauth2, oauthbearer, or empty: what the server offers
    bool reveal_secrets = false;
    bool colour = false;
    sim::Language language = sim::Language::En;
};

// `mailscope connect`: a real IMAP session with every exchange annotated.
// Returns 0 unless the connection or TLS failed (a NO or BAD is a lesson,
// not a failure).
int run_connect(const ConnectOptions& options);

}  // namespace mailscope::app
