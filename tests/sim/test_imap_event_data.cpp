// The typed content of IMAP events (sim/imap/event_data.hpp): what views read
// instead of the wire text. Each case feeds an observer the exchange a real
// session would have.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/core/transcript.hpp"
#include "sim/imap/session.hpp"

using namespace mailscope;
using sim::Direction;

namespace {

// A logged-in observer with INBOX selected, then `server` (CRLF-terminated
// lines) answering `command`.
sim::SessionTrace observe(std::string_view command, std::string_view server) {
    sim::SessionTrace trace;
    imap::ImapSession session(trace);
    session.feed(Direction::ServerToClient, "* OK ready\r\n");
    session.feed(Direction::ClientToServer, "a1 LOGIN alice wonderland\r\n");
    session.feed(Direction::ServerToClient, "a1 OK done\r\n");
    session.feed(Direction::ClientToServer, "a2 SELECT INBOX\r\n");
    session.feed(Direction::ServerToClient, "* 3 EXISTS\r\na2 OK [READ-WRITE] done\r\n");
    session.feed(Direction::ClientToServer, command);
    session.feed(Direction::ServerToClient, server);
    return trace;
}

// The last untagged event whose wire text starts with `start`.
const sim::TraceEvent& untagged(const sim::SessionTrace& trace, std::string_view start) {
    const sim::TraceEvent* found = nullptr;
    for (const auto& event : trace.events()) {
        if (event.kind == sim::EventKind::Untagged && event.raw.starts_with(start)) found = &event;
    }
    REQUIRE_MESSAGE(found, "no untagged event starting with " << start);
    return *found;
}

}  // namespace

TEST_CASE("LIST and LSUB entries carry the name as sent, the delimiter and the attributes") {
    const auto trace = observe("a3 LIST \"\" *\r\n",
                               "* LIST (\\HasChildren) \"/\" \"&BCAEMAQxBD4EQgQw-\"\r\n"
                               "* LIST () \".\" {5}\r\nA.b c\r\n"
                               "a3 OK done\r\n");
    const auto& work = untagged(trace, "* LIST (\\HasChildren)");
    CHECK(work.mailbox == "&BCAEMAQxBD4EQgQw-");
    REQUIRE(work.listed);
    CHECK(work.listed->delimiter == '/');
    CHECK(work.listed->attributes == std::vector<std::string>{"\\HasChildren"});
    const auto& literal = untagged(trace, "* LIST () \".\"");
    CHECK(literal.mailbox == "A.b c");

    const auto lsub = observe("a3 LSUB \"\" *\r\n", "* LSUB () NIL INBOX\r\na3 OK done\r\n");
    const auto& inbox = untagged(lsub, "* LSUB");
    CHECK(inbox.mailbox == "INBOX");
    REQUIRE(inbox.listed);
    CHECK_FALSE(inbox.listed->delimiter);
}

TEST_CASE("counts, response code numbers and the mailbox a command names") {
    const auto trace = observe("a3 STATUS Drafts (MESSAGES)\r\n",
                               "* 4 EXISTS\r\n* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
                               "* OK [UIDNEXT 4] next\r\n* STATUS Drafts (MESSAGES 2)\r\n"
                               "a3 OK done\r\n");
    CHECK(untagged(trace, "* 4 EXISTS").number == 4u);
    const auto& validity = untagged(trace, "* OK [UIDVALIDITY");
    CHECK(validity.code == "UIDVALIDITY 3857529045");
    CHECK(validity.code_number == 3857529045u);
    CHECK(untagged(trace, "* OK [UIDNEXT").code_number == 4u);
    CHECK(untagged(trace, "* STATUS").mailbox == "Drafts");
    for (const auto& event : trace.events()) {
        if (event.kind != sim::EventKind::Command) continue;
        if (event.tag == "a2") CHECK(event.mailbox == "INBOX");
        if (event.tag == "a3") CHECK(event.mailbox == "Drafts");
        if (event.tag == "a1") CHECK(event.mailbox.empty());
    }
}

TEST_CASE("FETCH data carries UID, FLAGS, RFC822.SIZE and the ENVELOPE subject as sent") {
    const auto trace =
        observe("a3 FETCH 1:3 (UID FLAGS RFC822.SIZE ENVELOPE)\r\n",
                "* 1 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) UID 7)\r\n"
                "* 2 FETCH (ENVELOPE (NIL \"say \\\"hi\\\"\" NIL NIL NIL NIL NIL NIL NIL NIL) "
                "FLAGS (\\Seen) RFC822.SIZE 12)\r\n"
                "* 3 FETCH (ENVELOPE (NIL {24}\r\n=?UTF-8?B?0J/RgNC40LI=?= NIL NIL NIL NIL NIL NIL "
                "NIL NIL) UID 9)\r\n"
                "a3 OK done\r\n");
    const auto& first = untagged(trace, "* 1 FETCH");
    CHECK(first.number == 1u);
    REQUIRE(first.message);
    CHECK(first.message->uid == 7u);
    CHECK_FALSE(first.message->subject);
    CHECK_FALSE(first.message->flags);
    const auto& second = untagged(trace, "* 2 FETCH");
    REQUIRE(second.message);
    CHECK(second.message->subject == "say \"hi\"");
    CHECK(second.message->flags == std::vector<std::string>{"\\Seen"});
    CHECK(second.message->size == 12u);
    CHECK_FALSE(second.message->uid);
    const auto& third = untagged(trace, "* 3 FETCH");
    REQUIRE(third.message);
    CHECK(third.message->subject == "=?UTF-8?B?0J/RgNC40LI=?=");
    CHECK(third.message->uid == 9u);

    const std::string json = sim::export_jsonl(trace);
    CHECK(json.find(R"("message":{"flags":["\\Seen"],"size":12,"subject":"say \"hi\""})") !=
          std::string::npos);
    CHECK(json.find(R"("number":3)") != std::string::npos);
}

TEST_CASE("a FETCH that does not parse carries no message facts") {
    const auto trace = observe("a3 FETCH 1 UID\r\n",
                               "* 1 FETCH (UID 99999999999 RFC822.SIZE 12)\r\n"
                               "* 1 FETCH ((((\r\n"
                               "a3 OK done\r\n");
    int fetches = 0;
    for (const auto& event : trace.events()) {
        if (!event.raw.starts_with("* 1 FETCH")) continue;
        ++fetches;
        CHECK_FALSE(event.message);
    }
    CHECK(fetches == 2);
}
