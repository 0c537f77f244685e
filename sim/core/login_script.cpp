#include "sim/core/login_script.hpp"

#include <fmt/format.h>

#include <utility>

namespace mailscope::sim {

Said tls_established_note(const TlsReport& report, bool insecure, std::string_view host) {
    if (!insecure) return say(Phrase::TlsVerified, report.description, host);
    if (report.verify_failure.empty()) return say(Phrase::TlsNotVerified, report.description);
    return say(Phrase::TlsNotVerifiedWouldFail, report.description, report.verify_failure);
}

void LoginScript::start(const std::optional<TlsReport>& implicit_tls, std::int64_t time_us) {
    m_engine.note(Direction::ServerToClient, say(Phrase::ConnectedTo, m_plan.host, m_plan.port),
                  time_us);
    if (implicit_tls) on_tls_established(*implicit_tls, time_us);
    m_phase = LoginPhase::Greeting;
}

bool LoginScript::take_tls_request() {
    return std::exchange(m_tls_requested, false);
}

void LoginScript::on_tls_established(const TlsReport& report, std::int64_t time_us) {
    m_tls = true;
    m_engine.note(Direction::ServerToClient,
                  tls_established_note(report, m_plan.insecure, m_plan.host), time_us);
    if (m_phase == LoginPhase::TlsHandshake) after_handshake(time_us);
}

void LoginScript::request_tls(bool typed) {
    m_tls_requested = true;
    if (!typed) m_phase = LoginPhase::TlsHandshake;
}

void LoginScript::fail(Said reason) {
    m_phase = LoginPhase::Failed;
    m_failure = std::move(reason);
}

bool LoginScript::refuse_clear_text_password() {
    if (credentials_safe()) return false;
    fail(say(m_plan.oauth_token ? Phrase::LoginTokenInClear : Phrase::LoginPasswordInClear,
             m_plan.host));
    return true;
}

bool LoginScript::has_credentials() const {
    return !m_plan.user.empty() && (m_plan.password || m_plan.oauth_token);
}

bool LoginScript::begin_token_login(bool offers_oauthbearer, bool offers_xoauth2,
                                    std::string_view listed_in) {
    if (m_plan.oauth_mechanism) {
        m_token_mechanism = m_plan.oauth_mechanism;
    } else if (offers_oauthbearer) {
        m_token_mechanism = OAuthMechanism::OAuthBearer;
    } else if (offers_xoauth2) {
        m_token_mechanism = OAuthMechanism::XOAuth2;
    } else {
        fail(say(Phrase::LoginNoOAuthOffered, m_plan.host, listed_in));
        return false;
    }
    m_token_sent = false;
    m_challenge_answered = false;
    return true;
}

std::string LoginScript::token_message() const {
    return oauth_initial_response(*m_token_mechanism, m_plan.user, m_plan.oauth_token.value_or(""),
                                  m_plan.host, m_plan.port);
}

std::string LoginScript::token_initial_response() {
    m_token_sent = true;
    return token_message();
}

std::string LoginScript::token_auth_line(std::size_t max_line) {
    const auto mechanism = oauth_mechanism_name(*m_token_mechanism);
    std::string line = fmt::format("AUTH {} {}", mechanism, token_message());
    if (line.size() + 2 > max_line) return fmt::format("AUTH {}", mechanism);
    m_token_sent = true;
    return line;
}

std::string LoginScript::answer_token_challenge(std::string_view challenge, std::int64_t time_us) {
    if (!m_token_sent) return token_initial_response();
    if (std::exchange(m_challenge_answered, true)) return "*";
    const auto described = describe_oauth_challenge(challenge);
    m_engine.note(Direction::ServerToClient,
                  described ? say(Phrase::LoginOAuthRefused, *described)
                            : say(Phrase::LoginOAuthRefusedUnreadable),
                  time_us);
    return std::string(oauth_error_acknowledgement(*m_token_mechanism));
}

}  // namespace mailscope::sim
