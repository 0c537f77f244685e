// LessonView: what the lesson panel draws. The lesson runner fills it; the
// panel only shows it and reports what the learner clicked (LessonIntent).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mailscope::gui {

struct QuizView {
    std::string question;
    std::vector<std::string> options;
    std::optional<std::size_t> chosen;  // the learner's answer, once given
    std::optional<bool> correct;        // the runner's verdict on `chosen`
    std::string explanation;            // shown after an answer
};

struct LessonView {
    std::string title;
    std::string narration;       // may hold several paragraphs separated by blank lines
    std::size_t step_index = 0;  // 0-based
    std::size_t step_count = 0;  // 0: no lesson loaded
    std::string hint;
    std::optional<QuizView> quiz;
};

enum class LessonAction { None, Previous, Next, Answer };

struct LessonIntent {
    LessonAction action = LessonAction::None;
    std::size_t answer = 0;  // the option chosen, for LessonAction::Answer
};

}  // namespace mailscope::gui
