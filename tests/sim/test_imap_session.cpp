#include <doctest/doctest.h>

#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/core/trace_links.hpp"
#include "sim/core/transcript.hpp"
#include "sim/imap/session.hpp"
#include "tests/sim/imap_parsed.hpp"
#include "tests/sim/imap_role.hpp"
#include "tests/sim/vector_files.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using sim::Direction;
using sim::EventKind;

namespace {

std::vector<sim::TranscriptChunk> section8() {
    return test::transcript_chunks("imap/rfc3501_section8.txt");
}

bool is_literal_request(std::optional<imap::ServerInput> input) {
    return input && std::holds_alternative<imap::LiteralRequested>(*input);
}

void feed_all(imap::ImapSession& session, const std::vector<sim::TranscriptChunk>& chunks) {
    for (const auto& chunk : chunks)
        session.feed(chunk.dir, chunk.bytes);
}

// A client and a server session wired back to back, the way the in-process
// transport drives them.
struct Pair {
    sim::SessionTrace client_trace;
    sim::SessionTrace server_trace;
    imap::ImapSession client{client_trace, test::imap_role(imap::Role::Client)};
    imap::ImapSession server{server_trace, test::imap_role(imap::Role::Server)};

    void pump() {
        for (int i = 0; i < 100; ++i) {
            auto c = client.take_outgoing();
            auto s = server.take_outgoing();
            if (c.empty() && s.empty()) return;
            if (!c.empty()) server.receive(c);
            if (!s.empty()) client.receive(s);
        }
    }
    void say(std::string_view bytes) {
        server.send(test::framed_response(bytes));
        pump();
    }
};

}  // namespace

TEST_CASE("RFC 3501 section 8 example: states, links and flags as an observer") {
    sim::SessionTrace trace;
    imap::ImapSession session(trace);
    feed_all(session, section8());
    session.feed_eof(Direction::ServerToClient);

    CHECK(test::violation_rules(trace).empty());
    auto transitions = test::of_kind(trace, EventKind::StateTransition);
    REQUIRE(transitions.size() == 5);
    CHECK(transitions[0]->transition->number == 1);
    CHECK(transitions[0]->transition->to == imap::State::NotAuthenticated);
    CHECK(transitions[1]->transition->number == 4);
    CHECK(transitions[1]->transition->to == imap::State::Authenticated);
    CHECK(transitions[2]->transition->number == 5);
    CHECK(transitions[2]->transition->to == imap::State::Selected);
    CHECK(transitions[3]->transition->number == 7);
    CHECK(transitions[3]->transition->to == imap::State::Logout);
    CHECK(transitions[4]->transition->to == imap::State::Closed);
    CHECK(session.state() == imap::State::Closed);

    // Every tagged completion closes the command with its tag, and the
    // completion index finds it from the command.
    const sim::CompletionIndex completions(trace);
    for (const auto* done : test::of_kind(trace, EventKind::Tagged)) {
        REQUIRE(done->link_seq);
        CHECK(trace.at(*done->link_seq).tag == done->tag);
        CHECK(completions.completion_of(*done->link_seq) == done->seq);
    }
    // SELECT's untagged data answers the SELECT; FETCH data its FETCH / STORE.
    auto* select = test::command_tagged(trace, "a002");
    REQUIRE(select);
    auto* exists = test::first_raw(trace, "* 18 EXISTS");
    REQUIRE(exists);
    CHECK(exists->link_seq == select->seq);
    auto* unseen = test::first_raw(trace, "* OK [UNSEEN 17]");
    REQUIRE(unseen);
    CHECK(unseen->link_seq == select->seq);
    auto* store = test::command_tagged(trace, "a005");
    REQUIRE(store);
    CHECK(store->name == "STORE");
    auto* flags_fetch = test::first_raw(trace, "* 12 FETCH (FLAGS (\\Seen \\Deleted))");
    REQUIRE(flags_fetch);
    CHECK(flags_fetch->link_seq == store->seq);
    auto* body_fetch = test::first_raw(trace, "* 12 FETCH (BODY[HEADER] {342}");
    REQUIRE(body_fetch);
    CHECK(body_fetch->link_seq == test::command_tagged(trace, "a004")->seq);
    auto* bye = test::first_raw(trace, "* BYE");
    REQUIRE(bye);
    CHECK(bye->link_seq == test::command_tagged(trace, "a006")->seq);

    // The literal of a004's answer is its own event with its size.
    auto literals = test::of_kind(trace, EventKind::Literal);
    REQUIRE(literals.size() == 1);
    CHECK(literals[0]->literal->size == 342);
    CHECK(literals[0]->dir == Direction::ServerToClient);

    // \Seen was learnt from FULL, \Deleted added by the STORE.
    auto changes = test::of_kind(trace, EventKind::FlagChange);
    REQUIRE(changes.size() == 2);
    CHECK_FALSE(changes[0]->flags->known_before);
    CHECK(changes[0]->flags->after == std::vector<std::string>{"\\Seen"});
    CHECK(changes[1]->flags->before == std::vector<std::string>{"\\Seen"});
    CHECK(changes[1]->flags->after == std::vector<std::string>{"\\Seen", "\\Deleted"});
    CHECK(changes[1]->flags->seq == 12);

    // Each line names the RFC section that defines it.
    CHECK(test::command_tagged(trace, "a001")->section == "RFC 3501 6.2.3");
    CHECK(flags_fetch->section == "RFC 3501 7.4.2");
}

TEST_CASE("the password of the example never reaches an export") {
    sim::SessionTrace trace;
    imap::ImapSession session(trace);
    feed_all(session, section8());
    auto text = sim::export_text(trace);
    auto jsonl = sim::export_jsonl(trace);
    CHECK(text.find("secret") == std::string::npos);
    CHECK(jsonl.find("secret") == std::string::npos);
    CHECK(text.find("C: a001 login mrc \"***\"") != std::string::npos);
    CHECK(test::command_tagged(trace, "a001")->redacted);

    sim::SessionTrace revealed;
    imap::SessionOptions options;
    options.reveal_secrets = true;
    imap::ImapSession teaching(revealed, options);
    feed_all(teaching, section8());
    CHECK(sim::export_text(revealed).find("a001 login mrc secret") != std::string::npos);
}

TEST_CASE("random chunkings of the example stream give the same trace") {
    sim::SessionTrace whole;
    imap::ImapSession reference(whole);
    auto chunks = section8();
    feed_all(reference, chunks);
    auto expected = sim::export_jsonl(whole);

    std::mt19937 random(3501);
    for (int round = 0; round < 50; ++round) {
        sim::SessionTrace trace;
        imap::ImapSession session(trace);
        for (const auto& chunk : chunks) {
            std::string_view rest = chunk.bytes;
            while (!rest.empty()) {
                auto n = std::uniform_int_distribution<std::size_t>(1, 9)(random);
                n = std::min(n, rest.size());
                session.feed(chunk.dir, rest.substr(0, n));
                rest.remove_prefix(n);
            }
        }
        REQUIRE(sim::export_jsonl(trace) == expected);
    }
}

TEST_CASE("exported text reads back to the same trace") {
    sim::SessionTrace first;
    imap::ImapSession a(first);
    feed_all(a, section8());
    auto parsed = sim::parse_text_transcript(sim::export_text(first));
    REQUIRE_FALSE(parsed.error);
    sim::SessionTrace second;
    imap::ImapSession b(second);
    feed_all(b, parsed.chunks);
    CHECK(sim::export_text(second) == sim::export_text(first));
    CHECK(second.size() == first.size());
}

TEST_CASE("client and server roles agree on the example session") {
    Pair pair;
    pair.say("* OK IMAP4rev1 Service Ready\r\n");
    CHECK(pair.client.state() == imap::State::NotAuthenticated);
    CHECK(pair.server.state() == imap::State::NotAuthenticated);

    auto login = pair.client.submit(test::framed_command("a001 login mrc secret\r\n"));
    REQUIRE(login.tag);
    pair.pump();
    auto input = pair.server.next_input();
    REQUIRE(input);
    auto* received = std::get_if<imap::CommandReceived>(&*input);
    REQUIRE(received);
    CHECK(received->command.verb == imap::Verb::Login);
    CHECK_FALSE(received->state_error);
    pair.say("a001 OK LOGIN completed\r\n");
    CHECK(pair.client.state() == imap::State::Authenticated);
    CHECK(pair.server.state() == imap::State::Authenticated);

    // A command invalid in the state is refused locally by the client.
    auto refused = pair.client.submit(test::framed_command("a009 FETCH 1 FLAGS\r\n"));
    CHECK_FALSE(refused.tag);
    CHECK(refused.error.find("not valid") != std::string::npos);

    pair.client.submit(test::framed_command("a002 select inbox\r\n"));
    pair.pump();
    REQUIRE(pair.server.next_input());
    pair.say("* 18 EXISTS\r\n");
    pair.say("* 2 RECENT\r\n");
    pair.say("a002 OK [READ-WRITE] SELECT completed\r\n");
    CHECK(pair.client.state() == imap::State::Selected);
    CHECK(pair.client.messages().size() == 18);
    CHECK(pair.server.messages().size() == 18);

    pair.client.submit(test::framed_command("a006 logout\r\n"));
    pair.pump();
    pair.say("* BYE IMAP4rev1 server terminating connection\r\n");
    pair.say("a006 OK LOGOUT completed\r\n");
    CHECK(pair.client.state() == imap::State::Logout);
    CHECK(test::violation_rules(pair.client_trace).empty());
    CHECK(test::violation_rules(pair.server_trace).empty());
}

TEST_CASE("a synchronizing literal waits for the server's continuation") {
    Pair pair;
    pair.say("* OK ready\r\n");
    pair.client.submit(test::framed_command("A1 LOGIN {4}\r\nfred {6}\r\nsecret\r\n"));
    auto sent = pair.client.take_outgoing();
    CHECK(sent == "A1 LOGIN {4}\r\n");
    pair.server.receive(sent);
    auto input = pair.server.next_input();
    REQUIRE(input);
    auto* literal = std::get_if<imap::LiteralRequested>(&*input);
    REQUIRE(literal);
    CHECK(literal->size == 4);
    pair.server.grant_continuation();
    pair.client.receive(pair.server.take_outgoing());
    CHECK(pair.client.take_outgoing() == "fred {6}\r\n");
    pair.server.receive("fred {6}\r\n");
    REQUIRE(is_literal_request(pair.server.next_input()));
    pair.server.grant_continuation();
    pair.pump();
    input = pair.server.next_input();
    REQUIRE(input);
    auto* login = std::get_if<imap::CommandReceived>(&*input);
    REQUIRE(login);
    auto* args = std::get_if<imap::LoginArgs>(&login->command.typed);
    REQUIRE(args);
    CHECK(args->user == "fred");
    CHECK(args->password == "secret");
    CHECK(test::violation_rules(pair.server_trace).empty());
    // The literal password is masked but keeps the literal's framing.
    CHECK(sim::export_text(pair.server_trace).find("secret") == std::string::npos);
    CHECK(sim::export_jsonl(pair.client_trace).find("secret") == std::string::npos);
    auto text = sim::export_text(pair.server_trace);
    CHECK(text.find("C: A1 LOGIN {4}\nS: + Ready for literal data\nC: fred {6}\n") !=
          std::string::npos);
}

// RFC 3501 4.3: "In the case of literals transmitted from client to server,
// the client MUST wait to receive a command continuation request (described
// later in this document) before sending the octet data (and the remainder
// of the command)."
TEST_CASE("literal data before the continuation is a client violation") {
    sim::SessionTrace trace;
    imap::ImapSession server(trace, test::imap_role(imap::Role::Server));
    server.send(test::framed_response("* OK ready\r\n"));
    server.receive("A1 LOGIN {4}\r\nfred secret\r\n");
    auto rules = test::violation_rules(trace);
    REQUIRE(rules.size() == 1);
    CHECK(rules[0].find("before the server's \"+\"") != std::string::npos);
    auto* event = test::of_kind(trace, EventKind::Violation)[0];
    CHECK(event->section == "RFC 3501 4.3");
    CHECK(event->dir == Direction::ClientToServer);
    // The server's "+" that comes too late is not a second violation.
    server.grant_continuation();
    CHECK(test::violation_rules(trace).size() == 1);
}

TEST_CASE("a command that does not parse is still answered by its tag") {
    sim::SessionTrace trace;
    imap::ImapSession session(trace);
    session.feed(Direction::ServerToClient, "* OK hi\r\n");
    session.feed(Direction::ClientToServer, "a2 LOGIN\r\n");
    session.feed(Direction::ServerToClient, "a2 BAD missing arguments\r\n");
    auto rules = test::violation_rules(trace);
    REQUIRE(rules.size() == 1);
    CHECK(rules[0].starts_with("syntax error"));
    CHECK(test::links_to(trace, "a2 BAD", "a2"));
}

TEST_CASE("a refused literal is not read as data") {
    sim::SessionTrace trace;
    imap::ImapSession server(trace, test::imap_role(imap::Role::Server));
    server.send(test::framed_response("* OK ready\r\n"));
    server.receive("A1 APPEND INBOX {99999}\r\n");
    REQUIRE(is_literal_request(server.next_input()));
    server.refuse_literal("A1", imap::Status::No, "too big for this lab");
    server.receive("A2 NOOP\r\n");
    auto input = server.next_input();
    REQUIRE(input);
    auto* noop = std::get_if<imap::CommandReceived>(&*input);
    REQUIRE(noop);
    CHECK(noop->command.tag == "A2");
}

TEST_CASE("pipelined commands complete in any order and stay linked") {
    sim::SessionTrace trace;
    imap::ImapSession session(trace);
    session.feed(Direction::ServerToClient, "* PREAUTH ready\r\n");
    CHECK(session.state() == imap::State::Authenticated);
    session.feed(Direction::ClientToServer, "A1 STATUS INBOX (MESSAGES)\r\n");
    session.feed(Direction::ClientToServer, "A2 STATUS Drafts (MESSAGES)\r\n");
    session.feed(Direction::ClientToServer, "A3 LIST \"\" %\r\n");
    CHECK(session.outstanding() == 3);
    session.feed(Direction::ServerToClient, "* STATUS Drafts (MESSAGES 2)\r\n");
    session.feed(Direction::ServerToClient, "* LIST () \"/\" INBOX\r\n");
    session.feed(Direction::ServerToClient, "A3 OK LIST done\r\n");
    session.feed(Direction::ServerToClient, "* STATUS INBOX (MESSAGES 7)\r\n");
    session.feed(Direction::ServerToClient, "A2 OK done\r\n");
    session.feed(Direction::ServerToClient, "A1 OK done\r\n");
    CHECK(session.outstanding() == 0);
    CHECK(test::violation_rules(trace).empty());
    CHECK(test::links_to(trace, "* STATUS Drafts", "A2"));
    CHECK(test::links_to(trace, "* STATUS INBOX", "A1"));
    CHECK(test::links_to(trace, "* LIST", "A3"));
    CHECK(test::links_to(trace, "A3 OK", "A3"));
    CHECK(test::links_to(trace, "A1 OK", "A1"));
    CHECK(sim::CompletionIndex(trace).completion_of(test::command_tagged(trace, "A2")->seq) ==
          test::first_raw(trace, "A2 OK")->seq);
}

TEST_CASE("a SELECT pipelined behind a FETCH switches mailboxes once the FETCH completes") {
    sim::SessionTrace trace;
    imap::ImapSession session(trace);
    session.feed(Direction::ServerToClient, "* PREAUTH ready\r\n");
    session.feed(Direction::ClientToServer, "A1 SELECT INBOX\r\n");
    session.feed(Direction::ServerToClient, "* 3 EXISTS\r\nA1 OK [READ-WRITE] done\r\n");
    session.feed(Direction::ClientToServer, "A2 FETCH 2 (FLAGS)\r\n");
    session.feed(Direction::ClientToServer, "A3 EXAMINE Sent\r\n");
    // RFC 3501 5.5: the server completes the FETCH before it runs EXAMINE,
    // so this FETCH is about INBOX's second message.
    session.feed(Direction::ServerToClient, "* 2 FETCH (FLAGS (\\Seen))\r\n");
    CHECK(session.messages().size() == 3);
    session.feed(Direction::ServerToClient, "A2 OK done\r\n");
    CHECK(session.messages().empty());
    session.feed(Direction::ServerToClient, "* 1 EXISTS\r\nA3 OK [READ-ONLY] done\r\n");
    CHECK(session.messages().size() == 1);
    CHECK(test::violation_rules(trace).empty());
}

TEST_CASE("violations by either side become events, never crashes") {
    sim::SessionTrace trace;
    imap::ImapSession session(trace);
    session.feed(Direction::ServerToClient, "* OK hi\r\n");
    SUBCASE("a tag reused while outstanding, a bare LF, a continuation nobody asked for") {
        struct Case {
            Direction dir;
            const char* bytes;
            const char* rule;
        };
        for (const Case& c :
             {Case{Direction::ClientToServer, "A1 NOOP\r\nA1 CAPABILITY\r\n", "reused"},
              Case{Direction::ClientToServer, "B1 NOOP\n", "LF alone"},
              Case{Direction::ServerToClient, "+ go on\r\n", "continuation"}}) {
            const auto before = test::violation_rules(trace).size();
            session.feed(c.dir, c.bytes);
            const auto rules = test::violation_rules(trace);
            REQUIRE(rules.size() == before + 1);
            CHECK(rules.back().find(c.rule) != std::string::npos);
        }
    }
    SUBCASE("a command invalid in the state") {
        session.feed(Direction::ClientToServer, "A1 SELECT INBOX\r\n");
        auto events = test::of_kind(trace, EventKind::Violation);
        REQUIRE(events.size() == 1);
        CHECK(events[0]->violation->rule == "SELECT is not valid in the Not Authenticated state");
        CHECK(events[0]->section == "RFC 3501 3.1");
    }
    SUBCASE("a completion for an unknown tag") {
        session.feed(Direction::ServerToClient, "Z9 OK what?\r\n");
        auto events = test::of_kind(trace, EventKind::Violation);
        REQUIRE(events.size() == 1);
        CHECK(events[0]->dir == Direction::ServerToClient);
        CHECK(test::first_raw(trace, "Z9 OK")->link == sim::Link::Unmatched);
    }
    SUBCASE("EXPUNGE while a FETCH is in progress") {
        session.feed(Direction::ClientToServer, "A1 LOGIN a b\r\n");
        session.feed(Direction::ServerToClient, "A1 OK\r\n");
        session.feed(Direction::ClientToServer, "A2 SELECT INBOX\r\n");
        session.feed(Direction::ServerToClient, "* 3 EXISTS\r\nA2 OK done\r\n");
        session.feed(Direction::ClientToServer, "A3 FETCH 1:* FLAGS\r\n");
        session.feed(Direction::ServerToClient, "* 2 EXPUNGE\r\n");
        auto events = test::of_kind(trace, EventKind::Violation);
        REQUIRE(events.size() == 1);
        CHECK(events[0]->section == "RFC 3501 7.4.1");
        // The renumbering is still shown: the client must follow the server.
        auto renumbering = test::of_kind(trace, EventKind::Renumbering);
        REQUIRE(renumbering.size() == 1);
        CHECK(renumbering[0]->renumber->expunged == 2);
        CHECK(session.messages().size() == 2);
    }
    SUBCASE("garbage from the server") {
        session.feed(Direction::ServerToClient, std::string("\0\x01\x02 (((\r\n", 9));
        CHECK_FALSE(test::violation_rules(trace).empty());
    }
    CHECK(trace.size() > 0);
}

TEST_CASE("the server role rejects what it cannot parse and what exceeds limits") {
    sim::SessionTrace trace;
    imap::SessionOptions options;
    options.role = imap::Role::Server;
    options.limits.max_line_length = 1000;
    options.limits.max_outstanding = 2;
    imap::ImapSession server(trace, options);
    server.send(test::framed_response("* OK ready\r\n"));

    server.receive("A1 LOGIN \"unterminated\r\n");
    auto input = server.next_input();
    REQUIRE(input);
    auto* rejected = std::get_if<imap::CommandRejected>(&*input);
    REQUIRE(rejected);
    CHECK(rejected->tag == "A1");

    server.receive("A2 NOOP " + std::string(5000, 'x') + "\r\n");
    input = server.next_input();
    REQUIRE(input);
    rejected = std::get_if<imap::CommandRejected>(&*input);
    REQUIRE(rejected);
    CHECK(rejected->tag == "A2");
    // A rejected command still waits for its BAD (it holds its tag).
    server.send(test::framed_response("A1 BAD unterminated quoted string\r\n"));

    server.receive("B1 NOOP\r\nB2 NOOP\r\nB3 NOOP\r\n");
    int accepted = 0, refused = 0;
    while (auto next = server.next_input()) {
        if (std::get_if<imap::CommandReceived>(&*next)) ++accepted;
        if (std::get_if<imap::CommandRejected>(&*next)) ++refused;
    }
    CHECK(accepted == 2);
    CHECK(refused == 1);
}

TEST_CASE("AUTHENTICATE: the SASL lines go through continuations and stay hidden") {
    sim::SessionTrace trace;
    imap::ImapSession session(trace);
    session.feed(Direction::ServerToClient, "* OK hi\r\n");
    session.feed(Direction::ClientToServer, "A1 AUTHENTICATE PLAIN\r\n");
    session.feed(Direction::ServerToClient, "+ \r\n");
    // base64 of "\0fred\0secret"
    session.feed(Direction::ClientToServer, "AGZyZWQAc2VjcmV0\r\n");
    session.feed(Direction::ServerToClient, "A1 OK authenticated\r\n");
    CHECK(test::violation_rules(trace).empty());
    CHECK(session.state() == imap::State::Authenticated);
    auto text = sim::export_text(trace);
    CHECK(text.find("AGZyZWQAc2VjcmV0") == std::string::npos);
    CHECK(text.find("C: ***") != std::string::npos);

    sim::SessionTrace login;
    imap::ImapSession two_rounds(login);
    two_rounds.feed(Direction::ServerToClient, "* OK hi\r\n");
    two_rounds.feed(Direction::ClientToServer, "A1 AUTHENTICATE LOGIN\r\n");
    two_rounds.feed(Direction::ServerToClient, "+ VXNlcm5hbWU6\r\n");
    two_rounds.feed(Direction::ClientToServer, "ZnJlZA==\r\n");
    two_rounds.feed(Direction::ServerToClient, "+ UGFzc3dvcmQ6\r\n");
    two_rounds.feed(Direction::ClientToServer, "c2VjcmV0\r\n");
    two_rounds.feed(Direction::ServerToClient, "A1 OK authenticated\r\n");
    CHECK(test::violation_rules(login).empty());
    CHECK(two_rounds.state() == imap::State::Authenticated);
    CHECK(sim::export_text(login).find("c2VjcmV0") == std::string::npos);

    sim::SessionTrace ir;
    imap::ImapSession with_initial(ir);
    with_initial.feed(Direction::ServerToClient, "* OK hi\r\n");
    with_initial.feed(Direction::ClientToServer, "A1 AUTHENTICATE PLAIN AGZyZWQAc2VjcmV0\r\n");
    with_initial.feed(Direction::ServerToClient, "A1 OK authenticated\r\n");
    CHECK(sim::export_jsonl(ir).find("AGZyZWQAc2VjcmV0") == std::string::npos);
}

TEST_CASE("IDLE: the continuation, unsolicited updates and DONE") {
    sim::SessionTrace trace;
    imap::ImapSession session(trace);
    session.feed(Direction::ServerToClient, "* PREAUTH hi\r\n");
    session.feed(Direction::ClientToServer, "A1 SELECT INBOX\r\n");
    session.feed(Direction::ServerToClient, "* 2 EXISTS\r\nA1 OK [READ-WRITE] done\r\n");
    session.feed(Direction::ClientToServer, "A2 IDLE\r\n");
    session.feed(Direction::ServerToClient, "+ idling\r\n");
    CHECK(session.idling());
    session.feed(Direction::ServerToClient, "* 3 EXISTS\r\n");
    session.feed(Direction::ClientToServer, "DONE\r\n");
    session.feed(Direction::ServerToClient, "A2 OK IDLE terminated\r\n");
    CHECK(test::violation_rules(trace).empty());
    CHECK_FALSE(session.idling());
    CHECK(session.messages().size() == 3);
    auto* done = test::first_raw(trace, "DONE");
    REQUIRE(done);
    CHECK(done->name == "DONE");
    CHECK(done->link_seq == test::command_tagged(trace, "A2")->seq);
}

TEST_CASE("greetings PREAUTH and BYE take transitions 2 and 3") {
    sim::SessionTrace preauth;
    imap::ImapSession a(preauth);
    a.feed(Direction::ServerToClient, "* PREAUTH IMAP4rev1 server logged in as Smith\r\n");
    auto t = test::of_kind(preauth, EventKind::StateTransition);
    REQUIRE(t.size() == 1);
    CHECK(t[0]->transition->number == 2);

    sim::SessionTrace bye;
    imap::ImapSession b(bye);
    b.feed(Direction::ServerToClient, "* BYE Autologout; idle for too long\r\n");
    t = test::of_kind(bye, EventKind::StateTransition);
    REQUIRE(t.size() == 1);
    CHECK(t[0]->transition->number == 3);
    CHECK(b.state() == imap::State::Logout);
}

TEST_CASE("CLOSE and a failed SELECT take transition 6") {
    sim::SessionTrace trace;
    imap::ImapSession session(trace);
    session.feed(Direction::ServerToClient, "* PREAUTH hi\r\n");
    session.feed(Direction::ClientToServer, "A1 SELECT INBOX\r\n");
    session.feed(Direction::ServerToClient, "A1 OK done\r\n");
    session.feed(Direction::ClientToServer, "A2 SELECT nosuch\r\n");
    session.feed(Direction::ServerToClient, "A2 NO no such mailbox\r\n");
    CHECK(session.state() == imap::State::Authenticated);
    session.feed(Direction::ClientToServer, "A3 EXAMINE INBOX\r\n");
    session.feed(Direction::ServerToClient, "A3 OK [READ-ONLY] done\r\n");
    session.feed(Direction::ClientToServer, "A4 CLOSE\r\n");
    session.feed(Direction::ServerToClient, "A4 OK closed\r\n");
    auto t = test::of_kind(trace, EventKind::StateTransition);
    REQUIRE(t.size() == 5);
    CHECK(t[1]->transition->number == 5);
    CHECK(t[2]->transition->number == 6);
    CHECK(t[3]->transition->number == 5);
    CHECK(t[4]->transition->number == 6);
}

TEST_CASE("a disconnect in the middle of a literal is reported") {
    sim::SessionTrace trace;
    imap::ImapSession session(trace);
    session.feed(Direction::ServerToClient, "* PREAUTH hi\r\n");
    session.feed(Direction::ClientToServer, "A1 APPEND INBOX {100}\r\n");
    session.feed(Direction::ServerToClient, "+ go\r\n");
    session.feed(Direction::ClientToServer, "From: half a message");
    session.feed_eof(Direction::ClientToServer);
    CHECK(session.state() == imap::State::Closed);
    auto rules = test::violation_rules(trace);
    REQUIRE(rules.size() == 1);
    CHECK(rules[0].find("middle") != std::string::npos);
}

TEST_CASE("the transition table has every state and the RFC's seven numbers") {
    std::set<int> numbers;
    for (const auto& t : imap::transitions)
        numbers.insert(t.number);
    for (int n = 1; n <= 7; ++n)
        CHECK(numbers.count(n) == 1);
    for (auto state : imap::all_states) {
        bool touched = false;
        for (const auto& t : imap::transitions)
            touched |= t.from == state || t.to == state;
        CHECK(touched);
    }
}
