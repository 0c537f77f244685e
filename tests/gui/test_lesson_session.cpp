// LessonSession: the lesson panel's model over the real runner and mock server.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "gui/lesson_session.hpp"
#include "gui/view_model/state_timeline.hpp"
#include "lessons/lesson_loader.hpp"

using namespace mailscope;
using namespace mailscope::gui;

namespace {

lessons::Lesson load(const char* name) {
    const std::string path = std::string(MAILSCOPE_TEST_DATA) + "/gui_screens/lessons/" + name;
    auto result = lessons::load_lesson_file(path);
    if (result.error) FAIL(lessons::to_string(*result.error));
    return std::move(*result.lesson);
}

std::vector<std::string> raws(const sim::SessionTrace& trace) {
    std::vector<std::string> out;
    for (const auto& event : trace.events())
        out.push_back(std::string(sim::to_string(event.kind)) + " " + event.raw + event.summary);
    return out;
}

}  // namespace

TEST_CASE("the view shows the step about to run and what the last one left") {
    LessonSession session(load("01-two-clients.yaml"));
    LessonView view = session.view(Language::En);
    CHECK(view.step_count == 10);
    CHECK(view.step_index == 0);
    CHECK_FALSE(view.last_ran);
    CHECK(view.clients == std::vector<std::string>{"A", "B"});
    CHECK(view.narration.find("connects") != std::string::npos);

    session.forward();
    view = session.view(Language::Ru);
    CHECK(view.last_ran);
    CHECK(view.failures.empty());
    CHECK(view.highlights == std::vector<PanelId>{PanelId::StateDiagram});
    REQUIRE(view.quiz);
    CHECK_FALSE(view.quiz->correct);
    CHECK(view.quiz->question == "В какое состояние перейдёт сеанс?");
}

TEST_CASE("the quiz is answered before the step and judged after it") {
    LessonSession session(load("01-two-clients.yaml"));
    session.forward();
    LessonIntent answer;
    answer.action = LessonAction::Answer;
    answer.answer = 0;
    CHECK_FALSE(session.apply(answer));
    LessonView view = session.view(Language::En);
    REQUIRE(view.quiz);
    CHECK(view.quiz->chosen == 0u);
    CHECK_FALSE(view.quiz->correct);
    CHECK(view.asked == 0);

    CHECK(session.apply({LessonAction::Next, 0, {}, 0}));
    view = session.view(Language::En);
    REQUIRE(view.last_quiz);
    CHECK(view.last_quiz->correct == true);
    CHECK(view.last_quiz->explanation.find("edge 2") != std::string::npos);
    CHECK(view.score == 1);
    CHECK(view.asked == 1);
}

TEST_CASE("failed expectations are reported with the lesson file and line") {
    LessonSession session(load("02-broken-check.yaml"));
    session.jump_to(2);
    const LessonView view = session.view(Language::En);
    REQUIRE(view.failures.size() >= 1);
    CHECK(view.failures.front().find("02-broken-check.yaml:") != std::string::npos);
    REQUIRE(view.last_quiz);
    // Unanswered: the answer is revealed, with no verdict, and not scored.
    CHECK_FALSE(view.last_quiz->correct.has_value());
    CHECK(view.last_quiz->explanation.empty() == false);
    CHECK(view.asked == 0);
    CHECK(view.score == 0);
}

TEST_CASE("a wrong answer is scored as wrong; a skipped question is not scored") {
    LessonSession session(load("02-broken-check.yaml"));
    session.jump_to(1);
    REQUIRE(session.view(Language::En).quiz);
    session.apply({LessonAction::Answer, 0, "nonsense", 0});
    session.apply({LessonAction::Next, 0, {}, 0});
    const LessonView view = session.view(Language::En);
    REQUIRE(view.last_quiz);
    CHECK(view.last_quiz->correct == false);
    CHECK(view.asked == 1);
    CHECK(view.score == 0);
}

TEST_CASE("stepping back replays exactly what stepping forward showed") {
    LessonSession session(load("01-two-clients.yaml"));
    session.jump_to(3);
    const auto at_three = raws(session.trace());
    session.jump_to(5);
    CHECK(raws(session.trace()).size() > at_three.size());
    const auto generation = session.generation();
    session.back();
    session.back();
    CHECK(session.generation() != generation);
    CHECK(raws(session.trace()) == at_three);
}

TEST_CASE("the client selector switches the trace shown") {
    LessonSession session(load("01-two-clients.yaml"));
    session.jump_to(10);
    const std::size_t a_events = session.trace().size();
    CHECK(session.apply({LessonAction::SelectClient, 1, {}, 0}));
    CHECK(session.client() == 1);
    CHECK(session.trace().label() == "B");
    CHECK(session.trace().size() != a_events);
    CHECK_FALSE(session.apply({LessonAction::SelectClient, 7, {}, 0}));
    CHECK(session.client() == 1);
}

TEST_CASE("playback runs a step per period and stops at the end") {
    LessonSession session(load("02-broken-check.yaml"));
    session.apply({LessonAction::SetSpeed, 0, {}, 1.0f});
    session.apply({LessonAction::Play, 0, {}, 0});
    CHECK(session.view(Language::En).playing);
    CHECK_FALSE(session.tick(0.5f));
    CHECK(session.tick(0.6f));
    CHECK(session.runner().position() == 1);
    for (int i = 0; i < 10; ++i)
        session.tick(1.0f);
    CHECK(session.runner().finished());
    CHECK_FALSE(session.view(Language::En).playing);
}

TEST_CASE(
    "POP3 and SMTP lessons: each client's trace speaks its protocol, and the diagram's "
    "state is the engine's at every step") {
    for (const char* file :
         {"pop3/01-pop3-session.yaml", "smtp/01-smtp-session.yaml", "e2e/01-smtp-to-imap.yaml"}) {
        CAPTURE(file);
        auto loaded =
            lessons::load_lesson_file(std::string(MAILSCOPE_SOURCE_DIR) + "/lessons/" + file);
        REQUIRE_FALSE(loaded.error);
        const std::size_t steps = loaded.lesson->steps.size();
        LessonSession session(std::move(*loaded.lesson));
        std::set<sim::Protocol> seen;
        for (std::size_t step = 0; step <= steps; step += 2) {
            session.jump_to(step);
            for (std::size_t c = 0; c < session.runner().client_count(); ++c) {
                session.select_client(c);
                const sim::SessionTrace& trace = session.trace();
                CHECK(trace.protocol() == session.protocol());
                seen.insert(session.protocol());
                StateTimeline timeline;
                timeline.sync(trace);
                const StateAtCursor state =
                    timeline.at(trace, trace.empty() ? 0 : trace.size() - 1);
                CHECK(state.name == session.state_name());
                CHECK(state.state);
            }
        }
        const LessonView view = session.view(Language::En);
        if (seen.size() > 1) {
            CHECK(std::find(view.clients.begin(), view.clients.end(), "M (SMTP)") !=
                  view.clients.end());
            CHECK(std::find(view.clients.begin(), view.clients.end(), "P (POP3)") !=
                  view.clients.end());
        } else {
            CHECK(view.clients[0].find('(') == std::string::npos);
        }
        CHECK((seen.contains(sim::Protocol::Pop3) || seen.contains(sim::Protocol::Smtp)));
    }
}
