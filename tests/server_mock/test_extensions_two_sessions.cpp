// Each extension of the lab server seen by two sessions of one user: what one
// session does reaches the other as the extension's RFC says. Session `a`
// makes the changes, `b` (which holds no \Recent flags) watches.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "tests/server_mock/imap_server_harness.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

bool extensions_has(const std::string& answer, std::string_view line) {
    return answer.find(line) != std::string::npos;
}

// A message with a base64 part, for BINARY.
const std::string kBinaryMessage =
    "From: a@example.org\r\nSubject: binary\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n";

std::string extensions_append(Client& client, const std::string& mailbox, const std::string& text,
                              std::string_view tag = "ap") {
    return client.send(
        fmt::format("{} APPEND {} {{{}+}}\r\n{}\r\n", tag, mailbox, text.size(), text));
}

}  // namespace

TEST_CASE_FIXTURE(TwoSelected, "ESEARCH (RFC 4731): results follow the other session's changes") {
    a.send("s STORE 2 +FLAGS.SILENT (\\Flagged)\r\n");
    CHECK(b.send("n NOOP\r\n") == "* 2 FETCH (FLAGS (\\Flagged))\r\nn OK NOOP completed\r\n");
    CHECK(b.send("e SEARCH RETURN (MIN MAX COUNT) FLAGGED\r\n") ==
          "* ESEARCH (TAG \"e\") MIN 2 MAX 2 COUNT 1\r\ne OK SEARCH completed\r\n");
    a.send("d STORE 1 +FLAGS.SILENT (\\Deleted)\r\n");
    a.send("x EXPUNGE\r\n");
    // After the EXPUNGE the flagged message is number 1 for b too.
    CHECK(extensions_has(b.send("n2 NOOP\r\n"), "* 1 EXPUNGE\r\n"));
    CHECK(b.send("u UID SEARCH RETURN (ALL) FLAGGED\r\n") ==
          "* ESEARCH (TAG \"u\") UID ALL 2\r\nu OK UID SEARCH completed\r\n");
    CHECK(b.send("f SEARCH RETURN (ALL) FLAGGED\r\n") ==
          "* ESEARCH (TAG \"f\") ALL 1\r\nf OK SEARCH completed\r\n");
}

TEST_CASE_FIXTURE(TwoSelected, "SEARCHRES (RFC 5182): \"$\" loses what another session expunged") {
    CHECK(b.send("s SEARCH RETURN (SAVE) ALL\r\n") == "s OK SEARCH completed\r\n");
    a.send("d STORE 2 +FLAGS.SILENT (\\Deleted)\r\n");
    a.send("x EXPUNGE\r\n");
    CHECK(extensions_has(b.send("n NOOP\r\n"), "* 2 EXPUNGE\r\n"));
    // RFC 5182 2.1: messages expunged are removed from the saved result.
    CHECK(b.send("f FETCH $ (UID)\r\n") ==
          "* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 3)\r\nf OK FETCH completed\r\n");
}

TEST_CASE_FIXTURE(TwoSelected,
                  "LIST-STATUS and STATUS SIZE (RFC 5819, RFC 8438): counts after another APPEND") {
    const std::string before = b.send("l LIST \"\" Archive RETURN (STATUS (MESSAGES SIZE))\r\n");
    CHECK(extensions_has(before, "* STATUS Archive (MESSAGES 0 SIZE 0)\r\n"));
    CHECK(extensions_append(a, "Archive", "Subject: x\r\n\r\nabc").find("ap OK") !=
          std::string::npos);
    const std::string after = b.send("l2 LIST \"\" Archive RETURN (STATUS (MESSAGES SIZE))\r\n");
    CHECK(extensions_has(after, "* STATUS Archive (MESSAGES 1 SIZE 17)\r\n"));
    CHECK(b.send("t STATUS Archive (SIZE MESSAGES)\r\n") ==
          "* STATUS Archive (SIZE 17 MESSAGES 1)\r\nt OK STATUS completed\r\n");
}

TEST_CASE_FIXTURE(TwoSelected, "BINARY (RFC 3516): the other session reads the part decoded") {
    CHECK(extensions_has(extensions_append(a, "INBOX", kBinaryMessage), "ap OK"));
    CHECK(extensions_has(b.send("n NOOP\r\n"), "* 4 EXISTS\r\n"));
    CHECK(b.send("f FETCH 4 (BINARY.SIZE[1] BINARY.PEEK[1])\r\n") ==
          "* 4 FETCH (BINARY.SIZE[1] 5 BINARY[1] {5}\r\nhello)\r\nf OK FETCH completed\r\n");
}

TEST_CASE_FIXTURE(TwoSelected, "MULTIAPPEND (RFC 3502): the other session sees all at once") {
    CHECK(extensions_has(a.send("m APPEND INBOX {3+}\r\none {3+}\r\ntwo\r\n"), "m OK"));
    // One EXISTS for both messages: they were stored together.
    CHECK(b.send("n NOOP\r\n") == "* 5 EXISTS\r\n* 0 RECENT\r\nn OK NOOP completed\r\n");
}

TEST_CASE_FIXTURE(TwoSelected, "CATENATE (RFC 4469): a message built from one in the mailbox") {
    CHECK(
        b.send("u UID FETCH 2 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n").find("Subject: second") !=
        std::string::npos);
    const std::string validity = "100";
    const std::string head = "Subject: forwarded\r\n\r\n";
    const std::string answer =
        a.send(fmt::format("c APPEND INBOX CATENATE (TEXT {{{}+}}\r\n{} URL "
                           "\"/INBOX;UIDVALIDITY={}/;UID=2/;SECTION=TEXT\")\r\n",
                           head.size(), head, validity));
    CHECK(extensions_has(answer, "c OK [APPENDUID 100 4]"));
    CHECK(extensions_has(b.send("n NOOP\r\n"), "* 4 EXISTS\r\n"));
    CHECK(b.send("f FETCH 4 (BODY.PEEK[])\r\n") ==
          "* 4 FETCH (BODY[] {35}\r\nSubject: forwarded\r\n\r\nbody second\r\n)\r\n"
          "f OK FETCH completed\r\n");
}

TEST_CASE_FIXTURE(TwoSelected, "THREAD=REFERENCES and SORT (RFC 5256): another session's reply") {
    const std::string root =
        "Message-ID: <r@x>\r\nSubject: plan\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n.";
    const std::string reply =
        "Message-ID: <s@x>\r\nIn-Reply-To: <r@x>\r\nSubject: other\r\nDate: Mon, 1 Jan 2024 "
        "11:00:00 +0000\r\n\r\n.";
    extensions_append(a, "INBOX", root);
    extensions_append(a, "INBOX", reply);
    CHECK(extensions_has(b.send("n NOOP\r\n"), "* 5 EXISTS\r\n"));
    // Threads go by the date of their first message: the new pair is dated
    // 1 January, the others carry their arrival of 15 January (RFC 5256 2.2).
    CHECK(b.send("t THREAD REFERENCES UTF-8 ALL\r\n") ==
          "* THREAD (4 5)(1)(2)(3)\r\nt OK THREAD completed\r\n");
    CHECK(b.send("s SORT (REVERSE DATE) UTF-8 SUBJECT plan\r\n") ==
          "* SORT 4\r\ns OK SORT completed\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "UTF8=ACCEPT (RFC 6855): one name, UTF-8 for one session only") {
    Client a(store);
    Client b(store);
    a.login();
    b.login();
    CHECK(b.send("e ENABLE UTF8=ACCEPT\r\n") ==
          "* ENABLED UTF8=ACCEPT\r\ne OK ENABLE completed\r\n");
    CHECK(extensions_has(b.send("c CREATE \"Заметки\"\r\n"), "c OK"));
    CHECK(extensions_has(a.send("l LIST \"\" \"&BBcEMAQ8BDUEQgQ6BDg-\"\r\n"),
                         " &BBcEMAQ8BDUEQgQ6BDg-\r\n"));
    CHECK(extensions_has(b.send("l LIST \"\" \"Заметки\"\r\n"), "\"Заметки\"\r\n"));
    // A name a sends in modified UTF-7 is the one b reads in UTF-8.
    CHECK(extensions_has(
        a.send("r RENAME \"&BBcEMAQ8BDUEQgQ6BDg-\" \"&BBcEMAQ8BDUEQgQ6BDg- 2\"\r\n"), "r OK"));
    CHECK(extensions_has(b.send("l2 LIST \"\" \"Заметки*\"\r\n"), "\"Заметки 2\"\r\n"));
}

TEST_CASE_FIXTURE(FilledStore, "IMAP4rev2 (RFC 9051): another session's change as rev2 tells it") {
    Client a(store);
    Client b(store);
    a.login();
    b.login();
    a.select();
    CHECK(extensions_has(b.send("e ENABLE IMAP4rev2\r\n"), "* ENABLED IMAP4rev2\r\n"));
    b.select();
    a.send("s STORE 3 +FLAGS.SILENT (\\Answered)\r\n");
    extensions_append(a, "INBOX", "Subject: new\r\n\r\n.");
    // RFC 9051 7.5.2: the UID in every unsolicited FETCH; 7.4: no RECENT.
    CHECK(b.send("n NOOP\r\n") ==
          "* 3 FETCH (UID 3 FLAGS (\\Answered))\r\n* 4 EXISTS\r\nn OK NOOP completed\r\n");
    // 6.4.4: every SEARCH is answered by ESEARCH.
    CHECK(b.send("s SEARCH UNSEEN\r\n") ==
          "* ESEARCH (TAG \"s\") ALL 2:4\r\ns OK SEARCH completed\r\n");
}

TEST_CASE_FIXTURE(
    FilledStore,
    "SPECIAL-USE and LIST-EXTENDED (RFC 6154, RFC 5258): per user, for every session") {
    Client a(store);
    Client b(store);
    Client bob(store);
    a.login();
    b.login();
    bob.login("bob", "builder");
    const std::string special = a.send("l LIST (SPECIAL-USE) \"\" \"*\"\r\n");
    CAPTURE(special);
    CHECK(extensions_has(special, "\\Archive) \"/\" Archive\r\n"));
    // Another user's Archive is not his to see, special or not.
    CHECK_FALSE(extensions_has(bob.send("l LIST (SPECIAL-USE) \"\" \"*\"\r\n"), "Archive"));
    // Subscriptions belong to the user: one session's SUBSCRIBE, the other's LIST.
    CHECK(extensions_has(a.send("s SUBSCRIBE Archive\r\n"), "s OK"));
    CHECK(extensions_has(b.send("l2 LIST (SUBSCRIBED) \"\" \"*\"\r\n"),
                         "* LIST (\\Subscribed) \"/\" Archive\r\n"));
    CHECK_FALSE(extensions_has(bob.send("l2 LIST (SUBSCRIBED) \"\" \"*\"\r\n"), "Archive"));
}
