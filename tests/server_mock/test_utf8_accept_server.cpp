// UTF8=ACCEPT (RFC 6855) in the mock server: after ENABLE, mailbox names in
// UTF-8, messages with UTF-8 headers in APPEND UTF8 (~{n}), and no CHARSET
// in SEARCH; before it, 8-bit header fields are refused.
#include <doctest/doctest.h>

#include <string>

#include "imap_server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

const std::string kUtf8Message = "Subject: Привет\r\n\r\nтело\r\n";

std::string append_utf8(std::string_view tag, std::string_view mailbox) {
    return std::string(tag) + " APPEND " + std::string(mailbox) + " UTF8 (~{" +
           std::to_string(kUtf8Message.size()) + "+}\r\n" + kUtf8Message + ")\r\n";
}

}  // namespace

TEST_CASE_FIXTURE(LoggedInClient,
                  "after ENABLE UTF8=ACCEPT names are UTF-8 and UTF8 APPEND works") {
    // Before ENABLE: the UTF8 form is refused, and so are 8-bit headers in a plain literal.
    CHECK(c.send(append_utf8("a", "Archive")).starts_with("a BAD APPEND with UTF8"));
    CHECK(c.send("b APPEND Archive {" + std::to_string(kUtf8Message.size()) + "+}\r\n" +
                 kUtf8Message + "\r\n")
              .starts_with("b NO The message has 8-bit header fields"));

    CHECK(c.send("e ENABLE UTF8=ACCEPT\r\n") ==
          "* ENABLED UTF8=ACCEPT\r\ne OK ENABLE completed\r\n");
    CHECK(c.send("c CREATE \"Черновики\"\r\n") == "c OK CREATE completed\r\n");
    CHECK(c.send(append_utf8("d", "\"Черновики\"")).starts_with("d OK [APPENDUID "));
    CHECK(c.send("l LIST \"\" \"Ч*\"\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" \"Черновики\"\r\nl OK LIST completed\r\n");
    c.send("s SELECT \"Черновики\"\r\n");
    CHECK(c.send("f FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n").find("Привет") !=
          std::string::npos);
    // RFC 6855 3: the strings are UTF-8 now; a CHARSET contradicts that.
    CHECK(c.send("g SEARCH CHARSET UTF-8 SUBJECT \"Привет\"\r\n")
              .starts_with("g BAD SEARCH takes no CHARSET after ENABLE UTF8=ACCEPT"));
    CHECK(c.send("h SEARCH SUBJECT \"Привет\"\r\n") == "* SEARCH 1\r\nh OK SEARCH completed\r\n");
    CHECK(test::violations(c.trace).empty());

    // A client that stays on modified UTF-7 sees the same mailbox so.
    Client rev1(store);
    rev1.login();
    CHECK(rev1.send("l LIST \"\" \"&BCc-*\"\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" &BCcENQRABD0EPgQyBDgEOgQ4-\r\nl OK LIST completed\r\n");
}

TEST_CASE_FIXTURE(FilledStore,
                  "UTF8=ACCEPT switched off: not listed, not enabled, 8-bit APPEND kept") {
    Client off(store, config_with([](auto& config) { config.capabilities.utf8_accept = false; }));
    CHECK(off.greeting.find("UTF8=ACCEPT") == std::string::npos);
    off.login();
    CHECK(off.send("e ENABLE UTF8=ACCEPT\r\n") == "* ENABLED\r\ne OK ENABLE completed\r\n");
    CHECK(off.send("b APPEND Archive {" + std::to_string(kUtf8Message.size()) + "+}\r\n" +
                   kUtf8Message + "\r\n")
              .starts_with("b OK"));
}
