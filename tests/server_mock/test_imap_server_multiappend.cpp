// MULTIAPPEND (RFC 3502) in the mock server: several messages in one
// APPEND, each with its flags and date, all stored or none; APPENDUID names
// every new UID.
#include <doctest/doctest.h>

#include <string>

#include "tests/server_mock/imap_server_harness.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

TEST_CASE_FIXTURE(LoggedInClient, "MULTIAPPEND stores every message with its own flags and date") {
    CHECK(c.send("a APPEND Archive (\\Seen) {3+}\r\none (\\Flagged) \"01-Feb-2024 10:00:00 +0000\" "
                 "{3+}\r\ntwo {5+}\r\nthree\r\n") ==
          "a OK [APPENDUID 102 1:3] APPEND completed\r\n");
    const Mailbox* archive = store.find("alice", "Archive");
    REQUIRE(archive->messages.size() == 3);
    CHECK(archive->messages[0].flags.has(SystemFlag::Seen));
    CHECK(archive->messages[1].flags.has(SystemFlag::Flagged));
    CHECK(archive->messages[1].internal_date == *make_internal_date(2024, 2, 1, 10, 0, 0, 0));
    CHECK(*archive->messages[2].octets == "three");
}

TEST_CASE_FIXTURE(LoggedInClient, "MULTIAPPEND is all or none (RFC 3502 6.3.11)") {
    // A zero-length message cancels the whole APPEND.
    CHECK(c.send("a APPEND Archive {3+}\r\none {0+}\r\n\r\n")
              .starts_with("a NO APPEND cancelled by an empty message"));
    // A bad flag on the second message refuses the first too.
    CHECK(c.send("b APPEND Archive {3+}\r\none (\\Recent) {3+}\r\ntwo\r\n").starts_with("b BAD "));
    // Over quota with both, though the first alone would fit.
    REQUIRE(c.send("q SETQUOTA #user/alice (MESSAGE 4)\r\n").find("q OK") != std::string::npos);
    CHECK(c.send("d APPEND Archive {3+}\r\none {3+}\r\ntwo\r\n").starts_with("d NO [OVERQUOTA] "));
    CHECK(store.find("alice", "Archive")->messages.empty());
    CHECK(c.send("e APPEND Archive {3+}\r\none\r\n").starts_with("e OK [APPENDUID 102 1]"));
}
