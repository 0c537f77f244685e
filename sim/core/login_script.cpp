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
    fail(say(Phrase::LoginPasswordInClear, m_plan.host));
    return true;
}

}  // namespace mailscope::sim
