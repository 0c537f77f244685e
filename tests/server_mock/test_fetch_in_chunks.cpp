// A long FETCH is answered a chunk at a time: the session makes the next
// messages' responses only once the transport has taken the chunk before, so
// a client that reads slowly holds one chunk of the server's memory, not the
// whole answer (connection_handler.hpp, back-pressure).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "imap_server_harness.hpp"
#include "server_mock/imap_server_session.hpp"
#include "sim/core/in_process_link.hpp"

using namespace mailscope;
using namespace mailscope::server;

namespace {

constexpr int kChunkedMessages = 40;
constexpr std::size_t kChunkedBodyOctets = 20000;
// One step makes at most 256 KiB and finishes the message it is in.
constexpr std::size_t kMostPerStep = 256 * 1024 + kChunkedBodyOctets + 1024;

std::string chunked_message_text(int number) {
    std::string text = fmt::format("From: bob@example.org\r\nSubject: message {}\r\n\r\n", number);
    const std::string line = fmt::format("line of message {:02} ", number);
    while (text.size() < kChunkedBodyOctets) {
        text += line;
        text += "\r\n";
    }
    return text;
}

// alice/wonderland and bob/builder, 40 messages of 20 KB in alice's INBOX.
void fill_chunked_store(MailStore& store) {
    REQUIRE_FALSE(store.add_user("alice", "wonderland").has_value());
    REQUIRE_FALSE(store.add_user("bob", "builder").has_value());
    const MailboxId inbox = store.find("alice", "INBOX")->id;
    for (int i = 1; i <= kChunkedMessages; ++i) {
        REQUIRE(store.append(inbox, chunked_message_text(i), FlagSet{}, testing::kTestDate).ok());
    }
}

std::string take_all_output(transport::OutputQueue& output) {
    std::string bytes;
    while (!output.empty())
        bytes += output.take_front().bytes;
    return bytes;
}

std::size_t occurrences(std::string_view text, std::string_view what) {
    std::size_t count = 0;
    for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1))
        ++count;
    return count;
}

// One session driven as the TCP transport drives it, with an output bound:
// each step's output is taken whole before the timer asks for the next.
struct BoundedSession {
    explicit BoundedSession(ServerConfig server_config = {}) : config(std::move(server_config)) {
        fill_chunked_store(store);
        session.on_open(0, false);
        take_all_output(session.output());
        session.output().set_bound(64 * 1024);
        REQUIRE(say("a LOGIN alice wonderland\r\n") == "a OK LOGIN completed\r\n");
        REQUIRE(say("s SELECT INBOX\r\n").find("s OK [READ-WRITE]") != std::string::npos);
    }

    std::string say(std::string_view line) {
        REQUIRE(session.on_bytes(line, now) == line.size());
        return take_all_output(session.output());
    }

    // The output of the steps until the long command has answered; each
    // step's output is checked against the most one step may make.
    std::string run_steps(const std::function<void(int)>& between = {}) {
        std::string written;
        int step = 0;
        while (session.reading_paused()) {
            REQUIRE(++step < 1000);
            REQUIRE(session.next_deadline().has_value());
            CHECK(*session.next_deadline() <= now);
            if (between) between(step);
            session.on_timer(now);
            const std::string chunk = take_all_output(session.output());
            CHECK(chunk.size() <= kMostPerStep);
            written += chunk;
        }
        steps = step;
        return written;
    }

    MailStore store{100};
    ServerConfig config;
    sim::SessionTrace trace{sim::Protocol::Imap};
    ImapServerSession session{store, config, trace};
    transport::Micros now = 1;
    int steps = 0;
};

}  // namespace

TEST_CASE("a FETCH longer than a chunk is made a chunk at a time, and reads nothing meanwhile") {
    BoundedSession bounded;
    const std::string fetch = "f FETCH 1:* BODY.PEEK[]\r\n";
    const std::string pipelined = fetch + "n NOOP\r\n";
    // The NOOP waits: the FETCH is still being answered.
    CHECK(bounded.session.on_bytes(pipelined, bounded.now) == fetch.size());
    CHECK(bounded.session.reading_paused());
    std::string written = take_all_output(bounded.session.output());
    CHECK(written.size() <= kMostPerStep);
    CHECK(written.find("f OK") == std::string::npos);
    written += bounded.run_steps();
    CHECK(bounded.steps >= 2);
    CHECK(occurrences(written, " FETCH (BODY[] {") == kChunkedMessages);
    for (int i = 1; i <= kChunkedMessages; ++i) {
        CHECK(written.find(fmt::format("* {} FETCH (BODY[] {{{}}}\r\n{})", i,
                                       chunked_message_text(i).size(), chunked_message_text(i))) !=
              std::string::npos);
    }
    CHECK(written.ends_with("f OK FETCH completed\r\n"));
    CHECK(bounded.say("n NOOP\r\n") == "n OK NOOP completed\r\n");
}

TEST_CASE("a FETCH of BODY[] marks each chunk's messages \\Seen before the chunk goes out") {
    BoundedSession bounded;
    const MailboxId inbox = bounded.store.find("alice", "INBOX")->id;
    auto seen = [&](int seq) {
        const Mailbox* mailbox = bounded.store.mailbox(inbox);
        return mailbox->messages[static_cast<std::size_t>(seq - 1)].flags.has(SystemFlag::Seen);
    };
    const std::string first = bounded.say("f FETCH 1:* BODY[]\r\n");
    const auto last_in_first = occurrences(first, " FETCH (");
    REQUIRE(last_in_first > 0);
    REQUIRE(last_in_first < kChunkedMessages);
    CHECK(seen(1));
    CHECK(seen(static_cast<int>(last_in_first)));
    CHECK_FALSE(seen(static_cast<int>(last_in_first) + 1));
    CHECK(first.find("FLAGS (\\Seen") != std::string::npos);
    const std::string rest = bounded.run_steps();
    CHECK(rest.ends_with("f OK FETCH completed\r\n"));
    CHECK(seen(kChunkedMessages));
}

TEST_CASE("a message expunged by another session during a long FETCH is answered NO at the end") {
    BoundedSession bounded;
    testing::Client other{bounded.store};
    other.login();
    other.select();
    bounded.say("f FETCH 1:* BODY.PEEK[]\r\n");
    const std::string rest = bounded.run_steps([&](int step) {
        if (step != 1) return;
        REQUIRE(other.send("o STORE 40 +FLAGS.SILENT (\\Deleted)\r\n") ==
                "o OK STORE completed\r\n");
        REQUIRE(other.send("x EXPUNGE\r\n").find("x OK") != std::string::npos);
    });
    // RFC 3501 7.4.1: no EXPUNGE while a FETCH is answered.
    CHECK(rest.find(" EXPUNGE\r\n") == std::string::npos);
    CHECK(rest.find("* 40 FETCH (BODY[]") == std::string::npos);
    CHECK(rest.find("* 39 FETCH (BODY[]") != std::string::npos);
    CHECK(
        rest.ends_with("f NO [EXPUNGEISSUED] Some of the requested messages were expunged by "
                       "another session (RFC 2180 4.1.2)\r\n"));
    // The next command tells what happened.
    CHECK(bounded.say("n NOOP\r\n").find("* 40 EXPUNGE\r\n") != std::string::npos);
}

TEST_CASE("over the in-process link of a lesson a long FETCH answers whole") {
    MailStore store{100};
    fill_chunked_store(store);
    testing::Client client{store};
    client.login();
    client.select();
    const std::size_t writes_before = client.link.writes();
    const std::string answer = client.send("f FETCH 1:* (UID BODY.PEEK[])\r\nn NOOP\r\n");
    CHECK(client.link.writes() - writes_before >= 3);
    CHECK(occurrences(answer, " FETCH (UID ") == kChunkedMessages);
    CHECK(answer.find("f OK FETCH completed\r\nn OK NOOP completed\r\n") != std::string::npos);
    CHECK(answer.ends_with("n OK NOOP completed\r\n"));
}

TEST_CASE("a delay rule holds back a long FETCH once, and a split rule cuts each of its chunks") {
    ServerConfig config;
    auto rules = parse_fault_rules("delay:FETCH:2000ms, split:FETCH");
    REQUIRE(std::holds_alternative<std::vector<FaultRule>>(rules));
    config.faults = std::get<std::vector<FaultRule>>(rules);
    BoundedSession bounded(std::move(config));
    auto& output = bounded.session.output();
    REQUIRE(bounded.session.on_bytes("f FETCH 1:* BODY.PEEK[]\r\n", bounded.now) > 0);
    REQUIRE(bounded.session.reading_paused());
    const transport::Micros held_until = bounded.now + 2'000'000;
    CHECK(output.size() >= 2);
    std::string written;
    while (!output.empty()) {
        CHECK(output.front().not_before == held_until);
        written += output.take_front().bytes;
    }
    // The transport asks for the next chunk once the first has gone out,
    // after the delay; the next chunks wait no longer.
    bounded.now = held_until;
    int steps = 0;
    while (bounded.session.reading_paused()) {
        REQUIRE(++steps < 1000);
        bounded.session.on_timer(bounded.now);
        CHECK(output.size() >= 2);
        while (!output.empty()) {
            CHECK(output.front().not_before <= bounded.now);
            written += output.take_front().bytes;
        }
        bounded.now += 1000;
    }
    CHECK(steps >= 1);
    CHECK(occurrences(written, " FETCH (BODY[] {") == kChunkedMessages);
    CHECK(written.ends_with("f OK FETCH completed\r\n"));
}

TEST_CASE("a client that hangs up during a long FETCH ends it where it was") {
    BoundedSession bounded;
    REQUIRE(bounded.session.on_bytes("f FETCH 1:* BODY.PEEK[]\r\n", bounded.now) > 0);
    REQUIRE(bounded.session.reading_paused());
    take_all_output(bounded.session.output());
    bounded.session.on_eof(bounded.now);
    CHECK_FALSE(bounded.session.reading_paused());
    CHECK(bounded.session.wants_close());
    CHECK_FALSE(bounded.session.next_deadline().has_value());
    bounded.session.on_timer(bounded.now);
    CHECK(bounded.session.output().empty());
}
