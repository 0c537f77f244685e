// The store's truth beside the client's view: taken after each lesson step,
// shown at the cursor, greyed where the client has not learned it.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "gui/lesson_session.hpp"
#include "gui/view_model/mailbox_snapshot.hpp"
#include "gui/view_model/truth_beside.hpp"
#include "lessons/lesson_loader.hpp"

using namespace mailscope;
using namespace mailscope::gui;

namespace {

lessons::Lesson load(const char* relative) {
    const std::string path = std::string(MAILSCOPE_SOURCE_DIR) + "/lessons/" + relative;
    auto result = lessons::load_lesson_file(path);
    if (result.error) FAIL(lessons::to_string(*result.error));
    return std::move(*result.lesson);
}

struct Moment {
    MailboxSnapshot learned;
    const StoreTruth* truth = nullptr;
};

// The client's mailbox and the store's truth at the end of its trace.
Moment at_end(const LessonSession& session) {
    const sim::SessionTrace& trace = session.trace();
    MailboxTimeline timeline;
    timeline.sync(trace);
    Moment moment;
    const std::uint64_t cursor = trace.empty() ? 0 : trace.size() - 1;
    moment.learned = timeline.at(trace, cursor);
    moment.truth = truth_beside(session.store_truth().at(cursor), moment.learned.mailbox);
    return moment;
}

}  // namespace

TEST_CASE("after SELECT the store fills what the client has not fetched, greyed") {
    LessonSession session(load("imap/08-select-and-examine.yaml"));
    session.jump_to(4);  // a3 SELECT INBOX
    const Moment moment = at_end(session);
    REQUIRE(moment.truth);
    CHECK(moment.truth->mailbox == "INBOX");
    REQUIRE(moment.learned.messages.size() == 6);
    REQUIRE(moment.truth->rows.size() == 6);
    CHECK(moment.truth->store_count == 6);
    const MailboxShown shown = imap_shown(moment.learned, moment.truth);
    CHECK(shown.view == "imap");
    CHECK(shown.rows == 6);
    CHECK(shown.greyed_rows == 6);
    const TruthRow* first = truth_row(moment.truth, 0, moment.learned.messages[0].uid);
    REQUIRE(first);
    CHECK(first->uid == 1);
    CHECK(first->size > 0);
    CHECK_FALSE(first->subject.empty());
}

TEST_CASE("a cell is greyed before FETCH and the client's own after it") {
    LessonSession session(load("imap/10-fetch.yaml"));
    session.jump_to(3);  // a2 SELECT INBOX
    Moment before = at_end(session);
    REQUIRE(before.truth);
    REQUIRE_FALSE(before.learned.messages.empty());
    const MessageRow& unknown = before.learned.messages[0];
    CHECK_FALSE(unknown.flags_known);
    CHECK(imap_row_greyed(unknown, truth_row(before.truth, 0, unknown.uid)));

    session.forward();  // a3 FETCH 1:* FLAGS
    const Moment after = at_end(session);
    REQUIRE(after.truth);
    const MessageRow& known = after.learned.messages[0];
    CHECK(known.flags_known);
    const TruthRow* store = truth_row(after.truth, 0, known.uid);
    REQUIRE(store);
    for (const std::string& flag : store->flags)
        CHECK(std::count(known.flags.begin(), known.flags.end(), flag) == 1);

    // Time travel: the cursor back before the FETCH reply shows the grey again.
    const sim::SessionTrace& trace = session.trace();
    MailboxTimeline timeline;
    timeline.sync(trace);
    const std::uint64_t select_end = session.runner().results()[2].client_events[0].end - 1;
    CHECK_FALSE(timeline.at(trace, select_end).messages[0].flags_known);
    CHECK(session.store_truth().at(select_end) != nullptr);
}

TEST_CASE("another client's EXPUNGE shows in the store before the client hears of it") {
    LessonSession session(load("imap/19-two-clients.yaml"));
    session.jump_to(9);  // B expunged message 6; A has not asked since
    session.select_client(0);
    Moment told_nothing = at_end(session);
    REQUIRE(told_nothing.truth);
    CHECK(told_nothing.learned.exists == 6);
    REQUIRE(told_nothing.truth->rows.size() == 6);
    CHECK_FALSE(told_nothing.truth->rows[5].in_store);
    CHECK(told_nothing.truth->store_count == 5);
    // B's \Seen on message 3 is in the store; A has not fetched flags.
    CHECK(std::count(told_nothing.truth->rows[2].flags.begin(),
                     told_nothing.truth->rows[2].flags.end(), "\\Seen") == 1);

    session.forward();  // a message is delivered
    const Moment delivered = at_end(session);
    REQUIRE(delivered.truth);
    REQUIRE(delivered.truth->unannounced.size() == 1);
    CHECK(delivered.truth->unannounced[0].subject == "Chapter 4");
    CHECK(imap_shown(delivered.learned, delivered.truth).rows == 7);

    session.forward();  // a4 NOOP: A hears of both
    const Moment told = at_end(session);
    REQUIRE(told.truth);
    CHECK(told.learned.exists == 6);
    CHECK(told.truth->unannounced.empty());
    CHECK(std::all_of(told.truth->rows.begin(), told.truth->rows.end(),
                      [](const TruthRow& row) { return row.in_store; }));

    // The cursor back on A's events before the NOOP: the truth of then.
    const std::uint64_t before_noop = session.runner().results()[9].client_events[0].end - 1;
    const StoreTruth* then = session.store_truth().at(before_noop);
    REQUIRE(then);
    CHECK(then->unannounced.size() == 1);

    // Stepping back forgets the truths of the steps undone.
    session.back();
    session.back();
    const Moment undone = at_end(session);
    REQUIRE(undone.truth);
    CHECK(undone.truth->unannounced.empty());
    CHECK_FALSE(undone.truth->rows[5].in_store);
}

TEST_CASE("the truth history keeps one snapshot per change and picks the one at the cursor") {
    TruthHistory history;
    CHECK(history.at(0) == nullptr);
    StoreTruth selected;
    selected.mailbox = "INBOX";
    selected.rows.push_back({1, true, {"\\Seen"}, 10, "one"});
    history.record(1, 4, StoreTruth{});  // nothing selected yet
    history.record(2, 9, selected);
    history.record(3, 12, selected);  // unchanged: not kept twice
    CHECK(history.size() == 2);
    CHECK(history.at(2) == nullptr);
    CHECK(history.at(7) == nullptr);
    REQUIRE(history.at(8));
    CHECK(history.at(8)->rows.size() == 1);
    StoreTruth expunged = selected;
    expunged.rows[0].in_store = false;
    history.record(4, 12, expunged);
    CHECK_FALSE(history.at(20)->rows[0].in_store);
    history.keep_steps(3);
    CHECK(history.at(20)->rows[0].in_store);
}

TEST_CASE("the truth is only beside the same mailbox") {
    StoreTruth truth;
    truth.mailbox = "INBOX";
    CHECK(truth_beside(&truth, "inbox") == &truth);
    CHECK(truth_beside(&truth, "Sent") == nullptr);
    CHECK(truth_beside(&truth, "") == nullptr);
    truth.mailbox = "Sent";
    CHECK(truth_beside(&truth, "sent") == nullptr);
    truth.rows.push_back({7, true, {}, 1, ""});
    CHECK(truth_row(&truth, 0, 7u));
    CHECK(truth_row(&truth, 0, std::nullopt));
    CHECK(truth_row(&truth, 0, 8u) == nullptr);
    CHECK(truth_row(&truth, 1, std::nullopt) == nullptr);
}
