#include <doctest/doctest.h>

#include "imap_server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

TEST_CASE_FIXTURE(
    FilledStore,
    "two sessions: EXISTS/RECENT after another's APPEND, \\Recent for one session only") {
    Client a(store);
    Client b(store);
    a.login();
    b.login();
    a.select();
    // a claimed \Recent for the three messages; b selecting now sees none.
    auto b_select = b.send("s SELECT INBOX\r\n");
    CHECK(b_select.find("* 0 RECENT\r\n") != std::string::npos);
    CHECK(b.send("x APPEND INBOX {3+}\r\nnew\r\n") ==
          "* 4 EXISTS\r\n* 0 RECENT\r\nx OK [APPENDUID 100 4] APPEND completed\r\n");
    // The first read-write session gets \Recent for the new message.
    CHECK(a.send("n NOOP\r\n") == "* 4 EXISTS\r\n* 4 RECENT\r\nn OK NOOP completed\r\n");
}

TEST_CASE_FIXTURE(TwoSelected, "two sessions: FETCH FLAGS and EXPUNGE from another session") {
    CHECK(b.send("s STORE 2 +FLAGS (\\Flagged)\r\n") ==
          "* 2 FETCH (FLAGS (\\Flagged))\r\ns OK STORE completed\r\n");
    CHECK(a.send("n NOOP\r\n") ==
          "* 2 FETCH (FLAGS (\\Flagged \\Recent))\r\nn OK NOOP completed\r\n");
    CHECK(b.send("d STORE 1 +FLAGS (\\Deleted)\r\n").ends_with("d OK STORE completed\r\n"));
    CHECK(b.send("e EXPUNGE\r\n") == "* 1 EXPUNGE\r\ne OK EXPUNGE completed\r\n");

    SUBCASE("not during FETCH, STORE or SEARCH (RFC 3501 7.4.1)") {
        CHECK(a.send("f FETCH 2 (FLAGS)\r\n") ==
              "* 2 FETCH (FLAGS (\\Flagged \\Recent))\r\n"
              "* 1 FETCH (FLAGS (\\Deleted \\Seen))\r\nf OK FETCH completed\r\n");
        CHECK(a.send("g SEARCH ALL\r\n") == "* SEARCH 2 3\r\ng OK SEARCH completed\r\n");
        CHECK(a.send("h STORE 2 +FLAGS (\\Answered)\r\n") ==
              "* 2 FETCH (FLAGS (\\Answered \\Flagged \\Recent))\r\nh OK STORE completed\r\n");
        CHECK(a.server.view().size() == 3);
        CHECK(a.send("i CHECK\r\n") == "* 1 EXPUNGE\r\n* 2 RECENT\r\ni OK CHECK completed\r\n");
        CHECK(a.server.view() == std::vector<Uid>{2, 3});
    }
    SUBCASE("a FETCH of the expunged message answers NO (RFC 2180 4.1.2)") {
        CHECK(a.send("f FETCH 1:2 (UID)\r\n") ==
              "* 2 FETCH (UID 2)\r\n"
              "* 1 FETCH (FLAGS (\\Deleted \\Seen))\r\n"
              "f NO [EXPUNGEISSUED] Some of the requested messages were expunged by another "
              "session (RFC 2180 4.1.2)\r\n");
        CHECK(a.send("s STORE 1 +FLAGS (\\Flagged)\r\n") ==
              "s NO [EXPUNGEISSUED] Some of the requested messages were expunged by another "
              "session (RFC 2180 4.1.2)\r\n");
    }
    SUBCASE("UID FETCH may report it") {
        CHECK(a.send("u UID FETCH 2 (FLAGS)\r\n") ==
              "* 2 FETCH (UID 2 FLAGS (\\Flagged \\Recent))\r\n"
              "* 1 FETCH (FLAGS (\\Deleted \\Seen))\r\n* 1 EXPUNGE\r\n"
              "* 2 RECENT\r\nu OK UID FETCH completed\r\n");
    }
}

TEST_CASE_FIXTURE(TwoSelected, "the last FLAGS a session reads are the message's flags now") {
    // RFC 3501 7.4.2: a client keeps the last FLAGS it read. Another
    // session's older change, told after this session's own STORE, must not
    // put back a flag this STORE removed.
    CHECK(a.send("s STORE 1 +FLAGS (\\Answered)\r\n") ==
          "* 1 FETCH (FLAGS (\\Answered \\Seen \\Recent))\r\ns OK STORE completed\r\n");
    const auto reply = b.send("t STORE 1 -FLAGS (\\Seen)\r\n");
    CHECK(reply.starts_with("* 1 FETCH (FLAGS (\\Answered))\r\n"));
    CHECK(reply.ends_with("* 1 FETCH (FLAGS (\\Answered))\r\nt OK STORE completed\r\n"));
    CHECK(reply.find("\\Seen") == std::string::npos);
    CHECK(a.send("n NOOP\r\n") ==
          "* 1 FETCH (FLAGS (\\Answered \\Recent))\r\nn OK NOOP completed\r\n");
    // Several logged changes of one message are told once, as it is now.
    CHECK(b.send("u STORE 2 +FLAGS (\\Flagged)\r\n").ends_with("u OK STORE completed\r\n"));
    CHECK(b.send("v STORE 2 +FLAGS (\\Draft)\r\n").ends_with("v OK STORE completed\r\n"));
    CHECK(a.send("w NOOP\r\n") ==
          "* 2 FETCH (FLAGS (\\Flagged \\Draft \\Recent))\r\nw OK NOOP completed\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "IDLE pushes other sessions' changes on the idle poll") {
    Client a(store);
    Client b(store);
    a.login();
    b.login();
    a.select();
    CHECK(a.send("i IDLE\r\n") == "+ idling\r\n");
    b.send("x APPEND INBOX {3+}\r\nnew\r\n");
    CHECK(a.link.receive().empty());
    a.link.advance(1000 * 1000);
    CHECK(a.link.receive() == "* 4 EXISTS\r\n* 4 RECENT\r\n");
    CHECK(a.send("DONE\r\n") == "i OK IDLE terminated\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "autologout on the virtual clock") {
    Client c(store, config_with([](auto& config) { config.autologout = 60ll * 1000 * 1000; }));
    c.login();
    c.link.advance(59ll * 1000 * 1000);
    CHECK(c.link.receive().empty());
    CHECK(c.send("n NOOP\r\n") == "n OK NOOP completed\r\n");
    c.link.advance(59ll * 1000 * 1000);
    CHECK_FALSE(c.link.server_closed());
    c.link.advance(2ll * 1000 * 1000);
    CHECK(c.link.receive() == "* BYE Autologout; idle for too long\r\n");
    CHECK(c.link.server_closed());
}

TEST_CASE_FIXTURE(FilledStore, "the default autologout is RFC 3501's 30 minutes") {
    Client c(store);
    c.link.advance(29ll * 60 * 1000 * 1000);
    CHECK_FALSE(c.link.server_closed());
    c.link.advance(61ll * 1000 * 1000);
    CHECK(c.link.server_closed());
}

TEST_CASE_FIXTURE(SelectedClient, "1,000 pipelined commands are answered in order") {
    std::string batch;
    std::string expected;
    for (int i = 0; i < 1000; ++i) {
        batch += "p" + std::to_string(i) + " FETCH 2 (UID)\r\n";
        expected += "* 2 FETCH (UID 2)\r\np" + std::to_string(i) + " OK FETCH completed\r\n";
    }
    CHECK(c.send(batch) == expected);
}

TEST_CASE_FIXTURE(LoggedInClient, "a 1 MB line gets BAD and the session goes on") {
    std::string line = "t1 NOOP " + std::string(1 << 20, 'x') + "\r\n";
    auto answer = c.send(line);
    CHECK(answer.find(" BAD ") != std::string::npos);
    CHECK_FALSE(c.link.server_closed());
    CHECK(c.send("t2 NOOP\r\n") == "t2 OK NOOP completed\r\n");
}

TEST_CASE_FIXTURE(LoggedInClient, "a {4294967296} literal is refused") {
    auto answer = c.send("t1 APPEND INBOX {4294967296}\r\n");
    CHECK(answer.starts_with("t1 BAD "));
    CHECK(answer.find("+ ") == std::string::npos);
    CHECK(c.send("t2 NOOP\r\n") == "t2 OK NOOP completed\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "a command that does not parse gets BAD with its tag") {
    Client c(store);
    CHECK(c.send("t1 LOGIN\r\n").starts_with("t1 BAD "));
    CHECK(c.send("\r\n").starts_with("* BAD "));
    CHECK(c.send("t2 NOOP\r\n") == "t2 OK NOOP completed\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "server shutdown says BYE") {
    Client c(store);
    c.server.on_server_shutdown(c.link.now());
    CHECK(c.link.receive() == "* BYE Server shutting down\r\n");
    CHECK(c.link.server_closed());
}

TEST_CASE_FIXTURE(TwoSelected, "a mailbox deleted while another session has it selected: BYE") {
    // RFC 2180 3.3: the other sessions of a deleted mailbox are disconnected,
    // rather than left in a mailbox that no longer exists.
    CHECK(a.send("s SELECT Archive\r\n").find("s OK [READ-WRITE]") != std::string::npos);
    CHECK(b.send("d DELETE Archive\r\n") == "d OK DELETE completed\r\n");
    CHECK(a.send("n NOOP\r\n") ==
          "* BYE The selected mailbox was deleted; disconnecting (RFC 2180 3.3)\r\n");
    CHECK(a.server.wants_close());
    // The session that deletes its own selected mailbox leaves the same way.
    CHECK(b.send("c CREATE Scratch\r\n") == "c OK CREATE completed\r\n");
    CHECK(b.send("s SELECT Scratch\r\n").find("s OK [READ-WRITE]") != std::string::npos);
    CHECK(b.send("d DELETE Scratch\r\n") ==
          "d OK DELETE completed\r\n"
          "* BYE The selected mailbox was deleted; disconnecting (RFC 2180 3.3)\r\n");
    CHECK(b.server.wants_close());
    CHECK(test::violations(b.trace).empty());
    // Its recent messages went with it: no "* 0 RECENT" before the BYE.
    Client c(store);
    c.login();
    CHECK(c.send("c CREATE Full\r\n") == "c OK CREATE completed\r\n");
    CHECK(c.send("a APPEND Full {24+}\r\nSubject: one\r\n\r\nHello\r\n\r\n")
              .starts_with("a OK [APPENDUID "));
    CHECK(c.send("s SELECT Full\r\n").find("* 1 RECENT\r\n") != std::string::npos);
    CHECK(c.send("d DELETE Full\r\n") ==
          "d OK DELETE completed\r\n"
          "* BYE The selected mailbox was deleted; disconnecting (RFC 2180 3.3)\r\n");
}
