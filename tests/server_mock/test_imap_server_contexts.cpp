// ESORT and search contexts (RFC 5267) in the mock server: SORT RETURN
// answered by ESEARCH in sort order, PARTIAL windows, and UPDATE contexts
// that tell one client what another client's changes (and its own) did to
// its results, with REMOVEFROM before the EXPUNGE and ADDTO after the EXISTS.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "server_mock/search_results.hpp"
#include "tests/server_mock/imap_server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

TEST_CASE("PARTIAL windows count from 1, either way round, and from the end with a minus") {
    const std::vector<std::uint32_t> found{9, 7, 5, 3, 1};
    CHECK(partial_window(found, "2:3") == std::vector<std::uint32_t>{7, 5});
    CHECK(partial_window(found, "3:2") == std::vector<std::uint32_t>{7, 5});
    CHECK(partial_window(found, "4:100") == std::vector<std::uint32_t>{3, 1});
    CHECK(partial_window(found, "6:10").empty());
    CHECK(partial_window(found, "-1:-2") == std::vector<std::uint32_t>{3, 1});
    CHECK(partial_window(found, "-5:-9") == std::vector<std::uint32_t>{9});
    CHECK(ordered_set_text({9, 7, 1, 2, 3, 5}) == "9,7,1:3,5");
}

TEST_CASE_FIXTURE(TwoSelected, "SORT RETURN answers with ESEARCH in sort order (ESORT)") {
    CHECK(a.send("s1 SORT RETURN (MIN MAX ALL COUNT) (REVERSE SUBJECT) UTF-8 ALL\r\n") ==
          "* ESEARCH (TAG \"s1\") MIN 3 MAX 1 ALL 3,2,1 COUNT 3\r\ns1 OK SORT completed\r\n");
    CHECK(a.send("s2 UID SORT RETURN () (ARRIVAL) UTF-8 ALL\r\n") ==
          "* ESEARCH (TAG \"s2\") UID ALL 1:3\r\ns2 OK UID SORT completed\r\n");
    CHECK(a.send("s3 SORT RETURN (COUNT) (ARRIVAL) UTF-8 DELETED\r\n") ==
          "* ESEARCH (TAG \"s3\") COUNT 0\r\ns3 OK SORT completed\r\n");
    CHECK(a.send("s4 SORT RETURN (SAVE) (ARRIVAL) UTF-8 ALL\r\n")
              .starts_with("s4 BAD Unknown RETURN option SAVE"));
    CHECK(test::violations(a.trace).empty());
}

TEST_CASE_FIXTURE(TwoSelected, "PARTIAL and CONTEXT for SEARCH and SORT (RFC 5267 4.2, 4.4)") {
    CHECK(a.send("p1 SEARCH RETURN (PARTIAL 2:5) ALL\r\n") ==
          "* ESEARCH (TAG \"p1\") PARTIAL (2:5 2:3)\r\np1 OK SEARCH completed\r\n");
    CHECK(a.send("p2 UID SEARCH RETURN (PARTIAL 4:9) ALL\r\n") ==
          "* ESEARCH (TAG \"p2\") UID PARTIAL (4:9 NIL)\r\np2 OK UID SEARCH completed\r\n");
    CHECK(a.send("p3 SORT RETURN (PARTIAL 1:2) (REVERSE SUBJECT) UTF-8 ALL\r\n") ==
          "* ESEARCH (TAG \"p3\") PARTIAL (1:2 3,2)\r\np3 OK SORT completed\r\n");
    // A range written high end first is the same range (RFC 5267 5).
    CHECK(a.send("p6 SEARCH RETURN (PARTIAL 3:2) ALL\r\n") ==
          "* ESEARCH (TAG \"p6\") PARTIAL (2:3 2:3)\r\np6 OK SEARCH completed\r\n");
    CHECK(a.send("p4 SEARCH RETURN (CONTEXT COUNT) ALL\r\n") ==
          "* ESEARCH (TAG \"p4\") COUNT 3\r\np4 OK SEARCH completed\r\n");
    CHECK(a.send("p5 SEARCH RETURN (ALL PARTIAL 1:2) ALL\r\n").starts_with("p5 BAD "));
    CHECK(test::violations(a.trace).size() == 1);
}

TEST_CASE_FIXTURE(TwoSelected,
                  "a SEARCH context follows another client's flags, mail and "
                  "expunges") {
    CHECK(b.send("u1 SEARCH RETURN (UPDATE) UNSEEN\r\n") ==
          "* ESEARCH (TAG \"u1\")\r\nu1 OK SEARCH completed\r\n");
    CHECK(b.send("u2 UID SEARCH RETURN (UPDATE COUNT) UNSEEN\r\n") ==
          "* ESEARCH (TAG \"u2\") UID COUNT 2\r\nu2 OK UID SEARCH completed\r\n");

    a.send("b1 STORE 2 +FLAGS.SILENT (\\Seen)\r\n");
    CHECK(b.send("n1 NOOP\r\n") ==
          "* 2 FETCH (FLAGS (\\Seen))\r\n"
          "* ESEARCH (TAG \"u1\") REMOVEFROM (0 2)\r\n"
          "* ESEARCH (TAG \"u2\") UID REMOVEFROM (0 2)\r\n"
          "n1 OK NOOP completed\r\n");

    a.send("b2 APPEND INBOX {9+}\r\nSubject: \r\n");
    const std::string appended = b.send("n2 NOOP\r\n");
    CHECK(appended.starts_with("* 4 EXISTS\r\n"));
    CHECK(appended.find("* 4 EXISTS") < appended.find("ADDTO"));
    CHECK(appended.find("* ESEARCH (TAG \"u1\") ADDTO (0 4)\r\n") != std::string::npos);
    CHECK(appended.find("* ESEARCH (TAG \"u2\") UID ADDTO (0 4)\r\n") != std::string::npos);

    a.send("b3 STORE 3 +FLAGS.SILENT (\\Deleted)\r\n");
    a.send("b4 EXPUNGE\r\n");
    CHECK(b.send("n3 NOOP\r\n") ==
          "* 3 FETCH (FLAGS (\\Deleted))\r\n"
          "* ESEARCH (TAG \"u1\") REMOVEFROM (0 3)\r\n"
          "* ESEARCH (TAG \"u2\") UID REMOVEFROM (0 3)\r\n"
          "* 3 EXPUNGE\r\n"
          "n3 OK NOOP completed\r\n");
    // Its own STORE changes its results as well, told before the completion.
    CHECK(b.send("s1 STORE 3 +FLAGS.SILENT (\\Seen)\r\n") ==
          "* ESEARCH (TAG \"u1\") REMOVEFROM (0 3)\r\n"
          "* ESEARCH (TAG \"u2\") UID REMOVEFROM (0 4)\r\n"
          "s1 OK STORE completed\r\n");
    CHECK(test::violations(b.trace).empty());
}

TEST_CASE_FIXTURE(TwoSelected, "a SORT context tells positions in its order") {
    CHECK(b.send("s1 UID SORT RETURN (UPDATE ALL) (REVERSE SUBJECT) UTF-8 UNSEEN\r\n") ==
          "* ESEARCH (TAG \"s1\") UID ALL 3,2\r\ns1 OK UID SORT completed\r\n");
    a.send("b1 STORE 3 +FLAGS.SILENT (\\Seen)\r\n");
    CHECK(b.send("n1 NOOP\r\n") ==
          "* 3 FETCH (FLAGS (\\Seen))\r\n"
          "* ESEARCH (TAG \"s1\") UID REMOVEFROM (1 3)\r\n"
          "n1 OK NOOP completed\r\n");
    a.send("b2 APPEND INBOX {9+}\r\nSubject: \r\n");
    a.send("b3 APPEND INBOX {9+}\r\nSubject: \r\n");
    const std::string appended = b.send("n2 NOOP\r\n");
    // Empty subjects sort first, so last in reverse; ties in mailbox order.
    CHECK(appended.find("* ESEARCH (TAG \"s1\") UID ADDTO (2 4:5)\r\n") != std::string::npos);
    a.send("b4 STORE 1:3 -FLAGS.SILENT (\\Seen)\r\n");
    const std::string unseen = b.send("n3 NOOP\r\n");
    // Now 3 2 1 4 5: 3 joins at 1 and 1 at 3, each where the order puts it.
    CHECK(unseen.find("* ESEARCH (TAG \"s1\") UID ADDTO (1 3 3 1)\r\n") != std::string::npos);
    CHECK(test::violations(b.trace).empty());
}

TEST_CASE_FIXTURE(TwoSelected,
                  "message numbers in a context's criteria name the messages of "
                  "the moment it began") {
    CHECK(b.send("u1 SEARCH RETURN (UPDATE ALL) 2:3 UNSEEN\r\n") ==
          "* ESEARCH (TAG \"u1\") ALL 2:3\r\nu1 OK SEARCH completed\r\n");
    a.send("b1 STORE 1 +FLAGS.SILENT (\\Deleted)\r\n");
    a.send("b2 EXPUNGE\r\n");
    a.send("b3 APPEND INBOX {9+}\r\nSubject: \r\n");
    // 2:3 now holds UID 3 and the new UID 4; the context still means UIDs 2 and 3.
    const std::string answer = b.send("n1 NOOP\r\n");
    CHECK(answer.find("ADDTO") == std::string::npos);
    CHECK(answer.find("REMOVEFROM") == std::string::npos);
    a.send("b4 STORE 2 +FLAGS.SILENT (\\Seen)\r\n");
    CHECK(b.send("n2 NOOP\r\n") ==
          "* 2 FETCH (FLAGS (\\Seen))\r\n"
          "* ESEARCH (TAG \"u1\") REMOVEFROM (0 2)\r\n"
          "n2 OK NOOP completed\r\n");
}

TEST_CASE_FIXTURE(TwoSelected,
                  "CANCELUPDATE, a new selection and the limit end or refuse "
                  "contexts") {
    for (int i = 1; i <= 4; ++i)
        b.send(fmt::format("u{} SEARCH RETURN (UPDATE) UNSEEN\r\n", i));
    CHECK(b.send("u5 SEARCH RETURN (UPDATE COUNT) UNSEEN\r\n") ==
          "* NO [NOUPDATE \"u5\"] This session already has 4 searches kept up to date; "
          "CANCELUPDATE one first\r\n"
          "* ESEARCH (TAG \"u5\") COUNT 2\r\n"
          "u5 OK SEARCH completed\r\n");
    CHECK(b.send("u1 SEARCH RETURN (UPDATE) ALL\r\n").starts_with("u1 BAD tag u1 is still in use"));
    CHECK(b.send("c1 CANCELUPDATE \"u1\" \"u2\"\r\n") == "c1 OK No further updates\r\n");
    CHECK(b.send("c2 CANCELUPDATE \"u1\"\r\n").starts_with("c2 BAD No search with the tag"));
    a.send("b1 STORE 2 +FLAGS.SILENT (\\Seen)\r\n");
    const std::string told = b.send("n1 NOOP\r\n");
    CHECK(told.find("\"u1\"") == std::string::npos);
    CHECK(told.find("\"u2\"") == std::string::npos);
    CHECK(told.find("* ESEARCH (TAG \"u3\") REMOVEFROM (0 2)") != std::string::npos);
    CHECK(told.find("* ESEARCH (TAG \"u4\") REMOVEFROM (0 2)") != std::string::npos);

    b.select();
    a.send("b2 STORE 3 +FLAGS.SILENT (\\Seen)\r\n");
    CHECK(b.send("n2 NOOP\r\n").find("ESEARCH") == std::string::npos);
    // Only the rejected reuse of u1 broke a rule.
    CHECK(test::violation_sections(b.trace) == std::vector<std::string>{"RFC 5267 4.3"});
}

TEST_CASE_FIXTURE(FilledStore, "without CONTEXT=SEARCH the options are BAD, ESORT needs SORT") {
    ServerConfig config;
    config.capabilities.contexts = false;
    Client c(store, config);
    CHECK(c.greeting.find("CONTEXT=") == std::string::npos);
    CHECK(c.greeting.find("ESORT") == std::string::npos);
    c.login();
    c.select();
    CHECK(c.send("a SEARCH RETURN (PARTIAL 1:2) ALL\r\n").starts_with("a BAD "));
}
