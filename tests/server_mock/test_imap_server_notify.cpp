// NOTIFY (RFC 5465) in the mock server: two sessions on one store, one
// changing what the other watches. The watcher hears of the selected
// mailbox's changes between commands (the session's poll, driven here by
// the virtual clock), of other mailboxes' as STATUS, of created, renamed
// and deleted mailboxes and of subscriptions as LIST; events it cannot
// watch are refused with BADEVENT; NOTIFY NONE ends it; and a user never
// hears of a mailbox of another user that he may not read.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "server_mock/fixture.hpp"
#include "tests/server_mock/imap_server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

// More than the poll interval of the default configuration.
constexpr std::int64_t kNotifyPollWait = 1000 * 1000;

// What `client` is told while it sends nothing.
std::string notify_between_commands(Client& client) {
    client.link.advance(kNotifyPollWait);
    return client.link.receive();
}

bool notify_contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

}  // namespace

TEST_CASE_FIXTURE(TwoSelected,
                  "NOTIFY SET SELECTED: another session's APPEND, STORE and EXPUNGE come "
                  "without a command") {
    // Before NOTIFY the changes wait for a command (RFC 3501 7.4.1).
    b.send("x1 STORE 2 +FLAGS (\\Flagged)\r\n");
    CHECK(notify_between_commands(a).empty());
    CHECK(notify_contains(a.send("n0 NOOP\r\n"), "* 2 FETCH (FLAGS (\\Flagged \\Recent))"));

    CHECK(a.send("n1 NOTIFY SET (selected (MessageNew (UID BODY.PEEK[HEADER.FIELDS (Subject)]) "
                 "MessageExpunge FlagChange))\r\n") == "n1 OK NOTIFY completed\r\n");
    b.send("x2 APPEND INBOX {22+}\r\nSubject: hi\r\n\r\nhello\r\n\r\n");
    // RFC 5465 5.2: the EXISTS, then the attributes MessageNew asked for.
    const auto appended = notify_between_commands(a);
    CAPTURE(appended);
    CHECK(notify_contains(appended, "* 4 EXISTS\r\n"));
    CHECK(notify_contains(appended,
                          "* 4 FETCH (UID 4 BODY[HEADER.FIELDS (Subject)] {15}\r\n"
                          "Subject: hi\r\n\r\n)\r\n"));
    CHECK(appended.find("EXISTS") < appended.find("FETCH"));
    CHECK_FALSE(notify_contains(a.send("n2 FETCH 4 FLAGS\r\n"), "\\Seen"));
    b.send("x3 STORE 3 +FLAGS (\\Answered)\r\n");
    CHECK(notify_contains(notify_between_commands(a), "* 3 FETCH (FLAGS (\\Answered \\Recent))"));
    b.send("x4 STORE 2 +FLAGS (\\Deleted)\r\n");
    b.send("x5 EXPUNGE\r\n");
    const auto expunged = notify_between_commands(a);
    CHECK(notify_contains(expunged, "* 2 EXPUNGE\r\n"));
    CHECK(a.server.view().size() == 3);
    // Told once: nothing more on the next poll.
    CHECK(notify_between_commands(a).empty());
    CHECK(test::violations(a.trace).empty());
}

TEST_CASE_FIXTURE(TwoSelected, "NOTIFY SET SELECTED-DELAYED keeps an EXPUNGE for a command") {
    CHECK(a.send("n1 NOTIFY SET (selected-delayed (MessageNew MessageExpunge))\r\n") ==
          "n1 OK NOTIFY completed\r\n");
    b.send("x1 STORE 1 +FLAGS (\\Deleted)\r\n");
    b.send("x2 EXPUNGE\r\n");
    CHECK_FALSE(notify_contains(notify_between_commands(a), "EXPUNGE"));
    CHECK(notify_contains(a.send("n2 NOOP\r\n"), "* 1 EXPUNGE\r\n"));
}

TEST_CASE_FIXTURE(TwoSelected, "messages of another mailbox are told as STATUS (RFC 5465 5.2)") {
    const auto answer = a.send(
        "n1 NOTIFY SET STATUS (selected (MessageNew MessageExpunge)) (personal "
        "(MessageNew MessageExpunge FlagChange))\r\n");
    // The initial STATUS of each watched mailbox, never the selected one.
    CHECK(notify_contains(answer, "* STATUS Archive (MESSAGES 0 UIDNEXT 1 UNSEEN 0 UIDVALIDITY "));
    CHECK_FALSE(notify_contains(answer, "STATUS INBOX"));
    CHECK(notify_contains(answer, "n1 OK NOTIFY completed\r\n"));

    b.send("x1 APPEND Archive {5+}\r\nhello\r\n");
    CHECK(notify_between_commands(a) == "* STATUS Archive (MESSAGES 1 UIDNEXT 2 UNSEEN 1)\r\n");
    b.send("x2 SELECT Archive\r\n");
    b.send("x3 STORE 1 +FLAGS (\\Seen \\Deleted)\r\n");
    CHECK(notify_between_commands(a) == "* STATUS Archive (MESSAGES 1 UIDNEXT 2 UNSEEN 0)\r\n");
    b.send("x4 EXPUNGE\r\n");
    CHECK(notify_between_commands(a) == "* STATUS Archive (MESSAGES 0 UIDNEXT 2 UNSEEN 0)\r\n");
    CHECK(test::violations(a.trace).empty());
}

TEST_CASE_FIXTURE(FilledStore, "CREATE, RENAME and DELETE are told as LIST (RFC 5465 5.4)") {
    Client a(store);
    Client b(store);
    a.login();
    b.login();
    CHECK(a.send("n1 NOTIFY SET (personal (MailboxName SubscriptionChange))\r\n") ==
          "n1 OK NOTIFY completed\r\n");
    b.send("x1 CREATE Projects\r\n");
    CHECK(notify_between_commands(a) == "* LIST () \"/\" Projects\r\n");
    b.send("x2 RENAME Projects Plans\r\n");
    CHECK(notify_between_commands(a) == "* LIST () \"/\" Plans (\"OLDNAME\" (Projects))\r\n");
    b.send("x3 SUBSCRIBE Plans\r\n");
    CHECK(notify_between_commands(a) == "* LIST (\\Subscribed) \"/\" Plans\r\n");
    b.send("x4 DELETE Plans\r\n");
    CHECK(notify_between_commands(a) == "* LIST (\\NonExistent) \"/\" Plans\r\n");
    // What a did itself it is not told of (RFC 5465 5).
    CHECK(a.send("n2 CREATE Own\r\n") == "n2 OK CREATE completed\r\n");
    CHECK(notify_between_commands(a).empty());
    // A created or deleted mailbox's direct parent is affected too.
    b.send("x5 CREATE Archive/2025\r\n");
    CHECK(notify_between_commands(a) ==
          "* LIST () \"/\" Archive/2025\r\n* LIST () \"/\" Archive\r\n");
    b.send("x7 DELETE Archive/2025\r\n");
    CHECK(notify_between_commands(a) ==
          "* LIST (\\NonExistent) \"/\" Archive/2025\r\n* LIST () \"/\" Archive\r\n");
    // Levels CREATE made for a deeper name hold no messages: \Noselect.
    b.send("x8 CREATE Trip/Photos/Day1\r\n");
    CHECK(notify_between_commands(a) ==
          "* LIST (\\Noselect) \"/\" Trip\r\n* LIST (\\Noselect) \"/\" Trip/Photos\r\n"
          "* LIST () \"/\" Trip/Photos/Day1\r\n");
    CHECK(test::violations(a.trace).empty());
}

TEST_CASE("granting and revoking \"l\" is told as the mailbox's creation and deletion") {
    // RFC 5465 5.4: "granting or revocation of the 'l' right to the current
    // user on the affected mailbox MUST be considered mailbox creation or
    // deletion".
    MailStore store;
    const auto loaded =
        load_fixture(store, MAILSCOPE_SOURCE_DIR "/server_mock/fixtures/classroom.yaml");
    REQUIRE(loaded.ok());
    Client alice(store);
    Client bob(store);
    alice.login();
    bob.login("bob", "builder");
    CHECK(bob.send("n1 NOTIFY SET (subtree #users/alice (MailboxName))\r\n") ==
          "n1 OK NOTIFY completed\r\n");
    CHECK(alice.send("a1 SETACL Archive bob l\r\n") == "a1 OK SETACL completed\r\n");
    CHECK(notify_between_commands(bob) == "* LIST () \"/\" #users/alice/Archive\r\n");
    // Another right changes nothing bob may list.
    CHECK(alice.send("a2 SETACL Archive bob +r\r\n") == "a2 OK SETACL completed\r\n");
    CHECK(notify_between_commands(bob).empty());
    CHECK(alice.send("a3 DELETEACL Archive bob\r\n") == "a3 OK DELETEACL completed\r\n");
    CHECK(notify_between_commands(bob) == "* LIST (\\NonExistent) \"/\" #users/alice/Archive\r\n");
    CHECK(test::violations(bob.trace).empty());
}

TEST_CASE_FIXTURE(SelectedClient, "events the server cannot watch get NO [BADEVENT]") {
    CHECK(c.send("n1 NOTIFY SET (personal (MailboxMetadataChange))\r\n") ==
          "n1 NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName "
          "SubscriptionChange)] This server cannot notify of MailboxMetadataChange "
          "(RFC 5465 3.1)\r\n");
    CHECK(c.send("n2 NOTIFY SET (personal (MessageNew))\r\n").starts_with("n2 BAD "));
}

TEST_CASE_FIXTURE(TwoSelected, "NOTIFY NONE stops the notifications") {
    CHECK(a.send("n1 NOTIFY SET (selected (MessageNew MessageExpunge)) (personal (MessageNew "
                 "MessageExpunge))\r\n") == "n1 OK NOTIFY completed\r\n");
    b.send("x1 APPEND Archive {1+}\r\nx\r\n");
    CHECK(notify_contains(notify_between_commands(a), "* STATUS Archive"));
    CHECK(a.send("n2 NOTIFY NONE\r\n") == "n2 OK NOTIFY completed; no more notifications\r\n");
    b.send("x2 APPEND Archive {1+}\r\ny\r\n");
    b.send("x3 APPEND INBOX {1+}\r\nz\r\n");
    CHECK(notify_between_commands(a).empty());
    // The selected mailbox's news waits for a command again.
    CHECK(notify_contains(a.send("n3 NOOP\r\n"), "* 4 EXISTS"));
}

TEST_CASE_FIXTURE(FilledStore, "bob hears nothing of alice's mailboxes until she grants him") {
    Client alice(store);
    Client bob(store);
    alice.login();
    bob.login("bob", "builder");
    const std::string archive = store.visible_name("bob", *store.find("alice", "Archive"));
    const auto answer = bob.send("n1 NOTIFY SET STATUS (mailboxes \"" + archive +
                                 "\" (MessageNew MessageExpunge)) (subtree \"" +
                                 archive.substr(0, archive.rfind('/')) +
                                 "\" (MessageNew MessageExpunge MailboxName))\r\n");
    CHECK(answer == "n1 OK NOTIFY completed\r\n");
    alice.send("a1 APPEND Archive {1+}\r\nx\r\n");
    alice.send("a2 CREATE Secret\r\n");
    alice.send("a3 RENAME Secret Hidden\r\n");
    alice.send("a4 DELETE Hidden\r\n");
    CHECK(notify_between_commands(bob).empty());

    CHECK(alice.send("a5 SETACL Archive bob lr\r\n") == "a5 OK SETACL completed\r\n");
    alice.send("a6 APPEND Archive {1+}\r\ny\r\n");
    const auto told = notify_between_commands(bob);
    CAPTURE(told);
    CHECK(notify_contains(told, "* STATUS " + archive + " (MESSAGES 2 UIDNEXT 3"));
    CHECK_FALSE(notify_contains(told, "Secret"));
    CHECK_FALSE(notify_contains(told, "Hidden"));
    // Renamed, the mailbox is named as bob names it, the old name too.
    CHECK(alice.send("a7 RENAME Archive Attic\r\n") == "a7 OK RENAME completed\r\n");
    const std::string attic = store.visible_name("bob", *store.find("alice", "Attic"));
    CHECK(notify_between_commands(bob) ==
          "* LIST () \"/\" " + attic + " (\"OLDNAME\" (" + archive + "))\r\n");
}

TEST_CASE("a named mailbox listed but not readable is told with \\NoAccess") {
    // RFC 5465 3.1: without "l" the name is ignored; with "l" but not the
    // right its events need, an extended LIST with \NoAccess answers it.
    // The classroom names alice's mailboxes under #users/ for bob.
    MailStore store;
    const auto loaded =
        load_fixture(store, MAILSCOPE_SOURCE_DIR "/server_mock/fixtures/classroom.yaml");
    REQUIRE(loaded.ok());
    Client alice(store);
    Client bob(store);
    alice.login();
    bob.login("bob", "builder");
    const std::string archive = store.visible_name("bob", *store.find("alice", "Archive"));
    const std::string command =
        "n1 NOTIFY SET (mailboxes \"" + archive + "\" (MessageNew MessageExpunge))\r\n";
    CHECK(bob.send(command) == "n1 OK NOTIFY completed\r\n");
    CHECK(alice.send("a1 SETACL Archive bob l\r\n") == "a1 OK SETACL completed\r\n");
    CHECK(bob.send(command) ==
          "* LIST (\\NoAccess) \"/\" " + archive + "\r\nn1 OK NOTIFY completed\r\n");
    CHECK(test::violations(bob.trace).empty());
}

TEST_CASE_FIXTURE(TwoSelected, "too many notifications at once: NOTIFICATIONOVERFLOW, then none") {
    CHECK(a.send("n1 NOTIFY SET (personal (MailboxName))\r\n") == "n1 OK NOTIFY completed\r\n");
    for (int i = 0; i < 70; ++i)
        b.send("c" + std::to_string(i) + " CREATE Box" + std::to_string(i) + "\r\n");
    const auto told = notify_between_commands(a);
    CHECK(notify_contains(told, "* LIST () \"/\" Box63\r\n"));
    CHECK_FALSE(notify_contains(told, "Box64"));
    CHECK(notify_contains(told, "* OK [NOTIFICATIONOVERFLOW]"));
    b.send("c CREATE Later\r\n");
    CHECK(notify_between_commands(a).empty());
    CHECK(test::violations(a.trace).empty());
}
