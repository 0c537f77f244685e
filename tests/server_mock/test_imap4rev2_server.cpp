// IMAP4rev2 (RFC 9051) in the mock server: IMAP4rev1 by default with
// IMAP4rev2 listed, RFC 9051's rules after ENABLE IMAP4rev2 or with
// --imap4rev2-only, side by side with a client that stays on IMAP4rev1.
#include <doctest/doctest.h>

#include <string>

#include "imap_server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

struct Rev2Client : LoggedInClient {
    Rev2Client() {
        CHECK(c.send("e ENABLE IMAP4rev2\r\n") ==
              "* ENABLED IMAP4rev2\r\ne OK ENABLE completed\r\n");
    }
};

}  // namespace

TEST_CASE_FIXTURE(Rev2Client, "after ENABLE IMAP4rev2: SELECT with LIST, no \\Recent, ESEARCH") {
    // RFC 9051 6.3.2: FLAGS, EXISTS and LIST are required; RECENT and
    // UNSEEN are gone (appendix E).
    const std::string selected = c.send("s SELECT INBOX\r\n");
    CHECK(selected.find("* 3 EXISTS\r\n") != std::string::npos);
    CHECK(selected.find("* LIST (\\HasNoChildren) \"/\" INBOX\r\n") != std::string::npos);
    CHECK(selected.find("RECENT") == std::string::npos);
    CHECK(selected.find("UNSEEN") == std::string::npos);
    CHECK(selected.find("s OK [READ-WRITE]") != std::string::npos);
    CHECK(c.send("f FETCH 2 (FLAGS)\r\n") == "* 2 FETCH (FLAGS ())\r\nf OK FETCH completed\r\n");

    // RFC 9051 6.4.4: every SEARCH is answered by ESEARCH, ALL by default.
    CHECK(c.send("a SEARCH UNSEEN\r\n") ==
          "* ESEARCH (TAG \"a\") ALL 2:3\r\na OK SEARCH completed\r\n");
    CHECK(c.send("b UID SEARCH SEEN\r\n") ==
          "* ESEARCH (TAG \"b\") UID ALL 1\r\nb OK UID SEARCH completed\r\n");
    CHECK(c.send("d SEARCH KEYWORD $Nothing\r\n") ==
          "* ESEARCH (TAG \"d\")\r\nd OK SEARCH completed\r\n");
    CHECK(c.send("g SEARCH RETURN (COUNT) ALL\r\n") ==
          "* ESEARCH (TAG \"g\") COUNT 3\r\ng OK SEARCH completed\r\n");

    // LSUB and CHECK are not part of IMAP4rev2.
    CHECK(c.send("h LSUB \"\" *\r\n").starts_with("h BAD LSUB is not part of IMAP4rev2"));
    CHECK(c.send("i CHECK\r\n").starts_with("i BAD CHECK is not part of IMAP4rev2"));
    CHECK(test::violations(c.trace).empty());
}

TEST_CASE_FIXTURE(FilledStore, "a rev1 and a rev2 client side by side see the same change") {
    Client rev1(store), rev2(store);
    rev1.login();
    rev2.login();
    rev2.send("e ENABLE IMAP4rev2\r\n");
    rev1.select();
    rev2.send("s SELECT INBOX\r\n");
    rev1.send("f STORE 2 +FLAGS (\\Flagged)\r\n");
    // RFC 9051 7.5.2: an unsolicited FETCH carries the UID.
    CHECK(rev2.send("n NOOP\r\n") ==
          "* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\nn OK NOOP completed\r\n");
    rev2.send("a APPEND INBOX {5}\r\n");
    rev2.send("hello\r\n");
    // The rev1 client, which selected first, hears EXISTS and RECENT (it
    // holds \Recent for all four); the rev2 client only EXISTS.
    CHECK(rev1.send("m NOOP\r\n") == "* 4 EXISTS\r\n* 4 RECENT\r\nm OK NOOP completed\r\n");
    CHECK(rev2.send("o NOOP\r\n").find("RECENT") == std::string::npos);
    CHECK(rev1.send("p SEARCH FLAGGED\r\n") == "* SEARCH 2\r\np OK SEARCH completed\r\n");
    CHECK(test::violations(rev1.trace).empty());
    CHECK(test::violations(rev2.trace).empty());
}

TEST_CASE_FIXTURE(FilledStore, "IMAP4rev2 names mailboxes in UTF-8, IMAP4rev1 in modified UTF-7") {
    Client rev1(store), rev2(store);
    rev1.login();
    rev2.login();
    rev2.send("e ENABLE IMAP4rev2\r\n");
    CHECK(rev2.send("c CREATE \"Входящие/Работа\"\r\n") == "c OK CREATE completed\r\n");
    CHECK(rev2.send("d CREATE \"R&D\"\r\n") == "d OK CREATE completed\r\n");
    CHECK(rev1.send("l LIST \"\" \"*\"\r\n")
              .find("\"/\" &BBIERQQ+BDQETwRJBDgENQ-/&BCAEMAQxBD4EQgQw-\r\n") != std::string::npos);
    CHECK(rev1.send("m LIST \"\" R*\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" R&-D\r\nm OK LIST completed\r\n");
    CHECK(rev2.send("n LIST \"\" \"Входящие/*\"\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" \"Входящие/Работа\"\r\nn OK LIST completed\r\n");
    CHECK(rev2.send("s STATUS \"R&D\" (MESSAGES)\r\n") ==
          "* STATUS \"R&D\" (MESSAGES 0)\r\ns OK STATUS completed\r\n");
    const std::string selected = rev2.send("t SELECT \"Входящие/Работа\"\r\n");
    CHECK(selected.find("* LIST (\\HasNoChildren) \"/\" \"Входящие/Работа\"\r\n") !=
          std::string::npos);
    // Octets that are not UTF-8 name no mailbox.
    CHECK(rev2.send("u CREATE {2+}\r\n\xff\xfe\r\n").starts_with("u BAD Mailbox name"));
    CHECK(test::violations(rev2.trace).empty());
}

TEST_CASE_FIXTURE(FilledStore, "--imap4rev2-only lists IMAP4rev2 alone and follows it at once") {
    Client only(store, config_with([](auto& config) { config.imap4rev2_only = true; }));
    CHECK(only.greeting.starts_with("* OK [CAPABILITY IMAP4rev2 "));
    only.login();
    // Nothing new to enable.
    CHECK(only.send("e ENABLE IMAP4rev2\r\n") == "* ENABLED\r\ne OK ENABLE completed\r\n");
    const std::string selected = only.send("s SELECT INBOX\r\n");
    CHECK(selected.find("* LIST (\\HasNoChildren) \"/\" INBOX\r\n") != std::string::npos);
    CHECK(selected.find("RECENT") == std::string::npos);
    CHECK(only.send("a SEARCH ALL\r\n") ==
          "* ESEARCH (TAG \"a\") ALL 1:3\r\na OK SEARCH completed\r\n");

    Client off(store, config_with([](auto& config) { config.capabilities.imap4rev2 = false; }));
    CHECK(off.greeting.find("IMAP4rev2") == std::string::npos);
    off.login();
    CHECK(off.send("e ENABLE IMAP4rev2\r\n") == "* ENABLED\r\ne OK ENABLE completed\r\n");
}

TEST_CASE_FIXTURE(SelectedClient, "SEARCHRES: SEARCH RETURN (SAVE) and \"$\" (RFC 5182)") {
    // "$" before any SAVE names nothing.
    CHECK(c.send("a FETCH $ (UID)\r\n") == "a OK FETCH completed\r\n");
    // SAVE alone answers with no ESEARCH.
    CHECK(c.send("b SEARCH RETURN (SAVE) UNSEEN\r\n") == "b OK SEARCH completed\r\n");
    CHECK(c.send("f FETCH $ (UID)\r\n") ==
          "* 2 FETCH (UID 2)\r\n* 3 FETCH (UID 3)\r\nf OK FETCH completed\r\n");
    CHECK(c.send("g UID FETCH $ (FLAGS)\r\n").starts_with("* 2 FETCH (UID 2 FLAGS ("));
    // SAVE with other options answers them; "$" in a search key. With MIN
    // or MAX alone "$" keeps only what they name (RFC 5182 2.4).
    CHECK(c.send("h SEARCH RETURN (SAVE MIN) $ UNSEEN\r\n") ==
          "* ESEARCH (TAG \"h\") MIN 2\r\nh OK SEARCH completed\r\n");
    CHECK(c.send("i SEARCH UID $\r\n") == "* SEARCH 2\r\ni OK SEARCH completed\r\n");
    CHECK(c.send("s STORE $ +FLAGS.SILENT (\\Flagged)\r\n") == "s OK STORE completed\r\n");
    CHECK(c.send("j SEARCH FLAGGED\r\n") == "* SEARCH 2\r\nj OK SEARCH completed\r\n");
    c.send("mm SEARCH RETURN (SAVE MIN MAX) ALL\r\n");
    CHECK(c.send("mf FETCH $ (UID)\r\n") ==
          "* 1 FETCH (UID 1)\r\n* 3 FETCH (UID 3)\r\nmf OK FETCH completed\r\n");
    c.send("mx SEARCH RETURN (SAVE MAX COUNT) UNSEEN\r\n");
    CHECK(c.send("cf FETCH $ (UID)\r\n") ==
          "* 2 FETCH (UID 2)\r\n* 3 FETCH (UID 3)\r\ncf OK FETCH completed\r\n");
    // A failed SAVE empties "$"; so does leaving the mailbox.
    CHECK(c.send("k SEARCH RETURN (SAVE) CHARSET X-NONE ALL\r\n").starts_with("k NO"));
    CHECK(c.send("l FETCH $ (UID)\r\n") == "l OK FETCH completed\r\n");
    c.send("m SEARCH RETURN (SAVE) ALL\r\n");
    c.send("n UNSELECT\r\n");
    c.select();
    CHECK(c.send("o FETCH $ (UID)\r\n") == "o OK FETCH completed\r\n");
    CHECK(test::violations(c.trace).empty());
}

TEST_CASE_FIXTURE(LoggedInClient, "STATUS SIZE is the octets of every message (RFC 8438)") {
    const std::string answer = c.send("s STATUS INBOX (MESSAGES SIZE)\r\n");
    std::uint64_t octets = 0;
    for (const auto& message : store.find("alice", "INBOX")->messages)
        octets += message.size();
    CHECK(answer == "* STATUS INBOX (MESSAGES 3 SIZE " + std::to_string(octets) +
                        ")\r\ns OK STATUS completed\r\n");
}
