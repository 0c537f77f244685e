// The mock server's side of XOAUTH2 and OAUTHBEARER (RFC 7628), shared by
// IMAP AUTHENTICATE, POP3 AUTH and SMTP AUTH: a token is accepted when the
// users file or the fixture gave it to the user the message names.
#pragma once

#include <string>
#include <string_view>

#include "server_mock/users.hpp"
#include "sim/core/oauth_sasl.hpp"

namespace mailscope::server {

// What the error challenge names as the scope a token needs.
inline constexpr std::string_view kBearerScope = "https://mailscope.test/mail";

struct BearerVerdict {
    enum class Kind { LoggedIn, Refused, Malformed };
    Kind kind = Kind::Refused;
    std::string user;   // LoggedIn: who
    std::string error;  // Malformed: why, quoting nothing of the message
};

// `base64`: the client's first message as it came (SASL-IR or the line
// after the "+"). Refused: send oauth_error_challenge(kBearerScope), read
// the client's one dummy line, then fail the exchange (RFC 7628 3.2.3).
BearerVerdict check_bearer(const UserDirectory& users, sim::OAuthMechanism mechanism,
                           std::string_view base64);

}  // namespace mailscope::server
