#include "sim/pop3/login_driver.hpp"

#include <utility>

#include "sim/core/ascii.hpp"

namespace mailscope::pop3 {

namespace {

// RFC 2449 5: a CAPA reply lists one capability per line, its name first.
bool lists_stls(std::string_view data) {
    while (!data.empty()) {
        const auto end = data.find('\n');
        auto line = data.substr(0, end);
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (ascii::iequals(line.substr(0, line.find(' ')), "STLS")) return true;
        if (end == std::string_view::npos) break;
        data.remove_prefix(end + 1);
    }
    return false;
}

constexpr std::size_t kMaxAuthLineWithResponse = 255;

// The mechanisms of CAPA's "SASL" line, each between spaces.
bool lists_sasl(std::string_view data, std::string_view mechanism) {
    while (!data.empty()) {
        const auto end = data.find('\n');
        auto line = data.substr(0, end);
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (ascii::iequals(line.substr(0, line.find(' ')), "SASL")) {
            std::size_t at = line.find(' ');
            while (at != std::string_view::npos) {
                const auto start = at + 1;
                at = line.find(' ', start);
                if (ascii::iequals(line.substr(start, at - start), mechanism)) return true;
            }
        }
        if (end == std::string_view::npos) break;
        data.remove_prefix(end + 1);
    }
    return false;
}

}  // namespace

LoginDriver::LoginDriver(Pop3Session& session, sim::LoginPlan plan)
    : sim::LoginScript(session, std::move(plan)), m_session(session) {}

void LoginDriver::on_reply(const ReplyReceived& received, std::int64_t time_us) {
    using sim::LoginPhase;
    const bool ok = received.reply.kind == ReplyKind::Ok;
    switch (m_phase) {
        case LoginPhase::Greeting:
            if (!received.greeting) return;
            if (!ok) {
                m_phase = LoginPhase::Rejected;
                return;
            }
            if (m_plan.starttls) {
                m_phase = LoginPhase::Capability;
                submit_own("CAPA", time_us);
                return;
            }
            login_or_ready(time_us);
            return;
        case LoginPhase::Capability:
            if (received.answers != Verb::Capa) return;
            if (m_capability_for_token) {
                authenticate_with_token(ok ? std::string_view(received.reply.data) : "", time_us);
                return;
            }
            if (!ok || !lists_stls(received.reply.data)) {
                fail(sim::say(sim::Phrase::LoginNoTlsOffered, "STLS", "CAPA"));
                return;
            }
            m_phase = LoginPhase::StartTls;
            submit_own("STLS", time_us);
            return;
        case LoginPhase::StartTls:
            if (received.answers != Verb::Stls) return;
            if (!ok) {
                fail(sim::say(sim::Phrase::LoginTlsRefused, "STLS"));
                return;
            }
            request_tls();
            return;
        case LoginPhase::Login:
            if (received.answers == Verb::Auth && token_mechanism()) {
                if (received.reply.kind == ReplyKind::Continuation) {
                    m_session.send_raw(
                        answer_token_challenge(received.reply.text, time_us) + "\r\n", time_us);
                    return;
                }
                m_login_refused = !ok;
                m_phase = LoginPhase::Ready;
            } else if (received.answers == Verb::User && !ok) {
                // PASS went out with USER and is refused too.
                m_login_refused = true;
            } else if (received.answers == Verb::Pass) {
                m_login_refused = m_login_refused || !ok;
                m_phase = LoginPhase::Ready;
            }
            return;
        case LoginPhase::Ready:
            if (received.answers == Verb::Stls && ok) request_tls(true);
            return;
        default:  // nothing to act on: not started, upgrading, or over
            return;
    }
}

void LoginDriver::after_handshake(std::int64_t time_us) {
    login_or_ready(time_us);
}

void LoginDriver::login_or_ready(std::int64_t time_us) {
    if (!has_credentials() || m_session.state() != State::Authorization) {
        m_phase = sim::LoginPhase::Ready;
        return;
    }
    if (refuse_clear_text_password()) return;
    if (m_plan.oauth_token) {
        if (m_plan.oauth_mechanism) {
            authenticate_with_token("", time_us);
            return;
        }
        // RFC 2595 4: what CAPA said before STLS no longer counts.
        m_capability_for_token = true;
        m_phase = sim::LoginPhase::Capability;
        submit_own("CAPA", time_us);
        return;
    }
    m_phase = sim::LoginPhase::Login;
    // USER and PASS go together; the engine masks the password in the trace.
    if (submit_own("USER " + m_plan.user, time_us)) submit_own("PASS " + *m_plan.password, time_us);
}

void LoginDriver::authenticate_with_token(std::string_view capa, std::int64_t time_us) {
    if (!begin_token_login(lists_sasl(capa, "OAUTHBEARER"), lists_sasl(capa, "XOAUTH2"), "CAPA"))
        return;
    m_phase = sim::LoginPhase::Login;
    submit_own(token_auth_line(kMaxAuthLineWithResponse), time_us);
}

bool LoginDriver::submit_own(const std::string& line, std::int64_t time_us) {
    const auto result = m_session.submit_line(line, time_us);
    if (!result.ok) fail(result.said);
    return result.ok;
}

}  // namespace mailscope::pop3
