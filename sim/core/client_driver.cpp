#include "sim/core/client_driver.hpp"

#include <utility>

namespace mailscope::sim {

ClientDriver::ClientDriver(SessionTrace& trace, ClientOptions options)
    : m_reveal_secrets(options.reveal_secrets) {
    m_session = make_client_session(trace, std::move(options));
}

void ClientDriver::open(const std::optional<TlsReport>& implicit_tls, std::int64_t time_us) {
    m_stage = DriverStage::LoggingIn;
    m_session->login().start(implicit_tls, time_us);
    progress(time_us);
}

void ClientDriver::receive(std::string_view bytes, std::int64_t time_us) {
    engine().receive(bytes, time_us);
    progress(time_us);
}

void ClientDriver::receive_eof(std::int64_t time_us) {
    engine().receive_eof(time_us);
    if (m_stage != DriverStage::Failed) m_stage = DriverStage::Ended;
}

void ClientDriver::tls_established(const TlsReport& report, std::int64_t time_us) {
    m_session->login().on_tls_established(report, time_us);
    progress(time_us);
}

bool ClientDriver::awaiting_reply() const {
    if (m_stage == DriverStage::LoggingIn) return true;
    return m_stage == DriverStage::Ready && m_session->awaiting_reply();
}

void ClientDriver::fail(Said reason) {
    m_stage = DriverStage::Failed;
    m_failure = std::move(reason);
}

std::optional<Said> ClientDriver::type_line(std::string_view line, std::int64_t time_us) {
    if (m_stage != DriverStage::Ready) {
        return say(m_stage == DriverStage::LoggingIn ? Phrase::TypedSessionStarting
                                                     : Phrase::TypedConnectionNotOpen);
    }
    auto refused = m_session->type_line(line, time_us);
    progress(time_us);
    return refused;
}

void ClientDriver::queue_line(std::string line, std::int64_t time_us) {
    m_lines.push_back(std::move(line));
    if (m_stage == DriverStage::Ready) progress(time_us);
}

void ClientDriver::end_input(std::int64_t time_us) {
    m_input_ended = true;
    if (m_stage == DriverStage::Ready) progress(time_us);
}

bool ClientDriver::wants_line() const {
    return m_stage == DriverStage::Ready && !m_input_ended && m_lines.empty() &&
           m_session->ready_for_line() && !engine().closed();
}

std::vector<LineRun> ClientDriver::take_runs() {
    return std::exchange(m_runs, {});
}

std::optional<Said> ClientDriver::take_notice() {
    if (m_notices.empty()) return std::nullopt;
    Said notice = std::move(m_notices.front());
    m_notices.pop_front();
    return notice;
}

void ClientDriver::progress(std::int64_t time_us) {
    m_session->advance(time_us);
    if (m_stage == DriverStage::LoggingIn) {
        switch (m_session->login().phase()) {
            case LoginPhase::Failed:
                fail(m_session->login().failure());
                return;
            case LoginPhase::Rejected:
                m_stage = DriverStage::Ended;
                return;
            case LoginPhase::Ready:
                m_stage = DriverStage::Ready;
                break;
            default:
                return;
        }
    }
    if (m_stage != DriverStage::Ready) return;
    if (auto outcome = m_session->take_login_outcome()) m_notices.push_back(std::move(*outcome));
    while (!m_lines.empty() && m_session->ready_for_line() && !engine().closed()) {
        std::string line = std::move(m_lines.front());
        m_lines.pop_front();
        LineRun run;
        run.echo = m_reveal_secrets ? line : m_session->echo_of(line);
        run.first_seq = engine().trace().end_seq();
        run.refused = m_session->type_line(line, time_us);
        m_runs.push_back(std::move(run));
        m_session->advance(time_us);
    }
    if (m_input_ended && m_lines.empty() && !m_finished && !engine().closed()) {
        m_finished = m_session->finish(time_us);
    }
}

}  // namespace mailscope::sim
