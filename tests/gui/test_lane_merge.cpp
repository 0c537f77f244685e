// LaneMerge and the Exchanges panel's side-by-side view: several sessions
// on one time axis, in the order they happened, drawn a screenful at a time.
#include <doctest/doctest.h>
#include <imgui_internal.h>

#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gui/app_controller.hpp"
#include "gui/headless_frame.hpp"
#include "gui/screen_summary.hpp"
#include "gui/view_model/lane_merge.hpp"
#include "tests/support/loopback_client.hpp"
#include "tests/support/synthetic_trace.hpp"

using namespace mailscope;
using namespace mailscope::gui;

namespace {

sim::TraceEvent event_at(std::int64_t time_us, std::string raw) {
    sim::TraceEvent event;
    event.kind = sim::EventKind::Command;
    event.time_us = time_us;
    event.raw = std::move(raw);
    return event;
}

std::vector<std::string> raws(const LaneMerge& merge,
                              const std::vector<const sim::SessionTrace*>& traces) {
    std::vector<std::string> out;
    for (const LaneRow& row : merge.rows())
        out.push_back(traces[row.lane]->at(row.seq).raw);
    return out;
}

AppOptions lesson_options(std::size_t step) {
    AppOptions options;
    options.lesson = std::string(MAILSCOPE_TEST_DATA) + "/gui_screens/lessons/01-two-clients.yaml";
    options.lang = "en";
    options.step = step;
    options.exchanges = "all-clients";
    return options;
}

// The application asked for the all-clients tab, driven as the window drives
// the controller.
struct LessonLanes {
    explicit LessonLanes(const AppOptions& options, int width = 1600, int height = 1000)
        : gui(width, height) {
        auto made = AppController::create(options);
        if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
        app = std::move(std::get<std::unique_ptr<AppController>>(made));
        model = std::make_unique<GuiModel>(app->shown_trace());
        view.language = Language::En;
    }
    explicit LessonLanes(std::size_t step, int width = 1600, int height = 1000)
        : LessonLanes(lesson_options(step), width, height) {}

    void frame(const FrameIntents& asked = {}) {
        app->begin_frame(*model, view, 1.0f / 60);
        FrameIntents intents = gui.frame(*model, view);
        if (asked.lesson.action != LessonAction::None) intents.lesson = asked.lesson;
        if (asked.choose_session) intents.choose_session = asked.choose_session;
        if (asked.chosen_event) intents.chosen_event = asked.chosen_event;
        app->apply(intents, *model, view);
    }

    template <typename Done>
    bool frames_until(Done done) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (std::chrono::steady_clock::now() < deadline) {
            frame();
            if (done()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(16));
        }
        return false;
    }

    std::optional<std::size_t> row_with(std::size_t lane, std::string_view text) const {
        const LanesView& lanes = model->lanes;
        for (std::size_t i = 0; i < lanes.merge->rows().size(); ++i) {
            const LaneRow& row = lanes.merge->rows()[i];
            if (row.lane == lane && lanes.traces[lane]->at(row.seq).raw.starts_with(text)) return i;
        }
        return std::nullopt;
    }

    HeadlessGui gui;
    std::unique_ptr<AppController> app;
    std::unique_ptr<GuiModel> model;
    ViewState view;
};

}  // namespace

TEST_CASE("lane merge: runs given in order stay in that order, whatever their times") {
    // A lesson's clients share a clock that stands still within a step.
    sim::SessionTrace a(sim::Protocol::Imap, "A");
    sim::SessionTrace b(sim::Protocol::Imap, "B");
    a.append(event_at(0, "a1"));
    b.append(event_at(0, "b1"));
    b.append(event_at(0, "b2"));
    a.append(event_at(0, "a2"));
    const std::vector<const sim::SessionTrace*> traces{&a, &b};
    LaneMerge merge;
    for (const auto* trace : traces)
        merge.add_lane(*trace);
    merge.append_through(0, 1);
    merge.append_through(1, 2);
    merge.append_through(0, 2);
    merge.append_through(0, 2);  // nothing new: no row twice
    CHECK(raws(merge, traces) == std::vector<std::string>{"a1", "b1", "b2", "a2"});
    CHECK(merge.merged_end(0) == 2);
    CHECK(merge.merged_end(1) == 2);

    // A's cursor on a1 shows everything before A's next event: B's two rows too.
    CHECK(merge.rows_through(0, 0) == 3);
    CHECK(merge.rows_through(0, 1) == 4);
    CHECK(merge.rows_through(1, 0) == 2);
    CHECK(merge.row_of(1, 1) == 2);
    CHECK_FALSE(merge.row_of(1, 2));

    // With the engine's own events hidden, a transition of B's is left out.
    sim::TraceEvent transition;
    transition.kind = sim::EventKind::StateTransition;
    b.append(transition);
    a.append(event_at(0, "a3"));
    merge.append_through(1, 3);
    merge.append_through(0, 3);
    CHECK(merge.rows().size() == 6);
    CHECK(merge.message_rows() == std::vector<std::size_t>{0, 1, 2, 3, 5});
    CHECK(merge.message_rows_before(5) == 4);
    CHECK(merge.message_rows_before(6) == 5);
}

TEST_CASE(
    "lane merge: the lab's sessions are ordered by time, ties to the lower lane, as they grow") {
    sim::SessionTrace a(sim::Protocol::Imap, "A");
    sim::SessionTrace b(sim::Protocol::Imap, "B");
    const std::vector<const sim::SessionTrace*> traces{&a, &b};
    LaneMerge merge;
    merge.add_lane(a);
    merge.add_lane(b);
    a.append(event_at(10, "a@10"));
    b.append(event_at(5, "b@5"));
    b.append(event_at(10, "b@10"));
    a.append(event_at(20, "a@20"));
    merge.merge_by_time();
    CHECK(raws(merge, traces) == std::vector<std::string>{"b@5", "a@10", "b@10", "a@20"});

    // Later events are appended after the rows already there, still in time order.
    b.append(event_at(30, "b@30"));
    a.append(event_at(25, "a@25"));
    merge.merge_by_time();
    CHECK(raws(merge, traces) ==
          std::vector<std::string>{"b@5", "a@10", "b@10", "a@20", "a@25", "b@30"});
    merge.merge_by_time();
    CHECK(merge.rows().size() == 6);

    // A connection that arrives later gets a lane of its own.
    sim::SessionTrace c(sim::Protocol::Pop3, "C");
    c.append(event_at(40, "c@40"));
    merge.add_lane(c);
    merge.merge_by_time();
    CHECK(merge.lanes() == 3);
    CHECK(merge.rows().back().lane == 2);
}

TEST_CASE("lane merge: growing by a few events costs those events, not the whole trace") {
    sim::SessionTrace a(sim::Protocol::Imap, "A");
    sim::SessionTrace b(sim::Protocol::Imap, "B");
    LaneMerge merge;
    merge.add_lane(a);
    merge.add_lane(b);
    for (int i = 0; i < 50'000; ++i) {
        a.append(event_at(2 * i, "a"));
        b.append(event_at(2 * i + 1, "b"));
    }
    merge.merge_by_time();
    REQUIRE(merge.rows().size() == 100'000);
    a.append(event_at(100'000, "a"));
    merge.merge_by_time();
    CHECK(merge.rows().size() == 100'001);
    // The middle of the axis: A's event 25,000 is row 50,000; B's answer follows it.
    CHECK(merge.rows_through(0, 25'000) == 50'002);
    CHECK(merge.row_of(0, 25'000) == 50'000);
}

TEST_CASE("side by side: the lesson's clients in the order the runner drove them") {
    LessonLanes lesson(10);
    lesson.frame();
    lesson.frame();
    const LanesView& lanes = lesson.model->lanes;
    REQUIRE(lanes.offered());
    CHECK(lanes.names == std::vector<std::string>{"A", "B"});
    CHECK(lanes.chosen == 0);
    CHECK(lesson.view.shown_exchange_tab == ExchangeTab::AllClients);
    std::size_t rows = 0;
    for (const auto* trace : lanes.traces)
        rows += trace->size();
    CHECK(lanes.merge->rows().size() == rows);

    // A's APPEND, then B's session, then B's EXPUNGE, then A's NOOP that hears of it.
    const auto append = lesson.row_with(0, "a5 APPEND");
    const auto b_login = lesson.row_with(1, "b1 LOGIN");
    const auto expunge = lesson.row_with(1, "b4 EXPUNGE");
    const auto b_expunged = lesson.row_with(1, "* 1 EXPUNGE");
    const auto noop = lesson.row_with(0, "a6 NOOP");
    const auto a_expunged = lesson.row_with(0, "* 1 EXPUNGE");
    REQUIRE((append && b_login && expunge && b_expunged && noop && a_expunged));
    CHECK(*append < *b_login);
    CHECK(*b_login < *expunge);
    CHECK(*expunge < *b_expunged);
    CHECK(*b_expunged < *noop);
    CHECK(*noop < *a_expunged);

    // "Show engine events" off: the lanes keep the messages only.
    lesson.model->display().set_show_internal(false);
    const std::size_t messages = lanes.rows_shown(lesson.view.cursor, false);
    CHECK(messages < lanes.rows_shown(lesson.view.cursor, true));
    for (std::size_t i = 0; i < messages; ++i) {
        const LaneRow& row = lanes.row(i, false);
        CHECK(lane_of(lanes.traces[row.lane]->at(row.seq)) != Lane::Internal);
    }
    lesson.frame();
    CHECK(summarize_screen(*lesson.model, lesson.view).lane_rows == messages);
    lesson.model->display().set_show_internal(true);

    // A's cursor back on its APPEND hides what came after it, B's session included.
    const std::uint64_t append_seq = lanes.merge->rows()[*append].seq;
    set_cursor(lesson.view, append_seq, lesson.model->trace().size());
    lesson.frame();
    const ScreenSummary shown = summarize_screen(*lesson.model, lesson.view);
    CHECK(shown.exchange_tab == "all-clients");
    CHECK(shown.lanes == std::vector<std::string>{"A", "B"});
    CHECK(shown.lane_rows <= *b_login);
    CHECK(shown.lane_rows > *append);
}

TEST_CASE("side by side: choosing B shows B everywhere; a step back starts the lanes over") {
    LessonLanes lesson(10);
    lesson.frame();
    // A click on B's "* 1 EXPUNGE": B shown everywhere, at that moment.
    const auto b_expunged = lesson.row_with(1, "* 1 EXPUNGE");
    REQUIRE(b_expunged);
    const std::uint64_t seq = lesson.model->lanes.merge->rows()[*b_expunged].seq;
    FrameIntents choose;
    choose.lesson.action = LessonAction::SelectClient;
    choose.lesson.answer = 1;
    choose.chosen_event = seq;
    lesson.frame(choose);
    lesson.frame();
    CHECK(lesson.model->lanes.chosen == 1);
    CHECK(lesson.model->lesson.client == 1);
    CHECK(&lesson.model->trace() == lesson.model->lanes.traces[1]);
    CHECK(lesson.view.shown_exchange_tab == ExchangeTab::AllClients);
    CHECK(lesson.view.cursor == seq);
    CHECK_FALSE(lesson.view.live);
    CHECK(lesson.model->lanes.rows_shown(lesson.view.cursor, true) == *b_expunged + 1);

    // Live again, B's newest event is its last: every row is shown.
    set_cursor(lesson.view, lesson.model->trace().size() - 1, lesson.model->trace().size());
    lesson.frame();
    CHECK(lesson.model->lanes.rows_shown(lesson.view.cursor, true) ==
          lesson.model->lanes.merge->rows().size());

    const std::size_t before = lesson.model->lanes.merge->rows().size();
    FrameIntents back;
    back.lesson.action = LessonAction::Previous;
    lesson.frame(back);
    lesson.frame();
    const LanesView& lanes = lesson.model->lanes;
    CHECK(lanes.merge->rows().size() < before);
    CHECK_FALSE(lesson.row_with(0, "a6 NOOP"));
    CHECK(lesson.row_with(1, "* 1 EXPUNGE"));
    CHECK(lanes.merge->rows().size() == lanes.traces[0]->size() + lanes.traces[1]->size());
}

TEST_CASE("side by side: the lab's connections in the order the server saw them") {
    AppOptions options = lesson_options(0);
    options.serve = "127.0.0.1:0";
    options.step.reset();  // the window follows the lab's newest connection
    LessonLanes lab(options);
    REQUIRE_FALSE(lab.app->start_sessions([](const std::string&) {
        return PasswordAnswer{std::string("wonderland"), {}};
    }));
    lab.frame();

    test::LoopbackClient a(lab.app->lab()->port());
    a.read_until("* OK");
    a.write("a1 LOGIN alice wonderland\r\na2 SELECT INBOX\r\n");
    a.read_until("a2 OK");
    test::LoopbackClient b(lab.app->lab()->port());
    b.read_until("* OK");
    b.write("b1 LOGIN alice wonderland\r\nb2 SELECT INBOX\r\n");
    b.read_until("b2 OK");
    b.write("b3 STORE 1 +FLAGS (\\Deleted)\r\nb4 EXPUNGE\r\n");
    b.read_until("b4 OK");
    a.write("a3 NOOP\r\n");
    a.read_until("a3 OK");

    // The window follows the newest connection, B's; the lanes are both.
    REQUIRE(lab.frames_until([&] {
        const LanesView& lanes = lab.model->lanes;
        return lanes.offered() &&
               lanes.traces[0]->size() + lanes.traces[1]->size() == lanes.merge->rows().size() &&
               lab.row_with(0, "a3 OK");
    }));
    const LanesView& lanes = lab.model->lanes;
    CHECK(lanes.lab);
    CHECK(lanes.chosen == 1);
    CHECK(lanes.names[0].find("alice") != std::string::npos);
    const auto b_expunge = lab.row_with(1, "b4 EXPUNGE");
    const auto b_expunged = lab.row_with(1, "* 1 EXPUNGE");
    const auto a_noop = lab.row_with(0, "a3 NOOP");
    const auto a_expunged = lab.row_with(0, "* 1 EXPUNGE");
    REQUIRE((b_expunge && b_expunged && a_noop && a_expunged));
    CHECK(*lab.row_with(0, "a2 OK") < *lab.row_with(1, "b1 LOGIN"));
    CHECK(*b_expunge < *b_expunged);
    CHECK(*b_expunged < *a_noop);
    CHECK(*a_noop < *a_expunged);

    // Choosing A's lane shows A's connection: the Session menu entry before B's.
    FrameIntents choose;
    choose.choose_session = lanes.first_entry;
    lab.frame(choose);
    lab.frame();
    CHECK(lab.model->lanes.chosen == 0);
    CHECK(&lab.model->trace() == lab.model->lanes.traces[0]);
}

TEST_CASE("side by side: nothing is cut at laptop and full HD sizes, in both languages") {
    struct Size {
        int width, height;
    };
    for (const Size size : {Size{1280, 720}, Size{1920, 1080}}) {
        for (const Language language : {Language::Ru, Language::En}) {
            CAPTURE(size.width);
            CAPTURE(static_cast<int>(language));
            LessonLanes lesson(10, size.width, size.height);
            lesson.view.language = language;
            for (int frame = 0; frame < 4; ++frame)
                lesson.frame();
            CHECK(lesson.view.shown_exchange_tab == ExchangeTab::AllClients);
            CHECK(lesson.view.layout_problems.empty());
            for (const std::string& problem : lesson.view.layout_problems)
                MESSAGE(problem);
        }
    }
}

TEST_CASE("side by side: a frame draws the rows on screen, not the whole merge") {
    const auto vertices = [](std::size_t events) {
        const auto a = test::make_synthetic_trace(events, 1);
        const auto b = test::make_synthetic_trace(events, 2);
        LaneMerge merge;
        merge.add_lane(a);
        merge.add_lane(b);
        const std::vector<const sim::SessionTrace*> traces{&a, &b};
        merge.merge_by_time();
        HeadlessGui gui(1600, 1000);
        GuiModel model(a);
        model.lanes.merge = &merge;
        model.lanes.traces = traces;
        model.lanes.names = {"A", "B"};
        ViewState view;
        view.select_exchange_tab = ExchangeTab::AllClients;
        for (int frame = 0; frame < 3; ++frame)
            gui.frame(model, view);
        CHECK(view.shown_exchange_tab == ExchangeTab::AllClients);
        return gui.last_vertex_count();
    };
    const int small = vertices(1'000);
    const int large = vertices(50'000);
    CHECK(large < small * 3 / 2);
}

TEST_CASE("side by side: many lab connections keep readable lanes and scroll sideways") {
    std::vector<sim::SessionTrace> traces;
    for (std::uint32_t i = 0; i < 12; ++i)
        traces.push_back(test::make_synthetic_trace(60, i + 1));
    LaneMerge merge;
    GuiModel model(traces[0]);
    for (const sim::SessionTrace& trace : traces) {
        merge.add_lane(trace);
        model.lanes.traces.push_back(&trace);
        model.lanes.names.push_back(trace.label());
    }
    merge.merge_by_time();
    model.lanes.merge = &merge;
    model.lanes.lab = true;
    HeadlessGui gui(1280, 720);
    ViewState view;
    view.select_exchange_tab = ExchangeTab::AllClients;
    for (int frame = 0; frame < 4; ++frame)
        gui.frame(model, view);
    CHECK(view.shown_exchange_tab == ExchangeTab::AllClients);
    CHECK(view.layout_problems.empty());
    for (const std::string& problem : view.layout_problems)
        MESSAGE(problem);
    // The lanes' window scrolls sideways; the rows' window inside it, named
    // after it and made after it, does not need to.
    const ImGuiWindow* across = nullptr;
    for (const ImGuiWindow* window : ImGui::GetCurrentContext()->Windows) {
        if (!across &&
            std::string_view(window->Name).find("all_clients_across") != std::string_view::npos) {
            across = window;
        }
    }
    REQUIRE(across);
    CHECK(across->ScrollMax.x > 0);
}
