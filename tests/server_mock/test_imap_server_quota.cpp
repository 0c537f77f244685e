// QUOTA (RFC 9208) in the mock server: each user's mailboxes share the root
// "#user/NAME"; GETQUOTAROOT, GETQUOTA and SETQUOTA speak of it; a limit
// holds against APPEND, COPY and MOVE from every session and against SMTP
// delivery, and an EXPUNGE frees what it counted; other users' roots are
// shown only where their mailboxes are readable.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

#include "server_mock/fixture.hpp"
#include "tests/server_mock/imap_server_harness.hpp"
#include "tests/server_mock/smtp_server_harness.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

// 48 octets, so three fill one 1024-octet unit of STORAGE with room to spare.
const std::string kNote = "Subject: note\r\n\r\nA note of forty-eight octets.\r\n";

std::string append_note(std::string_view tag, std::string_view mailbox) {
    return fmt::format("{} APPEND {} {{{}+}}\r\n{}\r\n", tag, mailbox, kNote.size(), kNote);
}

struct Classroom {
    Classroom() {
        const auto loaded =
            load_fixture(store, MAILSCOPE_SOURCE_DIR "/server_mock/fixtures/classroom.yaml");
        REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
    }
    MailStore store;
};

}  // namespace

TEST_CASE_FIXTURE(LoggedInClient, "GETQUOTAROOT, GETQUOTA and SETQUOTA on the user's own root") {
    struct Exchange {
        const char* command;
        const char* untagged;  // what comes before the tagged OK
    };
    const Exchange exchanges[] = {
        // No limits yet: the root has no resource to list (RFC 9208 4.2.1).
        {"GETQUOTAROOT INBOX", "* QUOTAROOT INBOX #user/alice\r\n* QUOTA #user/alice ()\r\n"},
        // A name that does not exist yet has the root it would be created under.
        {"GETQUOTAROOT Later", "* QUOTAROOT Later #user/alice\r\n* QUOTA #user/alice ()\r\n"},
        {"SETQUOTA #user/alice (MESSAGE 4 STORAGE 100)",
         "* QUOTA #user/alice (STORAGE 1 100 MESSAGE 3 4)\r\n"},
        {"GETQUOTA \"#user/alice\"", "* QUOTA #user/alice (STORAGE 1 100 MESSAGE 3 4)\r\n"},
        // Every limit not named goes (RFC 9208 4.1.3).
        {"SETQUOTA #user/alice (MESSAGE 10)", "* QUOTA #user/alice (MESSAGE 3 10)\r\n"},
        {"GETQUOTA #user/alice", "* QUOTA #user/alice (MESSAGE 3 10)\r\n"},
    };
    for (const auto& exchange : exchanges) {
        const std::string_view command = exchange.command;
        CHECK(c.send(fmt::format("t {}\r\n", command)) ==
              fmt::format("{}t OK {} completed\r\n", exchange.untagged,
                          command.substr(0, command.find(' '))));
    }
    const std::pair<const char*, const char*> refusals[] = {
        {"SETQUOTA #user/bob (MESSAGE 1)", "NO [NOPERM] "},
        {"SETQUOTA #user/alice (MAILBOX 5)", "NO [CANNOT] MAILBOX "},
        {"SETQUOTA #user/alice (MESSAGE 1 message 2)", "BAD "},
        {"GETQUOTA nosuch", "NO [NONEXISTENT] "},
        {"GETQUOTA #user/bob", "NO [NONEXISTENT] "},
    };
    for (const auto& [command, answer] : refusals) {
        const std::string expected = fmt::format("r {}", answer);
        CHECK(c.send(fmt::format("r {}\r\n", command)).starts_with(expected));
    }
    // Refusals change nothing.
    CHECK(c.send("k GETQUOTA #user/alice\r\n").starts_with("* QUOTA #user/alice (MESSAGE 3 10)"));
}

TEST_CASE_FIXTURE(FilledStore, "a limit holds against every session's APPEND, COPY and MOVE") {
    REQUIRE(kNote.size() == 48);
    Client alice(store);
    alice.login();
    Client other(store);
    other.login();
    other.select();
    REQUIRE(alice.send("a SETQUOTA #user/alice (MESSAGE 4)\r\n")
                .ends_with("a OK SETQUOTA "
                           "completed\r\n"));
    CHECK(other.send(append_note("b", "Archive")).starts_with("b OK [APPENDUID"));
    // The fifth message would pass MESSAGE 4, in whichever session.
    CHECK(other.send(append_note("c", "Archive")).starts_with("c NO [OVERQUOTA] #user/alice "));
    CHECK(alice.send(append_note("d", "INBOX")).starts_with("d NO [OVERQUOTA] "));
    CHECK(other.send("e COPY 1 Archive\r\n").starts_with("e NO [OVERQUOTA] "));
    // A MOVE within the root adds nothing to it (RFC 9208 4.3.1).
    CHECK(other.send("f MOVE 1 Archive\r\n").ends_with("f OK MOVE completed\r\n"));
    CHECK(store.find("alice", "Archive")->messages.size() == 2);
    // STATUS tells what an EXPUNGE would free (RFC 9208 4.1.4); after it,
    // the APPEND fits.
    CHECK(other.send("g STORE 1 +FLAGS.SILENT (\\Deleted)\r\n") == "g OK STORE completed\r\n");
    const std::string status = alice.send("h STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)\r\n");
    CHECK(status.starts_with("* STATUS INBOX (MESSAGES 2 DELETED 1 DELETED-STORAGE "));
    CHECK(other.send("i EXPUNGE\r\n").ends_with("i OK EXPUNGE completed\r\n"));
    CHECK(alice.send(append_note("j", "INBOX")).starts_with("j OK [APPENDUID"));
    CHECK(
        alice.send("k GETQUOTA #user/alice\r\n").starts_with("* QUOTA #user/alice (MESSAGE 4 4)"));
    // Nothing refused was stored.
    CHECK(store.find("alice", "INBOX")->messages.size() == 2);
    CHECK(store.find("alice", "Archive")->messages.size() == 2);
}

TEST_CASE_FIXTURE(FilledStore, "STORAGE counts 1024-octet units, a part of one as one") {
    Client c(store);
    c.login();
    // Three messages of about 50 octets: one unit.
    CHECK(c.send("a SETQUOTA #user/alice (STORAGE 1)\r\n") ==
          "* QUOTA #user/alice (STORAGE 1 1)\r\na OK SETQUOTA completed\r\n");
    const std::string big = std::string("Subject: big\r\n\r\n") + std::string(1200, 'x') + "\r\n";
    const std::string refused =
        c.send(fmt::format("b APPEND Archive {{{}+}}\r\n{}\r\n", big.size(), big));
    CAPTURE(refused);
    CHECK(refused.starts_with(
        "b NO [OVERQUOTA] #user/alice would use 2 KiB; its STORAGE limit is 1 KiB"));
    CHECK(c.send("c SETQUOTA #user/alice ()\r\n") ==
          "* QUOTA #user/alice ()\r\nc OK SETQUOTA completed\r\n");
    CHECK(c.send(fmt::format("d APPEND Archive {{{}+}}\r\n{}\r\n", big.size(), big))
              .starts_with("d OK [APPENDUID"));
}

TEST_CASE_FIXTURE(Classroom, "other users' roots show only where their mailboxes are readable") {
    Client bob(store);
    bob.login("bob", "builder");
    // alice shares Shared with bob (lr): its root is hers.
    CHECK(bob.send("a GETQUOTAROOT #users/alice/Shared\r\n")
              .starts_with("* QUOTAROOT #users/alice/Shared #user/alice\r\n* QUOTA #user/alice "));
    CHECK(bob.send("b GETQUOTA #user/alice\r\n").ends_with("b OK GETQUOTA completed\r\n"));
    // Her other mailboxes answer as if they did not exist (RFC 4314 6).
    const std::string hidden = bob.send("c GETQUOTAROOT #users/alice/Drafts\r\n");
    CHECK(hidden.starts_with("c NO [NONEXISTENT] "));
    const std::string missing = bob.send("c GETQUOTAROOT #users/alice/Nowhere\r\n");
    CHECK(hidden.substr(0, hidden.find('#')) == missing.substr(0, missing.find('#')));
    // A shared namespace belongs to no user: no root.
    CHECK(bob.send("d GETQUOTAROOT #news.comp.mail.imap\r\n") ==
          "* QUOTAROOT #news.comp.mail.imap\r\nd OK GETQUOTAROOT completed\r\n");

    REQUIRE_FALSE(store.add_user("carol", "carol").has_value());
    Client carol(store);
    carol.login("carol", "carol");
    CHECK(carol.send("e GETQUOTA #user/alice\r\n").starts_with("e NO [NONEXISTENT] "));
}

TEST_CASE_FIXTURE(FilledStore, "SMTP delivery to a full mailbox is 552 5.2.2, nothing delivered") {
    REQUIRE(
        store.set_quota("bob", "#user/bob", QuotaLimits{.storage_kib = {}, .messages = 0}).ok());
    SmtpClient smtp(store);
    smtp.ehlo();
    CHECK(smtp.send("MAIL FROM:<carol@example.org>\r\n").starts_with("250 "));
    CHECK(smtp.send("RCPT TO:<alice@mailscope.test>\r\n").starts_with("250 "));
    CHECK(smtp.send("RCPT TO:<bob@mailscope.test>\r\n").starts_with("250 "));
    CHECK(smtp.send("DATA\r\n").starts_with("354 "));
    CHECK(smtp.send("Subject: hi\r\n\r\nhello\r\n.\r\n").starts_with("552 5.2.2 mailbox full: "));
    CHECK(store.find("alice", "INBOX")->messages.size() == 3);
    CHECK(store.find("bob", "INBOX")->messages.empty());
}
