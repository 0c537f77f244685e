// CONDSTORE in the mock server (RFC 7162 3.1), with two connections where
// the rule is about another client's change: a conditional STORE never
// overwrites a change it has not seen, and a CONDSTORE-aware client hears
// mod-sequences in every FETCH it is told.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "imap_server_harness.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

// The number in the first "MODSEQ (n)" or "MODSEQ n" after `after`.
std::uint64_t modseq_in(const std::string& answer, std::string_view after = "") {
    std::size_t at = answer.find("MODSEQ", answer.find(after));
    REQUIRE(at != std::string::npos);
    at = answer.find_first_of("0123456789", at);
    return std::stoull(answer.substr(at));
}

}  // namespace

TEST_CASE_FIXTURE(TwoSelected, "a conditional STORE leaves alone what another client changed") {
    const std::string before = a.send("m FETCH 2 (MODSEQ)\r\n");
    const std::uint64_t seen = modseq_in(before);
    CHECK(before.find("m OK") != std::string::npos);

    // RFC 7162 3.1.3: the FETCH with MODSEQ comes even with .SILENT.
    const std::string stored =
        a.send(fmt::format("s STORE 2 (UNCHANGEDSINCE {}) +FLAGS.SILENT (\\Flagged)\r\n", seen));
    CHECK(stored.starts_with("* 2 FETCH (MODSEQ ("));
    CHECK(stored.find("FLAGS") == std::string::npos);
    CHECK(stored.find("s OK") != std::string::npos);
    const std::uint64_t after = modseq_in(stored);
    CHECK(after > seen);

    // b still believes the old mod-sequence: its STORE is refused for that
    // message and named in MODIFIED, the other message is changed.
    const std::string refused =
        b.send(fmt::format("t STORE 1:2 (UNCHANGEDSINCE {}) +FLAGS (\\Deleted)\r\n", seen));
    CHECK(refused.find("t OK [MODIFIED 2]") != std::string::npos);
    CHECK(refused.find("* 1 FETCH (FLAGS (\\Deleted \\Seen) MODSEQ (") != std::string::npos);
    CHECK(b.send("u FETCH 2 (FLAGS)\r\n").find("FLAGS (\\Flagged") != std::string::npos);

    // UNCHANGEDSINCE 0 fails for every message (RFC 7162 3.1.3 example 7);
    // UID STORE names UIDs.
    CHECK(b.send("v UID STORE 3 (UNCHANGEDSINCE 0) +FLAGS.SILENT (\\Seen)\r\n")
              .find("v OK [MODIFIED 3]") != std::string::npos);
}

TEST_CASE_FIXTURE(TwoSelected, "CHANGEDSINCE, SEARCH MODSEQ, HIGHESTMODSEQ and told changes") {
    const std::uint64_t start = modseq_in(a.send("m FETCH 3 (MODSEQ)\r\n"));
    // The first enabling command with a mailbox selected tells HIGHESTMODSEQ.
    const std::string first = b.send("e FETCH 1 (MODSEQ)\r\n");
    CHECK(first.starts_with("* OK [HIGHESTMODSEQ "));
    CHECK(b.send("f FETCH 1 (MODSEQ)\r\n").find("HIGHESTMODSEQ") == std::string::npos);

    a.send("s STORE 2 +FLAGS (\\Answered)\r\n");
    // b is CONDSTORE-aware: the unsolicited FETCH carries MODSEQ (RFC 7162 3.1).
    const std::string told = b.send("n NOOP\r\n");
    CHECK(told.find("* 2 FETCH (FLAGS (\\Answered) MODSEQ (") != std::string::npos);
    const std::uint64_t changed = modseq_in(told);
    CHECK(changed > start);

    // Only messages changed since, each with MODSEQ added (RFC 7162 3.1.4.1).
    const std::string since =
        b.send(fmt::format("c UID FETCH 1:* (FLAGS) (CHANGEDSINCE {})\r\n", changed - 1));
    CHECK(since == fmt::format("* 2 FETCH (UID 2 FLAGS (\\Answered) MODSEQ ({}))\r\n"
                               "c OK UID FETCH completed\r\n",
                               changed));

    CHECK(b.send(fmt::format("q SEARCH MODSEQ {}\r\n", changed)) ==
          fmt::format("* SEARCH 2 (MODSEQ {})\r\nq OK SEARCH completed\r\n", changed));
    CHECK(b.send(fmt::format("r SEARCH MODSEQ {}\r\n", changed + 1)) ==
          "* SEARCH\r\nr OK SEARCH completed\r\n");
    CHECK(b.send(fmt::format("x SEARCH RETURN (COUNT) MODSEQ \"/flags/\\\\answered\" all {}\r\n",
                             changed)) ==
          fmt::format("* ESEARCH (TAG \"x\") COUNT 1 MODSEQ {}\r\nx OK SEARCH completed\r\n",
                      changed));

    const std::string status = a.send("t STATUS Archive (HIGHESTMODSEQ MESSAGES)\r\n");
    CHECK(status.starts_with("* STATUS Archive (HIGHESTMODSEQ 1 MESSAGES 0)"));
    const std::string selected = a.send("u SELECT INBOX (CONDSTORE)\r\n");
    CHECK(selected.find(fmt::format("* OK [HIGHESTMODSEQ {}]", changed)) != std::string::npos);
}

TEST_CASE_FIXTURE(FilledStore, "CONDSTORE forms are refused when it is off, unknown ones always") {
    Client off(store, config_with([](auto& config) { config.capabilities.condstore = false; }));
    off.login();
    CHECK(off.send("a SELECT INBOX (CONDSTORE)\r\n")
              .starts_with("a BAD SELECT parameter CONDSTORE needs CONDSTORE"));
    CHECK(off.send("b ENABLE CONDSTORE\r\n") == "* ENABLED\r\nb OK ENABLE completed\r\n");
    off.select();
    CHECK(off.send("c STORE 1 (UNCHANGEDSINCE 5) +FLAGS (\\Seen)\r\n").starts_with("c BAD"));
    CHECK(off.send("d FETCH 1 (FLAGS) (CHANGEDSINCE 5)\r\n").starts_with("d BAD"));
    CHECK(off.send("e SEARCH MODSEQ 5\r\n").starts_with("e BAD"));

    Client on(store);
    on.login();
    CHECK(on.send("f SELECT INBOX (FOO)\r\n").starts_with("f BAD Unknown SELECT parameter FOO"));
    CHECK(on.send("g EXAMINE INBOX (QRESYNC (1 2))\r\n").starts_with("g BAD"));
}
