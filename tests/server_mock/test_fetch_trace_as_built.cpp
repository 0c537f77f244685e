// A server session traces the FETCH responses it writes from the responses
// as it built them, without parsing its own output again. The trace must be
// the one a reader of the same octets makes: an observer fed the whole
// conversation gives every FETCH response and literal the same facts.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "server_mock/fixture.hpp"
#include "sim/core/transcript.hpp"
#include "sim/imap/session.hpp"
#include "tests/server_mock/imap_server_harness.hpp"

using namespace mailscope;
using namespace mailscope::server;

namespace {

// What an event says about the octets, without where it sits in its trace.
nlohmann::json facts_of(const sim::TraceEvent& event) {
    auto facts = nlohmann::json::parse(sim::event_to_json(event));
    for (const char* place : {"seq", "time_us", "link", "link_seq"})
        facts.erase(place);
    return facts;
}

bool fetch_or_its_literal(const sim::TraceEvent& event) {
    return event.dir == sim::Direction::ServerToClient &&
           ((event.kind == sim::EventKind::Untagged && event.name == "FETCH") ||
            event.kind == sim::EventKind::Literal);
}

std::vector<nlohmann::json> fetch_facts(const sim::SessionTrace& trace) {
    std::vector<nlohmann::json> facts;
    for (const auto& event : trace.events()) {
        if (fetch_or_its_literal(event)) facts.push_back(facts_of(event));
    }
    return facts;
}

}  // namespace

TEST_CASE("the FETCH responses a server traces as built are those its octets say") {
    MailStore store{100};
    REQUIRE(load_fixture(store, std::filesystem::path(MAILSCOPE_SOURCE_DIR) /
                                    "server_mock/fixtures/classroom.yaml")
                .ok());
    testing::Client client{store};
    sim::SessionTrace observed{sim::Protocol::Imap};
    imap::ImapSession observer{observed};
    observer.feed(sim::Direction::ServerToClient, client.greeting, 0);
    const std::vector<std::string> commands = {
        "a LOGIN alice wonderland\r\n",
        "b SELECT INBOX\r\n",
        "c FETCH 1:* (FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)\r\n",
        "d FETCH 1:* (BODY BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODY.PEEK[TEXT]<0.20>)\r\n",
        "e FETCH 1:* (RFC822.HEADER RFC822.TEXT BODY.PEEK[1.MIME])\r\n",
        "f FETCH 1:* BODY[]\r\n",
        "g FETCH 1 RFC822\r\n",
        "h STORE 1:* +FLAGS (\\Flagged $Work)\r\n",
        "i UID FETCH 1:* (FLAGS)\r\n",
        "j FETCH 1:* (BINARY.PEEK[1] BINARY.SIZE[1])\r\n",
        "k ENABLE CONDSTORE\r\n",
        "l FETCH 1:* (MODSEQ FLAGS)\r\n",
        "m UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1)\r\n",
        "n FETCH 2 (BODY.PEEK[]<5.40> BODY.PEEK[HEADER])\r\n",
    };
    for (const auto& command : commands) {
        const std::string answer = client.send(command);
        observer.feed(sim::Direction::ClientToServer, command, 0);
        observer.feed(sim::Direction::ServerToClient, answer, 0);
    }
    const auto built = fetch_facts(client.trace);
    const auto read = fetch_facts(observed);
    REQUIRE(built.size() > 40);
    REQUIRE(built.size() == read.size());
    for (std::size_t i = 0; i < built.size(); ++i) {
        INFO("event ", i, ": ", read[i].dump());
        CHECK(built[i] == read[i]);
    }
}
