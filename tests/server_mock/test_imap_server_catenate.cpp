// CATENATE (RFC 4469) in the mock server: APPEND builds a message from the
// client's TEXT literals and from URLs of messages or parts the user may
// read, answers NO [BADURL url] for the first URL that names nothing
// readable (a mailbox of another user the same as a missing one), NO
// [TOOBIG] past the size limit, and with MULTIAPPEND stores every message
// or none.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "tests/server_mock/imap_server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

// INBOX message 2 of fill_store().
constexpr std::string_view kCatenateSecond =
    "From: bob@example.org\r\nSubject: second\r\n\r\nbody second\r\n";

constexpr std::string_view kCatenateReportHeader =
    "From: bob@example.org\r\n"
    "Subject: report\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
    "\r\n";
constexpr std::string_view kCatenateAttachmentMime =
    "Content-Type: application/octet-stream\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n";

std::string catenate_report() {
    return fmt::format(
        "{}--XX\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n--XX\r\n{}AAECAw==\r\n"
        "--XX--\r\n",
        kCatenateReportHeader, kCatenateAttachmentMime);
}

// " {n+}\r\n" and the octets: a TEXT part's literal under LITERAL+.
std::string catenate_literal(std::string_view octets) {
    return fmt::format("{{{}+}}\r\n{}", octets.size(), octets);
}

// The FilledStore (INBOX UIDVALIDITY 100, bob's INBOX 101, Archive 102)
// with the multipart report as INBOX UID 4, other users' mailboxes under
// "#users/", and a message in bob's INBOX that alice may not read.
struct CatenateStore : FilledStore {
    CatenateStore() {
        REQUIRE_FALSE(store.set_namespaces({NamespaceDefinition{"#users/"}, {}}).has_value());
        REQUIRE(
            store.append(store.find("alice", "INBOX")->id, catenate_report(), {}, kTestDate).ok());
        REQUIRE(store
                    .append(store.find("bob", "INBOX")->id,
                            "From: carol@example.org\r\nSubject: for bob\r\n\r\nprivate\r\n", {},
                            kTestDate)
                    .ok());
    }
    const Mailbox& archive() const { return *store.find("alice", "Archive"); }
    std::string archived(std::size_t index) const { return *archive().messages.at(index).octets; }
};

struct CatenateClient : CatenateStore {
    CatenateClient() { c.login(); }
    Client c{store};
};

}  // namespace

TEST_CASE_FIXTURE(CatenateClient, "TEXT, URL and TEXT make a forwarded message (RFC 4469 3)") {
    CHECK(c.greeting.find(" MULTIAPPEND CATENATE ") != std::string::npos);
    CHECK(c.send("c CAPABILITY\r\n").find(" CATENATE ") != std::string::npos);

    const std::string intro =
        "From: alice@example.org\r\nSubject: Fwd: second\r\nContent-Type: message/rfc822\r\n\r\n";
    const std::string outro = "\r\n-- \r\nalice\r\n";
    CHECK(c.send(fmt::format("a APPEND Archive (\\Flagged) CATENATE (TEXT {} URL "
                             "\"/INBOX;UIDVALIDITY=100/;UID=2\" TEXT {})\r\n",
                             catenate_literal(intro), catenate_literal(outro))) ==
          "a OK [APPENDUID 102 1] APPEND completed\r\n");
    REQUIRE(archive().messages.size() == 1);
    CHECK(archived(0) == intro + std::string(kCatenateSecond) + outro);
    CHECK(archive().messages[0].flags.has(SystemFlag::Flagged));
    // Catenating a message does not read it for the user (RFC 4469 3).
    CHECK_FALSE(store.find("alice", "INBOX")->find(2)->flags.has(SystemFlag::Seen));

    // Synchronising literals: one "+" for each TEXT.
    CHECK(c.send("b APPEND Archive CATENATE (TEXT {4}\r\n") == "+ Ready for literal data\r\n");
    CHECK(c.send("Hi\r\n URL \"/INBOX/;UID=1\" TEXT {5}\r\n") == "+ Ready for literal data\r\n");
    CHECK(c.send("\r\nBye)\r\n") == "b OK [APPENDUID 102 2] APPEND completed\r\n");
    CHECK(archived(1) ==
          "Hi\r\nFrom: bob@example.org\r\nSubject: first\r\n\r\nbody first\r\n\r\nBye");
    // The server's engine saw a client that used a listed capability.
    CHECK(test::violation_rules(c.trace).empty());
}

TEST_CASE_FIXTURE(CatenateClient, "SECTION and PARTIAL narrow what a URL copies") {
    // The report's header, its attachment's MIME header and body: the
    // attachment alone, as a message of its own.
    CHECK(c.send("a APPEND Archive CATENATE (URL \"/INBOX/;UID=4/;SECTION=2.MIME\" URL "
                 "\"/INBOX/;UID=4/;section=2\")\r\n") ==
          "a OK [APPENDUID 102 1] APPEND completed\r\n");
    CHECK(archived(0) == std::string(kCatenateAttachmentMime) + "AAECAw==");

    CHECK(c.send("b APPEND Archive CATENATE (URL \"/INBOX/;UID=4/;SECTION=HEADER\" URL "
                 "\"/INBOX/;UID=4/;SECTION=1/;PARTIAL=4.3\" TEXT {5+}\r\n!\r\n\r\n)\r\n") ==
          "b OK [APPENDUID 102 2] APPEND completed\r\n");
    CHECK(archived(1) == std::string(kCatenateReportHeader) + "the!\r\n\r\n");

    CHECK(c.send("c APPEND Archive CATENATE (URL \"/INBOX/;UID=2/;SECTION=TEXT/;PARTIAL=5\" URL "
                 "\"/INBOX/;UID=2/;SECTION=HEADER.FIELDS%20(Subject)\")\r\n") ==
          "c OK [APPENDUID 102 3] APPEND completed\r\n");
    CHECK(archived(2) == "second\r\nSubject: second\r\n\r\n");

    // Without a mailbox the URL is relative to the selected one.
    c.select("INBOX");
    CHECK(c.send("d APPEND Archive CATENATE (URL \";UID=4/;SECTION=1\")\r\n") ==
          "d OK [APPENDUID 102 4] APPEND completed\r\n");
    CHECK(archived(3) == "See the attachment.");
}

TEST_CASE_FIXTURE(CatenateClient, "a URL that names nothing readable is NO [BADURL url]") {
    struct Refused {
        const char* url;
        const char* text;
    };
    const Refused cases[] = {
        {"/INBOX;UIDVALIDITY=99/;UID=1",
         "The mailbox's UIDVALIDITY is 100, not 99: the URL's UIDs may name other messages now "
         "(RFC 4469 4.1)"},
        {"/INBOX/;UID=77", "There is no message with UID 77 there (RFC 4469 4.1)"},
        {"/INBOX/;UID=4/;SECTION=3", "Message UID 4 has no section 3 (RFC 4469 4.1)"},
        {"/INBOX/;UID=4/;SECTION=1.2", "Message UID 4 has no section 1.2 (RFC 4469 4.1)"},
        {"/INBOX",
         "The URL names no message: a message URL is /mailbox;UIDVALIDITY=n/;UID=n, then "
         "/;SECTION=s and /;PARTIAL=o.l if wanted (RFC 5092)"},
        {";UID=1",
         "The URL names no mailbox and none is selected for it to be relative to (RFC 4469 3)"},
        {"/Nowhere/;UID=1", "The URL names no mailbox you may read (RFC 4469 4.1)"},
        {"/%23users/bob/INBOX/;UID=1", "The URL names no mailbox you may read (RFC 4469 4.1)"},
        // RFC 4469 3: absolute URLs, whatever server and user they name,
        // are beyond CATENATE alone.
        {"imap://bob@mailscope.test/INBOX/;UID=1",
         "Only URLs relative to this session are read, such as /INBOX;UIDVALIDITY=n/;UID=n; an "
         "absolute imap:// URL is beyond CATENATE (RFC 4469 3)"},
        {"imap://alice@elsewhere.example/INBOX/;UID=1",
         "Only URLs relative to this session are read, such as /INBOX;UIDVALIDITY=n/;UID=n; an "
         "absolute imap:// URL is beyond CATENATE (RFC 4469 3)"},
    };
    for (const Refused& refused : cases) {
        CAPTURE(refused.url);
        // The first URL that fails is the one named, after a good one.
        CHECK(c.send(fmt::format("a APPEND Archive CATENATE (TEXT {} URL \"/INBOX/;UID=1\" URL "
                                 "\"{}\" URL \"/INBOX/;UID=88\")\r\n",
                                 catenate_literal("x"), refused.url)) ==
              fmt::format("a NO [BADURL {}] {}\r\n", refused.url, refused.text));
    }
    // A URL sent as a literal cannot break the response line: what
    // url-resp-text cannot hold is %-escaped (RFC 4469 5).
    CHECK(c.send(fmt::format("b APPEND Archive CATENATE (URL {})\r\n",
                             catenate_literal("/IN BOX]\r\n* BYE"))) ==
          "b NO [BADURL /IN%20BOX%5D%0D%0A*%20BYE] The URL names no message: a message "
          "URL is /mailbox;UIDVALIDITY=n/;UID=n, then /;SECTION=s and /;PARTIAL=o.l if wanted "
          "(RFC 5092)\r\n");
    CHECK(c.send("d APPEND Archive CATENATE (URL \"\")\r\n").starts_with("d NO [BADURL \"\"] "));
    CHECK(archive().messages.empty());
}

TEST_CASE_FIXTURE(CatenateClient,
                  "another user's mailbox: read with the right r only, refused alike without it") {
    const std::string command =
        "a APPEND Archive CATENATE (URL \"/%23users/bob/INBOX;UIDVALIDITY=101/;UID=1\")\r\n";
    const std::string missing =
        "a APPEND Archive CATENATE (URL \"/%23users/bob/Nothing;UIDVALIDITY=101/;UID=1\")\r\n";
    const auto refusal_text = [](const std::string& answer) {
        return answer.substr(answer.find("] "));
    };
    const std::string unreadable = c.send(command);
    CHECK(unreadable.starts_with("a NO [BADURL /%23users/bob/INBOX;UIDVALIDITY=101/;UID=1] "));
    CHECK(refusal_text(unreadable) == refusal_text(c.send(missing)));

    Client bob(store);
    bob.login("bob", "builder");
    // Lookup alone: alice may know the mailbox exists, and still not read it.
    REQUIRE(bob.send("s SETACL INBOX alice l\r\n") == "s OK SETACL completed\r\n");
    CHECK(c.send(command) == unreadable);
    REQUIRE(bob.send("t SETACL INBOX alice lr\r\n") == "t OK SETACL completed\r\n");
    CHECK(c.send(command) == "a OK [APPENDUID 102 1] APPEND completed\r\n");
    CHECK(archived(0) == "From: carol@example.org\r\nSubject: for bob\r\n\r\nprivate\r\n");
}

TEST_CASE_FIXTURE(CatenateClient, "with MULTIAPPEND every message is stored or none") {
    // A bad URL in the second message refuses the first too.
    CHECK(c.send(fmt::format("a APPEND Archive {} CATENATE (URL \"/INBOX/;UID=1\") CATENATE "
                             "(TEXT {} URL \"/INBOX/;UID=99\")\r\n",
                             catenate_literal("one"), catenate_literal("x")))
              .starts_with("a NO [BADURL /INBOX/;UID=99] "));
    CHECK(archive().messages.empty());

    // Over the quota with all three, though one alone would fit.
    REQUIRE(c.send("q SETQUOTA #user/alice (MESSAGE 6)\r\n").find("q OK") != std::string::npos);
    CHECK(c.send(fmt::format("b APPEND Archive {} CATENATE (URL \"/INBOX/;UID=1\") CATENATE "
                             "(URL \"/INBOX/;UID=2\")\r\n",
                             catenate_literal("one")))
              .starts_with("b NO [OVERQUOTA] "));
    CHECK(archive().messages.empty());

    CHECK(c.send(fmt::format("d APPEND Archive {} (\\Seen) CATENATE (URL \"/INBOX/;UID=3\" "
                             "TEXT {})\r\n",
                             catenate_literal("one"), catenate_literal("\r\nP.S.\r\n"))) ==
          "d OK [APPENDUID 102 1:2] APPEND completed\r\n");
    REQUIRE(archive().messages.size() == 2);
    CHECK(archived(0) == "one");
    CHECK(archived(1) ==
          "From: bob@example.org\r\nSubject: third\r\n\r\nbody third\r\n\r\nP.S.\r\n");
    CHECK(archive().messages[1].flags.has(SystemFlag::Seen));
}

TEST_CASE_FIXTURE(CatenateStore, "the size limit holds for the catenated message: NO [TOOBIG]") {
    Client c(store, config_with([](ServerConfig& config) { config.max_append_size = 80; }));
    c.login();
    // Each part fits; together they do not (RFC 4469 4.2).
    CHECK(c.send(fmt::format("a APPEND Archive CATENATE (URL \"/INBOX/;UID=2\" TEXT {})\r\n",
                             catenate_literal(std::string(40, 'x')))) ==
          "a NO [TOOBIG] The catenated message would be larger than this server accepts (80 "
          "octets) (RFC 4469 4.2)\r\n");
    CHECK(c.send("b APPEND Archive CATENATE (URL \"/INBOX/;UID=4\")\r\n")
              .starts_with("b NO [TOOBIG] "));
    CHECK(store.find("alice", "Archive")->messages.empty());
    CHECK(c.send("c APPEND Archive CATENATE (URL \"/INBOX/;UID=2\")\r\n") ==
          "c OK [APPENDUID 102 1] APPEND completed\r\n");
}

TEST_CASE_FIXTURE(CatenateClient, "an empty result, UTF8 parts and the checks of a plain APPEND") {
    // RFC 3502 6.3.11's cancel holds for an empty catenated message too.
    CHECK(c.send("a APPEND Archive CATENATE (TEXT {0+}\r\n)\r\n")
              .starts_with("a NO APPEND cancelled by an empty message"));
    // A UTF8 part needs ENABLE UTF8=ACCEPT (RFC 6855 3).
    const std::string eight_bit = "Subject: caf\xC3\xA9\r\n\r\nhi\r\n";
    const std::string utf8 = fmt::format(
        "b APPEND Archive CATENATE (UTF8 (~{}) URL \"/INBOX/;UID=1/;SECTION=TEXT\")\r\n",
        catenate_literal(eight_bit));
    CHECK(c.send(utf8).starts_with("b BAD APPEND with UTF8 (~{n}) needs ENABLE UTF8=ACCEPT"));
    // 8-bit header fields in a TEXT part are refused as in a plain APPEND.
    CHECK(
        c.send(fmt::format("c APPEND Archive CATENATE (TEXT {})\r\n", catenate_literal(eight_bit)))
            .starts_with("c NO The message has 8-bit header fields"));
    CHECK(archive().messages.empty());
    REQUIRE(c.send("e ENABLE UTF8=ACCEPT\r\n").find("e OK") != std::string::npos);
    CHECK(c.send(utf8) == "b OK [APPENDUID 102 1] APPEND completed\r\n");
    CHECK(archived(0) == eight_bit + "body first\r\n");
    // The destination is checked as for any APPEND.
    CHECK(c.send("f APPEND Nowhere CATENATE (URL \"/INBOX/;UID=1\")\r\n")
              .starts_with("f NO [TRYCREATE] "));
}
