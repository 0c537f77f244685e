// The trace as a record: append-only and immutable, bounded when asked,
// and every event handed to a sink as it is appended.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/event_batch.hpp"
#include "sim/core/trace.hpp"
#include "sim/core/trace_links.hpp"
#include "sim/core/transcript.hpp"
#include "sim/imap/session.hpp"
#include "sim/pop3/session.hpp"
#include "sim/smtp/session.hpp"
#include "tests/sim/vector_files.hpp"

using namespace mailscope;
using sim::Direction;
using sim::EventKind;
using sim::TraceEvent;

namespace {

TraceEvent note(std::string raw) {
    TraceEvent event;
    event.kind = EventKind::Note;
    event.raw = std::move(raw);
    return event;
}

// Feeds a C:/S: transcript to an observer of `protocol`; a sink copies each
// event as JSON at the moment it is appended.
struct Recorded {
    sim::SessionTrace trace;
    std::vector<std::string> at_append;
};

template <typename Session>
void feed_transcript(Session& session, const std::string& text) {
    auto parsed = sim::parse_text_transcript(text);
    REQUIRE_FALSE(parsed.error);
    std::int64_t clock = 0;
    for (const auto& chunk : parsed.chunks)
        session.feed(chunk.dir, chunk.bytes, ++clock);
    session.feed_eof(Direction::ServerToClient, ++clock);
}

void check_unchanged_since_append(const Recorded& recorded) {
    REQUIRE(recorded.at_append.size() == recorded.trace.size());
    REQUIRE(recorded.trace.size() > 5);
    for (std::size_t i = 0; i < recorded.trace.size(); ++i) {
        INFO("event " << i);
        CHECK(sim::event_to_json(recorded.trace.at(i)) == recorded.at_append[i]);
    }
}

}  // namespace

TEST_CASE("the trace forgets its oldest events beyond its retention, never the newest") {
    sim::SessionTrace trace(sim::Protocol::Imap, "ring", sim::TraceRetention{10, 0});
    for (int i = 0; i < 100; ++i)
        CHECK(trace.append(note(std::to_string(i))) == static_cast<std::uint64_t>(i));
    CHECK(trace.size() == 10);
    CHECK(trace.first_seq() == 90);
    CHECK(trace.end_seq() == 100);
    CHECK(trace.holds(95));
    CHECK_FALSE(trace.holds(89));
    CHECK(trace.at(95).raw == "95");
    CHECK(trace.events().front().seq == 90);
    CHECK_THROWS_AS(trace.at(5), std::out_of_range);
    CHECK(trace.count_since(97) == 3);

    // Memory, not only the count: events with 30 KB of text each.
    sim::SessionTrace bytes(sim::Protocol::Imap, "bytes", sim::TraceRetention{0, 100'000});
    for (int i = 0; i < 20; ++i)
        bytes.append(note(std::string(30'000, 'x')));
    CHECK(bytes.size() == 3);
    bytes.append(note(std::string(1'000'000, 'y')));
    CHECK(bytes.size() == 1);  // the newest stays, however large
    CHECK(bytes.at(20).raw.size() == 1'000'000);
}

TEST_CASE("the sink sees every event once, in order, even those the trace forgets") {
    sim::SessionTrace trace(sim::Protocol::Imap, "sink", sim::TraceRetention{4, 0});
    std::vector<std::uint64_t> seen;
    trace.set_sink([&](const TraceEvent& event) { seen.push_back(event.seq); });
    for (int i = 0; i < 50; ++i)
        trace.append(note("x"));
    REQUIRE(seen.size() == 50);
    for (std::uint64_t i = 0; i < 50; ++i)
        CHECK(seen[i] == i);
}

TEST_CASE("an open step's events can be completed; committed events cannot") {
    sim::SessionTrace trace;
    sim::EventBatch batch(trace);
    auto first = batch.add(note("a"));
    auto second = batch.add(note("b"));
    CHECK(first == 0);
    CHECK(second == 1);
    CHECK(trace.empty());
    batch.open(first).summary = "completed before the step ends";
    REQUIRE(batch.find(second));
    batch.commit();
    CHECK(trace.size() == 2);
    CHECK(trace.at(0).summary == "completed before the step ends");
    CHECK_THROWS_AS(batch.open(first), std::logic_error);
    CHECK(batch.find(first) == &trace.at(0));
    CHECK(batch.next_seq() == 2);
}

TEST_CASE("an open step's events stay in place, unseen by views and the sink") {
    sim::SessionTrace trace(sim::Protocol::Pop3, "open", sim::TraceRetention{2, 0});
    std::vector<std::uint64_t> seen;
    trace.set_sink([&](const TraceEvent& event) {
        // A sink reads the trace as it stands: the event it is given is the
        // newest one committed, and nothing of the step after it shows.
        CHECK(trace.end_seq() == event.seq + 1);
        seen.push_back(event.seq);
    });
    sim::EventBatch batch(trace);
    batch.add(note("committed before"));
    batch.commit();

    TraceEvent& built = batch.emplace();
    CHECK(built.seq == 1);
    CHECK(built.protocol == sim::Protocol::Pop3);
    built.summary = "built where it stays";
    const auto second = batch.add(note("second"));
    const auto third = batch.add(note("third"));
    // Adding more events moved nothing: the reference still names the first.
    CHECK(&batch.open(1) == &built);
    CHECK(trace.size() == 1);
    CHECK(trace.events().size() == 1);
    CHECK(trace.end_seq() == 1);
    CHECK(seen == std::vector<std::uint64_t>{0});
    CHECK(batch.next_seq() == 4);
    CHECK_THROWS_AS(trace.append(note("between")), std::logic_error);

    batch.commit();
    CHECK(seen == std::vector<std::uint64_t>{0, 1, 2, 3});
    // Retention forgot the oldest as the step was committed, one by one.
    CHECK(trace.size() == 2);
    CHECK(trace.first_seq() == second);
    CHECK(trace.events().front().raw == "second");
    CHECK(trace.events().back().seq == third);
    CHECK(batch.empty());
    trace.append(note("after the step"));
    CHECK(trace.events().back().seq == 4);
}

TEST_CASE("no engine changes an event after appending it") {
    SUBCASE("IMAP: the example session of RFC 3501 section 8") {
        Recorded recorded{sim::SessionTrace(sim::Protocol::Imap), {}};
        recorded.trace.set_sink([&](const TraceEvent& event) {
            recorded.at_append.push_back(sim::event_to_json(event));
        });
        imap::ImapSession session(recorded.trace);
        feed_transcript(session, test::read_vector_file("imap/rfc3501_section8.txt"));
        check_unchanged_since_append(recorded);
        // Completions are found from their commands without any edit.
        const sim::CompletionIndex completions(recorded.trace);
        std::size_t commands = 0;
        for (const auto& event : recorded.trace.events()) {
            if (event.kind != EventKind::Command) continue;
            ++commands;
            REQUIRE(completions.completion_of(event.seq));
            CHECK(recorded.trace.at(*completions.completion_of(event.seq)).tag == event.tag);
        }
        CHECK(commands >= 6);
    }
    SUBCASE("POP3: the exchanges of RFC 1939") {
        Recorded recorded{sim::SessionTrace(sim::Protocol::Pop3), {}};
        recorded.trace.set_sink([&](const TraceEvent& event) {
            recorded.at_append.push_back(sim::event_to_json(event));
        });
        pop3::Pop3Session session(recorded.trace);
        feed_transcript(session, test::read_vector_file("pop3/rfc1939_exchanges.txt"));
        check_unchanged_since_append(recorded);
    }
    SUBCASE("SMTP: the scenario of RFC 5321 D.1") {
        Recorded recorded{sim::SessionTrace(sim::Protocol::Smtp), {}};
        recorded.trace.set_sink([&](const TraceEvent& event) {
            recorded.at_append.push_back(sim::event_to_json(event));
        });
        smtp::SmtpSession session(recorded.trace);
        feed_transcript(session, test::read_vector_file("smtp/rfc5321_d1_typical.txt"));
        check_unchanged_since_append(recorded);
        const sim::CompletionIndex completions(recorded.trace);
        for (const auto& event : recorded.trace.events()) {
            if (event.kind == EventKind::Command) CHECK(completions.completion_of(event.seq));
        }
    }
}

TEST_CASE("a session keeps working on a trace that forgets") {
    sim::SessionTrace trace(sim::Protocol::Imap, "ring", sim::TraceRetention{8, 0});
    std::size_t appended = 0;
    trace.set_sink([&](const TraceEvent&) { ++appended; });
    imap::SessionOptions options;
    options.role = imap::Role::Server;
    imap::ImapSession session(trace, options);
    session.send(imap::make_status("*", imap::Status::Ok, std::nullopt, "ready"));
    for (int i = 0; i < 2000; ++i) {
        session.receive(fmt::format("a{} NOOP\r\n", i));
        while (auto input = session.next_input()) {
            auto* command = std::get_if<imap::CommandReceived>(&*input);
            REQUIRE(command);
            session.send(imap::make_status(command->command.tag, imap::Status::Ok, std::nullopt,
                                           "NOOP completed"));
        }
        session.take_outgoing();
    }
    CHECK(trace.size() <= 8);
    CHECK(appended == trace.end_seq());
    CHECK(trace.events().back().link_seq == trace.end_seq() - 2);
}

TEST_CASE("a line that is not part of a transcript is explained in either language") {
    struct Case {
        std::string text;
        std::string en;
        std::string ru;
    };
    const Case cases[] = {
        {"S: * OK ready\n\xD0\xA1: a1 NOOP\n",
         "the line starts with the Cyrillic letter \"С\", which only looks like the Latin \"C\" "
         "of \"C:\"",
         "строка начинается с кириллической буквы «С», которая только похожа на латинскую «C» из "
         "«C:»"},
        {"S: * OK ready\ns; a1 OK done\n", "expected \"S:\" (a colon after the side), got \"s;\"",
         "ожидалось «S:» (двоеточие после стороны), а написано «s;»"},
        {"S: * OK ready\nhello\n", "expected a line starting with \"C:\", \"S:\", \">\" or \"<\"",
         "ожидалась строка, которая начинается с «C:», «S:», «>» или «<»"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        const auto parsed = sim::parse_text_transcript(c.text);
        REQUIRE(parsed.error);
        CHECK(parsed.error->line == 2);
        CHECK(sim::render(parsed.error->reason, sim::Language::En) == c.en);
        CHECK(sim::render(parsed.error->reason, sim::Language::Ru) == c.ru);
    }
}
