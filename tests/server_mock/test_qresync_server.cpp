// QRESYNC in the mock server (RFC 7162 3.2), with two connections: one
// client changes and expunges while the other is away, then resynchronises
// with SELECT (QRESYNC ...) or UID FETCH (... VANISHED); a client that
// enabled QRESYNC hears VANISHED instead of EXPUNGE, and the UID in every
// FETCH it is told. Each session's own engine checks the exchange as well.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "imap_server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

std::uint64_t number_after(const std::string& answer, std::string_view word) {
    std::size_t at = answer.find(word);
    REQUIRE(at != std::string::npos);
    at = answer.find_first_of("0123456789", at + word.size());
    return std::stoull(answer.substr(at));
}

// alice's INBOX with six messages (UIDs 1 to 6); `a` enabled QRESYNC and
// learned HIGHESTMODSEQ, then left INBOX (it "goes away"); `b` stays.
struct Resync : FilledStore {
    Resync() {
        const MailboxId inbox = store.find("alice", "INBOX")->id;
        for (int i = 0; i < 3; ++i) {
            REQUIRE(
                store.append(inbox, fmt::format("Subject: more {}\r\n\r\nx\r\n", i), {}, kTestDate)
                    .ok());
        }
        a.login();
        b.login();
        CHECK(a.send("e ENABLE QRESYNC\r\n") == "* ENABLED QRESYNC\r\ne OK ENABLE completed\r\n");
        const std::string selected = a.send("s SELECT INBOX\r\n");
        CHECK(selected.find("* OK [UIDVALIDITY 100]") != std::string::npos);
        highest = number_after(selected, "HIGHESTMODSEQ");
        CHECK(a.send("u UNSELECT\r\n") == "u OK UNSELECT completed\r\n");
        b.select();
    }
    Client a{store};
    Client b{store};
    std::uint64_t highest = 0;
};

}  // namespace

TEST_CASE_FIXTURE(Resync, "SELECT (QRESYNC ...) tells what was expunged and what changed since") {
    b.send("f STORE 2 +FLAGS (\\Flagged)\r\n");
    b.send("d STORE 3,5 +FLAGS (\\Deleted)\r\n");
    CHECK(b.send("x EXPUNGE\r\n").find("x OK") != std::string::npos);

    const std::string resync =
        a.send(fmt::format("r SELECT INBOX (QRESYNC (100 {}))\r\n", highest));
    CHECK(resync.find("* 4 EXISTS") != std::string::npos);
    CHECK(resync.find("* VANISHED (EARLIER) 3,5\r\n") != std::string::npos);
    CHECK(resync.find("* 2 FETCH (UID 2 FLAGS (\\Flagged \\Recent) MODSEQ (") != std::string::npos);
    // Nothing about messages that did not change.
    CHECK(resync.find("* 1 FETCH") == std::string::npos);
    CHECK(resync.find("r OK [READ-WRITE]") != std::string::npos);
    const std::uint64_t now = number_after(resync, "HIGHESTMODSEQ");
    CHECK(now > highest);

    // Known UIDs narrow it; a wrong UIDVALIDITY means a full resync, so nothing.
    const std::string narrow =
        a.send(fmt::format("n SELECT INBOX (QRESYNC (100 {} 4:6))\r\n", highest));
    CHECK(narrow.starts_with("* OK [CLOSED]"));
    CHECK(narrow.find("* VANISHED (EARLIER) 5\r\n") != std::string::npos);
    CHECK(narrow.find("FETCH") == std::string::npos);
    const std::string mismatch =
        a.send(fmt::format("m SELECT INBOX (QRESYNC (99 {}))\r\n", highest));
    CHECK(mismatch.find("VANISHED") == std::string::npos);
    CHECK(mismatch.find("FETCH") == std::string::npos);
    // Nothing changed since now.
    const std::string quiet = a.send(fmt::format("q SELECT INBOX (QRESYNC (100 {}))\r\n", now));
    CHECK(quiet.find("VANISHED") == std::string::npos);
    CHECK(quiet.find("FETCH") == std::string::npos);
    CHECK(test::violations(a.trace).empty());
    CHECK(test::violations(b.trace).empty());
}

TEST_CASE_FIXTURE(Resync, "sequence match data: removals the client already knows stay untold") {
    b.send("d STORE 1,5 +FLAGS (\\Deleted)\r\n");
    b.send("x EXPUNGE\r\n");
    // The client's 1st message was UID 2 and its 3rd UID 4, and so they are
    // now: it knew of every removal up to UID 4, and hears only of UID 5.
    const std::string answer =
        a.send(fmt::format("r SELECT INBOX (QRESYNC (100 {} 1:6 (1,3 2,4)))\r\n", highest));
    CHECK(answer.find("* VANISHED (EARLIER) 5\r\n") != std::string::npos);
    // Once a pair no longer matches, the report goes down to it again.
    const std::string stale =
        a.send(fmt::format("t SELECT INBOX (QRESYNC (100 {} 1:6 (1,3 1,4)))\r\n", highest));
    CHECK(stale.find("* VANISHED (EARLIER) 1,5\r\n") != std::string::npos);
    CHECK(test::violations(a.trace).empty());
}

TEST_CASE_FIXTURE(Resync, "UID FETCH (CHANGEDSINCE n VANISHED) tells the removals first") {
    a.select();
    b.send("d STORE 2,6 +FLAGS (\\Deleted)\r\n");
    b.send("x EXPUNGE\r\n");
    b.send("f STORE 3 +FLAGS (\\Answered)\r\n");
    // a is told of b's changes by VANISHED and a FETCH with UID and MODSEQ.
    const std::string told = a.send("n NOOP\r\n");
    CHECK(told.find("* VANISHED 2\r\n") != std::string::npos);
    CHECK(told.find("* VANISHED 6\r\n") != std::string::npos);
    CHECK(told.find("EXPUNGE") == std::string::npos);
    // Flags that changed before the removal come with that change's MODSEQ.
    CHECK(told.find("* 2 FETCH (UID 2 FLAGS (\\Deleted) MODSEQ (") != std::string::npos);
    // b's message 3 was UID 4 when it stored: a knows it as message 3 too.
    CHECK(told.find("* 3 FETCH (UID 4 FLAGS (\\Answered \\Recent) MODSEQ (") != std::string::npos);

    const std::string fetched =
        a.send(fmt::format("v UID FETCH 1:* (FLAGS) (CHANGEDSINCE {} VANISHED)\r\n", highest));
    CHECK(fetched.starts_with("* VANISHED (EARLIER) 2,6\r\n"));
    CHECK(fetched.find("* 3 FETCH (UID 4 FLAGS (\\Answered \\Recent) MODSEQ (") !=
          std::string::npos);
    CHECK(fetched.find("v OK UID FETCH completed") != std::string::npos);
    CHECK(test::violations(a.trace).empty());
}

TEST_CASE_FIXTURE(Resync, "after ENABLE QRESYNC the client's own expunges come as one VANISHED") {
    a.select();
    a.send("d STORE 1:2,5 +FLAGS.SILENT (\\Deleted)\r\n");
    const std::string expunged = a.send("x EXPUNGE\r\n");
    CHECK(expunged.starts_with("* VANISHED 1:2,5\r\n"));
    CHECK(expunged.find("x OK [HIGHESTMODSEQ ") != std::string::npos);
    // STORE answers carry the UID too (RFC 7162 3.2.4).
    CHECK(a.send("f STORE 1 +FLAGS (\\Flagged)\r\n").starts_with("* 1 FETCH (UID 3 FLAGS ("));
    // MOVE as well: VANISHED, and the new HIGHESTMODSEQ with the completion.
    const std::string moved = a.send("m MOVE 1 Archive\r\n");
    CHECK(moved.find("* VANISHED 3\r\n") != std::string::npos);
    CHECK(moved.find("m OK [HIGHESTMODSEQ ") != std::string::npos);
    // b never enabled QRESYNC: it hears EXPUNGE.
    CHECK(b.send("n NOOP\r\n").find("* 1 EXPUNGE") != std::string::npos);
    CHECK(test::violations(a.trace).empty());
    CHECK(test::violations(b.trace).empty());
}

TEST_CASE_FIXTURE(Resync, "a mod-sequence older than the removals kept: every absent UID is told") {
    // More removals than a mailbox remembers (UIDs 7 to 10008), all at once.
    const MailboxId inbox = store.find("alice", "INBOX")->id;
    FlagSet deleted;
    deleted.set(SystemFlag::Deleted, true);
    for (std::size_t i = 0; i < kMaxTombstones + 2; ++i)
        REQUIRE(store.append(inbox, "Subject: gone\r\n\r\nx\r\n", deleted, kTestDate).ok());
    REQUIRE(store.expunge(inbox, std::nullopt, kNoSession).ok());
    CHECK(store.mailbox(inbox)->tombstones.size() == kMaxTombstones);

    a.select();
    CHECK(a.send(fmt::format("v UID FETCH 1:* (FLAGS) (CHANGEDSINCE {} VANISHED)\r\n", highest))
              .starts_with("* VANISHED (EARLIER) 7:10008\r\n"));
    // From a mod-sequence the mailbox still covers, only what it remembers.
    const ModSeq kept = store.mailbox(inbox)->tombstones.front().modseq;
    CHECK(a.send(fmt::format("w UID FETCH 5:* (FLAGS) (CHANGEDSINCE {} VANISHED)\r\n", kept))
              .starts_with("* VANISHED (EARLIER) 10:10008\r\n"));
}

TEST_CASE_FIXTURE(FilledStore, "QRESYNC forms are refused before ENABLE, VANISHED without UID") {
    Client c(store);
    c.login();
    CHECK(
        c.send("a SELECT INBOX (QRESYNC (100 1))\r\n").starts_with("a BAD the QRESYNC parameter"));
    c.select();
    CHECK(c.send("b UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)\r\n")
              .starts_with("b BAD VANISHED needs ENABLE QRESYNC"));
    CHECK(c.send("c FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)\r\n")
              .starts_with("c BAD VANISHED is a modifier of UID FETCH only"));
    // Selecting again while selected marks the boundary with CLOSED.
    CHECK(c.send("d SELECT INBOX\r\n").starts_with("* OK [CLOSED]"));

    Client off(store, config_with([](auto& config) { config.capabilities.condstore = false; }));
    off.login();
    CHECK(off.send("e ENABLE QRESYNC\r\n") == "* ENABLED\r\ne OK ENABLE completed\r\n");
    CHECK(off.send("c CAPABILITY\r\n").find("QRESYNC") == std::string::npos);
}
