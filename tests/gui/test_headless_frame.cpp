#include <doctest/doctest.h>

#include <fmt/format.h>
#include <imgui_internal.h>

#include "gui/headless_frame.hpp"
#include "tests/support/synthetic_trace.hpp"

using namespace mailscope;
using namespace mailscope::gui;
using mailscope::test::make_synthetic_trace;

TEST_CASE("every panel draws without a window, in both languages and sizes") {
    const auto trace = make_synthetic_trace(800);
    HeadlessGui gui(1600, 1000);
    CHECK(gui.fonts().from_files);
    GuiModel model(trace);
    model.lesson.title = "Урок";
    model.lesson.narration = "Текст";
    model.lesson.step_count = 3;
    model.lesson.quiz = QuizView{"?", {"a", "b"}, 1, true, "because", {}};
    ViewState view;
    for (Language language : {Language::Ru, Language::En}) {
        for (bool large : {false, true}) {
            view.language = language;
            view.large_text = large;
            gui.frame(model, view);
            gui.frame(model, view);
            CHECK(gui.last_vertex_count() > 1000);
        }
    }
    set_cursor(view, 10, trace.size());
    view.select_exchange_tab = ExchangeTab::Log;
    gui.frame(model, view);
    gui.frame(model, view);
    CHECK(view.shown_exchange_tab == ExchangeTab::Log);
    view.playing = true;
    for (int i = 0; i < 5; ++i)
        gui.frame(model, view, 0.5f);
    CHECK(view.cursor > 10);
}

TEST_CASE("empty, non-IMAP and growing traces draw") {
    HeadlessGui gui(800, 600);
    sim::SessionTrace empty;
    GuiModel empty_model(empty);
    ViewState view;
    gui.frame(empty_model, view);
    CHECK(gui.last_vertex_count() > 0);

    sim::SessionTrace pop(sim::Protocol::Pop3, "pop3");
    sim::TraceEvent greeting;
    greeting.kind = sim::EventKind::Untagged;
    greeting.dir = sim::Direction::ServerToClient;
    greeting.raw = "+OK POP3 server ready\r\n";
    pop.append(greeting);
    GuiModel pop_model(pop);
    gui.frame(pop_model, view);

    const auto full = make_synthetic_trace(300);
    sim::SessionTrace growing;
    GuiModel growing_model(growing);
    ViewState live;
    for (std::size_t i = 0; i < full.size(); ++i) {
        growing.append(full.at(i));
        if (i % 25 == 0) gui.frame(growing_model, live);
    }
    gui.frame(growing_model, live);
    CHECK(live.cursor == growing.size() - 1);
}

// The frame-build benchmark: a frame must cost what is on screen, not the
// length of the trace. Generous bounds keep it stable on a loaded machine;
// the printed numbers are the result.
TEST_CASE("building a frame over 100,000 events costs about as much as over 100") {
    const auto small = make_synthetic_trace(100);
    const auto large = make_synthetic_trace(100000);
    const FrameTiming a = measure_frame_build(small, 30);
    const FrameTiming b = measure_frame_build(large, 30);
    MESSAGE(fmt::format("{} events: index {:.2f} ms, live frame {:.3f} ms, scrub frame {:.3f} ms",
                        a.events, a.index_build_ms, a.live_frame_ms, a.scrub_frame_ms));
    MESSAGE(fmt::format("{} events: index {:.2f} ms, live frame {:.3f} ms, scrub frame {:.3f} ms",
                        b.events, b.index_build_ms, b.live_frame_ms, b.scrub_frame_ms));
    CHECK(b.live_frame_ms < a.live_frame_ms * 5 + 5);
    CHECK(b.scrub_frame_ms < a.scrub_frame_ms * 5 + 10);
}

TEST_CASE("the lab's class table opens from the Session menu's state and fits the window") {
    const auto trace = make_synthetic_trace(50);
    HeadlessGui gui(1280, 720);
    GuiModel model(trace);
    server::ClassRow carol;
    carol.student = "carol";
    carol.sessions = 2;
    carol.commands = 9;
    carol.violations = 1;
    carol.violations_by_rule = {{"RFC 3501 4.3", 1}};
    carol.steps = 4;
    carol.steps_done = 1;
    carol.steps_missing = {"append-flag", "search", "expunge"};
    server::ClassRow alice = carol;
    alice.student = "alice";
    alice.violations = 0;
    alice.violations_by_rule.clear();
    alice.steps_done = 4;
    alice.steps_missing.clear();
    model.class_table = {true, {alice, carol}, 1};
    ViewState view;
    view.class_table_open = true;
    for (const Language language : {Language::Ru, Language::En}) {
        view.language = language;
        for (int frame = 0; frame < 3; ++frame)
            gui.frame(model, view);
        const ImGuiWindow* window = ImGui::FindWindowByName("###class_table");
        REQUIRE(window);
        CHECK(window->Active);
        CHECK(window->Pos.x >= 0);
        CHECK(window->Pos.x + window->Size.x <= 1280);
        CHECK(window->Pos.y + window->Size.y <= 720);
        CHECK(view.layout_problems.empty());
    }
    // Without a lab there is no table to show, whatever the view asks.
    model.class_table = {};
    gui.frame(model, view);
    gui.frame(model, view);
    const ImGuiWindow* window = ImGui::FindWindowByName("###class_table");
    CHECK((window == nullptr || !window->Active));
}
