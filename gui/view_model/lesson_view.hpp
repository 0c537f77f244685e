// LessonView: what the lesson panel draws. The lesson runner fills it; the
// panel only shows it and reports what the learner clicked (LessonIntent).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mailscope::gui {

struct QuizView {
    std::string question;
    std::vector<std::string> options;   // empty: the answer is typed
    std::optional<std::size_t> chosen;  // the learner's answer, once given
    std::optional<bool> correct;        // the runner's verdict, revealed once the step ran
    std::string explanation;            // shown with the verdict
    std::string typed;                  // the typed answer, for a free-text quiz
};

// The panels a step can point at. Drawn as an outline around the panel.
enum class PanelId : std::uint8_t { StateDiagram, Exchanges, Mailbox, Timeline, Lesson };

struct LessonView {
    std::string title;
    std::string narration;       // may hold several paragraphs separated by blank lines
    std::size_t step_index = 0;  // 0-based: the step about to run (== step_count at the end)
    std::size_t step_count = 0;  // 0: no lesson loaded
    std::string hint;
    std::optional<QuizView> quiz;  // the question of the step about to run

    // What the step that just ran left behind.
    std::optional<std::string> last_narration;
    std::optional<QuizView> last_quiz;  // its question with the verdict
    std::vector<std::string> failures;  // "file:line: sentence", never hidden
    bool last_ran = false;              // a step has run (false at the start)
    std::vector<PanelId> highlights;    // the panels its `highlight:` names

    std::size_t score = 0;  // questions answered right among the steps run
    std::size_t asked = 0;  // questions answered among the steps run

    std::vector<std::string> clients;  // more than one: the panel offers a selector
    std::size_t client = 0;            // whose trace the panels show
    bool playing = false;              // the lesson advances by itself
    float seconds_per_step = 3.0f;
};

enum class LessonAction {
    None,
    Previous,
    Next,
    Answer,
    JumpTo,
    Play,
    Pause,
    SelectClient,
    SetSpeed,
};

struct LessonIntent {
    LessonAction action = LessonAction::None;
    std::size_t answer = 0;      // the option chosen (Answer), the step (JumpTo), the client
    std::string typed;           // a typed answer (Answer with no options)
    float seconds_per_step = 0;  // SetSpeed
};

}  // namespace mailscope::gui
