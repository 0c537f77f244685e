// A command with literals is in the trace as its wire pieces, in wire order:
// the line up to the first literal (waiting for "+"), the server's "+", the
// literal's octets, the rest of the line, all tied to the first piece, which
// the completion closes. The same for AUTHENTICATE and IDLE rounds, in every
// role, however the bytes are split.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "sim/core/trace_links.hpp"
#include "sim/core/transcript.hpp"
#include "sim/imap/literal_size.hpp"
#include "sim/imap/session.hpp"
#include "sim/text/charset.hpp"
#include "tests/sim/chunk_runs.hpp"
#include "tests/sim/imap_parsed.hpp"
#include "tests/sim/imap_role.hpp"
#include "tests/sim/observer.hpp"
#include "tests/sim/vector_files.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using sim::Direction;
using sim::EventKind;

namespace {

std::vector<sim::TranscriptChunk> chunks_of(const std::string& name) {
    return test::transcript_chunks("imap/" + name);
}

enum class Split { Whole, ByteByByte, Random };

void feed(imap::ImapSession& session, const std::vector<sim::TranscriptChunk>& chunks, Split split,
          std::mt19937& random) {
    for (const auto& run : test::runs_of(chunks)) {
        std::string_view rest = run.bytes;
        while (!rest.empty()) {
            std::size_t n = rest.size();
            if (split == Split::ByteByByte) n = 1;
            if (split == Split::Random) {
                n = std::min(rest.size(),
                             std::uniform_int_distribution<std::size_t>(1, 40)(random));
            }
            session.feed(run.dir, rest.substr(0, n));
            rest.remove_prefix(n);
        }
    }
}

using Observed = test::Observer<imap::ImapSession, sim::Protocol::Imap>;

// One line per wire event: enough to see the order and what ties it together.
std::string describe(const sim::TraceEvent& event) {
    std::string raw = event.raw;
    for (std::size_t at = raw.find("\r\n"); at != std::string::npos; at = raw.find("\r\n"))
        raw.replace(at, 2, "|");
    switch (event.kind) {
        case EventKind::Command:
            if (!event.piece) return fmt::format("C {}", raw);
            return fmt::format("C piece {}{}: {}", event.piece->index,
                               event.piece->awaits_continuation ? " waits" : "", raw);
        case EventKind::Literal:
            return fmt::format("C literal {}{}: {}", event.literal->size,
                               event.literal->synchronizing ? "" : "+", raw);
        case EventKind::Continuation:
            return fmt::format("S {}", raw);
        case EventKind::Tagged:
            return fmt::format("S done {}", raw);
        default:
            return fmt::format("{} {}", sim::to_string(event.kind), event.summary);
    }
}

// The command with `tag` and every event that links back to it (its pieces,
// literals, the "+" answers, its completion), in trace order.
std::vector<std::string> exchange(const sim::SessionTrace& trace, std::string_view tag) {
    const auto* command = test::command_tagged(trace, tag);
    REQUIRE(command);
    std::vector<std::string> out;
    for (const auto& event : trace.events()) {
        if (event.seq == command->seq ||
            (event.link_seq == command->seq && event.kind != EventKind::Untagged)) {
            out.push_back(describe(event));
        }
    }
    return out;
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

// A server session that grants every literal and completes every command
// but AUTHENTICATE, whose rounds the test plays.
void serve(imap::ImapSession& server) {
    while (auto input = server.next_input()) {
        if (std::holds_alternative<imap::LiteralRequested>(*input)) {
            server.grant_continuation("go ahead");
        } else if (auto* received = std::get_if<imap::CommandReceived>(&*input)) {
            if (received->command.verb == imap::Verb::Authenticate) continue;
            server.send(test::framed_response(received->command.tag + " OK done\r\n"));
        }
    }
}

}  // namespace

TEST_CASE("wire order: LOGIN with two literals and APPEND with \"+ go ahead\", as an observer") {
    Observed o;
    std::mt19937 random(3501);
    feed(o.session, chunks_of("literals_wire_order.txt"), Split::Whole, random);
    CHECK(test::violations(o.trace).empty());

    CHECK(exchange(o.trace, "a1") == std::vector<std::string>{
                                         "C piece 0 waits: a1 LOGIN {5}|",
                                         "S + go ahead|",
                                         "C literal 5: alice",
                                         "C piece 1 waits:  {10}|",
                                         "S + go ahead|",
                                         "C literal 10: **********",
                                         "C piece 2: |",
                                         "S done a1 OK LOGIN completed|",
                                     });
    const auto* login = test::command_tagged(o.trace, "a1");
    CHECK(login->piece->announces->size == 5);
    CHECK(login->piece->announces->synchronizing);
    // The completion points back to the first piece, and the index finds it.
    const sim::CompletionIndex completions(o.trace);
    REQUIRE(completions.completion_of(login->seq));
    CHECK(o.trace.at(*completions.completion_of(login->seq)).raw == "a1 OK LOGIN completed\r\n");

    const auto append = exchange(o.trace, "a2");
    REQUIRE(append.size() == 5);
    CHECK(append[0] == "C piece 0 waits: a2 APPEND INBOX (\\Seen) {107}|");
    CHECK(append[1] == "S + go ahead|");
    CHECK(append[2].starts_with("C literal 107: From: Alice <alice@example.org>|"));
    CHECK(append[3] == "C piece 1: |");
    CHECK(append[4] == "S done a2 OK [APPENDUID 1700000000 1] APPEND completed|");

    // LITERAL+: pieces too, with no "+" between them.
    CHECK(exchange(o.trace, "a3") == std::vector<std::string>{
                                         "C piece 0: a3 APPEND INBOX {30+}|",
                                         "C literal 30+: Subject: quick||no waiting|",
                                         "C piece 1: |",
                                         "S done a3 OK [APPENDUID 1700000000 2] APPEND completed|",
                                     });
    CHECK_FALSE(test::command_tagged(o.trace, "a3")->piece->awaits_continuation);

    // Every client octet is in exactly one event, in stream order.
    std::uint64_t next = 0;
    for (const auto& event : o.trace.events()) {
        if (event.dir != Direction::ClientToServer || event.wire.size == 0 ||
            event.kind == EventKind::Violation) {
            continue;
        }
        CHECK(event.wire.offset == next);
        next = event.wire.offset + event.wire.size;
        CHECK(event.name != "ANNOUNCE");
    }
}

TEST_CASE("wire order is the same fed whole, byte by byte and split at random points") {
    for (const char* name :
         {"literals_wire_order.txt", "authenticate_and_idle.txt",
          "literal_counted_in_characters.txt", "literal_announced_too_large.txt"}) {
        CAPTURE(name);
        const auto chunks = chunks_of(name);
        std::mt19937 random(7888);
        Observed whole;
        feed(whole.session, chunks, Split::Whole, random);
        const auto expected = sim::export_jsonl(whole.trace);
        Observed bytes;
        feed(bytes.session, chunks, Split::ByteByByte, random);
        CHECK(sim::export_jsonl(bytes.trace) == expected);
        for (int round = 0; round < 30; ++round) {
            Observed split;
            feed(split.session, chunks, Split::Random, random);
            REQUIRE(sim::export_jsonl(split.trace) == expected);
        }
    }
}

TEST_CASE("the text and JSON exports keep wire order and read back") {
    Observed o;
    std::mt19937 random(1);
    feed(o.session, chunks_of("literals_wire_order.txt"), Split::Whole, random);
    const auto text = sim::export_text(o.trace);
    CHECK(contains(text,
                   "C: a1 LOGIN {5}\nS: + go ahead\nC: alice {10}\nS: + go ahead\nC: **********\n"
                   "S: a1 OK LOGIN completed\n"));
    CHECK(contains(text,
                   "C: a2 APPEND INBOX (\\Seen) {107}\nS: + go ahead\n"
                   "C: From: Alice <alice@example.org>\n"));
    CHECK(contains(text, "C: The minutes are attached.\nC: \nS: * 1 EXISTS\n"));
    CHECK_FALSE(contains(text, "wonderland"));
    CHECK_FALSE(contains(text, "ANNOUNCE"));

    // Read back, the text gives the same trace.
    auto parsed = sim::parse_text_transcript(text);
    REQUIRE_FALSE(parsed.error);
    Observed again;
    feed(again.session, parsed.chunks, Split::Whole, random);
    CHECK(sim::export_text(again.trace) == text);

    // JSON Lines: one object per piece, in order, the piece marked.
    const auto jsonl = sim::export_jsonl(o.trace);
    const auto first = jsonl.find("\"raw\":\"a1 LOGIN {5}\\r\\n\"");
    const auto plus = jsonl.find("\"raw\":\"+ go ahead\\r\\n\"");
    const auto literal = jsonl.find("\"raw\":\"alice\"");
    REQUIRE(first != std::string::npos);
    CHECK(first < plus);
    CHECK(plus < literal);
    CHECK(contains(jsonl,
                   "\"piece\":{\"announces\":{\"size\":5,\"synchronizing\":true},"
                   "\"awaits_continuation\":true,\"index\":0}"));
    CHECK_FALSE(contains(jsonl, "ANNOUNCE"));
    CHECK_FALSE(contains(jsonl, "shown_before"));
}

TEST_CASE("AUTHENTICATE and IDLE rounds are pieces of their command, in wire order") {
    Observed o;
    std::mt19937 random(2177);
    feed(o.session, chunks_of("authenticate_and_idle.txt"), Split::Whole, random);
    CHECK(test::violations(o.trace).empty());
    CHECK(exchange(o.trace, "a1") == std::vector<std::string>{
                                         "C piece 0 waits: a1 AUTHENTICATE PLAIN|",
                                         "S +|",
                                         "C piece 1: ***|",
                                         "S done a1 OK AUTHENTICATE completed|",
                                     });
    CHECK(exchange(o.trace, "a3") == std::vector<std::string>{
                                         "C piece 0 waits: a3 IDLE|",
                                         "S + idling|",
                                         "C piece 1: DONE|",
                                         "S done a3 OK IDLE terminated|",
                                     });
    CHECK_FALSE(contains(sim::export_text(o.trace), "AGFsaWNlAHdvbmRlcmxhbmQ="));
}

TEST_CASE("client and server roles hand out the same pieces in the same order") {
    sim::SessionTrace client_trace;
    sim::SessionTrace server_trace;
    imap::ImapSession client(client_trace, test::imap_role(imap::Role::Client));
    imap::ImapSession server(server_trace, test::imap_role(imap::Role::Server));
    const auto pump = [&] {
        for (int i = 0; i < 100; ++i) {
            serve(server);
            auto c = client.take_outgoing();
            auto s = server.take_outgoing();
            if (c.empty() && s.empty()) return;
            if (!c.empty()) server.receive(c);
            if (!s.empty()) client.receive(s);
        }
    };
    server.send(test::framed_response("* OK ready\r\n"));
    pump();

    SUBCASE("one literal") {
        REQUIRE(client.submit(test::parsed_command("a1 LOGIN alice {10}\r\nwonderland\r\n")).tag);
        // The client holds the literal until the server's "+".
        CHECK(client.take_outgoing() == "a1 LOGIN alice {10}\r\n");
        server.receive("a1 LOGIN alice {10}\r\n");
        pump();
        const std::vector<std::string> expected{
            "C piece 0 waits: a1 LOGIN alice {10}|",
            "S + go ahead|",
            "C literal 10: **********",
            "C piece 1: |",
            "S done a1 OK done|",
        };
        CHECK(exchange(client_trace, "a1") == expected);
        CHECK(exchange(server_trace, "a1") == expected);
    }
    SUBCASE("several literals") {
        REQUIRE(client.submit(test::parsed_command("a1 LOGIN {4}\r\nfred {6}\r\nsecret\r\n")).tag);
        pump();
        const std::vector<std::string> expected{
            "C piece 0 waits: a1 LOGIN {4}|",
            "S + go ahead|",
            "C literal 4: fred",
            "C piece 1 waits:  {6}|",
            "S + go ahead|",
            "C literal 6: ******",
            "C piece 2: |",
            "S done a1 OK done|",
        };
        CHECK(exchange(client_trace, "a1") == expected);
        CHECK(exchange(server_trace, "a1") == expected);
        CHECK(test::violations(client_trace).empty());
        CHECK(test::violations(server_trace).empty());
    }
    SUBCASE("LITERAL+ then a synchronizing literal") {
        REQUIRE(client.submit(test::parsed_command("a1 LOGIN {4+}\r\nfred {6}\r\nsecret\r\n")).tag);
        // The non-synchronizing literal goes at once; the second waits.
        CHECK(client.take_outgoing() == "a1 LOGIN {4+}\r\nfred {6}\r\n");
        server.receive("a1 LOGIN {4+}\r\nfred {6}\r\n");
        pump();
        const std::vector<std::string> expected{
            "C piece 0: a1 LOGIN {4+}|", "C literal 4+: fred",
            "C piece 1 waits:  {6}|",    "S + go ahead|",
            "C literal 6: ******",       "C piece 2: |",
            "S done a1 OK done|",
        };
        CHECK(exchange(client_trace, "a1") == expected);
        CHECK(exchange(server_trace, "a1") == expected);
    }
    SUBCASE("AUTHENTICATE and IDLE") {
        REQUIRE(client.submit(test::parsed_command("a1 AUTHENTICATE PLAIN\r\n")).tag);
        pump();
        server.send(test::framed_response("+ \r\n"));
        pump();
        client.send_sasl_line("AGZyZWQAc2VjcmV0");
        pump();
        server.send(test::framed_response("a1 OK welcome\r\n"));
        pump();
        const std::vector<std::string> authenticate{
            "C piece 0 waits: a1 AUTHENTICATE PLAIN|",
            "S + |",
            "C piece 1: ***|",
            "S done a1 OK welcome|",
        };
        CHECK(exchange(client_trace, "a1") == authenticate);
        CHECK(exchange(server_trace, "a1") == authenticate);
    }
}

TEST_CASE("the server role gives the same pieces however a waiting client's bytes are split") {
    // What a client that waits for each "+" sends, one write per piece.
    const std::vector<std::string> writes{"A1 LOGIN {4+}\r\nfred {6}\r\n", "secret\r\n",
                                          "A2 APPEND INBOX {10}\r\n", "Subject: x\r\n",
                                          "A3 NOOP\r\n"};
    const auto run = [&](Split split, std::mt19937& random) {
        sim::SessionTrace trace;
        imap::ImapSession server(trace, test::imap_role(imap::Role::Server));
        server.send(test::framed_response("* OK ready\r\n"));
        for (const auto& bytes : writes) {
            std::string_view rest = bytes;
            while (!rest.empty()) {
                std::size_t n = rest.size();
                if (split == Split::ByteByByte) n = 1;
                if (split == Split::Random) {
                    n = std::min(rest.size(),
                                 std::uniform_int_distribution<std::size_t>(1, 7)(random));
                }
                server.receive(rest.substr(0, n));
                rest.remove_prefix(n);
                serve(server);
            }
        }
        CHECK(test::violations(trace).empty());
        return sim::export_jsonl(trace);
    };
    std::mt19937 random(4);
    const auto expected = run(Split::Whole, random);
    CHECK(run(Split::ByteByByte, random) == expected);
    for (int round = 0; round < 20; ++round)
        CHECK(run(Split::Random, random) == expected);
    CHECK(contains(expected, "\"raw\":\"Subject: x\""));
}

// RFC 3501 4.3: "In the case of literals transmitted from client to server,
// the client MUST wait to receive a command continuation request (described
// later in this document) before sending the octet data (and the remainder
// of the command)."
TEST_CASE("literal octets sent before the \"+\" are flagged with RFC 3501 4.3") {
    SUBCASE("as an observer") {
        Observed o;
        o.session.feed(Direction::ServerToClient, "* PREAUTH ready\r\n");
        o.session.feed(Direction::ClientToServer, "a2 APPEND Drafts {7}\r\nhello\r\n\r\n");
        o.session.feed(Direction::ServerToClient, "+ go ahead\r\n");
        o.session.feed(Direction::ServerToClient, "a2 OK APPEND completed\r\n");
        const auto found = test::violations(o.trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0]->section == "RFC 3501 4.3");
        CHECK(found[0]->dir == Direction::ClientToServer);
        CHECK(contains(found[0]->violation->rule, "before the server's \"+\""));
        // The octets are shown where they went on the wire: before the "+",
        // which then answers a command already sent.
        CHECK(exchange(o.trace, "a2") == std::vector<std::string>{
                                             "C piece 0 waits: a2 APPEND Drafts {7}|",
                                             "C literal 7: hello|",
                                             "C piece 1: |",
                                             "S + go ahead|",
                                             "S done a2 OK APPEND completed|",
                                         });
    }
    SUBCASE("as a server that read the octets with the announcement") {
        sim::SessionTrace trace;
        imap::ImapSession server(trace, test::imap_role(imap::Role::Server));
        server.send(test::framed_response("* PREAUTH ready\r\n"));
        server.receive("a2 APPEND Drafts {7}\r\n");
        REQUIRE(server.next_input());
        // The rest of the same read, 9 octets, came before any "+".
        server.grant_continuation("go ahead", 0, 9);
        const auto found = test::violations(trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0]->section == "RFC 3501 4.3");
        CHECK(found[0]->wire.offset == std::string_view("a2 APPEND Drafts {7}\r\n").size());
        // The violation comes before the "+" it did not wait for.
        CHECK(trace.at(found[0]->seq + 1).kind == EventKind::Continuation);
    }
    SUBCASE("a server that received nothing ahead reports nothing") {
        sim::SessionTrace trace;
        imap::ImapSession server(trace, test::imap_role(imap::Role::Server));
        server.send(test::framed_response("* PREAUTH ready\r\n"));
        server.receive("a2 APPEND Drafts {7}\r\n");
        REQUIRE(server.next_input());
        server.grant_continuation("go ahead", 0, 0);
        server.receive("hello\r\n\r\n");
        CHECK(test::violations(trace).empty());
    }
}

// RFC 3501 4.3: "A literal is a sequence of zero or more octets (including
// CR and LF), prefix-quoted with an octet count in the form of an open brace
// ("{"), the number of octets, close brace ("}"), and CRLF."
TEST_CASE("a literal counted in characters says so instead of a parse error") {
    Observed o;
    std::mt19937 random(31);
    feed(o.session, chunks_of("literal_counted_in_characters.txt"), Split::Whole, random);
    const auto found = test::violations(o.trace);
    REQUIRE(found.size() == 1);
    const auto& rule = found[0]->violation->rule;
    CHECK(found[0]->section == "RFC 3501 4.3");
    CHECK(rule.starts_with("literal size mismatch: {31} was announced"));
    CHECK(contains(rule, "58 octets of UTF-8 (31 characters, 31 octets in windows-1251)"));
    CHECK(contains(rule, "the characters-versus-octets mistake"));
    CHECK(contains(rule, "needs {58}"));
    CHECK_FALSE(contains(rule, "syntax error"));
    CHECK_FALSE(contains(rule, "0xB8"));
    // The BAD still completes the LOGIN, and the session goes on.
    const auto* login = test::command_tagged(o.trace, "a1");
    CHECK(sim::CompletionIndex(o.trace).completion_of(login->seq));
    REQUIRE(test::command_tagged(o.trace, "a2"));
    CHECK(o.session.state() == imap::State::Logout);
    // Neither the password nor the rest of the name reaches an export.
    CHECK_FALSE(contains(sim::export_text(o.trace), "secret"));
}

// RFC 3501 4.3: "A literal is a sequence of zero or more octets (including
// CR and LF), prefix-quoted with an octet count in the form of an open brace
// ("{"), the number of octets, close brace ("}"), and CRLF."
TEST_CASE("literal size mismatches: which count the announced size is") {
    const std::string name = "иванова-петрова.анна.сергеевна1";
    // Characters, which is also the windows-1251 size.
    CHECK(contains(imap::explain_literal_size(31, name), "{31} counts characters"));
    // The UTF-8 size announced for windows-1251 octets.
    const auto windows = text::from_utf8(name, "windows-1251");
    REQUIRE(windows);
    const auto reversed = imap::explain_literal_size(58, *windows);
    CHECK(contains(reversed, "31 octets, not UTF-8"));
    CHECK(contains(reversed, "{58} is the size of the text in UTF-8, but windows-1251 octets"));
    // No count gives it: not the characters-versus-octets mistake.
    const auto neither = imap::explain_literal_size(12, "борис");
    CHECK(contains(neither, "10 octets of UTF-8 (5 characters, 5 octets in windows-1251)"));
    CHECK(contains(neither, "not the characters-versus-octets mistake"));
    // The engine explains a size too small for a Cyrillic user name.
    Observed o;
    o.session.feed(Direction::ServerToClient, "* OK ready\r\n");
    o.session.feed(Direction::ClientToServer, "a1 LOGIN {5}\r\n");
    o.session.feed(Direction::ServerToClient, "+ go ahead\r\n");
    o.session.feed(Direction::ClientToServer, "борис {6}\r\n");
    o.session.feed(Direction::ServerToClient, "+ go ahead\r\n");
    o.session.feed(Direction::ClientToServer, "секрет\r\n");
    const auto found = test::violations(o.trace);
    REQUIRE(found.size() == 1);
    CHECK(contains(found[0]->violation->rule, "{5} counts characters"));
    CHECK(contains(found[0]->violation->rule, "needs {10}"));
}

// RFC 3501 4.3: "A literal is a sequence of zero or more octets (including
// CR and LF), prefix-quoted with an octet count in the form of an open brace
// ("{"), the number of octets, close brace ("}"), and CRLF."
TEST_CASE("a literal announced larger than its data ends at the server's completion") {
    Observed o;
    std::mt19937 random(350);
    feed(o.session, chunks_of("literal_announced_too_large.txt"), Split::Whole, random);
    const auto found = test::violations(o.trace);
    REQUIRE(found.size() == 1);
    const auto& rule = found[0]->violation->rule;
    CHECK(found[0]->section == "RFC 3501 4.3");
    CHECK(rule.starts_with(
        "literal size mismatch: the server completed a1 after 186 octets of the literal and a "
        "line end; {350} was announced, but the text is 186 octets of ASCII"));
    CHECK(contains(rule, "not the characters-versus-octets mistake"));
    // The APPEND ends where the server took it to end: its completion links
    // to it, and what follows is read as the commands it is.
    const auto append = exchange(o.trace, "a1");
    REQUIRE(append.size() == 5);
    CHECK(append[2].starts_with("C literal 186: From: Alice"));
    CHECK(append[4] == "S done a1 OK APPEND completed|");
    CHECK(exchange(o.trace, "a2") ==
          std::vector<std::string>{"C a2 NOOP|", "S done a2 OK NOOP completed|"});
    CHECK(o.session.state() == imap::State::Logout);
}

// RFC 3501 4.3: "A literal is a sequence of zero or more octets (including
// CR and LF), prefix-quoted with an octet count in the form of an open brace
// ("{"), the number of octets, close brace ("}"), and CRLF."
TEST_CASE("a connection closed in the middle of a literal says how much arrived") {
    Observed o;
    o.session.feed(Direction::ServerToClient, "* PREAUTH hi\r\n");
    o.session.feed(Direction::ClientToServer, "A1 APPEND INBOX {100}\r\n");
    o.session.feed(Direction::ServerToClient, "+ go\r\n");
    o.session.feed(Direction::ClientToServer, "From: half a message");
    o.session.feed_eof(Direction::ClientToServer);
    const auto found = test::violations(o.trace);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->violation->rule ==
          "the client closed the connection in the middle of a literal: {100} announced 100 "
          "octets and 20 arrived");
    CHECK(found[0]->section == "RFC 3501 4.3");
}

TEST_CASE("a refused literal completes its command without a violation") {
    Observed o;
    o.session.feed(Direction::ServerToClient, "* PREAUTH hi\r\n");
    o.session.feed(Direction::ClientToServer, "A1 APPEND INBOX {99999}\r\n");
    o.session.feed(Direction::ServerToClient, "A1 NO [TOOBIG] too big for this lab\r\n");
    o.session.feed(Direction::ClientToServer, "A2 NOOP\r\n");
    o.session.feed(Direction::ServerToClient, "A2 OK done\r\n");
    CHECK(test::violations(o.trace).empty());
    CHECK(exchange(o.trace, "A1") ==
          std::vector<std::string>{"C piece 0 waits: A1 APPEND INBOX {99999}|",
                                   "S done A1 NO [TOOBIG] too big for this lab|"});
    CHECK(exchange(o.trace, "A2") == std::vector<std::string>{"C A2 NOOP|", "S done A2 OK done|"});
}

TEST_CASE("a LOGIN line with more literals than it takes is hidden after its command word") {
    Observed o;
    o.session.feed(Direction::ServerToClient, "* OK ready\r\n");
    std::string line = "a1 LOGIN {5}\r\nalice";
    for (int i = 0; i < 6; ++i)
        line += " {7}\r\npass-" + std::to_string(i) + "x";
    line += "\r\n";
    // Sent at once, by a client that does not wait for any "+".
    o.session.feed(Direction::ClientToServer, line);
    for (const auto& event : o.trace.events()) {
        if (event.kind == EventKind::Literal &&
            event.seq > test::command_tagged(o.trace, "a1")->seq + 2) {
            CHECK(event.redacted);
        }
    }
    const auto text = sim::export_text(o.trace) + sim::export_jsonl(o.trace);
    CHECK_FALSE(contains(text, "pass-"));
    CHECK(contains(text, "C: a1 LOGIN {5}\n"));
}
