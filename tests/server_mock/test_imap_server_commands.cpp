#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string_view>

#include "imap_server_harness.hpp"
#include "server_mock/fixture.hpp"
#include "server_mock/hmac_md5.hpp"
#include "sim/core/transcript.hpp"
#include "sim/text/base64.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

// Every extension the server lists by default, in CAPABILITY's order.
constexpr std::string_view kExtensions =
    "LITERAL+ IDLE UIDPLUS MOVE NAMESPACE UNSELECT ID CHILDREN ENABLE ACL RIGHTS=texk ESEARCH "
    "LIST-EXTENDED LIST-STATUS SPECIAL-USE BINARY MULTIAPPEND CATENATE NOTIFY SORT "
    "THREAD=ORDEREDSUBJECT THREAD=REFERENCES ESORT CONTEXT=SEARCH CONTEXT=SORT QUOTA "
    "QUOTA=RES-STORAGE QUOTA=RES-MESSAGE QUOTASET SEARCHRES STATUS=SIZE UTF8=ACCEPT CONDSTORE "
    "QRESYNC";

}  // namespace

TEST_CASE_FIXTURE(FilledStore, "greeting, CAPABILITY, NOOP and LOGOUT") {
    Client c(store);
    CHECK(c.greeting.starts_with(
        fmt::format("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5 "
                    "AUTH=XOAUTH2 AUTH=OAUTHBEARER SASL-IR {}] ",
                    kExtensions)));
    CHECK(c.send("a1 NOOP\r\n") == "a1 OK NOOP completed\r\n");
    CHECK(c.send("a2 SELECT INBOX\r\n") ==
          "a2 BAD SELECT is not valid in the Not Authenticated state\r\n");
    CHECK(c.send("a3 FROBNICATE\r\n") == "a3 BAD Unknown command FROBNICATE\r\n");
    CHECK(c.send("a4 LOGOUT\r\n") == "* BYE Logging out\r\na4 OK LOGOUT completed\r\n");
    CHECK(c.link.server_closed());
}

TEST_CASE_FIXTURE(FilledStore, "LOGIN and AUTHENTICATE PLAIN, LOGIN, CRAM-MD5") {
    SUBCASE("LOGIN with a wrong password") {
        Client c(store);
        CHECK(c.send("a LOGIN alice nope\r\n") ==
              "a NO [AUTHENTICATIONFAILED] Invalid user name or password\r\n");
        CHECK(c.send("b LOGIN alice wonderland\r\n") == "b OK LOGIN completed\r\n");
        CHECK(c.send("c LOGIN alice wonderland\r\n") ==
              "c BAD LOGIN is not valid in the Authenticated state\r\n");
    }
    SUBCASE("PLAIN with a continuation") {
        Client c(store);
        CHECK(c.send("a AUTHENTICATE PLAIN\r\n") == "+ \r\n");
        CHECK(c.send(text::base64_encode(std::string("\0alice\0wonderland", 17)) + "\r\n") ==
              "a OK AUTHENTICATE completed\r\n");
        CHECK(c.server.user() == "alice");
    }
    SUBCASE("PLAIN with SASL-IR") {
        Client c(store);
        CHECK(c.send("a AUTHENTICATE PLAIN " +
                     text::base64_encode(std::string("\0bob\0builder", 12)) + "\r\n") ==
              "a OK AUTHENTICATE completed\r\n");
    }
    SUBCASE("the client cancels with *") {
        Client c(store);
        CHECK(c.send("a AUTHENTICATE PLAIN\r\n") == "+ \r\n");
        CHECK(c.send("*\r\n") == "a BAD Authentication cancelled by the client\r\n");
        CHECK(c.send("b NOOP\r\n") == "b OK NOOP completed\r\n");
    }
    SUBCASE("LOGIN mechanism, the user name as initial response") {
        Client c(store);
        CHECK(c.send("a AUTHENTICATE LOGIN " + text::base64_encode("alice") + "\r\n") ==
              "+ UGFzc3dvcmQ6\r\n");
        CHECK(c.send(text::base64_encode("wonderland") + "\r\n") ==
              "a OK AUTHENTICATE completed\r\n");
    }
    SUBCASE("CRAM-MD5, also after mutt's trailing space") {
        for (const std::string command :
             {"a AUTHENTICATE CRAM-MD5\r\n", "a AUTHENTICATE CRAM-MD5 \r\n"}) {
            CAPTURE(command);
            Client c(store);
            auto challenge_line = c.send(command);
            REQUIRE(challenge_line.starts_with("+ "));
            auto challenge =
                text::base64_decode_strict(challenge_line.substr(2, challenge_line.size() - 4));
            REQUIRE(challenge.has_value());
            const std::string answer = "alice " + to_hex(hmac_md5("wonderland", *challenge));
            CHECK(c.send(text::base64_encode(answer) + "\r\n") ==
                  "a OK AUTHENTICATE completed\r\n");
            // The deviation is recorded for the lab report, with the rule it bends.
            const auto rules = test::violation_rules(c.trace);
            CHECK(rules.size() == (command.ends_with(" \r\n") ? 1u : 0u));
            for (const auto& rule : rules)
                CHECK(rule.find("a space ends the AUTHENTICATE line") != std::string::npos);
        }
    }
    SUBCASE("an unknown mechanism") {
        Client c(store);
        CHECK(c.send("a AUTHENTICATE GSSAPI\r\n") ==
              "a NO The SASL mechanism GSSAPI is not supported\r\n");
    }
}

TEST_CASE_FIXTURE(
    FilledStore,
    "CRAM-MD5: a random challenge with a timestamp, shown; a replayed response is refused") {
    ServerConfig config;
    std::uint64_t next = 0x5eed;
    config.random = [&next] { return next += 7919; };
    config.clock = [] { return InternalDate{1764751200, 0}; };
    auto challenge_of = [](const std::string& line) {
        REQUIRE(line.starts_with("+ "));
        auto decoded = text::base64_decode_strict(line.substr(2, line.size() - 4));
        REQUIRE(decoded.has_value());
        return *decoded;
    };
    Client first(store, config);
    const auto challenge = challenge_of(first.send("a AUTHENTICATE CRAM-MD5\r\n"));
    // RFC 2195 2: "<random.timestamp@hostname>".
    CHECK(challenge == fmt::format("<{}.1764751200@mailscope>", 0x5eed + 7919));
    const std::string response =
        text::base64_encode("alice " + to_hex(hmac_md5("wonderland", challenge)));
    CHECK(first.send(response + "\r\n") == "a OK AUTHENTICATE completed\r\n");
    // The challenge is in the trace; the response is not.
    const auto text = sim::export_text(first.trace);
    CHECK(text.find(text::base64_encode(challenge)) != std::string::npos);
    CHECK(text.find(response) == std::string::npos);

    Client second(store, config);
    const auto other = challenge_of(second.send("b AUTHENTICATE CRAM-MD5\r\n"));
    CHECK(other != challenge);
    CHECK(second.send(response + "\r\n") ==
          "b NO [AUTHENTICATIONFAILED] Invalid user name or password\r\n");
}

TEST_CASE("HMAC-MD5 matches RFC 2195 and RFC 2104 vectors") {
    CHECK(to_hex(md5("")) == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(to_hex(md5("The quick brown fox jumps over the lazy dog")) ==
          "9e107d9d372bb6826bd81d3542a419d6");
    CHECK(to_hex(hmac_md5("tanstaaftanstaaf", "<1896.697170952@postoffice.reston.mci.net>")) ==
          "b913a602c7eda7a495b4e6e7334d3890");
    CHECK(to_hex(hmac_md5("Jefe", "what do ya want for nothing?")) ==
          "750c783e6ab0b503eaa86e310a5db738");
}

TEST_CASE_FIXTURE(FilledStore, "LOGINDISABLED until STARTTLS, and the STARTTLS flow") {
    Client c(store, tls_before_login());
    CHECK(c.send("a CAPABILITY\r\n") ==
          fmt::format(
              "* CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS LOGINDISABLED AUTH=CRAM-MD5 SASL-IR {}\r\n"
              "a OK CAPABILITY completed\r\n",
              kExtensions));
    CHECK(c.send("b LOGIN alice wonderland\r\n") ==
          "b NO [PRIVACYREQUIRED] LOGIN is disabled until STARTTLS protects the connection\r\n");
    CHECK(c.send("c AUTHENTICATE PLAIN\r\n") ==
          "c NO [PRIVACYREQUIRED] AUTHENTICATE PLAIN is disabled until STARTTLS protects the "
          "connection\r\n");
    CHECK_FALSE(c.link.tls_active());
    CHECK(c.send("d STARTTLS\r\n") == "d OK Begin TLS negotiation now\r\n");
    CHECK(c.link.tls_active());
    CHECK(c.server.tls_active());
    CHECK(c.send("e CAPABILITY\r\n") ==
          fmt::format("* CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5 "
                      "AUTH=XOAUTH2 AUTH=OAUTHBEARER SASL-IR {}\r\n"
                      "e OK CAPABILITY completed\r\n",
                      kExtensions));
    CHECK(c.send("f STARTTLS\r\n") == "f BAD TLS is already active on this connection\r\n");
    CHECK(c.send("g LOGIN alice wonderland\r\n") == "g OK LOGIN completed\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "commands pipelined after STARTTLS are dropped") {
    Client c(store, config_with([](auto& config) { config.starttls_available = true; }));
    CHECK(c.send("a STARTTLS\r\nb LOGIN alice wonderland\r\n") ==
          "a OK Begin TLS negotiation now\r\n");
    CHECK(c.server.user().empty());
    CHECK(c.send("c NOOP\r\n") == "c OK NOOP completed\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "STARTTLS is refused when the listener has no TLS") {
    Client c(store);
    CHECK(c.send("a STARTTLS\r\n") ==
          "a BAD STARTTLS is not offered by this server (see CAPABILITY)\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "anonymous login is read-only") {
    REQUIRE_FALSE(store.add_user("anonymous", "unused").has_value());
    Client c(store, config_with([](auto& config) { config.anonymous = true; }));
    CHECK(c.send("a LOGIN anonymous guest@example.org\r\n") ==
          "a OK LOGIN completed; read-only access\r\n");
    auto select = c.send("b SELECT INBOX\r\n");
    CHECK(select.find("* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n") !=
          std::string::npos);
    CHECK(select.ends_with("b OK [READ-ONLY] SELECT completed\r\n"));
    CHECK(c.send("c CREATE Mine\r\n") == "c NO [NOPERM] Anonymous access is read-only\r\n");
}

TEST_CASE_FIXTURE(LoggedInClient, "SELECT and EXAMINE responses") {
    CHECK(c.send("a SELECT INBOX\r\n") ==
          "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
          "* 3 EXISTS\r\n"
          "* 3 RECENT\r\n"
          "* OK [UNSEEN 2] Message 2 is the first unseen\r\n"
          "* OK [UIDVALIDITY 100] UIDs valid\r\n"
          "* OK [UIDNEXT 4] Predicted next UID\r\n"
          "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Limited\r\n"
          "a OK [READ-WRITE] SELECT completed\r\n");
    // RFC 7162 3.2.11: CLOSED ends the responses of the mailbox selected before.
    CHECK(c.send("b EXAMINE INBOX\r\n") ==
          "* OK [CLOSED] Previous mailbox closed\r\n"
          "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
          "* 3 EXISTS\r\n"
          "* 3 RECENT\r\n"
          "* OK [UNSEEN 2] Message 2 is the first unseen\r\n"
          "* OK [UIDVALIDITY 100] UIDs valid\r\n"
          "* OK [UIDNEXT 4] Predicted next UID\r\n"
          "* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n"
          "b OK [READ-ONLY] EXAMINE completed\r\n");
    CHECK(c.send("c STORE 1 +FLAGS (\\Flagged)\r\n") ==
          "c NO [READ-ONLY] The mailbox is read-only (EXAMINE): flags cannot be changed\r\n");
    CHECK(c.send("d SELECT Nowhere\r\n") ==
          "* OK [CLOSED] Previous mailbox closed\r\n"
          "d NO [NONEXISTENT] There is no mailbox named \"Nowhere\"\r\n");
    CHECK(c.send("e FETCH 1 FLAGS\r\n") ==
          "e BAD FETCH is not valid in the Authenticated state\r\n");
}

TEST_CASE_FIXTURE(LoggedInClient, "CREATE, DELETE, RENAME, SUBSCRIBE, LIST, LSUB and STATUS") {
    CHECK(c.send("a CREATE Work/2024/\r\n") == "a OK CREATE completed\r\n");
    CHECK(c.send("b CREATE INBOX\r\n").starts_with("b NO [ALREADYEXISTS] "));
    CHECK(c.send("c LIST \"\" *\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
          "* LIST (\\HasNoChildren) \"/\" Archive\r\n"
          "* LIST (\\Noselect \\HasChildren) \"/\" Work\r\n"
          "* LIST (\\HasNoChildren) \"/\" Work/2024\r\n"
          "c OK LIST completed\r\n");
    CHECK(c.send("d LIST \"\" \"\"\r\n") ==
          "* LIST (\\Noselect) \"/\" \"\"\r\nd OK LIST completed\r\n");
    CHECK(c.send("e SUBSCRIBE Work/2024\r\n") == "e OK SUBSCRIBE completed\r\n");
    CHECK(c.send("f LSUB \"\" *\r\n") == "* LSUB () \"/\" Work/2024\r\nf OK LSUB completed\r\n");
    CHECK(c.send("g UNSUBSCRIBE Work/2024\r\n") == "g OK UNSUBSCRIBE completed\r\n");
    CHECK(c.send("h RENAME Work Play\r\n") == "h OK RENAME completed\r\n");
    CHECK(c.send("i LIST \"\" Play/%\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" Play/2024\r\ni OK LIST completed\r\n");
    CHECK(c.send("j DELETE Play/2024\r\n") == "j OK DELETE completed\r\n");
    CHECK(c.send("k DELETE Play/2024\r\n").starts_with("k NO [NONEXISTENT] "));
    CHECK(c.send("l STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)\r\n") ==
          "* STATUS INBOX (MESSAGES 3 RECENT 3 UIDNEXT 4 UIDVALIDITY 100 UNSEEN 2)\r\n"
          "l OK STATUS completed\r\n");
    CHECK(c.send("m STATUS INBOX (XSIZE)\r\n").starts_with("m BAD Unknown STATUS item XSIZE"));
    CHECK(c.send("n RENAME INBOX Old\r\n") == "n OK RENAME completed\r\n");
    CHECK(c.send("o STATUS INBOX (MESSAGES)\r\n") ==
          "* STATUS INBOX (MESSAGES 0)\r\no OK STATUS completed\r\n");
    CHECK(c.send("p STATUS Old (MESSAGES)\r\n") ==
          "* STATUS Old (MESSAGES 3)\r\np OK STATUS completed\r\n");
}

TEST_CASE("NAMESPACE, LIST and SELECT on the classroom fixture") {
    MailStore store;
    auto loaded = load_fixture(store, MAILSCOPE_SOURCE_DIR "/server_mock/fixtures/classroom.yaml");
    REQUIRE(loaded.ok());
    Client c(store);
    c.login();
    CHECK(c.send("a NAMESPACE\r\n") ==
          "* NAMESPACE ((\"\" \"/\")) ((\"#users/\" \"/\")) ((\"#news.\" \".\"))\r\n"
          "a OK NAMESPACE completed\r\n");
    CHECK(c.send("b LIST \"#news.\" \"\"\r\n") ==
          "* LIST (\\Noselect) \".\" #news.\r\nb OK LIST completed\r\n");
    CHECK(c.send("c LIST \"\" \"#news.*\"\r\n").find(" #news.comp.mail.imap\r\n") !=
          std::string::npos);
}

TEST_CASE_FIXTURE(LoggedInClient,
                  "APPEND: continuation, LITERAL+, TRYCREATE, flags and date, a refused literal") {
    CHECK(c.send("a APPEND Archive (\\Seen) \"17-Jul-1996 02:44:25 -0700\" {7}\r\n") ==
          "+ Ready for literal data\r\n");
    CHECK(c.send("Hi\r\n\r\nX\r\n") == "a OK [APPENDUID 102 1] APPEND completed\r\n");
    const Mailbox* archive = store.find("alice", "Archive");
    REQUIRE(archive->messages.size() == 1);
    CHECK(*archive->messages[0].octets == "Hi\r\n\r\nX");
    CHECK(archive->messages[0].flags.has(SystemFlag::Seen));
    CHECK(format_imap_date_time(archive->messages[0].internal_date) ==
          "17-Jul-1996 02:44:25 -0700");
    CHECK(c.send("b APPEND Archive {3+}\r\nabc\r\n") ==
          "b OK [APPENDUID 102 2] APPEND completed\r\n");
    CHECK(c.send("c APPEND Missing {3+}\r\nabc\r\n") ==
          "c NO [TRYCREATE] There is no mailbox named \"Missing\"\r\n");
    CHECK(c.send("d APPEND Archive (\\Recent) {3+}\r\nabc\r\n").starts_with("d BAD "));
    CHECK(c.send("e APPEND Archive {999999999}\r\n") ==
          "e BAD literal of 999999999 octets is larger than the limit of 67108864\r\n");
    CHECK(c.send("f NOOP\r\n") == "f OK NOOP completed\r\n");
    // BINARY is listed and takes the literal8 with its NUL; UTF8=ACCEPT is
    // listed but not enabled, so its form is refused.
    CHECK(c.send(std::string("g APPEND Archive ~{3+}\r\na\0b\r\n", 29))
              .starts_with("g OK [APPENDUID 102 3]"));
    CHECK(c.send("h APPEND Archive UTF8 (~{3+}\r\nabc)\r\n")
              .starts_with("h BAD APPEND with UTF8 (~{n}) needs ENABLE UTF8=ACCEPT"));
    CHECK(c.send("i NOOP\r\n") == "i OK NOOP completed\r\n");
    CHECK(store.find("alice", "Archive")->messages.size() == 3);
}

TEST_CASE_FIXTURE(FilledStore, "LIST-EXTENDED and LIST-STATUS (RFC 5258 5, RFC 5819 3)") {
    // RFC 5258 5's hierarchy in small: Fruit/Banana and Vegetable are
    // subscribed, Fruit/Peach is subscribed but does not exist.
    for (const char* name : {"Fruit", "Fruit/Apple", "Fruit/Banana", "Vegetable"})
        REQUIRE(store.create_mailbox("alice", name).ok());
    for (const char* name : {"Fruit/Banana", "Fruit/Peach", "Vegetable"})
        REQUIRE(store.subscribe("alice", name).ok());
    Client c(store);
    c.login();
    // Example 2: LIST (SUBSCRIBED), a subscribed name that does not exist included.
    CHECK(c.send("A02 LIST (SUBSCRIBED) \"\" \"*\"\r\n") ==
          "* LIST (\\Subscribed) \"/\" Fruit/Banana\r\n"
          "* LIST (\\NonExistent \\Subscribed) \"/\" Fruit/Peach\r\n"
          "* LIST (\\Subscribed) \"/\" Vegetable\r\n"
          "A02 OK LIST completed\r\n");
    // Example 8 C04: RECURSIVEMATCH lists Fruit for its subscribed children.
    CHECK(c.send("C04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\"\r\n") ==
          "* LIST (\\Subscribed) \"/\" Vegetable\r\n"
          "* LIST () \"/\" Fruit (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"
          "C04 OK LIST completed\r\n");
    // Example 7: several patterns, each mailbox once; RETURN (SUBSCRIBED).
    CHECK(c.send("BBB LIST \"\" (\"INBOX\" \"Fruit/%\" \"Fruit/*\") RETURN (SUBSCRIBED)\r\n") ==
          "* LIST () \"/\" INBOX\r\n"
          "* LIST () \"/\" Fruit/Apple\r\n"
          "* LIST (\\Subscribed) \"/\" Fruit/Banana\r\n"
          "BBB OK LIST completed\r\n");
    // RFC 5819 3: a STATUS after each selectable mailbox's LIST.
    CHECK(c.send("A01 LIST \"\" % RETURN (CHILDREN STATUS (MESSAGES UNSEEN))\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
          "* STATUS INBOX (MESSAGES 3 UNSEEN 2)\r\n"
          "* LIST (\\HasNoChildren) \"/\" Archive\r\n"
          "* STATUS Archive (MESSAGES 0 UNSEEN 0)\r\n"
          "* LIST (\\HasChildren) \"/\" Fruit\r\n"
          "* STATUS Fruit (MESSAGES 0 UNSEEN 0)\r\n"
          "* LIST (\\HasNoChildren) \"/\" Vegetable\r\n"
          "* STATUS Vegetable (MESSAGES 0 UNSEEN 0)\r\n"
          "A01 OK LIST completed\r\n");
    // RFC 5258 3: options nobody here knows are refused with BAD.
    CHECK(
        c.send("a LIST (XFOO) \"\" *\r\n").starts_with("a BAD Unknown LIST selection option XFOO"));
    CHECK(c.send("b LIST \"\" * RETURN (XBAR)\r\n")
              .starts_with("b BAD Unknown LIST return option XBAR"));
    CHECK(c.send("d LIST \"\" * RETURN (STATUS (XSIZE))\r\n").starts_with("d BAD "));
}

TEST_CASE_FIXTURE(FilledStore, "SPECIAL-USE: the user's own Sent, Drafts, Trash, Junk, Archive") {
    for (const char* name : {"Sent", "Drafts", "Old/Sent"})
        REQUIRE(store.create_mailbox("alice", name).ok());
    Client c(store);
    c.login();
    // RFC 6154 2: the selection option lists only mailboxes with a special
    // use, and implies the return option; a Sent deeper down is no Sent.
    CHECK(c.send("a LIST (SPECIAL-USE) \"\" *\r\n") ==
          "* LIST (\\Archive) \"/\" Archive\r\n"
          "* LIST (\\Drafts) \"/\" Drafts\r\n"
          "* LIST (\\Sent) \"/\" Sent\r\n"
          "a OK LIST completed\r\n");
    // The return option adds the uses to an ordinary listing; the plain LIST
    // leaves them out (RFC 6154 2 lets the server choose).
    CHECK(c.send("b LIST \"\" % RETURN (SPECIAL-USE)\r\n") ==
          "* LIST () \"/\" INBOX\r\n"
          "* LIST (\\Archive) \"/\" Archive\r\n"
          "* LIST (\\Drafts) \"/\" Drafts\r\n"
          "* LIST (\\Noselect) \"/\" Old\r\n"
          "* LIST (\\Sent) \"/\" Sent\r\n"
          "b OK LIST completed\r\n");
    CHECK(c.send("c LIST \"\" Sent\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" Sent\r\nc OK LIST completed\r\n");

    // Special uses are the user's own (RFC 6154 2): bob sees none of hers.
    REQUIRE(store.grant(store.find("alice", "Sent")->id, "bob", Rights::all()).ok());
    Client bob(store);
    bob.login("bob", "builder");
    CHECK(bob.send("d LIST (SPECIAL-USE) \"\" *\r\n") == "d OK LIST completed\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "SEARCH RETURN is answered by one ESEARCH with the command's tag") {
    // RFC 4731 3.1 and its examples; MIN, MAX and ALL only when something
    // matched, COUNT always.
    Client c(store);
    c.login();
    c.select();
    CHECK(c.send("a SEARCH RETURN (MIN MAX COUNT) ALL\r\n") ==
          "* ESEARCH (TAG \"a\") MIN 1 MAX 3 COUNT 3\r\na OK SEARCH completed\r\n");
    CHECK(c.send("b SEARCH RETURN () ALL\r\n") ==
          "* ESEARCH (TAG \"b\") ALL 1:3\r\nb OK SEARCH completed\r\n");
    CHECK(c.send("c UID SEARCH RETURN (ALL COUNT) NOT 2\r\n") ==
          "* ESEARCH (TAG \"c\") UID ALL 1,3 COUNT 2\r\nc OK UID SEARCH completed\r\n");
    CHECK(c.send("d SEARCH RETURN (MIN COUNT) DELETED\r\n") ==
          "* ESEARCH (TAG \"d\") COUNT 0\r\nd OK SEARCH completed\r\n");
    CHECK(
        c.send("f SEARCH RETURN (FUZZY) ALL\r\n").starts_with("f BAD Unknown RETURN option FUZZY"));
    CHECK(c.send("g SEARCH ALL\r\n") == "* SEARCH 1 2 3\r\ng OK SEARCH completed\r\n");
}

TEST_CASE_FIXTURE(FilledStore,
                  "APPEND larger than the configured size is refused before the \"+\"") {
    Client c(store, config_with([](auto& config) { config.max_append_size = 1000; }));
    c.login();
    CHECK(c.send("a APPEND Archive {5000}\r\n") ==
          "a NO [TOOBIG] A literal of 5000 octets is larger than this server accepts (1000 "
          "octets)\r\n");
    CHECK(c.send("b APPEND Archive {4}\r\n") == "+ Ready for literal data\r\n");
    CHECK(c.send("abcd\r\n") == "b OK [APPENDUID 102 1] APPEND completed\r\n");
}

TEST_CASE_FIXTURE(LoggedInClient,
                  "a disconnect in the middle of APPEND leaves the store unchanged") {
    CHECK(c.send("a APPEND Archive {100}\r\n") == "+ Ready for literal data\r\n");
    c.send("only part of the message");
    c.link.close_client();
    CHECK(store.find("alice", "Archive")->messages.empty());
    CHECK(store.change_log().cursor_count() == 0);
}

TEST_CASE_FIXTURE(SelectedClient, "FETCH sets \\Seen for BODY[] but not BODY.PEEK[]") {
    CHECK(c.send("a FETCH 2 (BODY.PEEK[HEADER.FIELDS (SUBJECT)] FLAGS)\r\n") ==
          "* 2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {19}\r\nSubject: second\r\n\r\n"
          " FLAGS (\\Recent))\r\na OK FETCH completed\r\n");
    CHECK(c.send("b FETCH 2 BODY[TEXT]\r\n") ==
          "* 2 FETCH (BODY[TEXT] {13}\r\nbody second\r\n FLAGS (\\Seen \\Recent))\r\n"
          "b OK FETCH completed\r\n");
    CHECK(c.send("c UID FETCH 3 (FLAGS)\r\n") ==
          "* 3 FETCH (UID 3 FLAGS (\\Recent))\r\nc OK UID FETCH completed\r\n");
    CHECK(c.send("d FETCH 9 FLAGS\r\n") ==
          "d BAD Message sequence number 9 is beyond the last message (3)\r\n");
    CHECK(c.send("e UID FETCH 9 FLAGS\r\n") == "e OK UID FETCH completed\r\n");
}

TEST_CASE_FIXTURE(SelectedClient, "STORE, .SILENT, EXPUNGE, CLOSE and UNSELECT") {
    CHECK(c.send("a STORE 1:2 +FLAGS (\\Deleted)\r\n") ==
          "* 1 FETCH (FLAGS (\\Deleted \\Seen \\Recent))\r\n"
          "* 2 FETCH (FLAGS (\\Deleted \\Recent))\r\na OK STORE completed\r\n");
    CHECK(c.send("b STORE 3 FLAGS.SILENT ($Later)\r\n") ==
          "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later)\r\n"
          "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later \\*)] "
          "Flags permitted\r\nb OK STORE completed\r\n");
    // RFC 3501 7.2.6: the new keyword is named by FLAGS before a FETCH uses it.
    CHECK(c.send("b2 STORE 2 +FLAGS ($Soon)\r\n") ==
          "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later $Soon)\r\n"
          "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later $Soon "
          "\\*)] Flags permitted\r\n"
          "* 2 FETCH (FLAGS (\\Deleted $Soon \\Recent))\r\nb2 OK STORE completed\r\n");
    CHECK(c.send("c UID STORE 3 -FLAGS ($Later)\r\n") ==
          "* 3 FETCH (UID 3 FLAGS (\\Recent))\r\nc OK UID STORE completed\r\n");
    CHECK(c.send("d STORE 1 +FLAGS (\\Recent)\r\n").starts_with("d BAD "));
    CHECK(c.send("e UID EXPUNGE 2\r\n") ==
          "* 2 EXPUNGE\r\n* 2 RECENT\r\ne OK EXPUNGE completed\r\n");
    CHECK(c.send("f EXPUNGE\r\n") == "* 1 EXPUNGE\r\n* 1 RECENT\r\nf OK EXPUNGE completed\r\n");
    CHECK(c.send("g STORE 1 +FLAGS (\\Deleted)\r\n") ==
          "* 1 FETCH (FLAGS (\\Deleted \\Recent))\r\ng OK STORE completed\r\n");
    CHECK(c.send("h CLOSE\r\n") == "h OK CLOSE completed\r\n");
    CHECK(store.find("alice", "INBOX")->messages.empty());
    CHECK(c.send("i NOOP\r\n") == "i OK NOOP completed\r\n");
    c.select("Archive");
    CHECK(c.send("j UNSELECT\r\n") == "j OK UNSELECT completed\r\n");
    CHECK(c.send("k CLOSE\r\n") == "k BAD CLOSE is not valid in the Authenticated state\r\n");
}

// RFC 3501 9: flag-keyword = atom, and NIL is an atom; only where a string
// may stand does NIL mean "no string".
TEST_CASE_FIXTURE(SelectedClient,
                  "NIL is a keyword like any other atom in STORE, APPEND and SEARCH") {
    const auto stored = c.send("a STORE 3 +FLAGS NIL\r\n");
    CHECK(stored.find("* 3 FETCH (FLAGS (NIL \\Recent))\r\n") != std::string::npos);
    CHECK(stored.ends_with("a OK STORE completed\r\n"));
    CHECK(c.send("b SEARCH KEYWORD NIL\r\n") == "* SEARCH 3\r\nb OK SEARCH completed\r\n");
    CHECK(c.send("c SEARCH UNKEYWORD nil\r\n") == "* SEARCH 1 2\r\nc OK SEARCH completed\r\n");
    CHECK(c.send("d APPEND Archive (NIL) {3+}\r\nabc\r\n")
              .ends_with("d OK [APPENDUID 102 1] APPEND completed\r\n"));
    c.select("Archive");
    CHECK(c.send("e FETCH 1 FLAGS\r\n") ==
          "* 1 FETCH (FLAGS (\\Recent NIL))\r\ne OK FETCH completed\r\n");
}

TEST_CASE_FIXTURE(SelectedClient, "SEARCH, UID SEARCH and CHARSET") {
    CHECK(c.send("a SEARCH UNSEEN\r\n") == "* SEARCH 2 3\r\na OK SEARCH completed\r\n");
    CHECK(c.send("b UID SEARCH SUBJECT third\r\n") ==
          "* SEARCH 3\r\nb OK UID SEARCH completed\r\n");
    CHECK(c.send("c SEARCH CHARSET UTF-8 SUBJECT second\r\n") ==
          "* SEARCH 2\r\nc OK SEARCH completed\r\n");
    CHECK(c.send("d SEARCH CHARSET KOI8-R SUBJECT x\r\n") ==
          "d NO [BADCHARSET (UTF-8 US-ASCII)] The charset KOI8-R is not supported\r\n");
}

TEST_CASE_FIXTURE(SelectedClient, "COPY and MOVE with COPYUID and TRYCREATE") {
    CHECK(c.send("a COPY 1:2 Archive\r\n") == "a OK [COPYUID 102 1:2 1:2] COPY completed\r\n");
    CHECK(c.send("b COPY 1 Nowhere\r\n") ==
          "b NO [TRYCREATE] There is no mailbox named \"Nowhere\"\r\n");
    CHECK(c.send("c UID MOVE 2:3 Archive\r\n") ==
          "* OK [COPYUID 102 2:3 3:4] Moved UIDs\r\n* 2 EXPUNGE\r\n* 2 EXPUNGE\r\n"
          "* 1 RECENT\r\nc OK UID MOVE completed\r\n");
    CHECK(store.find("alice", "Archive")->messages.size() == 4);
    CHECK(c.server.view() == std::vector<Uid>{1});
    // RFC 6851 3.3: a MOVE into the selected mailbox is allowed where a COPY
    // there is; the message comes back under a new UID and the old one goes.
    const auto moved = c.send("d MOVE 1 INBOX\r\n");
    CHECK(moved.starts_with("* OK [COPYUID 100 1 4] Moved UIDs\r\n* 1 EXPUNGE\r\n"));
    CHECK(moved.find("* 1 EXISTS\r\n") != std::string::npos);
    CHECK(moved.ends_with("d OK MOVE completed\r\n"));
    CHECK(c.server.view() == std::vector<Uid>{4});
    const Mailbox* inbox = store.find("alice", "INBOX");
    REQUIRE(inbox->messages.size() == 1);
    CHECK(inbox->messages[0].uid == 4u);
}

TEST_CASE_FIXTURE(LoggedInClient, "IDLE, ID and ENABLE") {
    CHECK(c.send("a ID (\"name\" \"test\")\r\n") ==
          "* ID (\"name\" \"mailscope\" \"version\" \"1.0\")\r\na OK ID completed\r\n");
    // RFC 5161 3.1: ENABLED names only what this command enabled.
    CHECK(c.send("b ENABLE X-UNKNOWN CONDSTORE\r\n") ==
          "* ENABLED CONDSTORE\r\nb OK ENABLE completed\r\n");
    CHECK(c.send("b2 ENABLE X-UNKNOWN\r\n") == "* ENABLED\r\nb2 OK ENABLE completed\r\n");
    c.select();
    CHECK(c.send("c IDLE\r\n") == "+ idling\r\n");
    CHECK(c.send("DONE\r\n") == "c OK IDLE terminated\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "switched-off extensions are neither advertised nor accepted") {
    struct Switched {
        bool CapabilityToggles::*toggle;
        const char* capability;  // absent from the greeting
        const char* command;     // sent in the selected state
        const char* refusal;     // how the answer starts
    };
    const Switched cases[] = {
        {&CapabilityToggles::move, "MOVE", "MOVE 1 Archive", "BAD MOVE is not offered"},
        {&CapabilityToggles::idle, " IDLE", "IDLE", "BAD IDLE is not offered"},
        {&CapabilityToggles::binary, "BINARY", "FETCH 1 BINARY[1]",
         "BAD FETCH BINARY[...] or BINARY.SIZE[...] needs BINARY"},
        {&CapabilityToggles::multiappend, "MULTIAPPEND", "APPEND Archive {3+}\r\none {3+}\r\ntwo",
         "BAD APPEND with more than one message needs MULTIAPPEND"},
        {&CapabilityToggles::catenate, "CATENATE", "APPEND Archive CATENATE (TEXT {3+}\r\none)",
         "BAD APPEND with CATENATE (...) needs CATENATE"},
        {&CapabilityToggles::sort, "SORT", "SORT (DATE) UTF-8 ALL", "BAD SORT is not offered"},
        {&CapabilityToggles::sort, "THREAD=", "THREAD ORDEREDSUBJECT UTF-8 ALL",
         "BAD THREAD is not offered"},
        {&CapabilityToggles::quota, "QUOTA", "GETQUOTAROOT INBOX",
         "BAD GETQUOTAROOT is not offered"},
        {&CapabilityToggles::quota, "QUOTA", "SETQUOTA #user/alice (MESSAGE 1)",
         "BAD SETQUOTA is not offered"},
        {&CapabilityToggles::quota, "QUOTA", "STATUS INBOX (DELETED-STORAGE)",
         "BAD STATUS item DELETED-STORAGE needs QUOTA=RES-STORAGE"},
        {&CapabilityToggles::special_use, "SPECIAL-USE", "LIST \"\" * RETURN (SPECIAL-USE)",
         "BAD LIST option SPECIAL-USE needs SPECIAL-USE"},
        {&CapabilityToggles::searchres, "SEARCHRES", "SEARCH RETURN (SAVE) ALL",
         "BAD SEARCH RETURN (SAVE) needs SEARCHRES"},
        {&CapabilityToggles::searchres, "SEARCHRES", "FETCH $ (FLAGS)",
         "BAD the message set \"$\" needs SEARCHRES"},
        {&CapabilityToggles::status_size, "STATUS=SIZE", "STATUS INBOX (SIZE)",
         "BAD STATUS item SIZE needs STATUS=SIZE"},
        {&CapabilityToggles::utf8_accept, "UTF8=ACCEPT", "APPEND Archive UTF8 (~{3+}\r\nabc)",
         "BAD APPEND with UTF8 (~{n}) needs UTF8=ACCEPT"},
        {&CapabilityToggles::contexts, "CONTEXT=", "SEARCH RETURN (UPDATE) ALL",
         "BAD SEARCH RETURN (UPDATE) needs CONTEXT=SEARCH"},
        {&CapabilityToggles::contexts, "ESORT", "SORT RETURN (MIN) (DATE) UTF-8 ALL",
         "BAD SORT RETURN (...) needs ESORT"},
        {&CapabilityToggles::contexts, "CONTEXT=", "CANCELUPDATE \"a\"",
         "BAD CANCELUPDATE is not offered"},
        {&CapabilityToggles::sort, "CONTEXT=SORT", "SORT RETURN (UPDATE) (DATE) UTF-8 ALL",
         "BAD SORT is not offered"},
    };
    for (const Switched& off : cases) {
        const std::string command = off.command;
        CAPTURE(command);
        ServerConfig config;
        config.capabilities.*off.toggle = false;
        Client c(store, config);
        CHECK(c.greeting.find(off.capability) == std::string::npos);
        c.login();
        c.select();
        CHECK(
            c.send(fmt::format("t {}\r\n", command)).starts_with(fmt::format("t {}", off.refusal)));
    }
    CHECK(store.find("alice", "Archive")->messages.empty());
}
