// Framing in place, feed(bytes, on_event), must give exactly the events of
// feed(bytes) and next(): checked on the RFC vectors, the saved fuzz
// findings and hostile streams, fed whole, in pieces, one octet at a time,
// with the sink stopping, and with setters called between events.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_checks.hpp"
#include "tests/sim/fuzz_regressions.hpp"
#include "tests/sim/imap_vectors.hpp"

namespace {

using namespace mailscope;
using mailscope::fuzz::describe;

// What the caller does between events: set the raw mode after an
// AUTHENTICATE or IDLE command, refuse literals announced by APPEND.
void react(imap::Framer& framer, const imap::FramerEvent& event) {
    if (const auto* frame = std::get_if<imap::Frame>(&event)) {
        if (frame->bytes.find("AUTHENTICATE") != std::string::npos ||
            frame->bytes.find("IDLE") != std::string::npos)
            framer.set_raw_next_line(true);
    } else if (const auto* awaited = std::get_if<imap::LiteralAwaited>(&event)) {
        if (awaited->line.find("APPEND") != std::string::npos) framer.abandon_pending();
    }
}

struct Run {
    std::vector<std::string> events;
    std::uint64_t consumed = 0;
    std::size_t buffered = 0;
};

// The events of `data` fed in the pieces `cuts` makes of it: `feed` gives
// the framer one piece; the events it leaves are then read with next().
template <typename Feed>
Run run_in_pieces(imap::Framer& framer, Run& run, std::string_view data,
                  const std::vector<std::size_t>& cuts, Feed feed) {
    std::size_t begin = 0;
    auto piece = [&](std::size_t end) {
        feed(data.substr(begin, end - begin));
        begin = end;
        while (auto event = framer.next()) {
            run.events.push_back(describe(*event));
            react(framer, *event);
        }
    };
    for (auto cut : cuts)
        piece(cut);
    piece(data.size());
    run.consumed = framer.consumed();
    run.buffered = framer.buffered();
    return run;
}

Run with_next(std::string_view data, const imap::Limits& limits, bool literal_events,
              const std::vector<std::size_t>& cuts) {
    imap::Framer framer(limits);
    framer.set_literal_events(literal_events);
    Run run;
    return run_in_pieces(framer, run, data, cuts,
                         [&](std::string_view piece) { framer.feed(piece); });
}

// Each piece is copied into a buffer that is overwritten once the feed
// returns, so that a framer still reading the caller's octets afterwards
// frames garbage and the comparison fails. `stop_every`: the sink refuses
// every n-th event, and the rest of that piece is read with next().
Run in_place(std::string_view data, const imap::Limits& limits, bool literal_events,
             const std::vector<std::size_t>& cuts, std::size_t stop_every) {
    imap::Framer framer(limits);
    framer.set_literal_events(literal_events);
    Run run;
    std::size_t seen = 0;
    auto sink = [&](imap::FramerEvent&& event) {
        run.events.push_back(describe(event));
        react(framer, event);
        return stop_every == 0 || ++seen % stop_every != 0;
    };
    return run_in_pieces(framer, run, data, cuts, [&](std::string_view piece) {
        std::string caller(piece);
        framer.feed(caller, sink);
        caller.assign(caller.size(), '\x7f');
    });
}

std::vector<std::vector<std::size_t>> splits_of(std::string_view data) {
    std::vector<std::vector<std::size_t>> splits = {{}};
    if (data.size() > 1) splits.push_back({data.size() / 2});
    std::vector<std::size_t> every_seven;
    for (std::size_t at = 7; at < data.size(); at += 7)
        every_seven.push_back(at);
    splits.push_back(std::move(every_seven));
    if (data.size() <= 2048) {
        std::vector<std::size_t> every;
        for (std::size_t at = 1; at < data.size(); ++at)
            every.push_back(at);
        splits.push_back(std::move(every));
    }
    std::mt19937 random(static_cast<unsigned>(data.size()));
    std::vector<std::size_t> uneven;
    for (std::size_t at = 0; at < data.size();) {
        at += 1 + random() % 300;
        if (at < data.size()) uneven.push_back(at);
    }
    splits.push_back(std::move(uneven));
    return splits;
}

void check_same_events(std::string_view data) {
    for (const auto& limits : {imap::Limits{}, mailscope::fuzz::small_limits()}) {
        for (bool literal_events : {true, false}) {
            for (const auto& cuts : splits_of(data)) {
                const auto expected = with_next(data, limits, literal_events, cuts);
                for (std::size_t stop_every : {0, 1, 3}) {
                    INFO("pieces " << cuts.size() + 1 << ", literal events " << literal_events
                                   << ", sink stops every " << stop_every);
                    const auto got = in_place(data, limits, literal_events, cuts, stop_every);
                    CHECK(got.events == expected.events);
                    CHECK(got.consumed == expected.consumed);
                    CHECK(got.buffered == expected.buffered);
                }
            }
        }
    }
}

}  // namespace

TEST_CASE("framing in place: the RFC 3501 commands and responses") {
    for (const char* name : {"rfc3501_commands.txt", "rfc3501_responses.txt"}) {
        std::string all;
        for (const auto& vector : imap::testing::load_vectors(name))
            all += vector.bytes;
        INFO(name);
        REQUIRE(all.size() > 1000);
        check_same_events(all);
    }
}

TEST_CASE("framing in place: the saved fuzz findings") {
    for (const auto& input : fuzz::testing::regression_inputs("imap_command")) {
        INFO(input.name);
        check_same_events(input.bytes);
    }
    for (const auto& input : fuzz::testing::regression_inputs_if_any("imap_response")) {
        INFO(input.name);
        check_same_events(input.bytes);
    }
}

TEST_CASE("framing in place: hostile and unusual streams") {
    const std::string long_line = "a1 LOGIN " + std::string(5000, 'x') + "\r\n";
    const std::vector<std::string> streams = {
        "a1 AUTHENTICATE PLAIN\r\ndGVzdA=={5}\r\na2 NOOP {2}\r\nhi\r\n",
        "a1 IDLE\r\nDONE {3}\r\na2 NOOP\r\n",
        "a1 APPEND box {30}\r\na2 NOOP\r\na3 APPEND box {3+}\r\nabc\r\n",
        "* 1 FETCH (BODY[] {12}\r\nline\r\nline\r\n)\r\n* 2 FETCH (BODY[] {0}\r\n)\r\na OK\r\n",
        "bare\nlines\n* 3 EXISTS\r\n",
        long_line + "a2 NOOP\r\n" + long_line,
        std::string(70000, 'y') + "\r\na3 NOOP\r\n",
        "a1 NOOP {99999999999999999999999}\r\na2 NOOP {1x}\r\na3 NOOP\r\n",
        "a1 APPEND box {999999999999+}\r\nwhatever follows is lost\r\n",
        "a1 APPEND box {4}\r\nab",
    };
    for (const auto& stream : streams) {
        INFO(stream.substr(0, 80));
        check_same_events(stream);
    }
}

TEST_CASE("framing in place: a large feed after a message begun earlier") {
    // The first feed leaves part of a message; the second finishes it and
    // brings 400 more, whose first lines are long enough that framing from a
    // copy stops inside one of them and goes on from the caller's octets.
    std::string stream =
        "* 1 FETCH (FLAGS (\\Seen) BODY[] {70000}\r\n" + std::string(70000, 'm') + ")\r\n";
    std::string keywords;
    for (int i = 0; i < 60; ++i)
        keywords += fmt::format(" $Label{}", i);
    for (int i = 2; i <= 400; ++i)
        stream += fmt::format("* {} FETCH (FLAGS (\\Seen{}) BODY[] {{400}}\r\n{})\r\n", i, keywords,
                              std::string(400, 'b'));
    stream += "a OK done\r\n";
    for (std::size_t first = 5; first < 72000; first += 997) {
        INFO("first feed " << first);
        const std::vector<std::size_t> cuts = {first};
        const auto expected = with_next(stream, {}, false, cuts);
        REQUIRE(expected.events.size() == 401);
        CHECK(in_place(stream, {}, false, cuts, 0).events == expected.events);
    }
}
