#include "gui/lesson_session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace mailscope::gui {

namespace {

// "IMAP", "POP3", "SMTP".
std::string protocol_label(sim::Protocol protocol) {
    std::string label(sim::protocol_name(protocol));
    for (char& c : label)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return label;
}

std::optional<PanelId> panel_of(lessons::Highlight highlight) {
    switch (highlight) {
        case lessons::Highlight::StateDiagram:
            return PanelId::StateDiagram;
        case lessons::Highlight::Flags:
        case lessons::Highlight::Mailbox:
            return PanelId::Mailbox;
        case lessons::Highlight::Literal:
        case lessons::Highlight::Exchanges:
            return PanelId::Exchanges;
    }
    return std::nullopt;
}

}  // namespace

LessonSession::LessonSession(lessons::Lesson lesson)
    : m_runner(std::move(lesson)), m_truth(m_runner.client_count()) {}

void LessonSession::record_truth() {
    for (std::size_t c = 0; c < m_runner.client_count(); ++c) {
        m_truth[c].record(m_runner.position(), m_runner.client_trace(c).size(),
                          truth_of(m_runner.store(), m_runner.server_session(c)));
    }
}

void LessonSession::select_client(std::size_t client) {
    if (client < m_runner.client_count()) m_client = client;
}

void LessonSession::forward() {
    if (!m_runner.step_forward()) return;
    record_truth();
    ++m_generation;
}

void LessonSession::back() {
    if (m_runner.position() == 0) return;
    jump_to(m_runner.position() - 1);
}

// Backwards the runner replays from the start, exactly, so the truths of the
// steps kept still hold; forwards each step records its own.
void LessonSession::jump_to(std::size_t steps) {
    steps = std::min(steps, m_runner.lesson().steps.size());
    if (steps == m_runner.position()) return;
    if (steps < m_runner.position()) {
        m_runner.jump_to(steps);
        for (TruthHistory& history : m_truth)
            history.keep_steps(steps);
    }
    while (m_runner.position() < steps && m_runner.step_forward())
        record_truth();
    ++m_generation;
}

void LessonSession::answer(std::size_t choice, const std::string& typed) {
    const lessons::Step* step = m_runner.current_step();
    if (!step || !step->quiz) return;
    if (step->quiz->choices.empty()) {
        m_answers[step->index] = typed;
        m_choices.erase(step->index);
    } else if (choice < step->quiz->choices.size()) {
        m_answers[step->index] = std::to_string(choice + 1);
        m_choices[step->index] = choice;
    }
}

bool LessonSession::apply(const LessonIntent& intent) {
    const std::uint64_t generation = m_generation;
    const std::size_t client = m_client;
    switch (intent.action) {
        case LessonAction::Previous:
            m_playing = false;
            back();
            break;
        case LessonAction::Next:
            forward();
            break;
        case LessonAction::JumpTo:
            m_playing = false;
            jump_to(intent.answer);
            break;
        case LessonAction::Answer:
            answer(intent.answer, intent.typed);
            break;
        case LessonAction::Play:
            m_playing = !m_runner.finished();
            m_play_budget = 0;
            break;
        case LessonAction::Pause:
            m_playing = false;
            break;
        case LessonAction::SelectClient:
            select_client(intent.answer);
            break;
        case LessonAction::SetSpeed:
            m_seconds_per_step = std::clamp(intent.seconds_per_step, 0.25f, 30.0f);
            break;
        case LessonAction::None:
            break;
    }
    return generation != m_generation || client != m_client;
}

bool LessonSession::tick(float dt) {
    if (!m_playing) return false;
    if (m_runner.finished()) {
        m_playing = false;
        return false;
    }
    m_play_budget += std::max(dt, 0.0f);
    if (m_play_budget < m_seconds_per_step) return false;
    m_play_budget = 0;
    forward();
    if (m_runner.finished()) m_playing = false;
    return true;
}

std::optional<bool> LessonSession::verdict(const lessons::Step& step) const {
    const auto found = m_answers.find(step.index);
    if (!step.quiz || found == m_answers.end()) return std::nullopt;
    return lessons::quiz_accepts(*step.quiz, found->second);
}

QuizView LessonSession::quiz_view(const lessons::Step& step, Language language, bool reveal) const {
    const Language lang = language;
    const lessons::Quiz quiz = m_runner.shown(*step.quiz);
    QuizView view;
    view.question = quiz.question.in(lang);
    for (const auto& choice : quiz.choices)
        view.options.push_back(choice.in(lang));
    if (const auto found = m_choices.find(step.index); found != m_choices.end())
        view.chosen = found->second;
    if (const auto found = m_answers.find(step.index);
        found != m_answers.end() && quiz.choices.empty())
        view.typed = found->second;
    if (reveal) {
        // An unanswered question still reveals its answer once the step ran,
        // with no verdict: skipping a question is not a wrong answer.
        view.correct = verdict(step);
        view.explanation = quiz.explanation.in(lang);
        if (quiz.answer && *quiz.answer < view.options.size()) {
            view.explanation = fmt::format("{}\n{}", view.options[*quiz.answer], view.explanation);
        } else if (!quiz.accept.empty()) {
            view.explanation = fmt::format("{}\n{}", quiz.accept.front(), view.explanation);
        }
    }
    return view;
}

LessonView LessonSession::view(Language language) const {
    const lessons::Lesson& lesson = m_runner.lesson();
    const Language lang = language;
    LessonView view;
    view.title = lesson.title.in(lang);
    view.step_count = lesson.steps.size();
    view.step_index = m_runner.position();
    if (const lessons::Step* step = m_runner.current_step()) {
        view.narration = m_runner.current_narration(lang);
        if (step->quiz) view.quiz = quiz_view(*step, language, false);
    }
    const auto& results = m_runner.results();
    if (!results.empty()) {
        const lessons::StepResult& result = results.back();
        const lessons::Step& step = lesson.steps.at(result.index);
        view.last_ran = true;
        view.last_narration = m_runner.shown(step.narration.in(lang));
        if (step.quiz) view.last_quiz = quiz_view(step, language, true);
        for (const auto& failure : result.failures) {
            view.failures.push_back(fmt::format("{}: {}", lessons::to_string(failure.mark),
                                                sim::render(failure.said, lang)));
        }
        for (const auto highlight : step.highlight) {
            const auto panel = panel_of(highlight);
            if (panel && std::find(view.highlights.begin(), view.highlights.end(), *panel) ==
                             view.highlights.end())
                view.highlights.push_back(*panel);
        }
    }
    // The score counts the questions answered.
    for (const auto& result : results) {
        const lessons::Step& step = lesson.steps.at(result.index);
        const auto given = verdict(step);
        if (!given) continue;
        ++view.asked;
        if (*given) ++view.score;
    }
    // A lesson mixing protocols (an SMTP delivery read back over IMAP and
    // POP3) says which client speaks which, since the diagram follows the choice.
    bool mixed = false;
    for (std::size_t c = 1; c < m_runner.client_count(); ++c)
        mixed |= m_runner.client_protocol(c) != m_runner.client_protocol(0);
    for (std::size_t c = 0; c < m_runner.client_count(); ++c) {
        const std::string& name = m_runner.client_name(c);
        view.clients.push_back(
            mixed ? fmt::format("{} ({})", name, protocol_label(m_runner.client_protocol(c)))
                  : name);
    }
    view.client = m_client;
    view.playing = m_playing;
    view.seconds_per_step = m_seconds_per_step;
    return view;
}

}  // namespace mailscope::gui
