// Time travel: the snapshot the views show at cursor N is exactly what
// folding the first N + 1 events from nothing gives, wherever the cursor
// came from.
#include <doctest/doctest.h>

#include <random>

#include "gui/lesson_session.hpp"
#include "gui/view_model/mailbox_snapshot.hpp"
#include "gui/view_model/state_timeline.hpp"
#include "lessons/lesson_loader.hpp"
#include "tests/support/synthetic_trace.hpp"

using namespace mailscope;
using namespace mailscope::gui;
using mailscope::test::make_synthetic_trace;

namespace {

bool same_row(const MessageRow& a, const MessageRow& b) {
    return a.uid == b.uid && a.flags == b.flags && a.flags_known == b.flags_known &&
           a.size == b.size && a.subject == b.subject && a.raw_subject == b.raw_subject;
}

bool same_folder(const FolderRow& a, const FolderRow& b) {
    return a.wire == b.wire && a.decoded == b.decoded && a.delimiter == b.delimiter &&
           a.attributes == b.attributes;
}

bool same(const MailboxSnapshot& a, const MailboxSnapshot& b) {
    if (a.mailbox != b.mailbox || a.exists != b.exists || a.recent != b.recent ||
        a.uid_validity != b.uid_validity || a.uid_next != b.uid_next || a.changed != b.changed ||
        a.messages.size() != b.messages.size() || a.folders.size() != b.folders.size() ||
        a.renumbered.has_value() != b.renumbered.has_value()) {
        return false;
    }
    for (std::size_t i = 0; i < a.messages.size(); ++i) {
        if (!same_row(a.messages[i], b.messages[i])) return false;
    }
    for (std::size_t i = 0; i < a.folders.size(); ++i) {
        if (!same_folder(a.folders[i], b.folders[i])) return false;
    }
    return !a.renumbered || (a.renumbered->expunged == b.renumbered->expunged &&
                             a.renumbered->old_count == b.renumbered->old_count);
}

MailboxSnapshot fresh_fold(const sim::SessionTrace& trace, std::uint64_t cursor) {
    MailboxSnapshot snapshot;
    for (std::uint64_t seq = 0; seq <= cursor && seq < trace.size(); ++seq)
        fold(snapshot, trace.at(seq));
    return snapshot;
}

void check_every_cursor(const sim::SessionTrace& trace, std::uint32_t seed) {
    MailboxTimeline timeline;
    timeline.sync(trace);
    StateTimeline states;
    states.sync(trace);
    std::mt19937 random(seed);
    std::uniform_int_distribution<std::uint64_t> pick(0, trace.size() - 1);
    for (int probe = 0; probe < 300; ++probe) {
        // Random jumps, forward crawls and jumps back, as a scrubbing learner makes them.
        const std::uint64_t cursor = probe % 3 == 0 ? pick(random) : (probe * 7) % trace.size();
        INFO("cursor " << cursor);
        CHECK(same(timeline.at(trace, cursor), fresh_fold(trace, cursor)));
        const StateAtCursor state = states.at(trace, cursor);
        std::string name = "Connection Established";
        for (std::uint64_t seq = 0; seq <= cursor; ++seq) {
            if (trace.at(seq).transition) name = trace.at(seq).transition->to.name();
        }
        CHECK(state.name == name);
    }
}

}  // namespace

TEST_CASE("snapshots at any cursor equal a fresh fold over a long synthetic session") {
    const sim::SessionTrace trace = make_synthetic_trace(3000, 5);
    check_every_cursor(trace, 11);
}

TEST_CASE("snapshots at any cursor equal a fresh fold over a real lesson") {
    auto loaded = lessons::load_lesson_file(std::string(MAILSCOPE_TEST_DATA) +
                                            "/gui_screens/lessons/01-two-clients.yaml");
    REQUIRE(loaded.lesson);
    LessonSession session(std::move(*loaded.lesson));
    session.jump_to(10);
    check_every_cursor(session.trace(), 3);
    const MailboxSnapshot end = fresh_fold(session.trace(), session.trace().size() - 1);
    CHECK(end.folders.size() >= 4);
    CHECK(end.uid_validity.has_value());
    CHECK(end.uid_next.has_value());
}
