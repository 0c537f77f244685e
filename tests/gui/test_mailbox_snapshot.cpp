#include <doctest/doctest.h>

#include <fmt/format.h>

#include "gui/view_model/mailbox_snapshot.hpp"
#include "sim/imap/command.hpp"
#include "sim/imap/event_data.hpp"
#include "sim/imap/response.hpp"
#include "tests/sim/listed_imap.hpp"
#include "tests/support/synthetic_trace.hpp"

using namespace mailscope;
using namespace mailscope::gui;
using mailscope::test::make_synthetic_trace;

namespace {

sim::TraceEvent untagged(std::string name, std::string raw) {
    sim::TraceEvent event;
    event.kind = sim::EventKind::Untagged;
    event.dir = sim::Direction::ServerToClient;
    event.tag.push_back('*');
    event.name = std::move(name);
    event.raw = fmt::format("{}\r\n", raw);
    // The typed fields the engine would set.
    if (auto parsed = imap::parse_response(event.raw); parsed.response)
        imap::add_response_data(event, *parsed.response);
    return event;
}

sim::TraceEvent renumbering(std::uint32_t expunged, std::uint32_t old_count) {
    sim::TraceEvent event;
    event.kind = sim::EventKind::Renumbering;
    event.renumber = sim::Renumber{expunged, old_count};
    return event;
}

sim::TraceEvent select(std::string raw) {
    sim::TraceEvent event;
    event.kind = sim::EventKind::Command;
    event.name = "SELECT";
    event.raw = std::move(raw);
    if (auto parsed = imap::parse_command(event.raw); parsed.command)
        event.mailbox = imap::mailbox_named(*parsed.command);
    return event;
}

MailboxSnapshot three_messages() {
    MailboxSnapshot snapshot;
    fold(snapshot, select("a1 SELECT \"INBOX\"\r\n"));
    fold(snapshot, untagged("EXISTS", "* 3 EXISTS"));
    for (std::uint32_t seq = 1; seq <= 3; ++seq) {
        fold(snapshot, untagged("FETCH", "* " + std::to_string(seq) + " FETCH (UID " +
                                             std::to_string(seq * 10) + ")"));
    }
    return snapshot;
}

bool same_rows(const MailboxSnapshot& a, const MailboxSnapshot& b) {
    if (a.exists != b.exists || a.messages.size() != b.messages.size()) return false;
    for (std::size_t i = 0; i < a.messages.size(); ++i) {
        const auto& x = a.messages[i];
        const auto& y = b.messages[i];
        if (x.uid != y.uid || x.flags != y.flags || x.size != y.size || x.subject != y.subject) {
            return false;
        }
    }
    return a.changed == b.changed && a.mailbox == b.mailbox;
}

}  // namespace

TEST_CASE("FETCH data fills the message table (RFC 3501 7.4.2)") {
    MailboxSnapshot snapshot;
    fold(snapshot, select("a1 SELECT INBOX\r\n"));
    CHECK(snapshot.mailbox == "INBOX");
    fold(snapshot, untagged("EXISTS", "* 2 EXISTS"));
    fold(snapshot, untagged("RECENT", "* 1 RECENT"));
    fold(snapshot,
         untagged("FETCH",
                  "* 2 FETCH (UID 7 FLAGS (\\Seen \\Recent) RFC822.SIZE 4412 ENVELOPE "
                  "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg "
                  "summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
                  "NIL NIL NIL NIL NIL NIL \"<B27397-0100000@cac.washington.edu>\"))"));
    REQUIRE(snapshot.messages.size() == 2);
    const MessageRow& row = snapshot.messages[1];
    CHECK(row.uid == 7u);
    CHECK(row.flags == std::vector<std::string>{"\\Seen", "\\Recent"});
    CHECK(row.size == 4412u);
    CHECK(row.subject == "IMAP4rev1 WG mtg summary and minutes");
    CHECK(snapshot.changed == std::vector<std::uint32_t>{2});
    CHECK(snapshot.recent == 1u);
    CHECK_FALSE(snapshot.messages[0].flags_known);
}

TEST_CASE("FlagChange events set flags and uid") {
    MailboxSnapshot snapshot = three_messages();
    sim::TraceEvent change;
    change.kind = sim::EventKind::FlagChange;
    change.flags = sim::FlagDelta{2, 20, {}, {"\\Deleted"}, false};
    fold(snapshot, change);
    CHECK(snapshot.messages[1].flags == std::vector<std::string>{"\\Deleted"});
    CHECK(snapshot.changed == std::vector<std::uint32_t>{2});
}

TEST_CASE("an expunge reported on the wire and as a renumbering is applied once") {
    for (bool wire_first : {true, false}) {
        MailboxSnapshot snapshot = three_messages();
        const auto wire = untagged("EXPUNGE", "* 2 EXPUNGE");
        const auto internal = renumbering(2, 3);
        fold(snapshot, wire_first ? wire : internal);
        fold(snapshot, wire_first ? internal : wire);
        CHECK(snapshot.exists == 2);
        REQUIRE(snapshot.messages.size() == 2);
        CHECK(snapshot.messages[0].uid == 10u);
        CHECK(snapshot.messages[1].uid == 30u);
        REQUIRE(snapshot.renumbered);
        CHECK(snapshot.renumbered->expunged == 2);
        CHECK(snapshot.renumbered->old_count == 3);
        CHECK(snapshot.renumbered->removed.uid == 20u);
    }
}

TEST_CASE("two wire EXPUNGEs of the same number remove two messages (RFC 3501 7.4.1)") {
    MailboxSnapshot snapshot = three_messages();
    fold(snapshot, untagged("EXPUNGE", "* 2 EXPUNGE"));
    fold(snapshot, untagged("EXPUNGE", "* 2 EXPUNGE"));
    CHECK(snapshot.exists == 1);
    REQUIRE(snapshot.messages.size() == 1);
    CHECK(snapshot.messages[0].uid == 10u);
}

TEST_CASE("a hostile EXISTS does not allocate without bound") {
    MailboxSnapshot snapshot;
    fold(snapshot, untagged("EXISTS", "* 4294967295 EXISTS"));
    CHECK(snapshot.exists == 4294967295u);
    CHECK(snapshot.messages.size() == MailboxSnapshot::max_rows);
    fold(snapshot, untagged("EXISTS", "* 99999999999999999999999 EXISTS"));
    CHECK(snapshot.exists == 4294967295u);
    fold(snapshot, untagged("FETCH", "* 4000000000 FETCH (UID 1)"));
    CHECK(snapshot.messages.size() == MailboxSnapshot::max_rows);
}

TEST_CASE("leaving Selected drops the mailbox") {
    MailboxSnapshot snapshot = three_messages();
    sim::TraceEvent close;
    close.kind = sim::EventKind::StateTransition;
    close.transition = sim::StateChange{imap::State::Selected, imap::State::Authenticated, 6,
                                        "CLOSE", sim::verbatim("CLOSE")};
    fold(snapshot, close);
    CHECK(snapshot.messages.empty());
    CHECK(snapshot.mailbox.empty());
}

TEST_CASE("the checkpointed timeline equals a fold from the start, at any cursor") {
    const auto trace = make_synthetic_trace(4000, 11);
    MailboxTimeline timeline;
    timeline.sync(trace);
    CHECK(timeline.checkpoint_count() > 4);
    std::vector<std::uint64_t> cursors{0, 1, 2, 3999, 17, 18, 19, 2500, 300, 301, 1200, 257, 256};
    for (std::uint64_t c = 5; c < trace.size(); c += 173)
        cursors.push_back(c);
    for (std::uint64_t cursor : cursors) {
        if (cursor >= trace.size()) continue;
        MailboxSnapshot expected;
        for (std::uint64_t seq = 0; seq <= cursor; ++seq)
            fold(expected, trace.at(seq));
        CHECK_MESSAGE(same_rows(timeline.at(trace, cursor), expected), "cursor ", cursor);
    }
}

TEST_CASE("the synthetic session's mailbox matches what the server announced") {
    const auto trace = make_synthetic_trace(1500, 5);
    MailboxTimeline timeline;
    timeline.sync(trace);
    for (std::uint64_t seq = 0; seq < trace.size(); ++seq) {
        const auto& event = trace.at(seq);
        if (event.kind != sim::EventKind::Untagged || event.name != "EXISTS") continue;
        REQUIRE(event.number);
        CHECK(timeline.at(trace, seq).messages.size() == *event.number);
    }
}

TEST_CASE("MODSEQ, HIGHESTMODSEQ and VANISHED reach the table (RFC 7162)") {
    test::ListedImap o("IMAP4rev1 CONDSTORE QRESYNC ENABLE");
    o.client("e ENABLE QRESYNC\r\n");
    o.server("* ENABLED QRESYNC\r\ne OK done\r\n");
    o.client("s SELECT INBOX\r\n");
    o.server("* 4 EXISTS\r\n* OK [HIGHESTMODSEQ 715194045007] ok\r\ns OK done\r\n");
    o.client("f FETCH 1:4 (UID MODSEQ)\r\n");
    o.server(
        "* 1 FETCH (UID 10 MODSEQ (5))\r\n* 2 FETCH (UID 20 MODSEQ (6))\r\n"
        "* 3 FETCH (UID 30 MODSEQ (7))\r\n* 4 FETCH (UID 40 MODSEQ (8))\r\nf OK done\r\n");
    o.client("x EXPUNGE\r\n");
    o.server("* VANISHED 20,40\r\nx OK done\r\n");

    MailboxSnapshot snapshot;
    std::vector<std::uint32_t> struck_out;  // each message shown leaving, by UID
    for (const auto& event : o.trace.events()) {
        fold(snapshot, event);
        if (snapshot.renumbered) struck_out.push_back(snapshot.renumbered->removed.uid.value_or(0));
    }
    CHECK(struck_out == std::vector<std::uint32_t>{20, 40});
    CHECK(snapshot.highest_modseq == 715194045007u);
    CHECK(snapshot.exists == 2);
    REQUIRE(snapshot.messages.size() == 2);
    CHECK(snapshot.messages[0].uid == 10u);
    CHECK(snapshot.messages[0].modseq == 5u);
    CHECK(snapshot.messages[1].uid == 30u);
    CHECK(snapshot.messages[1].modseq == 7u);
}

TEST_CASE("an ESEARCH marks the messages its ALL names, by number or by UID") {
    MailboxSnapshot snapshot = three_messages();
    fold(snapshot, untagged("ESEARCH", "* ESEARCH (TAG \"a\") MIN 2 COUNT 2 ALL 2:3"));
    CHECK(snapshot.search_results == "MIN 2 COUNT 2 ALL 2:3");
    CHECK(snapshot.found == std::vector<std::uint32_t>{2, 3});
    fold(snapshot, untagged("ESEARCH", "* ESEARCH (TAG \"b\") UID ALL 10,30"));
    CHECK(snapshot.search_results == "UID ALL 10,30");
    CHECK(snapshot.found == std::vector<std::uint32_t>{1, 3});
    // Numbers go stale once a message leaves.
    fold(snapshot, untagged("EXPUNGE", "* 1 EXPUNGE"));
    CHECK(snapshot.found.empty());
    fold(snapshot, untagged("ESEARCH", "* ESEARCH (TAG \"c\") COUNT 0"));
    CHECK(snapshot.search_results == "COUNT 0");
    CHECK(snapshot.found.empty());
}
