#include <doctest/doctest.h>

#include <string>

#include "server_mock/fixture.hpp"

using namespace mailscope::server;

namespace {

const std::string kFixtures = std::string(MAILSCOPE_TEST_DATA) + "/fixtures/mail_store";
const std::string kClassroom =
    std::string(MAILSCOPE_SOURCE_DIR) + "/server_mock/fixtures/classroom.yaml";

std::string load_error(std::string_view yaml) {
    MailStore store;
    const auto loaded = load_fixture_text(store, yaml, "test.yaml", ".");
    REQUIRE_FALSE(loaded.ok());
    return loaded.error().message;
}

}  // namespace

TEST_CASE("the classroom fixture loads with the promised contents") {
    MailStore store;
    const auto loaded = load_fixture(store, kClassroom);
    REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
    CHECK(store.users().check_password("alice", "wonderland"));
    CHECK(store.users().check_password("bob", "builder"));
    CHECK_FALSE(store.users().check_password("alice", "builder"));

    const Mailbox* inbox = store.find("alice", "INBOX");
    REQUIRE(inbox != nullptr);
    CHECK(inbox->uidvalidity == 1700000000);
    CHECK(inbox->messages.size() == 6);
    CHECK(inbox->messages[0].octets->starts_with("Date: Mon, 15 Jan 2024 08:00:00 +0000\r\n"));
    CHECK(inbox->messages[3].octets->find("Subject: =?windows-1251?B?") != std::string::npos);
    CHECK(inbox->messages[4].octets->find("multipart/mixed") != std::string::npos);
    CHECK(inbox->messages[5].flags.has(SystemFlag::Deleted));
    CHECK(inbox->messages[2].flags.has_keyword("$Important"));
    CHECK(format_imap_date_time(inbox->messages[3].internal_date) == "17-Jan-2024 07:45:00 +0300");
    for (const Message& message : inbox->messages) {
        CHECK(message.recent_pending);
        CHECK(message.octets->find("\n") == message.octets->find("\r\n") + 1);
    }

    for (const char* name : {"Archive/2024", "&BBIERQQ+BDQETwRJBDgENQ-/&BCAEMAQxBD4EQgQw-", "Sent",
                             "Drafts", "Trash"}) {
        CAPTURE(name);
        CHECK(store.find("alice", name) != nullptr);
        CHECK(store.subscriptions("alice").contains(name));
    }
    CHECK_FALSE(store.find("alice", "&BBIERQQ+BDQETwRJBDgENQ-")->selectable);
    CHECK(store.find("bob", "#news.comp.mail.imap")->messages.size() == 1);
    CHECK(store.find("alice", "#users/bob/INBOX")->messages.size() == 1);
}

TEST_CASE("fixture errors name the file and the line") {
    MailStore store;
    const auto loaded = load_fixture(store, kFixtures + "/bad_field.yaml");
    REQUIRE_FALSE(loaded.ok());
    const std::string& message = loaded.error().message;
    CHECK(message.find("bad_field.yaml line 8:") != std::string::npos);
    CHECK(message.find("unknown field \"subjet\"") != std::string::npos);

    CHECK(load_error("users: [").find("test.yaml line ") == 0);
    CHECK(load_error("users:\n  - name: alice\n    password: x\n    mailboxes:\n"
                     "      - name: INBOX\n        messages:\n          - raw: hi\n"
                     "            flags: [\\Recent]\n")
              .find("test.yaml line 8: the flag \"\\Recent\" cannot be set: \\Recent cannot be "
                    "set") == 0);
    CHECK(load_error("users:\n  - name: alice\n    password: x\n    mailboxes:\n"
                     "      - name: \"a//b\"\n")
              .find("test.yaml line 5:") == 0);
    CHECK(load_error("users:\n  - name: alice\n    password: x\n    mailboxes:\n"
                     "      - name: Notes\n        messages:\n          - subject: hi\n"
                     "            date: last tuesday\n")
              .find("test.yaml line 8: \"last tuesday\" is not a date") == 0);
    CHECK(load_error("users:\n  - name: alice\n").find("test.yaml line 2: a user needs") == 0);
    CHECK(load_error("users:\n  - name: \"../etc\"\n    password: x\n").find("line 2:") !=
          std::string::npos);
    CHECK(load_error("uidvalidity_seed: lots\nusers: []\n")
              .find("test.yaml line 1: \"lots\" is not a whole number") == 0);
    CHECK(load_error("42").find("must be a mapping") != std::string::npos);
    MailStore missing;
    CHECK(
        load_fixture(missing, kFixtures + "/absent.yaml").error().message.find("cannot be read") !=
        std::string::npos);
}

TEST_CASE("mbox import splits on From_ lines and unquotes >From") {
    MailStore store;
    const auto loaded = load_fixture(store, kFixtures + "/with_mbox.yaml");
    REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
    const Mailbox* imported = store.find("carol", "Imported");
    REQUIRE(imported != nullptr);
    REQUIRE(imported->messages.size() == 3);
    const std::string& first = *imported->messages[0].octets;
    CHECK(first.starts_with("From: Alice <alice@example.org>\r\n"));
    CHECK(first.find("\r\nFrom the archives") != std::string::npos);
    CHECK(first.find("\r\n>From a quoted quote.\r\n") != std::string::npos);
    CHECK(first.ends_with("quoted quote.\r\n"));
    CHECK(format_imap_date_time(imported->messages[0].internal_date) ==
          "15-Jan-2024 08:30:00 +0000");
    CHECK(*imported->messages[1].octets ==
          "From: Bob <bob@example.org>\r\nTo: Alice <alice@example.org>\r\nSubject: "
          "Second\r\n\r\nShort.\r\n");
    CHECK(format_imap_date_time(imported->messages[2].internal_date) ==
          " 1-Feb-2024 00:00:00 +0000");

    const Mailbox* delivered = store.find("carol", "Delivered");
    REQUIRE(delivered != nullptr);
    REQUIRE(delivered->messages.size() == 2);
    CHECK(delivered->messages[0].flags.has(SystemFlag::Seen));
    CHECK(delivered->messages[0].flags.has(SystemFlag::Flagged));
    CHECK(delivered->messages[0].octets->find("Subject: Seen and flagged\r\n") !=
          std::string::npos);
    CHECK(delivered->messages[1].flags.empty());

    const auto not_mbox = import_mbox(store, imported->id, "Subject: no separator\n\nbody\n", {});
    REQUIRE_FALSE(not_mbox.ok());
    CHECK(not_mbox.error().message.find("not an mbox") != std::string::npos);
}

TEST_CASE("to_crlf normalises every line end") {
    CHECK(to_crlf("a\nb\r\nc\rd") == "a\r\nb\r\nc\r\nd");
    CHECK(to_crlf("") == "");
}
