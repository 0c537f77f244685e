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

std::optional<OAuthMechanism> LoginScript::choose_oauth(bool offers_oauthbearer,
                                                        bool offers_xoauth2,
                                                        std::string_view listed_in) {
    if (m_plan.oauth_mechanism) return m_plan.oauth_mechanism;
    if (offers_oauthbearer) return OAuthMechanism::OAuthBearer;
    if (offers_xoauth2) return OAuthMechanism::XOAuth2;
    fail(say(Phrase::LoginNoOAuthOffered, m_plan.host, listed_in));
    return std::nullopt;
}

std::string LoginScript::oauth_first_message(OAuthMechanism mechanism) const {
    return oauth_initial_response(mechanism, m_plan.user, m_plan.oauth_token.value_or(""),
                                  m_plan.host, m_plan.port);
}

void LoginScript::note_oauth_challenge(std::string_view base64, std::int64_t time_us) {
    const auto described = describe_oauth_challenge(base64);
    m_engine.note(Direction::ServerToClient,
                  described ? say(Phrase::LoginOAuthRefused, *described)
                            : say(Phrase::LoginOAuthRefusedUnreadable),
                  time_us);
}

}  // namespace mailscope::sim
