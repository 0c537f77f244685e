// Where a live session's OAuth 2.0 token comes from: the standard output of
// a command the user names (as mutt's oauthbearer_refresh_command and
// mbsync's PassCmd do: `oama access alice@gmail.com`, a script around
// Google's or Microsoft's token endpoint), or MAILSCOPE_OAUTH_TOKEN. Never
// from the command line itself, where `ps` and shell history would show it.
// The token is kept in memory only.
#pragma once

#include <optional>
#include <string>

#include "sim/core/catalogue.hpp"

namespace mailscope::transport {

inline constexpr const char* kOAuthTokenVariable = "MAILSCOPE_OAUTH_TOKEN";

struct OAuthTokenResult {
    std::optional<std::string> token;
    sim::Said error;  // why there is none
};

// Runs `command` with /bin/sh when it is not empty, else reads the variable.
// The token is the output without surrounding white space; it must be one
// word of printable ASCII (RFC 6750 2.1). A failing command, an empty output
// or a missing variable is an error that quotes nothing of the output.
OAuthTokenResult obtain_oauth_token(const std::string& command);

// Is a token source set up at all (a command, or the variable)?
bool oauth_token_configured(const std::string& command);

}  // namespace mailscope::transport
