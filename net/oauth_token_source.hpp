// Where a live session's OAuth 2.0 token comes from: the standard output of
// a command the user names (as mutt's oauthbearer_refresh_command and
// mbsync's PassCmd do: `oama access alice@gmail.com`, a script around
// Google's or Microsoft's token endpoint), or MAILSCOPE_OAUTH_TOKEN. Never
// from the command line itself, where `ps` and shell history would show it.
// The token is kept in memory only.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "sim/core/catalogue.hpp"

namespace mailscope::transport {

inline constexpr const char* kOAuthTokenVariable = "MAILSCOPE_OAUTH_TOKEN";
// A helper that opens a browser for the user's consent needs time; one that
// hangs must not hang the session.
inline constexpr std::chrono::milliseconds kOAuthTokenCommandTimeout{120 * 1000};

struct OAuthTokenResult {
    std::optional<std::string> token;
    sim::Said error;  // why there is none
};

// Runs `command` with /bin/sh when it is not empty, else reads the variable.
// The token is the output without surrounding white space; it must be one
// word of printable ASCII (RFC 6750 2.1). A failing command (a non-zero
// exit, more than 64 KiB of output, or still running after the timeout:
// then it is killed), an empty output or a missing variable is an error that
// quotes nothing of the output and only the command's first word.
OAuthTokenResult obtain_oauth_token(const std::string& command);

}  // namespace mailscope::transport
