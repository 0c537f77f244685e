// Access control as clients meet it (RFC 4314): every IMAP command of a user
// without rights, the rights of the selected mailbox, the ACL commands'
// syntax and errors, the anonymous login, and the owner rule of POP3 and
// SMTP. Runs on the classroom fixture, where alice shares Shared with bob.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "imap_server_harness.hpp"
#include "pop3_server_harness.hpp"
#include "server_mock/fixture.hpp"
#include "sim/text/base64.hpp"
#include "smtp_server_harness.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

void load_classroom(MailStore& store) {
    const auto loaded =
        load_fixture(store, MAILSCOPE_SOURCE_DIR "/server_mock/fixtures/classroom.yaml");
    REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
}

// A TEST_CASE_FIXTURE: the classroom, where alice shares Shared with bob.
struct Classroom {
    Classroom() { load_classroom(store); }
    MailStore store;
};

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

std::size_t messages_in(const MailStore& store, std::string_view user, std::string_view name) {
    const Mailbox* mailbox = store.find(user, name);
    REQUIRE(mailbox != nullptr);
    return mailbox->messages.size();
}

std::string sasl(std::string_view text) {
    return text::base64_encode(text);
}

}  // namespace

TEST_CASE_FIXTURE(Classroom,
                  "a user without rights: every command answers as if the mailbox did not exist") {
    Client bob(store);
    bob.login("bob", "builder");
    // Each command on a hidden mailbox must read exactly like the same
    // command on a name that exists nowhere (RFC 4314 6).
    const char* commands[] = {
        "SELECT {}",
        "EXAMINE {}",
        "STATUS {} (MESSAGES)",
        "DELETE {}",
        "RENAME {} #users/alice/Taken",
        "GETACL {}",
        "SETACL {} bob lrswipkxtea",
        "DELETEACL {} bob",
        "LISTRIGHTS {} bob",
        "MYRIGHTS {}",
    };
    for (const char* hidden : {"#users/alice/INBOX", "#users/alice/Sent", "#users/alice/Archive"}) {
        for (const char* command : commands) {
            const std::string text = replace_all(command, "{}", "%s");
            const std::string on_hidden = replace_all(text, "%s", hidden);
            const std::string on_missing = replace_all(text, "%s", "#users/alice/Nowhere");
            CAPTURE(on_hidden);
            const std::string answer = bob.send("t " + on_hidden + "\r\n");
            CHECK(answer.starts_with("t NO [NONEXISTENT] "));
            CHECK(answer == replace_all(bob.send("t " + on_missing + "\r\n"),
                                        "#users/alice/Nowhere", hidden));
        }
        const std::string append = std::string("a APPEND ") + hidden + " {5+}\r\nhello\r\n";
        CHECK(bob.send(append) ==
              replace_all("a NO [TRYCREATE] There is no mailbox named \"X\"\r\n", "X", hidden));
    }
    for (const char* name :
         {"#users/alice/Stolen", "#users/alice/Sent/Inside", "#news.comp.mail.mine"}) {
        CAPTURE(name);
        CHECK(bob.send(std::string("c CREATE ") + name + "\r\n").starts_with("c NO [NOPERM] "));
    }
    CHECK(bob.send("l LIST \"\" #users/alice/*\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" #users/alice/Shared\r\nl OK LIST completed\r\n");
    CHECK(bob.send("l LIST #users/ %\r\n") ==
          "* LIST (\\Noselect \\HasChildren) \"/\" #users/alice\r\nl OK LIST completed\r\n");
    // SUBSCRIBE needs no right here (it does not check existence), and LSUB
    // tells nothing about what it names.
    CHECK(bob.send("s SUBSCRIBE #users/alice/Sent\r\n") == "s OK SUBSCRIBE completed\r\n");
    CHECK(bob.send("s LSUB \"\" #users/*\r\n") ==
          "* LSUB () \"/\" #users/alice/Sent\r\ns OK LSUB completed\r\n");

    bob.select("INBOX");
    for (const char* verb : {"COPY", "MOVE", "UID COPY", "UID MOVE"}) {
        CAPTURE(verb);
        CHECK(bob.send(std::string("m ") + verb + " 1 #users/alice/INBOX\r\n") ==
              "m NO [TRYCREATE] There is no mailbox named \"#users/alice/INBOX\"\r\n");
    }
    CHECK(messages_in(store, "alice", "INBOX") == 6);
    CHECK(messages_in(store, "bob", "INBOX") == 1);
    CHECK(store.find("alice", "Sent") != nullptr);
}

TEST_CASE_FIXTURE(Classroom, "read-only sharing: SELECT is READ-ONLY and nothing can change") {
    Client bob(store);
    bob.login("bob", "builder");
    const std::string select = bob.send("a SELECT #users/alice/Shared\r\n");
    CHECK(select.find("* 2 EXISTS\r\n") != std::string::npos);
    CHECK(select.find("* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n") !=
          std::string::npos);
    CHECK(select.ends_with("a OK [READ-ONLY] SELECT completed\r\n"));
    CHECK(bob.send("b STORE 2 +FLAGS (\\Seen)\r\n") ==
          "b NO [READ-ONLY] The mailbox is read-only (your rights here allow no change, RFC 4314 "
          "5.2): flags cannot be changed\r\n");
    CHECK(bob.send("c EXPUNGE\r\n").starts_with("c NO [READ-ONLY] "));
    CHECK(bob.send("d MOVE 1 INBOX\r\n").starts_with("d NO [READ-ONLY] "));
    // Reading is what "r" allows: FETCH BODY[] without .PEEK sets no \Seen.
    CHECK(bob.send("e FETCH 2 (FLAGS BODY[])\r\n").find("FLAGS (\\Deleted \\Recent)") !=
          std::string::npos);
    CHECK(bob.send("f COPY 1 INBOX\r\n").starts_with("f OK [COPYUID "));
    CHECK(bob.send("g CLOSE\r\n") == "g OK CLOSE completed\r\n");
    CHECK(messages_in(store, "alice", "Shared") == 2);
    CHECK_FALSE(store.find("alice", "Shared")->messages[1].flags.has(SystemFlag::Seen));
    CHECK(messages_in(store, "bob", "INBOX") == 2);
}

TEST_CASE_FIXTURE(Classroom,
                  "partial rights: STORE per flag, EXPUNGE, CLOSE, FETCH, COPY and MOVE") {
    Client alice(store);
    alice.login();
    Client bob(store);
    bob.login("bob", "builder");
    REQUIRE(alice.send("a SETACL Shared bob +s\r\n") == "a OK SETACL completed\r\n");

    const std::string select = bob.send("b SELECT #users/alice/Shared\r\n");
    CHECK(select.find("* OK [PERMANENTFLAGS (\\Seen)] Limited\r\n") != std::string::npos);
    CHECK(select.ends_with("b OK [READ-WRITE] SELECT completed\r\n"));
    CHECK(bob.send("c STORE 2 +FLAGS (\\Flagged)\r\n") ==
          "c NO [NOPERM] Changing these flags needs the right \"w\" on this mailbox (RFC 4314 "
          "4)\r\n");
    CHECK(bob.send("c STORE 2 +FLAGS (\\Flagged \\Deleted)\r\n") ==
          "c NO [NOPERM] Changing these flags needs one of the rights \"wt\" on this mailbox "
          "(RFC 4314 4)\r\n");
    CHECK(bob.send("d STORE 2 +FLAGS (\\Deleted)\r\n").starts_with("d NO [NOPERM] "));
    CHECK(bob.send("e STORE 1 FLAGS ()\r\n") ==
          "* 1 FETCH (FLAGS (\\Recent))\r\ne OK STORE completed\r\n");
    // At least one flag it may change: the STORE goes ahead with those only.
    CHECK(bob.send("f STORE 2 +FLAGS (\\Seen \\Flagged)\r\n") ==
          "* 2 FETCH (FLAGS (\\Deleted \\Seen \\Recent))\r\nf OK STORE completed\r\n");
    CHECK(bob.send("g EXPUNGE\r\n") ==
          "g NO [NOPERM] EXPUNGE needs the \"e\" right on this mailbox (RFC 4314 4)\r\n");
    CHECK(bob.send("h MOVE 1 INBOX\r\n").starts_with("h NO [NOPERM] MOVE takes messages out"));
    CHECK(bob.send("i FETCH 1 BODY[]\r\n").find("FLAGS (\\Seen \\Recent)") != std::string::npos);
    // RFC 4314 4: CLOSE without "e" closes and expunges nothing.
    CHECK(bob.send("j CLOSE\r\n") == "j OK CLOSE completed\r\n");
    CHECK(messages_in(store, "alice", "Shared") == 2);

    // COPY into a mailbox with "i" but not "t" or "w" keeps only \Seen.
    REQUIRE(alice.send("k SETACL Shared bob lrsi\r\n") == "k OK SETACL completed\r\n");
    bob.select("INBOX");
    REQUIRE(bob.send("l STORE 1 FLAGS (\\Deleted \\Flagged \\Seen)\r\n")
                .ends_with("l OK STORE completed\r\n"));
    CHECK(bob.send("m COPY 1 #users/alice/Shared\r\n").starts_with("m OK [COPYUID "));
    CHECK(store.find("alice", "Shared")->messages.back().flags.names() ==
          std::vector<std::string>{"\\Seen"});
    // APPEND drops the flags it may not set, it does not fail.
    CHECK(bob.send("n APPEND #users/alice/Shared (\\Flagged \\Seen) {5+}\r\nhello\r\n")
              .starts_with("n OK [APPENDUID "));
    CHECK(store.find("alice", "Shared")->messages.back().flags.names() ==
          std::vector<std::string>{"\\Seen"});
    // bob's own CLOSE expunges his INBOX only.
    CHECK(bob.send("o CLOSE\r\n") == "o OK CLOSE completed\r\n");
    CHECK(messages_in(store, "bob", "INBOX") == 0);
    CHECK(messages_in(store, "alice", "Shared") == 4);
    CHECK(messages_in(store, "alice", "INBOX") == 6);
}

TEST_CASE_FIXTURE(Classroom, "a SETACL reaches a session that has the mailbox selected") {
    Client alice(store);
    alice.login();
    Client bob(store);
    bob.login("bob", "builder");
    REQUIRE(alice.send("a SETACL Shared bob lrs\r\n") == "a OK SETACL completed\r\n");
    REQUIRE(bob.send("b SELECT #users/alice/Shared\r\n")
                .ends_with("[READ-WRITE] SELECT completed\r\n"));
    REQUIRE(alice.send("c SETACL Shared bob +w\r\n") == "c OK SETACL completed\r\n");
    CHECK(bob.send("d NOOP\r\n") ==
          "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Seen \\Draft \\*)] Flags permitted\r\n"
          "d OK NOOP completed\r\n");
    CHECK(bob.send("e STORE 1 +FLAGS (\\Flagged)\r\n").ends_with("e OK STORE completed\r\n"));
    REQUIRE(alice.send("f DELETEACL Shared bob\r\n") == "f OK DELETEACL completed\r\n");
    CHECK(bob.send("g NOOP\r\n") ==
          "* OK [PERMANENTFLAGS ()] Flags permitted\r\ng OK NOOP completed\r\n");
    CHECK(bob.send("h STORE 1 -FLAGS (\\Flagged)\r\n").starts_with("h NO [NOPERM] "));
}

TEST_CASE_FIXTURE(Classroom, "ACL commands: syntax, answers and errors (RFC 4314 3)") {
    Client alice(store);
    CHECK(alice.send("a GETACL Shared\r\n") ==
          "a BAD GETACL is not valid in the Not Authenticated state\r\n");
    alice.login();
    CHECK(alice.send("b GETACL Shared\r\n") ==
          "* ACL Shared alice lrswipkxteacd bob lr\r\nb OK GETACL completed\r\n");
    CHECK(alice.send("c MYRIGHTS inbox\r\n") ==
          "* MYRIGHTS inbox lrswipkxteacd\r\nc OK MYRIGHTS completed\r\n");
    CHECK(alice.send("d LISTRIGHTS Shared alice\r\n") ==
          "* LISTRIGHTS Shared alice lrswipkxteacd\r\nd OK LISTRIGHTS completed\r\n");
    CHECK(alice.send("e LISTRIGHTS Shared Anonymous\r\n") ==
          "* LISTRIGHTS Shared Anonymous \"\" l r\r\ne OK LISTRIGHTS completed\r\n");
    CHECK(alice.send("f LISTRIGHTS Shared bob\r\n") ==
          "* LISTRIGHTS Shared bob \"\" l r s w i p k x t e a c d\r\nf OK LISTRIGHTS "
          "completed\r\n");

    // Rights that are not RFC 4314's, or upper case, are BAD (3.1).
    CHECK(alice.send("g SETACL Shared bob lrQ\r\n") ==
          "g BAD Upper-case rights are not allowed (RFC 4314 2)\r\n");
    CHECK(alice.send("h SETACL Shared bob lrq\r\n").starts_with("h BAD The right \"q\" is not "));
    CHECK(alice.send("j SETACL Shared \"\" lr\r\n") ==
          "j BAD An identifier cannot be empty (RFC 4314 3)\r\n");
    for (const std::string command :
         {"i SETACL Shared bob l0", "k SETACL Shared bob", "l DELETEACL Shared", "m GETACL",
          "n MYRIGHTS Shared extra"}) {
        CAPTURE(command);
        CHECK(alice.send(command + "\r\n").starts_with(command.substr(0, 1) + " BAD "));
    }

    // c and d expand (2.1.1), + adds, - removes, no sign replaces.
    CHECK(alice.send("o SETACL Shared bob +cd\r\n") == "o OK SETACL completed\r\n");
    CHECK(alice.send("p GETACL Shared\r\n") ==
          "* ACL Shared alice lrswipkxteacd bob lrkxtecd\r\np OK GETACL completed\r\n");
    CHECK(alice.send("q SETACL Shared bob -d\r\n") == "q OK SETACL completed\r\n");
    CHECK(alice.send("r SETACL Shared ANYONE l\r\n") == "r OK SETACL completed\r\n");
    CHECK(alice.send("s GETACL Shared\r\n") ==
          "* ACL Shared alice lrswipkxteacd anyone l bob lrkc\r\ns OK GETACL completed\r\n");
    CHECK(alice.send("t SETACL Shared bob \"\"\r\n") == "t OK SETACL completed\r\n");
    CHECK(alice.send("u DELETEACL Shared anyone\r\n") == "u OK DELETEACL completed\r\n");
    CHECK(alice.send("v GETACL Shared\r\n") ==
          "* ACL Shared alice lrswipkxteacd\r\nv OK GETACL completed\r\n");

    // Refusals that are NO: things no one may do here.
    CHECK(alice.send("w SETACL Shared alice lr\r\n") ==
          "w NO [CANNOT] alice owns this mailbox and always holds every right\r\n");
    CHECK(alice.send("x SETACL Shared -bob w\r\n").starts_with("x NO [CANNOT] Negative rights"));
    CHECK(alice.send("y SETACL Shared mallory l\r\n")
              .starts_with("y NO [CANNOT] There is no user called \"mallory\""));
    CHECK(alice.send("z SETACL Shared anonymous lrw\r\n")
              .starts_with("z NO [CANNOT] The anonymous login is read-only"));
    CHECK(alice.send("A SETACL #news.comp.mail.imap alice +a\r\n") ==
          "A NO [NOPERM] You lack the \"a\" right on \"#news.comp.mail.imap\"; your rights there "
          "are \"lr\" (RFC 4314 4)\r\n");
    CHECK(alice.send("B GETACL Nowhere\r\n") ==
          "B NO [NONEXISTENT] There is no mailbox named \"Nowhere\"\r\n");

    // They work in the Selected state too.
    alice.select("Shared");
    CHECK(alice.send("C MYRIGHTS Shared\r\n") ==
          "* MYRIGHTS Shared lrswipkxteacd\r\nC OK MYRIGHTS completed\r\n");
}

TEST_CASE_FIXTURE(Classroom, "ACL advertised, and refused when switched off") {
    Client c(store, config_with([](auto& config) { config.capabilities.acl = false; }));
    CHECK(c.greeting.find(" ACL") == std::string::npos);
    c.login();
    CHECK(c.send("a MYRIGHTS INBOX\r\n") ==
          "a BAD MYRIGHTS is not offered by this server (see CAPABILITY)\r\n");
    // The rights still hold without the commands.
    CHECK(c.send("b SELECT #users/bob/INBOX\r\n").starts_with("b NO [NONEXISTENT] "));
}

TEST_CASE_FIXTURE(Classroom,
                  "--anonymous alone: LOGIN and AUTHENTICATE ANONYMOUS read only what is granted") {
    REQUIRE_FALSE(store.users().contains("anonymous"));
    ServerConfig config;
    config.anonymous = true;
    {
        Client guest(store, config);
        CHECK(guest.greeting.find("AUTH=ANONYMOUS") != std::string::npos);
        CHECK(guest.send("a LOGIN anonymous guest@example.org\r\n") ==
              "a OK LOGIN completed; read-only access\r\n");
        CHECK(guest.server.user() == "anonymous");
        CHECK(guest.send("b MYRIGHTS #news.comp.mail.imap\r\n") ==
              "* MYRIGHTS #news.comp.mail.imap lr\r\nb OK MYRIGHTS completed\r\n");
        const std::string select = guest.send("c SELECT #news.comp.mail.imap\r\n");
        CHECK(select.ends_with("c OK [READ-ONLY] SELECT completed\r\n"));
        CHECK(guest.send("d STORE 1 +FLAGS (\\Seen)\r\n") ==
              "d NO [READ-ONLY] The mailbox is read-only (anonymous access): flags cannot be "
              "changed\r\n");
        CHECK(guest.send("e EXAMINE #users/alice/INBOX\r\n")
                  .starts_with("* OK [CLOSED] Previous mailbox closed\r\ne NO [NONEXISTENT] "));
        CHECK(guest.send("f EXAMINE #users/alice/Shared\r\n").starts_with("f NO [NONEXISTENT] "));
        CHECK(guest.send("g SELECT INBOX\r\n").starts_with("g NO [NONEXISTENT] "));
        CHECK(guest.send("h LIST \"\" *\r\n").find("#users/") == std::string::npos);
        // No mailboxes of its own: no personal namespace (RFC 2342 5, example 5.2).
        CHECK(guest.send("n NAMESPACE\r\n")
                  .starts_with("* NAMESPACE NIL ((\"#users/\" \"/\")) ((\"#news.\" \".\"))\r\n"));
        CHECK(guest.send("i SETACL #news.comp.mail.imap anonymous lr\r\n") ==
              "i NO [NOPERM] Anonymous access is read-only\r\n");
    }
    // What alice grants to "anonymous" (or "anyone") it may read, never more.
    REQUIRE(store.grant(store.find("alice", "Shared")->id, "anyone", Rights::all()).ok());
    {
        Client guest(store, config);
        CHECK(guest.send("a AUTHENTICATE ANONYMOUS " + sasl("guest@example.org") + "\r\n") ==
              "a OK AUTHENTICATE completed; read-only access\r\n");
        CHECK(guest.send("b MYRIGHTS #users/alice/Shared\r\n") ==
              "* MYRIGHTS #users/alice/Shared lr\r\nb OK MYRIGHTS completed\r\n");
        CHECK(guest.send("c SELECT #users/alice/Shared\r\n")
                  .ends_with("c OK [READ-ONLY] SELECT completed\r\n"));
        CHECK(guest.send("d EXPUNGE\r\n").starts_with("d NO [READ-ONLY] "));
    }
    {
        Client guest(store, config);
        CHECK(guest.send("a AUTHENTICATE ANONYMOUS\r\n") == "+ \r\n");
        CHECK(guest.send(sasl("trace") + "\r\n") ==
              "a OK AUTHENTICATE completed; read-only access\r\n");
    }
    // Without --anonymous there is no such login.
    Client refused(store);
    CHECK(refused.send("a LOGIN anonymous guest\r\n") ==
          "a NO [AUTHENTICATIONFAILED] Invalid user name or password\r\n");
}

TEST_CASE_FIXTURE(Classroom, "POP3: the maildrop is the logged-in user's own INBOX") {
    PopClient bob(store);
    bob.login("bob", "builder");
    CHECK(bob.send("STAT\r\n").starts_with("+OK 1 "));
    bob.send("DELE 1\r\nQUIT\r\n");
    CHECK(messages_in(store, "bob", "INBOX") == 0);
    CHECK(messages_in(store, "alice", "INBOX") == 6);
    CHECK(messages_in(store, "alice", "Shared") == 2);
}

TEST_CASE_FIXTURE(Classroom, "SMTP: no address leads into another user's folder") {
    SmtpClient bob(store);
    REQUIRE(bob.send("EHLO client.example.net\r\n").starts_with("250-"));
    REQUIRE(bob.send("MAIL FROM:<bob@example.org>\r\n").starts_with("250 "));
    for (const char* address : {"<bob+Shared@localhost>", "<alice+Shared@localhost>",
                                "<alice/Shared@localhost>", "<\"#users/alice/Shared\"@localhost>",
                                "<\"alice/Shared\"@localhost>", "<Shared@localhost>"}) {
        CAPTURE(address);
        CHECK(bob.send(std::string("RCPT TO:") + address + "\r\n").starts_with("550 5.1.1 "));
    }
    REQUIRE(bob.send("RCPT TO:<alice@localhost>\r\n").starts_with("250 "));
    REQUIRE(bob.send("DATA\r\n").starts_with("354 "));
    CHECK(bob.send("Subject: hi\r\n\r\nfor alice\r\n.\r\n").starts_with("250 "));
    CHECK(messages_in(store, "alice", "INBOX") == 7);
    CHECK(messages_in(store, "alice", "Shared") == 2);
}
