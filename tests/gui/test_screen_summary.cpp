// What the screenshot tests' frames show, checked on the view models without
// a window: a lesson played to a step the way `mailscope gui --step N --back
// K --client C` plays it, two headless frames, then summarize_screen. The
// screenshot test (tests/gui_screens/test_screens.py) checks the same
// content in the JSON the real binary writes with --screen-json.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <fstream>
#include <string>
#include <vector>

#include "gui/headless_frame.hpp"
#include "gui/lesson_session.hpp"
#include "gui/screen_summary.hpp"
#include "lessons/lesson_loader.hpp"

using namespace mailscope;
using namespace mailscope::gui;

namespace {

std::string lesson_path(const char* name) {
    return std::string(MAILSCOPE_TEST_DATA) + "/gui_screens/lessons/" + name;
}

// `back` steps undone after `step`, the lesson client called `client` shown.
ScreenSummary shoot(const char* lesson, std::size_t step, Language language = Language::En,
                    std::size_t back = 0, const std::string& client = "") {
    auto loaded = lessons::load_lesson_file(lesson_path(lesson));
    if (loaded.error) FAIL(lessons::to_string(*loaded.error));
    LessonSession session(std::move(*loaded.lesson));
    if (!client.empty()) {
        bool found = false;
        for (std::size_t c = 0; c < session.runner().client_count(); ++c) {
            if (session.runner().client_name(c) == client) {
                session.select_client(c);
                found = true;
            }
        }
        REQUIRE(found);
    }
    session.jump_to(step);
    for (std::size_t i = 0; i < back; ++i)
        session.back();
    GuiModel model(session.trace());
    model.lesson = session.view(language);
    ViewState view;
    view.language = language;
    view.animate = false;
    HeadlessGui gui(1600, 1000);
    gui.frame(model, view);
    gui.frame(model, view);
    return summarize_screen(model, view);
}

// The line of the first line of `file` that holds `text`.
int line_of(const std::string& file, const std::string& text) {
    std::ifstream in(file);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (line.find(text) != std::string::npos) return number;
    }
    FAIL("no \"" << text << "\" in " << file);
    return 0;
}

const std::vector<std::string> lesson_panels{"timeline", "state_diagram", "exchanges", "mailbox",
                                             "lesson"};

}  // namespace

TEST_CASE("screen: the first step shows the greeting, transition 1 and the next question") {
    const ScreenSummary shown = shoot("01-two-clients.yaml", 1);
    CHECK(shown.panels == lesson_panels);
    CHECK(shown.highlights == std::vector<std::string>{"state_diagram"});
    CHECK(shown.exchange_tab == "sequence");
    CHECK(shown.protocol == "imap");
    CHECK(shown.state == "Not Authenticated");
    CHECK(shown.transition == 1);
    // The greeting and the transition it caused.
    CHECK(shown.events == 2);
    CHECK(shown.rows == 2);
    CHECK(shown.last_row == "Connection Established -> Not Authenticated (1: greeting * OK)");
    CHECK(shown.step == 1);
    CHECK(shown.steps == 10);
    CHECK(shown.quiz == "Which state comes next?");
    CHECK(shown.answered_quiz.empty());
    CHECK(shown.failures.empty());
    CHECK(shown.client == "A");
}

TEST_CASE("screen: steps 3 and 6 differ the way the lesson says, step back replays step 3") {
    const ScreenSummary three = shoot("01-two-clients.yaml", 3);
    CHECK(three.state == "Authenticated");
    CHECK(three.transition == 4);
    CHECK(three.rows == 11);
    CHECK(three.last_row == "a2 OK LIST completed");
    CHECK(three.highlights == std::vector<std::string>{"mailbox"});
    CHECK(three.step == 3);

    const ScreenSummary six = shoot("01-two-clients.yaml", 6, Language::Ru);
    CHECK(six.state == "Selected");
    CHECK(six.transition == 5);
    CHECK(six.rows == 41);
    CHECK(six.last_row == "a5 OK [APPENDUID 7 4] APPEND completed");
    CHECK(six.highlights == std::vector<std::string>{"exchanges"});
    CHECK(six.step == 6);
    CHECK(six.quiz.empty());

    const ScreenSummary back = shoot("01-two-clients.yaml", 5, Language::En, 2);
    CHECK(screen_summary_json(back) == screen_summary_json(three));
}

TEST_CASE("screen: the other client of the lesson shows its own session") {
    const ScreenSummary shown = shoot("01-two-clients.yaml", 10, Language::En, 0, "B");
    CHECK(shown.client == "B");
    CHECK(shown.state == "Selected");
    CHECK(shown.rows == 23);
    CHECK(shown.last_row == "b4 OK EXPUNGE completed");
    CHECK(shown.step == 10);
    CHECK(shown.highlights == std::vector<std::string>{"mailbox"});
}

TEST_CASE("screen: a failed check is shown with the lesson's file and line") {
    const ScreenSummary shown = shoot("02-broken-check.yaml", 2, Language::Ru);
    CHECK(shown.state == "Not Authenticated");
    CHECK(shown.last_row == "a1 NO [AUTHENTICATIONFAILED] Invalid user name or password");
    CHECK(shown.answered_quiz == "Чем ответит сервер?");
    CHECK_FALSE(shown.answered_right.has_value());  // stepped past without an answer
    REQUIRE(shown.failures.size() == 1);
    const std::string file = lesson_path("02-broken-check.yaml");
    const std::string mark = fmt::format("{}:{}:", file, line_of(file, "expect: {tagged: OK}"));
    CHECK(shown.failures[0].starts_with(mark));
    // The screen is in Russian, and so is what it says about the check.
    CHECK(shown.failures[0].find("завершение было NO, а ожидалось OK") != std::string::npos);
}

TEST_CASE("screen: the summary's JSON names every field") {
    const std::string json = screen_summary_json(shoot("01-two-clients.yaml", 1));
    for (const char* field :
         {"\"panels\": [", "\"highlights\": [", "\"exchange_tab\": \"sequence\"",
          "\"protocol\": \"imap\"", "\"events\": 2", "\"state\": \"Not Authenticated\"",
          "\"transition\": 1", "\"rows\": 2", "\"last_row\": \"Connection Established",
          "\"step\": 1", "\"steps\": 10", "\"quiz\": \"Which state comes next?\"",
          "\"answered_quiz\": \"\"", "\"answered_right\": null", "\"failures\": []",
          "\"client\": \"A\""}) {
        CAPTURE(field);
        CHECK(json.find(field) != std::string::npos);
    }
}
