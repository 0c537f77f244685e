// SORT, THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256) in the mock
// server, and the base subject (RFC 5256 2.1) they compare.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <utility>

#include "server_mock/base_subject.hpp"
#include "server_mock/thread_references.hpp"
#include "tests/server_mock/imap_server_harness.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

TEST_CASE("the base subject drops reply and forward marks (RFC 5256 2.1)") {
    const std::pair<const char*, const char*> cases[] = {
        {"Hello", "HELLO"},
        {"Re: Hello", "HELLO"},
        {"RE: re:  Fwd: Hello", "HELLO"},
        {"Re[2]: Hello", "HELLO"},
        {"[imap] Re: Hello", "HELLO"},
        {"Hello (fwd) (FWD)  ", "HELLO"},
        {"[Fwd: Re: Hello]", "HELLO"},
        {"Hello\t \r\n world", "HELLO WORLD"},
        // A blob that would leave nothing is the subject itself.
        {"[only]", "[ONLY]"},
        {"Re: [list] ", "[LIST]"},
        {"Reply to all", "REPLY TO ALL"},
        {"=?UTF-8?B?UmU6INCf0YDQuNCy0LXRgg==?=", "Привет"},
        {"", ""},
    };
    for (const auto& [subject, base] : cases) {
        const std::string raw = subject;
        CAPTURE(raw);
        CHECK(base_subject(subject) == base);
    }
}

namespace {

struct Message {
    const char* from;
    const char* date;
    const char* subject;
    std::size_t padding;  // makes the size differ
};

// Five messages whose sort orders all differ: arrival is 1..5.
struct SortedStore {
    SortedStore() {
        REQUIRE_FALSE(store.add_user("alice", "wonderland").has_value());
        const MailboxId inbox = store.find("alice", "INBOX")->id;
        const Message messages[] = {
            {"carol@example.org", "Mon, 1 Jan 2024 10:00:00 +0000", "Lunch", 30},
            {"Alice <alice@example.org>", "Sun, 31 Dec 2023 23:30:00 -0100", "Re: Lunch", 10},
            {"bob@example.org", "Tue, 2 Jan 2024 09:00:00 +0000", "Agenda", 50},
            {"dave@example.org", "not a date", "[team] Re: Agenda", 20},
            {"bob@example.org", "Mon, 1 Jan 2024 12:00:00 +0000", "Budget", 40},
        };
        int day = 10;
        for (const auto& m : messages) {
            const std::string text =
                fmt::format("From: {}\r\nDate: {}\r\nSubject: {}\r\n\r\n{}\r\n", m.from, m.date,
                            m.subject, std::string(m.padding, 'x'));
            REQUIRE(store.append(inbox, text, {}, *make_internal_date(2024, 1, day++, 8, 0, 0, 0))
                        .ok());
        }
        c.login();
        c.select();
    }
    MailStore store{100};
    Client c{store};
};

}  // namespace

TEST_CASE_FIXTURE(SortedStore, "SORT orders by each key, REVERSE and ties in mailbox order") {
    const std::pair<const char*, const char*> sorts[] = {
        {"(ARRIVAL)", "1 2 3 4 5"},
        {"(REVERSE ARRIVAL)", "5 4 3 2 1"},
        // 2 is 00:30 UTC on 1 Jan; 4 has no date, so its INTERNALDATE (13 Jan).
        {"(DATE)", "2 1 5 3 4"},
        {"(FROM)", "2 3 5 1 4"},
        {"(SIZE)", "4 2 1 5 3"},
        // Base subjects AGENDA, AGENDA, BUDGET, LUNCH, LUNCH: ties by mailbox order.
        {"(SUBJECT)", "3 4 5 1 2"},
        {"(SUBJECT REVERSE DATE)", "4 3 5 1 2"},
        {"(TO CC)", "1 2 3 4 5"},
    };
    for (const auto& [criteria, order] : sorts) {
        const std::string asked = criteria;
        CAPTURE(asked);
        CHECK(c.send(fmt::format("s SORT {} UTF-8 ALL\r\n", criteria)) ==
              fmt::format("* SORT {}\r\ns OK SORT completed\r\n", order));
    }
    CHECK(c.send("u UID SORT (SIZE) US-ASCII FROM bob\r\n") ==
          "* SORT 5 3\r\nu OK UID SORT completed\r\n");
    CHECK(c.send("n SORT (SIZE) UTF-8 SUBJECT nothing\r\n") == "* SORT\r\nn OK SORT completed\r\n");
    CHECK(c.send("b SORT (SIZE) KOI8-R ALL\r\n").starts_with("b NO [BADCHARSET (UTF-8 US-ASCII)]"));
}

TEST_CASE_FIXTURE(SortedStore, "THREAD=ORDEREDSUBJECT groups by base subject, ordered by date") {
    // Threads by the date of their first message: LUNCH (2, then 1), BUDGET
    // (5), AGENDA (3, then 4, dated by its INTERNALDATE).
    CHECK(c.send("t THREAD ORDEREDSUBJECT UTF-8 ALL\r\n") ==
          "* THREAD (2 1)(5)(3 4)\r\nt OK THREAD completed\r\n");
    CHECK(c.send("u UID THREAD ORDEREDSUBJECT UTF-8 NOT FROM dave\r\n") ==
          "* THREAD (2 1)(5)(3)\r\nu OK UID THREAD completed\r\n");
    const std::string reply = "Subject: Re: Re: lunch\r\n\r\nagain\r\n";
    REQUIRE(
        c.send(fmt::format("a APPEND INBOX {{{}+}}\r\n{}\r\n", reply.size(), reply)).find("a OK") !=
        std::string::npos);
    // A parent with two replies branches: each reply is a list.
    CHECK(c.send("v THREAD ORDEREDSUBJECT UTF-8 ALL\r\n") ==
          "* THREAD (2 (1)(6))(5)(3 4)\r\nv OK THREAD completed\r\n");
    CHECK(c.send("w THREAD X-BY-MOOD UTF-8 ALL\r\n") ==
          "w BAD This server threads by ORDEREDSUBJECT or REFERENCES only (see CAPABILITY), not "
          "X-BY-MOOD (RFC 5256 3)\r\n");
}

namespace {

// A conversation and two messages on another subject, APPENDed after a
// message that is then expunged, so that UIDs (2 to 7) differ from sequence
// numbers (1 to 6).
struct ReferencedStore {
    ReferencedStore() {
        REQUIRE_FALSE(store.add_user("alice", "wonderland").has_value());
        c.login();
        c.select();
        append("From: x@example.org\r\nSubject: gone\r\n");
        REQUIRE(c.send("d STORE 1 +FLAGS.SILENT (\\Deleted)\r\n") == "d OK STORE completed\r\n");
        REQUIRE(c.send("e EXPUNGE\r\n").starts_with("* 1 EXPUNGE\r\n"));
        append(
            "From: carol@example.org\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
            "Message-ID: <root@example.org>\r\nSubject: Plan\r\n");
        append(
            "From: bob@example.org\r\nDate: Mon, 1 Jan 2024 11:00:00 +0000\r\n"
            "Message-ID: <r1@example.org>\r\nReferences: <root@example.org>\r\n"
            "Subject: Re: Plan, second thoughts\r\n");
        append(
            "From: bob@example.org\r\nDate: Mon, 1 Jan 2024 10:30:00 +0000\r\n"
            "Message-ID: <r2@example.org>\r\nIn-Reply-To: <root@example.org>\r\n"
            "Subject: Re: Plan\r\n");
        // References, folded, outweigh In-Reply-To.
        append(
            "From: bob@example.org\r\nDate: Mon, 1 Jan 2024 12:00:00 +0000\r\n"
            "Message-ID: <deep@example.org>\r\nIn-Reply-To: <r2@example.org>\r\n"
            "References: <root@example.org>\r\n <r1@example.org>\r\nSubject: Re: Plan\r\n");
        append(
            "From: dave@example.org\r\nDate: Mon, 1 Jan 2024 09:00:00 +0000\r\n"
            "Message-ID: <budget@example.org>\r\nSubject: Budget\r\n");
        // No Message-ID and no references: it joins by its subject.
        append(
            "From: dave@example.org\r\nDate: Mon, 1 Jan 2024 13:00:00 +0000\r\n"
            "Subject: Re: Budget\r\n");
    }
    void append(const std::string& header) {
        const std::string text = header + "\r\nbody\r\n";
        REQUIRE(c.send(fmt::format("a APPEND INBOX {{{}+}}\r\n{}\r\n", text.size(), text))
                    .find("a OK") != std::string::npos);
    }
    MailStore store{100};
    Client c{store};
};

}  // namespace

TEST_CASE_FIXTURE(ReferencedStore, "THREAD=REFERENCES links replies by their references") {
    // 5 (09:00) then 1 (10:00); 1's replies 3 (10:30) then 2 (11:00), whose
    // reply is 4; 6 has only its subject to go by.
    CHECK(c.send("t THREAD REFERENCES UTF-8 ALL\r\n") ==
          "* THREAD (5 6)(1 (3)(2 4))\r\nt OK THREAD completed\r\n");
    CHECK(c.send("u UID THREAD REFERENCES UTF-8 ALL\r\n") ==
          "* THREAD (6 7)(2 (4)(3 5))\r\nu OK UID THREAD completed\r\n");
    // Without the first message, its replies, whose subjects differ, are
    // siblings under a parent the response does not show.
    CHECK(c.send("n THREAD REFERENCES UTF-8 NOT FROM carol\r\n") ==
          "* THREAD (5 6)((3)(2 4))\r\nn OK THREAD completed\r\n");
    CHECK(c.send("v UID THREAD REFERENCES US-ASCII NOT FROM carol\r\n") ==
          "* THREAD (6 7)((4)(3 5))\r\nv OK UID THREAD completed\r\n");
    CHECK(c.send("w THREAD REFERENCES UTF-8 SUBJECT nothing\r\n") ==
          "* THREAD\r\nw OK THREAD completed\r\n");
}

TEST_CASE("THREAD=REFERENCES refuses more messages than it threads at once, with LIMIT") {
    MailStore store{100};
    REQUIRE_FALSE(store.add_user("alice", "wonderland").has_value());
    const MailboxId inbox = store.find("alice", "INBOX")->id;
    // One conversation in which each message answers the one before.
    for (std::size_t i = 0; i <= kMaxThreadedMessages; ++i) {
        std::string text = fmt::format("Message-ID: <m{}@x>\r\n", i);
        if (i > 0) text += fmt::format("In-Reply-To: <m{}@x>\r\n", i - 1);
        text += "Subject: chain\r\n\r\n.\r\n";
        REQUIRE(store.append(inbox, std::move(text), {}, kTestDate).ok());
    }
    Client c(store);
    c.login();
    c.select();
    CHECK(c.send("t THREAD REFERENCES UTF-8 ALL\r\n")
              .starts_with(fmt::format("t NO [LIMIT] THREAD REFERENCES takes at most {} messages",
                                       kMaxThreadedMessages)));
    // At the limit the chain is one thread, written flat.
    const std::string thread = c.send("u THREAD REFERENCES UTF-8 NOT 1\r\n");
    CHECK(thread.starts_with("* THREAD (2 3 4 "));
    CHECK(thread.ends_with(
        fmt::format(" {})\r\nu OK THREAD completed\r\n", kMaxThreadedMessages + 1)));
}
