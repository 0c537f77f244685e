// Authentication commands of ImapServerSession: STARTTLS, LOGIN and
// AUTHENTICATE with PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195), ANONYMOUS
// (RFC 4505), XOAUTH2 and OAUTHBEARER (RFC 7628), with SASL-IR initial
// responses (RFC 4959).
#include <fmt/format.h>

#include "server_mock/bearer_login.hpp"
#include "server_mock/challenge.hpp"
#include "server_mock/hmac_md5.hpp"
#include "server_mock/imap_server_session.hpp"
#include "sim/text/base64.hpp"

namespace mailscope::server {

using imap::Command;
using imap::Status;

namespace {

// Bounds what a SASL exchange may carry before it is decoded.
constexpr std::size_t kMaxSaslLine = 8192;

}  // namespace

bool ImapServerSession::plaintext_refused() const {
    return m_config.login_disabled_without_tls && !m_tls;
}

void ImapServerSession::cmd_starttls(const Command& command) {
    if (m_tls) {
        bad(command.tag, "TLS is already active on this connection");
        return;
    }
    ok(command.tag, "Begin TLS negotiation now");
    m_wants_tls = true;
    // RFC 3501 6.2.1: commands the client pipelined after STARTTLS arrived
    // in the clear and could have been injected; they are dropped unread.
    while (auto input = m_imap.next_input()) {
        m_imap.note(sim::Direction::ClientToServer,
                    sim::say(sim::Phrase::ServerImapPlaintextDropped), m_now);
    }
}

void ImapServerSession::cmd_login(const Command& command) {
    const auto& args = std::get<imap::LoginArgs>(command.typed);
    if (m_config.anonymous && imap::iequals(args.user, kAnonymous)) {
        // RFC 4505: the password is a trace string at most, never checked.
        log_in(command.tag, std::string(kAnonymous), true, "LOGIN");
        return;
    }
    if (plaintext_refused()) {
        no(command.tag, "LOGIN is disabled until STARTTLS protects the connection",
           imap::make_code("PRIVACYREQUIRED"));
        return;
    }
    if (!m_store.users().check_password(args.user, args.password)) {
        no(command.tag, "Invalid user name or password", imap::make_code("AUTHENTICATIONFAILED"));
        return;
    }
    log_in(command.tag, args.user, false, "LOGIN");
}

void ImapServerSession::log_in(const std::string& tag, const std::string& user, bool read_only,
                               std::string_view how) {
    m_user = user;
    m_read_only_user = read_only;
    ok(tag, read_only ? fmt::format("{} completed; read-only access", how)
                      : fmt::format("{} completed", how));
}

void ImapServerSession::cmd_authenticate(const Command& command) {
    const auto& args = std::get<imap::AuthenticateArgs>(command.typed);
    const std::string mechanism = imap::to_upper(args.mechanism);
    const auto& caps = m_config.capabilities;
    const bool known = (mechanism == "PLAIN" && caps.auth_plain) ||
                       (mechanism == "LOGIN" && caps.auth_login) ||
                       (mechanism == "CRAM-MD5" && caps.auth_cram_md5) ||
                       (sim::oauth_mechanism_from_name(mechanism) && caps.auth_oauth) ||
                       (mechanism == "ANONYMOUS" && m_config.anonymous);
    if (!known) {
        no(command.tag, fmt::format("The SASL mechanism {} is not supported", args.mechanism));
        return;
    }
    const bool sends_secret = mechanism == "PLAIN" || mechanism == "LOGIN" ||
                              sim::oauth_mechanism_from_name(mechanism).has_value();
    if (plaintext_refused() && sends_secret) {
        no(command.tag,
           fmt::format("AUTHENTICATE {} is disabled until STARTTLS protects the connection",
                       mechanism),
           imap::make_code("PRIVACYREQUIRED"));
        return;
    }
    if (args.initial_response && !caps.sasl_ir) {
        bad(command.tag, "SASL-IR is not offered: send the initial response after the \"+\"");
        return;
    }
    if (args.initial_response && mechanism == "CRAM-MD5") {
        bad(command.tag, "CRAM-MD5 starts with the server's challenge; no initial response");
        return;
    }
    m_sasl = Sasl{command.tag, mechanism, 0, {}, {}};
    if (args.initial_response) {
        // RFC 4959 3: "=" stands for an empty initial response.
        std::string payload = *args.initial_response == "=" ? "" : *args.initial_response;
        sasl_step(payload);
        return;
    }
    if (mechanism == "LOGIN") {
        send(imap::make_continuation(text::base64_encode("Username:")));
    } else if (mechanism == "CRAM-MD5") {
        m_sasl->challenge = make_challenge(m_config, ++m_challenges, m_session);
        send(imap::make_continuation(text::base64_encode(m_sasl->challenge)));
    } else {
        send(imap::make_continuation(""));
    }
}

void ImapServerSession::on_sasl_line(const imap::SaslReceived& line) {
    if (!m_sasl || m_sasl->tag != line.tag) return;
    if (line.cancelled) {
        const std::string tag = m_sasl->tag;
        m_sasl.reset();
        bad(tag, "Authentication cancelled by the client");
        return;
    }
    sasl_step(line.line);
}

// One client message of the exchange, still in base64.
void ImapServerSession::sasl_step(const std::string& encoded) {
    const std::string tag = m_sasl->tag;
    std::string error;
    auto decoded =
        encoded.size() > kMaxSaslLine ? std::nullopt : text::base64_decode_strict(encoded, &error);
    if (!decoded) {
        m_sasl.reset();
        bad(tag, encoded.size() > kMaxSaslLine
                     ? std::string("The SASL response is too long")
                     : fmt::format("The SASL response is not valid base64: {}", error));
        return;
    }
    const std::string& payload = *decoded;
    const std::string mechanism = m_sasl->mechanism;
    if (const auto bearer = sim::oauth_mechanism_from_name(mechanism)) {
        bearer_step(*bearer, encoded);
    } else if (mechanism == "PLAIN") {
        // RFC 4616 2: authzid NUL authcid NUL passwd
        auto first = payload.find('\0');
        auto second = first == std::string::npos ? first : payload.find('\0', first + 1);
        if (second == std::string::npos) {
            m_sasl.reset();
            bad(tag, "PLAIN expects authzid, user and password separated by NUL octets");
            return;
        }
        const std::string authzid = payload.substr(0, first);
        const std::string user = payload.substr(first + 1, second - first - 1);
        const std::string password = payload.substr(second + 1);
        if (!authzid.empty() && authzid != user) {
            m_sasl.reset();
            no(tag, "Acting as another user is not permitted",
               imap::make_code("AUTHORIZATIONFAILED"));
            return;
        }
        sasl_finish(user, password);
    } else if (mechanism == "LOGIN") {
        if (m_sasl->step == 0) {
            m_sasl->user = payload;
            m_sasl->step = 1;
            send(imap::make_continuation(text::base64_encode("Password:")));
            return;
        }
        sasl_finish(m_sasl->user, payload);
    } else if (mechanism == "CRAM-MD5") {
        // RFC 2195 2: "user SP hex(HMAC-MD5(secret, challenge))"
        auto space = payload.rfind(' ');
        const std::string user = space == std::string::npos ? payload : payload.substr(0, space);
        const std::string digest = space == std::string::npos ? "" : payload.substr(space + 1);
        auto secret = m_store.users().secret(user);
        const bool good = secret && space != std::string::npos &&
                          to_hex(hmac_md5(*secret, m_sasl->challenge)) == digest;
        m_sasl.reset();
        if (!good) {
            no(tag, "Invalid user name or password", imap::make_code("AUTHENTICATIONFAILED"));
            return;
        }
        log_in(tag, user, false, "AUTHENTICATE");
    } else {
        // ANONYMOUS: the trace string (RFC 4505 3) is informational only.
        m_sasl.reset();
        log_in(tag, std::string(kAnonymous), true, "AUTHENTICATE");
    }
}

// The token message, then after a refusal the client's dummy answer to the
// error challenge (RFC 7628 3.2.3), whatever it holds.
void ImapServerSession::bearer_step(sim::OAuthMechanism mechanism, const std::string& encoded) {
    const std::string tag = m_sasl->tag;
    if (m_sasl->step == 1) {
        m_sasl.reset();
        no(tag, "Invalid or expired token", imap::make_code("AUTHENTICATIONFAILED"));
        return;
    }
    const auto verdict = check_bearer(m_store.users(), mechanism, encoded);
    switch (verdict.kind) {
        case BearerVerdict::Kind::LoggedIn:
            m_sasl.reset();
            log_in(tag, verdict.user, false, "AUTHENTICATE");
            return;
        case BearerVerdict::Kind::Malformed:
            m_sasl.reset();
            bad(tag, fmt::format("{}: {}", sim::oauth_mechanism_name(mechanism), verdict.error));
            return;
        case BearerVerdict::Kind::Refused:
            m_sasl->step = 1;
            send(imap::make_continuation(sim::oauth_error_challenge(kBearerScope)));
            return;
    }
}

void ImapServerSession::sasl_finish(const std::string& user, const std::string& password) {
    const std::string tag = m_sasl->tag;
    m_sasl.reset();
    if (!m_store.users().check_password(user, password)) {
        no(tag, "Invalid user name or password", imap::make_code("AUTHENTICATIONFAILED"));
        return;
    }
    log_in(tag, user, false, "AUTHENTICATE");
}

}  // namespace mailscope::server
