// OAuth 2.0 bearer tokens in SASL: XOAUTH2 (Google's and Microsoft's
// mechanism) and OAUTHBEARER (RFC 7628), the same for IMAP AUTHENTICATE,
// POP3 AUTH and SMTP AUTH.
//
// The client's first message carries the user and the token; a server that
// refuses the token answers with a challenge, base64 of a JSON object with
// "status", "schemes" and "scope" (RFC 7628 3.2.2), to which the client
// sends one dummy message before the server ends the exchange with its
// failure reply. The challenge is no secret and is what a user needs to fix
// their setup, so clients show it decoded; the token is masked like a
// password everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailscope::sim {

enum class OAuthMechanism : std::uint8_t { XOAuth2, OAuthBearer };

// "XOAUTH2" or "OAUTHBEARER".
std::string_view oauth_mechanism_name(OAuthMechanism mechanism);
std::optional<OAuthMechanism> oauth_mechanism_from_name(std::string_view name);

// The client's first message, base64-encoded: XOAUTH2's
// "user=U^Aauth=Bearer T^A^A", or OAUTHBEARER's "n,a=U,^Ahost=H^Aport=P^A
// auth=Bearer T^A^A" (RFC 7628 3.1).
std::string oauth_initial_response(OAuthMechanism mechanism, std::string_view user,
                                   std::string_view token, std::string_view host,
                                   std::uint16_t port);

// What a client answers to the error challenge (base64; may be empty): an
// empty message for XOAUTH2, a lone ^A for OAUTHBEARER (RFC 7628 3.2.3).
std::string_view oauth_error_acknowledgement(OAuthMechanism mechanism);

struct BearerCredentials {
    std::string user;  // XOAUTH2's user=, OAUTHBEARER's authzid (a=)
    std::string token;
};

// The server's reading of a decoded first message; `error` gets a sentence
// (quoting nothing of the message) when it is malformed.
std::optional<BearerCredentials> parse_oauth_response(OAuthMechanism mechanism,
                                                      std::string_view decoded, std::string* error);

// The error challenge a server sends for a refused token, base64 of
// {"status":"invalid_token","schemes":"bearer","scope":SCOPE}.
std::string oauth_error_challenge(std::string_view scope);

// The challenge as a reader wants it: "status invalid_token, schemes bearer,
// scope https://mail.google.com/" from the JSON object, or the decoded text
// (control characters escaped) when it is not one; nothing when the text is
// not base64 at all.
std::optional<std::string> describe_oauth_challenge(std::string_view base64);

}  // namespace mailscope::sim
