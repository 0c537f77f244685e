#include "sim/smtp/client.hpp"

#include <fmt/format.h>

#include <utility>

#include "sim/core/ascii.hpp"

namespace mailscope::smtp {

namespace {

bool auth_line(std::string_view line) {
    return ascii::istarts_with(line, "auth ");
}

}  // namespace

void SmtpClient::advance(std::int64_t time_us) {
    while (auto received = m_session.next_reply()) {
        const int code = received->reply.code;
        if (code == 221 || code == 421) m_quit_sent = true;
        m_login.on_reply(*received, time_us);
    }
}

std::optional<sim::Said> SmtpClient::type_line(std::string_view typed, std::int64_t time_us) {
    std::string line(typed);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (m_session.in_data()) {
        if (line != ".") {
            m_message += line + "\r\n";
            return std::nullopt;
        }
        const auto result = m_session.send_message(std::exchange(m_message, {}), time_us);
        if (!result.ok) return result.said;
        return std::nullopt;
    }
    if (m_session.awaiting_sasl_line()) return answer_challenge(line, time_us);
    if (line.empty()) return std::nullopt;
    if (auth_line(line) && !m_login.credentials_safe()) {
        return sim::say(sim::Phrase::TypedCredentialsInClear, "AUTH", m_login.plan().host, "smtps");
    }
    const auto result = m_session.submit_line(line, time_us);
    if (!result.ok) return result.said;
    if (ascii::iequals(line, "QUIT")) m_quit_sent = true;
    return std::nullopt;
}

bool SmtpClient::ready_for_line() const {
    return m_session.in_data() || m_session.awaiting_sasl_line() || m_session.outstanding() == 0;
}

bool SmtpClient::line_is_command() const {
    return !m_session.in_data() && !m_session.awaiting_sasl_line();
}

bool SmtpClient::finish(std::int64_t time_us) {
    const auto state = m_session.state();
    if (m_quit_sent || state == State::Quit || state == State::Closed) return true;
    if (m_session.outstanding() > 0 || m_session.in_data()) return false;
    return !type_line("QUIT", time_us);
}

bool SmtpClient::awaiting_reply() const {
    if (!m_login.ready()) return true;
    return m_session.outstanding() > 0 && !m_session.in_data() && !m_session.awaiting_sasl_line();
}

std::string SmtpClient::next_line_label() const {
    if (m_session.in_data()) return "message (end with .)";
    if (m_session.awaiting_sasl_line()) return "SASL";
    return "smtp";
}

std::string SmtpClient::echo_of(std::string_view line) const {
    if (m_session.in_data()) return std::string(line);
    if (m_session.awaiting_sasl_line()) return "*** (SASL line hidden)";
    if (auth_line(line)) return "*** (a line with credentials, hidden)";
    return std::string(line);
}

sim::Said SmtpClient::refused_login_sentence() const {
    return sim::say(sim::Phrase::LoginFailedSmtp);
}

}  // namespace mailscope::smtp
