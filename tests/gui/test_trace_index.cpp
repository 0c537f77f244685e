#include <doctest/doctest.h>

#include <fmt/format.h>

#include "gui/view_model/trace_index.hpp"
#include "tests/support/synthetic_trace.hpp"

using namespace mailscope;
using namespace mailscope::gui;
using mailscope::test::make_synthetic_trace;

namespace {

sim::TraceEvent make(sim::EventKind kind, sim::Direction dir, std::string tag, std::string name,
                     std::optional<std::uint64_t> link = std::nullopt) {
    sim::TraceEvent event;
    event.kind = kind;
    event.dir = dir;
    event.tag = std::move(tag);
    event.name = name;
    if (kind == sim::EventKind::Tagged) {
        event.status = name == "OK"   ? sim::ReplyStatus::Ok
                       : name == "NO" ? sim::ReplyStatus::No
                                      : sim::ReplyStatus::Bad;
    }
    event.link_seq = link;
    event.raw = fmt::format("{} {}\r\n", event.tag, name);
    return event;
}

constexpr auto c2s = sim::Direction::ClientToServer;
constexpr auto s2c = sim::Direction::ServerToClient;

// RFC 3501 5.5: two commands in flight, completed in order; the second
// completion carries no link, so the index must match it by tag.
sim::SessionTrace pipelined() {
    sim::SessionTrace trace;
    trace.append(make(sim::EventKind::Command, c2s, "a1", "FETCH"));      // 0
    trace.append(make(sim::EventKind::Command, c2s, "a2", "STORE"));      // 1
    trace.append(make(sim::EventKind::Untagged, s2c, "*", "FETCH", 0));   // 2
    trace.append(make(sim::EventKind::Tagged, s2c, "a1", "OK", 0));       // 3
    trace.append(make(sim::EventKind::Untagged, s2c, "*", "EXISTS"));     // 4
    trace.append(make(sim::EventKind::Tagged, s2c, "a2", "NO"));          // 5
    trace.append(make(sim::EventKind::Command, c2s, "a3", "NOOP"));       // 6
    trace.append(make(sim::EventKind::Violation, c2s, "", "VIOLATION"));  // 7
    return trace;
}

}  // namespace

TEST_CASE("events are classified by kind, status and lane") {
    const auto trace = pipelined();
    TraceIndex index;
    index.sync(trace);
    CHECK(index.kind(0) == RowKind::Command);
    CHECK(index.kind(3) == RowKind::TaggedOk);
    CHECK(index.kind(5) == RowKind::TaggedNo);
    CHECK(index.kind(7) == RowKind::Violation);
    CHECK(index.lane(0) == Lane::Client);
    CHECK(index.lane(2) == Lane::Server);
    CHECK(index.lane(7) == Lane::Client);

    auto bye = make(sim::EventKind::Untagged, s2c, "*", "BYE");
    bye.status = sim::ReplyStatus::Bye;
    CHECK(classify(bye) == RowKind::Bye);
    CHECK(classify(make(sim::EventKind::Tagged, s2c, "a", "BAD")) == RowKind::TaggedBad);
    sim::TraceEvent transition;
    transition.kind = sim::EventKind::StateTransition;
    CHECK(lane_of(transition) == Lane::Internal);
}

TEST_CASE("completions and answers are linked to their commands both ways") {
    const auto trace = pipelined();
    TraceIndex index;
    index.sync(trace);
    CHECK(index.command_of(2) == 0u);
    CHECK(index.command_of(3) == 0u);
    CHECK(index.command_of(5) == 1u);  // matched by tag
    CHECK_FALSE(index.command_of(4));  // unsolicited
    CHECK(index.completion_of(0) == 3u);
    CHECK(index.completion_of(1) == 5u);
    CHECK_FALSE(index.completion_of(6));  // still outstanding
}

TEST_CASE("pipelined commands get overlapping spans in separate columns") {
    const auto trace = pipelined();
    TraceIndex index;
    index.sync(trace);
    REQUIRE(index.spans().size() == 3);
    CHECK(index.spans()[0].column == 0);
    CHECK(index.spans()[1].column == 1);
    CHECK(index.spans()[2].column == 0);  // column 0 was free again
    CHECK(index.column_count() == 2);
    CHECK(index.spans_overlapping(4, 4) == std::vector<std::size_t>{1});
    CHECK(index.spans_overlapping(2, 2) == std::vector<std::size_t>{0, 1});
    CHECK(index.spans_overlapping(7, 7) == std::vector<std::size_t>{2});
    CHECK(index.violations_in(0, 8) == 1);
    CHECK(index.violations_in(0, 7) == 0);
}

TEST_CASE("the incremental index equals one built from scratch") {
    const auto full = make_synthetic_trace(3000, 7);
    TraceIndex whole;
    whole.sync(full);

    sim::SessionTrace growing(sim::Protocol::Imap);
    TraceIndex incremental;
    std::size_t step = 1;
    for (std::size_t next = 0; next < full.size();) {
        const std::size_t end = std::min(full.size(), next + step);
        for (; next < end; ++next)
            growing.append(full.at(next));
        incremental.sync(growing);
        step = step * 3 % 97 + 1;
    }
    REQUIRE(incremental.size() == whole.size());
    for (std::uint64_t seq = 0; seq < full.size(); ++seq) {
        CHECK(incremental.kind(seq) == whole.kind(seq));
        CHECK(incremental.command_of(seq) == whole.command_of(seq));
        CHECK(incremental.completion_of(seq) == whole.completion_of(seq));
    }
    REQUIRE(incremental.spans().size() == whole.spans().size());
    for (std::size_t i = 0; i < whole.spans().size(); ++i) {
        CHECK(incremental.spans()[i].column == whole.spans()[i].column);
        CHECK(incremental.spans()[i].completion_seq == whole.spans()[i].completion_seq);
    }
    for (std::uint64_t first = 0; first < full.size(); first += 211) {
        CHECK(incremental.spans_overlapping(first, first + 40) ==
              whole.spans_overlapping(first, first + 40));
        CHECK(incremental.violations_in(first, first + 500) ==
              whole.violations_in(first, first + 500));
    }
}

TEST_CASE("spans_overlapping agrees with a scan of every span") {
    const auto trace = make_synthetic_trace(2500, 3);
    TraceIndex index;
    index.sync(trace);
    for (std::uint64_t first = 0; first < trace.size(); first += 97) {
        const std::uint64_t last = first + 30;
        std::vector<std::size_t> expected;
        for (std::size_t i = 0; i < index.spans().size(); ++i) {
            const auto& span = index.spans()[i];
            if (span.command_seq <= last &&
                (!span.completion_seq || *span.completion_seq >= first)) {
                expected.push_back(i);
            }
        }
        CHECK(index.spans_overlapping(first, last) == expected);
    }
}

TEST_CASE("a DONE line continues its IDLE command instead of opening a span (RFC 2177 3)") {
    sim::SessionTrace trace;
    trace.append(make(sim::EventKind::Command, c2s, "a1", "IDLE"));           // 0
    trace.append(make(sim::EventKind::Continuation, s2c, "+", "idling", 0));  // 1
    trace.append(make(sim::EventKind::Command, c2s, "a1", "DONE", 0));        // 2
    trace.append(make(sim::EventKind::Tagged, s2c, "a1", "OK", 0));           // 3
    TraceIndex index;
    index.sync(trace);
    CHECK(index.spans().size() == 1);
    CHECK(index.command_of(2) == 0u);
    CHECK(index.completion_of(0) == 3u);
    CHECK(index.spans_overlapping(3, 3) == std::vector<std::size_t>{0});
}

TEST_CASE("a shorter trace restarts the index") {
    TraceIndex index;
    index.sync(make_synthetic_trace(200));
    const auto small = pipelined();
    index.sync(small);
    CHECK(index.size() == small.size());
    CHECK(index.completion_of(0) == 3u);
}
