#include "sim/smtp/login_driver.hpp"

#include <fmt/format.h>

#include <utility>

#include "sim/core/ascii.hpp"
#include "sim/text/base64.hpp"

namespace mailscope::smtp {

namespace {

constexpr std::size_t kMaxAuthLineWithResponse = 512;

}  // namespace

LoginDriver::LoginDriver(SmtpSession& session, sim::LoginPlan plan)
    : sim::LoginScript(session, std::move(plan)), m_session(session) {}

void LoginDriver::on_reply(const ReplyReceived& received, std::int64_t time_us) {
    using sim::LoginPhase;
    const int code = received.reply.code;
    switch (m_phase) {
        case LoginPhase::Greeting:
            if (!received.greeting) return;
            // A 554 greeting still takes QUIT (RFC 5321 3.1): the person's turn.
            if (code == 220) {
                ehlo(time_us);
            } else {
                m_phase = LoginPhase::Ready;
            }
            return;
        case LoginPhase::Capability:
            if (received.answers != Verb::Ehlo) return;
            if (code != 250) {
                m_phase = LoginPhase::Ready;
                return;
            }
            after_ehlo(time_us);
            return;
        case LoginPhase::StartTls:
            if (received.answers != Verb::Starttls) return;
            if (code != 220) {
                fail(sim::say(sim::Phrase::LoginTlsRefused, "STARTTLS"));
                return;
            }
            request_tls();
            return;
        case LoginPhase::Login:
            if (received.answers != Verb::Auth) return;
            if (code == 334 && token_mechanism()) {
                m_session.send_raw(
                    answer_token_challenge(received.reply.first_line(), time_us) + "\r\n", time_us);
                return;
            }
            if (code == 334) return;
            m_login_refused = code != 235;
            m_phase = LoginPhase::Ready;
            return;
        case LoginPhase::Ready:
            if (received.answers == Verb::Starttls && code == 220) request_tls(true);
            return;
        default:  // nothing to act on: not started, upgrading, or over
            return;
    }
}

// RFC 3207 4.2: after the handshake the client knows nothing of the server
// and says EHLO again.
void LoginDriver::after_handshake(std::int64_t time_us) {
    ehlo(time_us);
}

void LoginDriver::ehlo(std::int64_t time_us) {
    m_phase = sim::LoginPhase::Capability;
    submit_own(fmt::format("EHLO {}", ehlo_name), time_us);
}

void LoginDriver::after_ehlo(std::int64_t time_us) {
    if (m_plan.starttls && !tls_active()) {
        if (!m_session.extension_offered("STARTTLS")) {
            fail(sim::say(sim::Phrase::LoginNoTlsOffered, "STARTTLS", "EHLO"));
            return;
        }
        m_phase = sim::LoginPhase::StartTls;
        submit_own("STARTTLS", time_us);
        return;
    }
    if (!has_credentials()) {
        m_phase = sim::LoginPhase::Ready;
        return;
    }
    if (refuse_clear_text_password()) return;
    if (m_plan.oauth_token) {
        authenticate_with_token(time_us);
        return;
    }
    m_phase = sim::LoginPhase::Login;
    const std::string payload = std::string(1, '\0') + m_plan.user + '\0' + *m_plan.password;
    submit_own("AUTH PLAIN " + text::base64_encode(payload), time_us);
}

// EHLO's "AUTH" line lists the mechanisms after the keyword (RFC 4954 3).
bool LoginDriver::auth_lists(std::string_view mechanism) const {
    for (const auto& extension : m_session.extensions()) {
        std::string_view words(extension);
        if (!ascii::iequals(words.substr(0, words.find(' ')), "AUTH")) continue;
        std::size_t at = words.find(' ');
        while (at != std::string_view::npos) {
            const auto start = at + 1;
            at = words.find(' ', start);
            if (ascii::iequals(words.substr(start, at - start), mechanism)) return true;
        }
    }
    return false;
}

void LoginDriver::authenticate_with_token(std::int64_t time_us) {
    if (!begin_token_login(auth_lists("OAUTHBEARER"), auth_lists("XOAUTH2"), "EHLO")) return;
    m_phase = sim::LoginPhase::Login;
    submit_own(token_auth_line(kMaxAuthLineWithResponse), time_us);
}

void LoginDriver::submit_own(const std::string& line, std::int64_t time_us) {
    const auto result = m_session.submit_line(line, time_us);
    if (!result.ok) fail(result.said);
}

}  // namespace mailscope::smtp
