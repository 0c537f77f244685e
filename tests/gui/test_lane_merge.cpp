// LaneMerge: several sessions on one time axis, in the order they happened.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gui/view_model/lane_merge.hpp"

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
    merge.merge_by_time(traces);
    CHECK(raws(merge, traces) == std::vector<std::string>{"b@5", "a@10", "b@10", "a@20"});

    // Later events are appended after the rows already there, still in time order.
    b.append(event_at(30, "b@30"));
    a.append(event_at(25, "a@25"));
    merge.merge_by_time(traces);
    CHECK(raws(merge, traces) ==
          std::vector<std::string>{"b@5", "a@10", "b@10", "a@20", "a@25", "b@30"});
    merge.merge_by_time(traces);
    CHECK(merge.rows().size() == 6);

    // A connection that arrives later gets a lane of its own.
    sim::SessionTrace c(sim::Protocol::Pop3, "C");
    c.append(event_at(40, "c@40"));
    merge.add_lane(c);
    const std::vector<const sim::SessionTrace*> three{&a, &b, &c};
    merge.merge_by_time(three);
    CHECK(merge.lanes() == 3);
    CHECK(merge.rows().back().lane == 2);
}

TEST_CASE("lane merge: growing by a few events costs those events, not the whole trace") {
    sim::SessionTrace a(sim::Protocol::Imap, "A");
    sim::SessionTrace b(sim::Protocol::Imap, "B");
    const std::vector<const sim::SessionTrace*> traces{&a, &b};
    LaneMerge merge;
    merge.add_lane(a);
    merge.add_lane(b);
    for (int i = 0; i < 50'000; ++i) {
        a.append(event_at(2 * i, "a"));
        b.append(event_at(2 * i + 1, "b"));
    }
    merge.merge_by_time(traces);
    REQUIRE(merge.rows().size() == 100'000);
    a.append(event_at(100'000, "a"));
    merge.merge_by_time(traces);
    CHECK(merge.rows().size() == 100'001);
    // The middle of the axis: A's event 25,000 is row 50,000; B's answer follows it.
    CHECK(merge.rows_through(0, 25'000) == 50'002);
    CHECK(merge.row_of(0, 25'000) == 50'000);
}
