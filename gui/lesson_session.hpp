// LessonSession: a lesson played in the GUI. It drives a LessonRunner, keeps
// the learner's quiz answers and score, and turns both into the LessonView
// the panel draws. Stepping back replays the lesson from the start (the
// runner's exact replay), which replaces the traces: `generation()` changes
// and the GUI must rebind its model to `trace()`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gui/i18n.hpp"
#include "gui/view_model/lesson_view.hpp"
#include "gui/view_model/store_truth.hpp"
#include "lessons/lesson_runner.hpp"

namespace mailscope::gui {

class LessonSession {
  public:
    explicit LessonSession(lessons::Lesson lesson);

    const lessons::LessonRunner& runner() const { return m_runner; }

    // The trace of the chosen client; replaced whenever generation() changes.
    const sim::SessionTrace& trace() const { return m_runner.client_trace(m_client); }
    std::size_t client() const { return m_client; }
    // The chosen client's protocol and its state as the engine has it now
    // (the diagram reads the trace; the two agree).
    sim::Protocol protocol() const { return m_runner.client_protocol(m_client); }
    std::string state_name() const { return m_runner.client_state_name(m_client); }
    std::uint64_t generation() const { return m_generation; }
    // What the store held for the chosen client after each step so far.
    const TruthHistory& store_truth() const { return m_truth.at(m_client); }

    void select_client(std::size_t client);
    void forward();
    void back();
    void jump_to(std::size_t steps);
    // Records the answer to the question of the step about to run; its
    // verdict is shown once that step has run.
    void answer(std::size_t choice, const std::string& typed);

    // Applies what the learner asked for. True when generation() or the
    // client changed, i.e. the GUI must rebind its model.
    bool apply(const LessonIntent& intent);
    // Lesson playback: runs a step every `seconds_per_step` while playing.
    // True when a step ran.
    bool tick(float dt);

    LessonView view(Language language) const;

  private:
    // After a step ran: each client's mailbox as the store has it.
    void record_truth();

    QuizView quiz_view(const lessons::Step& step, Language language, bool reveal) const;
    std::optional<bool> verdict(const lessons::Step& step) const;

    lessons::LessonRunner m_runner;
    std::vector<TruthHistory> m_truth;  // one per client
    std::size_t m_client = 0;
    std::uint64_t m_generation = 0;
    std::map<std::size_t, std::string> m_answers;  // step index -> reply for quiz_accepts
    std::map<std::size_t, std::size_t> m_choices;  // step index -> option chosen
    bool m_playing = false;
    float m_seconds_per_step = 3.0f;
    float m_play_budget = 0;
};

}  // namespace mailscope::gui
