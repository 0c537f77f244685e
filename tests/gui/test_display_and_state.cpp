#include <doctest/doctest.h>

#include "gui/view_model/decoded_view.hpp"
#include "gui/view_model/display_index.hpp"
#include "gui/view_model/protocol_states.hpp"
#include "gui/view_model/row_text.hpp"
#include "gui/view_model/state_timeline.hpp"
#include "gui/view_state.hpp"
#include "sim/imap/states.hpp"
#include "tests/sim/listed_imap.hpp"
#include "tests/support/synthetic_trace.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace mailscope::gui;
using mailscope::test::make_synthetic_trace;

TEST_CASE("the state at a cursor is the target of the last transition at or before it") {
    const auto trace = make_synthetic_trace(300);
    StateTimeline timeline;
    timeline.sync(trace);
    REQUIRE(timeline.transitions().size() >= 5);

    const auto index = [](imap::State state) { return static_cast<std::size_t>(state); };
    const StateAtCursor start = timeline.at(trace, 0);
    CHECK(start.state == index(imap::State::Connecting));
    CHECK_FALSE(start.edge);
    CHECK_FALSE(start.transition_seq);

    const std::uint64_t first = timeline.transitions()[0];
    const StateAtCursor greeted = timeline.at(trace, first);
    CHECK(greeted.state == index(imap::State::NotAuthenticated));
    CHECK(greeted.edge == 0u);
    CHECK(greeted.transition_seq == first);
    REQUIRE(greeted.last);
    CHECK(greeted.last->number == 1);

    const StateAtCursor selected = timeline.at(trace, timeline.transitions()[2] + 1);
    CHECK(selected.state == index(imap::State::Selected));
    CHECK(selected.last->number == 5);

    const StateAtCursor end = timeline.at(trace, trace.size() - 1);
    CHECK(end.state == index(imap::State::Closed));
    CHECK(end.edge == imap::transitions.size() - 1);
    CHECK(end.last->number == 0);
}

TEST_CASE("the state diagram knows from when the session follows IMAP4rev2") {
    test::ListedImap o("IMAP4rev1 ENABLE");
    o.client("s1 STATUS INBOX (DELETED)\r\n");
    o.server("* STATUS INBOX (DELETED 0)\r\ns1 OK done\r\n");
    REQUIRE(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 9051 6.3.11"});
    const std::uint64_t before = o.trace.size() - 1;
    o.client("e ENABLE IMAP4rev2\r\n");
    o.server("* ENABLED IMAP4rev2\r\ne OK done\r\n");
    StateTimeline timeline;
    timeline.sync(o.trace);
    // The STATUS item DELETED cites RFC 9051 in a rule of a rev1 session;
    // that does not make the session rev2.
    CHECK_FALSE(timeline.at(o.trace, before).imap4rev2);
    CHECK(timeline.at(o.trace, o.trace.size() - 1).imap4rev2);

    test::ListedImap rev1("IMAP4rev1");
    timeline = StateTimeline{};
    timeline.sync(rev1.trace);
    CHECK_FALSE(timeline.at(rev1.trace, rev1.trace.size() - 1).imap4rev2);
}

TEST_CASE("every RFC 3501 state name maps back to its state") {
    for (imap::State state : imap::all_states) {
        CHECK(state_index(sim::Protocol::Imap, imap::state_name(state)) ==
              static_cast<std::size_t>(state));
    }
    CHECK_FALSE(state_index(sim::Protocol::Imap, "TRANSACTION"));
}

TEST_CASE("a state of another protocol's table has a name but no node") {
    sim::SessionTrace trace(sim::Protocol::Pop3);
    sim::TraceEvent event;
    event.protocol = sim::Protocol::Pop3;
    event.kind = sim::EventKind::StateTransition;
    event.transition = sim::StateChange{imap::State::Authenticated, imap::State::Selected, 5,
                                        "made up", sim::verbatim("made up")};
    trace.append(event);
    StateTimeline timeline;
    timeline.sync(trace);
    const auto state = timeline.at(trace, 0);
    CHECK(state.name == "Selected");
    CHECK_FALSE(state.state);
    CHECK_FALSE(state.edge);
}

TEST_CASE("the display index filters engine events and expands literals into lines") {
    const auto trace = make_synthetic_trace(400);
    DisplayIndex display;
    display.sync(trace);
    CHECK(display.rows().size() == trace.size());
    CHECK(display.rows_through(9) == 10);

    display.set_show_internal(false);
    display.sync(trace);
    CHECK(display.rows().size() < trace.size());
    for (const DisplayRow& row : display.rows()) {
        const auto kind = trace.at(row.seq).kind;
        CHECK(kind != sim::EventKind::StateTransition);
        CHECK(kind != sim::EventKind::FlagChange);
    }

    std::uint64_t literal = 0;
    while (trace.at(literal).kind != sim::EventKind::Literal)
        ++literal;
    const std::size_t before = display.rows().size();
    display.toggle_expanded(literal);
    display.sync(trace);
    const auto raw_lines = literal_lines(trace.at(literal).raw);
    const auto decoded_lines = decoded_literal_lines(trace.at(literal).raw);
    const auto lines = raw_lines.size() > decoded_lines.size() ? raw_lines : decoded_lines;
    CHECK(display.rows().size() == before + lines.size());
    const std::size_t at = display.row_of(literal);
    CHECK(display.rows()[at].line == 0);
    CHECK(display.rows()[at + 1].line == 1);
    CHECK(display.line_text(literal, 1) == raw_lines[0]);
    CHECK(display.decoded_text(literal, 1) == decoded_lines[0]);
    CHECK(display.rows_through(literal) == at + 1 + lines.size());

    display.toggle_expanded(literal);
    display.sync(trace);
    CHECK(display.rows().size() == before);
}

TEST_CASE("the display index grows with the trace") {
    const auto full = make_synthetic_trace(600);
    sim::SessionTrace growing;
    DisplayIndex display;
    for (std::size_t i = 0; i < full.size(); ++i) {
        growing.append(full.at(i));
        if (i % 37 == 0) display.sync(growing);
    }
    display.sync(growing);
    DisplayIndex fresh;
    fresh.sync(full);
    REQUIRE(display.rows().size() == fresh.rows().size());
    for (std::size_t i = 0; i < fresh.rows().size(); ++i) {
        CHECK(display.rows()[i].seq == fresh.rows()[i].seq);
    }
}

TEST_CASE("literal lines are printable, wrapped and bounded") {
    const auto lines = literal_lines("ab\r\ncd\nlong-line\x01\xff", 4, 10);
    CHECK(lines == std::vector<std::string>{
                       "ab",
                       "cd",
                       "long",
                       "-lin",
                       "e..",
                   });
    const std::string big(100000, 'x');
    const auto capped = literal_lines(big, 10, 5);
    REQUIRE(capped.size() == 5);
    CHECK(capped.back().find("more octets") != std::string::npos);
    CHECK(literal_lines("", 10, 5).empty());
}

TEST_CASE("row text shows the first line and never splits a UTF-8 character") {
    sim::TraceEvent event;
    event.kind = sim::EventKind::Command;
    event.raw = "a1 LOGIN x y\r\nmore";
    CHECK(row_text(event, sim::Language::En) == "a1 LOGIN x y");
    event.raw = "\xd0\x9f\xd1\x80\xd0\xb8";  // "При"
    CHECK(row_text(event, sim::Language::En, 3) == "\xd0\x9f...");
    event.kind = sim::EventKind::StateTransition;
    event.summary = "A -> B";
    CHECK(row_text(event, sim::Language::En) == "A -> B");
}

TEST_CASE("the cursor follows the trace while live and plays forward otherwise") {
    ViewState view;
    begin_view_frame(view, 10, 0.016f);
    CHECK(view.cursor == 9);
    set_cursor(view, 2, 10);
    CHECK_FALSE(view.live);
    view.playing = true;
    view.speed = 100;
    begin_view_frame(view, 10, 0.05f);
    CHECK(view.cursor == 7);
    begin_view_frame(view, 10, 1.0f);
    CHECK(view.cursor == 9);
    CHECK(view.live);
    CHECK_FALSE(view.playing);
    set_cursor(view, 500, 10);
    CHECK(view.cursor == 9);
    view.hovered = 3;
    begin_view_frame(view, 10, 0.0f);
    CHECK(view.hovered_before == 3u);
    CHECK_FALSE(view.hovered);
}
