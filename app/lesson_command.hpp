// `mailscope lesson list` and `mailscope lesson run`: the lessons in a
// terminal, and the headless check that every lesson still holds.
#pragma once

#include <optional>
#include <string>

namespace mailscope::app {

struct LessonListOptions {
    std::string lang;  // "ru" or "en"; empty: the locale's
};

struct LessonRunOptions {
    std::string lesson;  // an id or a path to a lesson file
    std::string lang;    // "ru", "en" or empty (the locale's): only the narration changes
    std::optional<std::size_t> step;       // 1-based: start here; earlier steps run unseen
    bool check = false;                    // no pauses, no quiz; exit 1 when an expectation fails
    bool colour = true;                    // ANSI colours (the caller turns them off for pipes)
    std::optional<std::size_t> last_step;  // 1-based: stop after it
    // Handouts of the steps played (sim/core/handout.hpp), written at the end.
    std::string html;
    std::string mermaid;
};

// Prints id, title and number of steps of every lesson. Returns 0, 1 when a
// lesson file does not load (file:line:column and the reason on stderr), 2
// when no lessons directory is found or the language is unknown.
int run_lesson_list(const LessonListOptions& options);

// Plays one lesson: narration, the exchange of every step and its checks.
// Between steps it waits for Enter and asks the quizzes when stdin is a
// terminal and `check` is off. Returns 0 when every expectation held, 1 when
// one failed (each failure with the lesson's file:line on stdout), 2 when the
// lesson cannot be found or loaded.
int run_lesson(const LessonRunOptions& options);

}  // namespace mailscope::app
