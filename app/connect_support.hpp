// What `mailscope connect` does around the session: the checks and the
// password prompt before connecting, the network options and the transcript
// file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/connect_command.hpp"
#include "net/client_options.hpp"
#include "sim/core/oauth_sasl.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::app {

inline constexpr const char* kConnectRed = "\x1b[1;31m";
inline constexpr const char* kConnectReset = "\x1b[0m";

struct ConnectStart {
    std::vector<std::string> script;  // the lines of --script, if given
    std::optional<std::string> password;
    std::optional<std::string> oauth_token;  // instead of the password
    std::optional<sim::OAuthMechanism> oauth_mechanism;
};

// Checks the options against the URL (--starttls with implicit TLS,
// --insecure with --ca-file, a password in clear to another machine), reads
// --script, warns about --insecure and asks for the password when the URL
// names a user (or runs the OAuth token command instead). Prints the reason and returns nullopt
// when the session must not start (exit code 2). `plain_scheme` is "imap", "pop3" or "smtp".
std::optional<ConnectStart> prepare_connect(const ConnectOptions& options,
                                            const transport::ServerUrl& url,
                                            std::string_view plain_scheme);

transport::NetClientOptions net_client_options(const ConnectOptions& options,
                                               const transport::ServerUrl& url);

// "connecting to HOST:PORT[ with TLS]"
void announce_connecting(const transport::ServerUrl& url, sim::Language language);

// Writes --transcript (JSON Lines for .jsonl, else C:/S: text); secrets are
// already masked in the trace unless --reveal-secrets asked otherwise.
void save_transcript(const ConnectOptions& options, const sim::SessionTrace& trace);

}  // namespace mailscope::app
