// Authorization commands of Pop3ServerSession: USER/PASS and APOP (RFC 1939
// 7), AUTH PLAIN, XOAUTH2 and OAUTHBEARER (RFC 5034, RFC 4616, RFC 7628) and
// STLS (RFC 2595 4). A login locks the maildrop and takes its snapshot.
//
// With --login-disabled the password never travels in the clear (RFC 2595
// 2.3): before STLS, USER and AUTH PLAIN/LOGIN are refused with -ERR [AUTH]
// (RFC 3206 4), so PASS never follows an accepted USER, and CAPA lists
// neither USER nor SASL. APOP stays allowed: it sends an MD5 digest, not the
// password, like CRAM-MD5, which the IMAP server keeps offering under
// LOGINDISABLED (Dovecot does the same).
#include <fmt/format.h>

#include <algorithm>

#include "server_mock/bearer_login.hpp"
#include "server_mock/hmac_md5.hpp"
#include "server_mock/pop3_server_session.hpp"
#include "sim/core/ascii.hpp"
#include "sim/text/base64.hpp"

namespace mailscope::server {

using pop3::Command;

bool Pop3ServerSession::plaintext_refused() const {
    return m_config.login_disabled_without_tls && !m_tls;
}

void Pop3ServerSession::refuse_plaintext(std::string_view what) {
    err(fmt::format("{} is disabled until STLS protects the connection (RFC 2595 2.3)", what),
        "AUTH");
}

void Pop3ServerSession::cmd_user(const Command& command) {
    if (plaintext_refused()) {
        refuse_plaintext("USER");
        return;
    }
    m_user_named = command.args[0];
    ok(fmt::format("send PASS for {}", m_user_named));
}

void Pop3ServerSession::cmd_pass(const Command& command) {
    const std::string user = std::exchange(m_user_named, {});
    if (!m_store.users().check_password(user, command.args[0])) {
        err("invalid user name or password", "AUTH");
        return;
    }
    log_in(user, "PASS");
}

void Pop3ServerSession::cmd_apop(const Command& command) {
    const auto& user = command.args[0];
    const auto secret = m_store.users().secret(user);
    if (m_timestamp.empty()) {
        err("APOP is not offered: the greeting carried no timestamp");
        return;
    }
    // RFC 1939 7: MD5 over the greeting's timestamp followed by the secret.
    if (!secret || to_hex(md5(m_timestamp + *secret)) != ascii::lower(command.args[1])) {
        err("invalid user name or APOP digest", "AUTH");
        return;
    }
    log_in(user, "APOP");
}

void Pop3ServerSession::cmd_auth(const Command& command) {
    if (command.args.empty()) {
        send(
            pop3::make_multiline("SASL mechanisms follow",
                                 plaintext_refused() ? "" : "PLAIN\r\nXOAUTH2\r\nOAUTHBEARER\r\n"));
        return;
    }
    const std::string mechanism = ascii::lower(command.args[0]);
    const auto bearer = sim::oauth_mechanism_from_name(mechanism);
    if (plaintext_refused() && (mechanism == "plain" || mechanism == "login" || bearer)) {
        refuse_plaintext(fmt::format("AUTH {}", command.args[0]));
        return;
    }
    if (mechanism != "plain" && !bearer) {
        err(
            fmt::format("SASL mechanism {} is not offered; CAPA lists SASL PLAIN XOAUTH2 "
                        "OAUTHBEARER",
                        command.args[0]));
        return;
    }
    if (command.args.size() == 2) {
        // RFC 5034 4: "=" stands for an empty initial response.
        const std::string_view initial =
            command.args[1] == "=" ? std::string_view() : std::string_view(command.args[1]);
        if (bearer) {
            sasl_bearer(*bearer, initial);
        } else {
            sasl_plain(initial);
        }
        return;
    }
    m_sasl = Sasl{bearer, false};
    send(pop3::make_continuation(""));
}

void Pop3ServerSession::on_sasl_line(const pop3::SaslReceived& line) {
    if (!m_sasl) return;
    const Sasl sasl = *std::exchange(m_sasl, std::nullopt);
    if (line.cancelled) {
        err("AUTH cancelled by the client");
        return;
    }
    if (sasl.refused) {
        err("invalid or expired token", "AUTH");
    } else if (sasl.bearer) {
        sasl_bearer(*sasl.bearer, line.line);
    } else {
        sasl_plain(line.line);
    }
}

void Pop3ServerSession::sasl_bearer(sim::OAuthMechanism mechanism, std::string_view base64) {
    const auto verdict = check_bearer(m_store.users(), mechanism, base64);
    switch (verdict.kind) {
        case BearerVerdict::Kind::LoggedIn:
            log_in(verdict.user, fmt::format("AUTH {}", sim::oauth_mechanism_name(mechanism)));
            return;
        case BearerVerdict::Kind::Malformed:
            err(fmt::format("{}: {}", sim::oauth_mechanism_name(mechanism), verdict.error));
            return;
        case BearerVerdict::Kind::Refused:
            // RFC 7628 3.2.2: the error challenge, then the client's dummy line.
            m_sasl = Sasl{mechanism, true};
            send(pop3::make_continuation(sim::oauth_error_challenge(kBearerScope)));
            return;
    }
}

void Pop3ServerSession::sasl_plain(std::string_view base64) {
    auto decoded = text::base64_decode_strict(base64);
    // RFC 4616 2: [authzid] NUL authcid NUL passwd.
    const auto first = decoded ? decoded->find('\0') : std::string::npos;
    const auto second = first == std::string::npos ? first : decoded->find('\0', first + 1);
    if (second == std::string::npos) {
        err("the PLAIN response is not base64 of authzid NUL user NUL password");
        return;
    }
    const auto authzid = decoded->substr(0, first);
    const auto user = decoded->substr(first + 1, second - first - 1);
    const auto password = decoded->substr(second + 1);
    if (!m_store.users().check_password(user, password) || (!authzid.empty() && authzid != user)) {
        err("invalid user name or password", "AUTH");
        return;
    }
    log_in(user, "AUTH PLAIN");
}

void Pop3ServerSession::cmd_stls(const Command&) {
    if (m_tls) {
        err("Command not permitted when TLS active");
        return;
    }
    if (!m_config.starttls_available) {
        err("STLS is not offered by this server (see CAPA)");
        return;
    }
    ok("Begin TLS negotiation");
    m_wants_tls = true;
}

void Pop3ServerSession::log_in(const std::string& user, std::string_view how) {
    const Mailbox* inbox = m_store.inbox_of(user);
    if (inbox == nullptr) {
        err(fmt::format("{} has no maildrop", user), "SYS/PERM");
        return;
    }
    if (!m_store.lock_maildrop(user, m_session)) {
        err("maildrop already locked: another POP3 session of this user is open", "IN-USE");
        return;
    }
    m_user = user;
    m_inbox = inbox->id;
    m_uidvalidity = inbox->uidvalidity;
    m_maildrop.clear();
    for (const auto& message : inbox->messages) {
        Entry entry;
        entry.uid = message.uid;
        entry.octets = message.octets;
        entry.size = message.size();
        if (entry.octets && !entry.octets->empty() && entry.octets->back() != '\n') {
            entry.size += 2;  // the CRLF that ends the last line on the wire
        }
        m_maildrop.push_back(std::move(entry));
    }
    ok(fmt::format("{} accepted; {}'s {}", how, user, maildrop_summary()));
}

}  // namespace mailscope::server
