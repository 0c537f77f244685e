#include "sim/pop3/client.hpp"

#include <fmt/format.h>

#include <utility>

#include "sim/core/ascii.hpp"

namespace mailscope::pop3 {

namespace {

std::string keyword_of(std::string_view line) {
    return ascii::upper(line.substr(0, line.find(' ')));
}

}  // namespace

void Pop3Client::advance(std::int64_t time_us) {
    while (auto received = m_session.next_reply())
        m_login.on_reply(*received, time_us);
}

std::optional<sim::Said> Pop3Client::type_line(std::string_view typed, std::int64_t time_us) {
    std::string line(typed);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (m_session.sasl_line_expected()) return answer_challenge(line, time_us);
    if (line.empty()) return std::nullopt;
    const auto keyword = keyword_of(line);
    if ((keyword == "PASS" || keyword == "APOP" || keyword == "AUTH") &&
        !m_login.credentials_safe()) {
        return sim::say(sim::Phrase::TypedCredentialsInClear, keyword, m_login.plan().host,
                        "pop3s");
    }
    const auto result = m_session.submit_line(line, time_us);
    if (!result.ok) return result.said;
    if (keyword == "QUIT") m_quit_sent = true;
    return std::nullopt;
}

bool Pop3Client::ready_for_line() const {
    return m_session.sasl_line_expected() || m_session.outstanding() == 0;
}

bool Pop3Client::line_is_command() const {
    return !m_session.sasl_line_expected();
}

bool Pop3Client::finish(std::int64_t time_us) {
    const auto state = m_session.state();
    if (m_quit_sent || (state != State::Authorization && state != State::Transaction)) return true;
    if (m_session.outstanding() > 0 || m_session.sasl_line_expected()) return false;
    return !type_line("QUIT", time_us);
}

bool Pop3Client::awaiting_reply() const {
    if (!m_login.ready()) return true;
    return m_session.outstanding() > 0 && !m_session.sasl_line_expected();
}

std::string Pop3Client::next_line_label() const {
    return m_session.sasl_line_expected() ? "SASL" : "pop3";
}

std::string Pop3Client::echo_of(std::string_view line) const {
    if (m_session.sasl_line_expected()) return "*** (SASL line hidden)";
    const auto keyword = keyword_of(line);
    if (keyword == "PASS" || keyword == "AUTH") return keyword + " ***";
    return std::string(line);
}

sim::Said Pop3Client::refused_login_sentence() const {
    return sim::say(sim::Phrase::LoginFailedPop3);
}

}  // namespace mailscope::pop3
