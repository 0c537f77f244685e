#include "sim/core/oauth_sasl.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "sim/core/ascii.hpp"
#include "sim/text/base64.hpp"

namespace mailscope::sim {

namespace {

constexpr char kSeparator = '\x01';
constexpr std::string_view kBearerPrefix = "auth=Bearer ";
// A challenge is a short JSON object; anything longer is shown cut.
constexpr std::size_t kMaxShownChallenge = 512;

// The ^A-separated key=value pairs, ending with an empty one. OAUTHBEARER
// may leave the user out: the token says whose it is (RFC 7628 3.1).
std::optional<BearerCredentials> read_pairs(std::string_view pairs, std::string user,
                                            bool user_required, std::string* error) {
    BearerCredentials out{std::move(user), {}};
    bool have_token = false;
    bool terminated = false;
    while (!pairs.empty()) {
        const auto end = pairs.find(kSeparator);
        if (end == std::string_view::npos) break;
        const auto pair = pairs.substr(0, end);
        pairs.remove_prefix(end + 1);
        if (pair.empty()) {
            terminated = pairs.empty();
            break;
        }
        if (pair.starts_with("user=")) {
            out.user = std::string(pair.substr(5));
        } else if (pair.size() > 5 && ascii::iequals(pair.substr(0, 5), "auth=")) {
            if (!ascii::iequals(pair.substr(0, kBearerPrefix.size()), kBearerPrefix)) {
                if (error) *error = "the auth= value is not a Bearer token";
                return std::nullopt;
            }
            out.token = std::string(pair.substr(kBearerPrefix.size()));
            have_token = !out.token.empty();
        }
    }
    if (!terminated) {
        if (error) *error = "the message does not end with two ^A octets";
        return std::nullopt;
    }
    if (!have_token) {
        if (error) *error = "the message has no auth=Bearer token";
        return std::nullopt;
    }
    if (out.user.empty() && user_required) {
        if (error) *error = "the message names no user";
        return std::nullopt;
    }
    return out;
}

// Control characters escaped, C1 ones (U+0080 to U+009F, which some
// terminals obey) included.
std::string printable(std::string_view text) {
    std::string out;
    const auto shown = text.substr(0, kMaxShownChallenge);
    for (std::size_t i = 0; i < shown.size(); ++i) {
        const auto octet = static_cast<unsigned char>(shown[i]);
        const auto next = i + 1 < shown.size() ? static_cast<unsigned char>(shown[i + 1]) : 0;
        if (octet < 0x20 || octet == 0x7f) {
            out += fmt::format("\\x{:02x}", octet);
        } else if (octet == 0xc2 && next >= 0x80 && next <= 0x9f) {
            out += fmt::format("\\u{:04x}", next);
            ++i;
        } else {
            out += shown[i];
        }
    }
    if (text.size() > kMaxShownChallenge) out += "...";
    return out;
}

}  // namespace

std::string_view oauth_mechanism_name(OAuthMechanism mechanism) {
    return mechanism == OAuthMechanism::XOAuth2 ? "XOAUTH2" : "OAUTHBEARER";
}

std::optional<OAuthMechanism> oauth_mechanism_from_name(std::string_view name) {
    if (ascii::iequals(name, "XOAUTH2")) return OAuthMechanism::XOAuth2;
    if (ascii::iequals(name, "OAUTHBEARER")) return OAuthMechanism::OAuthBearer;
    return std::nullopt;
}

std::string oauth_initial_response(OAuthMechanism mechanism, std::string_view user,
                                   std::string_view token, std::string_view host,
                                   std::uint16_t port) {
    std::string message;
    if (mechanism == OAuthMechanism::XOAuth2) {
        message = fmt::format("user={}\x01{}{}\x01\x01", user, kBearerPrefix, token);
    } else {
        // RFC 7628 3.1: a GS2 header whose authzid is escaped as in RFC 5801.
        std::string authzid;
        for (const char c : user) {
            if (c == ',') {
                authzid += "=2C";
            } else if (c == '=') {
                authzid += "=3D";
            } else {
                authzid += c;
            }
        }
        message = fmt::format("n,a={},\x01host={}\x01port={}\x01{}{}\x01\x01", authzid, host, port,
                              kBearerPrefix, token);
    }
    return text::base64_encode(message);
}

std::string_view oauth_error_acknowledgement(OAuthMechanism mechanism) {
    return mechanism == OAuthMechanism::XOAuth2 ? "" : "AQ==";
}

std::optional<BearerCredentials> parse_oauth_response(OAuthMechanism mechanism,
                                                      std::string_view decoded,
                                                      std::string* error) {
    if (mechanism == OAuthMechanism::XOAuth2) return read_pairs(decoded, {}, true, error);
    // gs2-header = gs2-cbind-flag "," [ authzid ] "," (RFC 5801 4)
    if (!decoded.starts_with("n,") && !decoded.starts_with("y,")) {
        if (error) *error = "the GS2 header must start with \"n,\" (no channel binding)";
        return std::nullopt;
    }
    decoded.remove_prefix(2);
    const auto comma = decoded.find(',');
    if (comma == std::string_view::npos) {
        if (error) *error = "the GS2 header does not end with a comma";
        return std::nullopt;
    }
    std::string user;
    const auto authzid = decoded.substr(0, comma);
    if (!authzid.empty()) {
        if (!authzid.starts_with("a=")) {
            if (error) *error = "the GS2 header's authzid must be written a=USER";
            return std::nullopt;
        }
        for (std::size_t i = 2; i < authzid.size(); ++i) {
            if (authzid.compare(i, 3, "=2C") == 0) {
                user += ',';
                i += 2;
            } else if (authzid.compare(i, 3, "=3D") == 0) {
                user += '=';
                i += 2;
            } else if (authzid[i] == '=') {
                if (error) *error = "the authzid has an '=' that is neither =2C nor =3D";
                return std::nullopt;
            } else {
                user += authzid[i];
            }
        }
    }
    decoded.remove_prefix(comma + 1);
    if (!decoded.starts_with(kSeparator)) {
        if (error) *error = "the GS2 header must be followed by ^A";
        return std::nullopt;
    }
    return read_pairs(decoded.substr(1), std::move(user), false, error);
}

std::string oauth_error_challenge(std::string_view scope) {
    const nlohmann::ordered_json body = {
        {"status", "invalid_token"}, {"schemes", "bearer"}, {"scope", std::string(scope)}};
    return text::base64_encode(body.dump());
}

std::optional<std::string> describe_oauth_challenge(std::string_view base64) {
    auto decoded = text::base64_decode_strict(base64);
    if (!decoded) return std::nullopt;
    // Parsed only when short: a real challenge is a few dozen octets, and a
    // deeply nested value would cost stack to parse and to print.
    if (decoded->size() > kMaxShownChallenge) return printable(*decoded);
    const auto json = nlohmann::json::parse(*decoded, nullptr, false);
    if (!json.is_object()) return printable(*decoded);
    std::string out;
    auto show = [&out](std::string_view key, const nlohmann::json& value) {
        if (!out.empty()) out += ", ";
        out += printable(key);
        out += ' ';
        out += printable(value.is_string() ? value.get<std::string>() : value.dump());
    };
    // RFC 7628 3.2.2's members first, in its order; then whatever else came.
    constexpr std::string_view kKnown[] = {"status", "schemes", "scope"};
    for (const auto key : kKnown) {
        if (const auto found = json.find(key); found != json.end()) show(key, *found);
    }
    for (const auto& [key, value] : json.items()) {
        if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
            show(key, value);
        }
    }
    return out;
}

}  // namespace mailscope::sim
