#include "server_mock/bearer_login.hpp"

#include "sim/text/base64.hpp"

namespace mailscope::server {

namespace {

// Bounds what a token exchange may carry before it is decoded; real
// providers' tokens stay well under 4 KiB.
constexpr std::size_t kMaxBearerMessage = 16384;

}  // namespace

BearerVerdict check_bearer(const UserDirectory& users, sim::OAuthMechanism mechanism,
                           std::string_view base64) {
    using Kind = BearerVerdict::Kind;
    if (base64.size() > kMaxBearerMessage) return {Kind::Malformed, {}, "the message is too long"};
    std::string error;
    const auto decoded = text::base64_decode_strict(base64, &error);
    if (!decoded) return {Kind::Malformed, {}, "the message is not valid base64: " + error};
    const auto credentials = sim::parse_oauth_response(mechanism, *decoded, &error);
    if (!credentials) return {Kind::Malformed, {}, error};
    auto user = users.check_oauth_token(credentials->user, credentials->token);
    if (!user) return {Kind::Refused, {}, {}};
    return {Kind::LoggedIn, std::move(*user), {}};
}

}  // namespace mailscope::server
