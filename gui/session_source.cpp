#include "gui/session_source.hpp"

#include <fmt/format.h>

namespace mailscope::gui {

std::optional<sim::Said> SessionSource::send(std::string_view, std::string_view) {
    return sim::say(Text::NoCommandsHere);
}

std::string LessonSource::label(Language language) const {
    return m_session.view(language).title;
}

std::string FreePlaySource::label(Language language) const {
    return tr(language, Text::WindowComposer);
}

std::optional<sim::Said> FreePlaySource::open() {
    if (m_play) return std::nullopt;
    auto made = FreePlay::from_fixture(classroom_fixture());
    if (auto* error = std::get_if<sim::Said>(&made)) return *error;
    m_play = std::move(std::get<std::unique_ptr<FreePlay>>(made));
    return std::nullopt;
}

const sim::SessionTrace& FreePlaySource::trace() const {
    return m_play->trace();
}

std::string FreePlaySource::state_name() const {
    return std::string(imap::state_name(m_play->state()));
}

std::vector<std::string> FreePlaySource::allowed_verbs() const {
    return m_play->allowed_verbs();
}

std::optional<sim::Said> FreePlaySource::send(std::string_view line, std::string_view literals) {
    if (auto error = open()) return error;
    return m_play->send(line, literals);
}

#ifdef MAILSCOPE_WITH_NET
void LiveSource::replace(std::unique_ptr<LiveSession> session) {
    if (m_session) m_session->close();
    m_session = std::move(session);
}

std::string LiveSource::label(Language language) const {
    if (!m_session) return tr(language, Text::MenuConnect);
    return fmt::format("{} {}:{}", tr(language, Text::Live), m_session->options().host,
                       m_session->options().port);
}

std::string LiveSource::state_name() const {
    return std::string(m_session->state().name());
}

std::vector<std::string> LiveSource::allowed_verbs() const {
    return m_session->allowed_verbs();
}

sim::Said LiveSource::later_send_error() const {
    return m_session ? m_session->send_error() : sim::Said{};
}

std::optional<sim::Said> LiveSource::send(std::string_view line, std::string_view literals) {
    if (!m_session) return sim::say(Text::NoLiveSession);
    return m_session->send(line, literals);
}

std::string LabConnectionSource::label(Language language) const {
    return lab_session_label(connection(), language);
}

const sim::SessionTrace& LabConnectionSource::trace() const {
    return *connection().trace;
}

std::string LabConnectionSource::state_name() const {
    return std::string(connection().state.name());
}
#endif

}  // namespace mailscope::gui
