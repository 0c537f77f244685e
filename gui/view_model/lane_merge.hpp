// LaneMerge: the events of several sessions on one time axis, for the
// Exchanges panel's side-by-side view.
//
// Each row names a session (its lane) and one of its events. Rows are only
// ever appended, O(new events) per sync, so a frame costs the rows on
// screen. Two ways to add them, for the two kinds of sources:
//  - a lesson's clients share one virtual clock that stands still within a
//    step, so their times cannot order them; the lesson runner knows the
//    order it drove them in, and append_through() takes that order as given;
//  - the lab's connections are served by one I/O thread reading one steady
//    clock, so merge_by_time() orders what every trace gained since the last
//    call by time, ties going to the earlier lane.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/trace.hpp"

namespace mailscope::gui {

struct LaneRow {
    std::uint32_t lane = 0;
    std::uint64_t seq = 0;  // in that lane's trace
};

class LaneMerge {
  public:
    // Forgets every row and lane.
    void clear();
    // A lane for one more session, from the oldest event its trace holds;
    // the trace must outlive the lane.
    void add_lane(const sim::SessionTrace& trace);

    std::size_t lanes() const { return m_next.size(); }
    const std::vector<LaneRow>& rows() const { return m_rows; }
    // The rows left when the engine's own events (transitions, flag changes,
    // renumbering, notes) are hidden: messages on the wire and broken rules,
    // as indices into rows().
    const std::vector<std::size_t>& message_rows() const { return m_message_rows; }
    // How many of rows [0, row) are message rows. O(log n).
    std::size_t message_rows_before(std::size_t row) const;
    // The next seq of `lane` not merged yet.
    std::uint64_t merged_end(std::size_t lane) const { return m_next.at(lane); }

    // Appends `lane`'s events from merged_end(lane) up to `end` after every row so far.
    void append_through(std::size_t lane, std::uint64_t end);
    // Appends what every lane's trace gained since the last call, ordered by
    // TraceEvent::time_us, ties to the lower lane.
    void merge_by_time();

    // The rows shown when `lane`'s cursor is at `seq`: everything before that
    // lane's next event, i.e. what happened up to the moment it shows. O(1).
    std::size_t rows_through(std::size_t lane, std::uint64_t seq) const;
    // The row of `lane`'s event `seq`, if merged. O(1).
    std::optional<std::size_t> row_of(std::size_t lane, std::uint64_t seq) const;

  private:
    void push(std::size_t lane, std::uint64_t seq);

    std::vector<const sim::SessionTrace*> m_traces;
    std::vector<LaneRow> m_rows;
    std::vector<std::size_t> m_message_rows;
    std::vector<std::uint64_t> m_first;              // the seq of each lane's first row
    std::vector<std::uint64_t> m_next;               // each lane's merged_end()
    std::vector<std::vector<std::size_t>> m_row_of;  // per lane, by seq - first: its row
};

// What the side-by-side view draws: every session of the source shown (a
// lesson's clients, the lab's connections), one lane each. The program that
// owns the sessions fills it; with fewer than two lanes the view is not offered.
struct LanesView {
    const LaneMerge* merge = nullptr;
    std::vector<const sim::SessionTrace*> traces;  // one per lane
    std::vector<std::string> names;                // the lanes' headings
    std::size_t chosen = 0;                        // the lane the other panels show
    bool lab = false;                              // lanes are Session menu entries...
    std::size_t first_entry = 0;                   // ...from this one on

    bool offered() const { return merge != nullptr && traces.size() > 1; }
    // How many rows are drawn while the chosen lane's cursor is at `cursor`
    // (every row while that lane has no event yet), with the engine's own
    // events or without them; and the i-th of those.
    std::size_t rows_shown(std::uint64_t cursor, bool engine_events) const;
    const LaneRow& row(std::size_t i, bool engine_events) const;
};

}  // namespace mailscope::gui
