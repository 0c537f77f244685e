#include <doctest/doctest.h>
#include <fmt/format.h>

#include <random>
#include <string>
#include <vector>

#include "imap_vectors.hpp"
#include "sim/imap/framer.hpp"

using namespace mailscope::imap;

namespace {

std::string describe_event(const FramerEvent& event) {
    if (const auto* f = std::get_if<Frame>(&event)) {
        std::string lits;
        for (const auto& l : f->literals) {
            lits +=
                fmt::format("[{} {} {} {}]", l.header_begin, l.data_begin, l.size, l.synchronizing);
        }
        return fmt::format("frame@{} {} lits={} lf={} |{}|", f->stream_offset, f->bytes.size(),
                           lits, f->bare_lf, f->bytes);
    }
    if (const auto* a = std::get_if<LiteralAwaited>(&event)) {
        return fmt::format("await@{} {} |{}|", a->stream_offset, a->size, a->line);
    }
    const auto& e = std::get<FrameError>(event);
    return fmt::format("error@{} kind={} fatal={} prefix=|{}| {}", e.stream_offset,
                       static_cast<int>(e.kind), e.fatal, e.prefix, e.message);
}

std::vector<std::string> drain(Framer& framer) {
    std::vector<std::string> out;
    while (auto event = framer.next())
        out.push_back(describe_event(*event));
    return out;
}

std::vector<std::string> run_chunks(const std::string& stream,
                                    const std::vector<std::size_t>& sizes, Limits limits = {}) {
    Framer framer(limits);
    std::vector<std::string> out;
    std::size_t pos = 0;
    std::size_t i = 0;
    while (pos < stream.size()) {
        std::size_t n = std::min(sizes[i++ % sizes.size()], stream.size() - pos);
        framer.feed(std::string_view(stream).substr(pos, n));
        pos += n;
        for (auto& e : drain(framer))
            out.push_back(std::move(e));
    }
    CHECK(framer.consumed() + framer.buffered() == stream.size());
    return out;
}

std::vector<std::string> run_whole(const std::string& stream, Limits limits = {}) {
    return run_chunks(stream, {stream.size() ? stream.size() : 1}, limits);
}

std::vector<Frame> frames_of(const std::string& stream) {
    Framer framer;
    framer.feed(stream);
    std::vector<Frame> frames;
    while (auto e = framer.next()) {
        if (auto* f = std::get_if<Frame>(&*e)) frames.push_back(std::move(*f));
    }
    return frames;
}

void check_split_invariance(const std::string& stream, Limits limits = {}) {
    auto whole = run_whole(stream, limits);
    CHECK(run_chunks(stream, {1}, limits) == whole);
    std::mt19937 rng(42);
    for (int round = 0; round < 5; ++round) {
        std::vector<std::size_t> sizes;
        std::uniform_int_distribution<std::size_t> dist(1, 97);
        for (int k = 0; k < 64; ++k)
            sizes.push_back(dist(rng));
        CHECK(run_chunks(stream, sizes, limits) == whole);
    }
}

}  // namespace

TEST_CASE("framer: every RFC 3501 vector is one frame, whatever the chunking") {
    for (const char* file : {"rfc3501_commands.txt", "rfc3501_responses.txt"}) {
        auto vectors = testing::load_vectors(file);
        REQUIRE(vectors.size() > 20);
        std::string stream;
        for (const auto& v : vectors)
            stream += v.bytes;
        auto frames = frames_of(stream);
        REQUIRE(frames.size() == vectors.size());
        std::uint64_t offset = 0;
        for (std::size_t i = 0; i < frames.size(); ++i) {
            CHECK(frames[i].bytes == vectors[i].bytes);
            CHECK(frames[i].stream_offset == offset);
            CHECK_FALSE(frames[i].bare_lf);
            offset += vectors[i].bytes.size();
        }
        check_split_invariance(stream);
    }
}

TEST_CASE("framer: literal parts and the synchronizing literal request") {
    std::string msg = "A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n";
    Framer framer;
    framer.feed(msg.substr(0, 17));
    auto e1 = framer.next();
    REQUIRE(e1);
    auto* awaited = std::get_if<LiteralAwaited>(&*e1);
    REQUIRE(awaited);
    CHECK(awaited->stream_offset == 11);
    CHECK(awaited->size == 11);
    CHECK(awaited->line == "A001 LOGIN {11}\r\n");
    CHECK_FALSE(framer.next());
    framer.feed(msg.substr(17));
    auto e2 = framer.next();
    REQUIRE(e2);
    CHECK(std::get<LiteralAwaited>(*e2).size == 7);
    auto e3 = framer.next();
    REQUIRE(e3);
    const auto& frame = std::get<Frame>(*e3);
    CHECK(frame.bytes == msg);
    REQUIRE(frame.literals.size() == 2);
    CHECK(frame.literals[0].header_begin == 11);
    CHECK(frame.literals[0].data_begin == 17);
    CHECK(frame.literals[0].size == 11);
    CHECK(frame.literals[1].data_begin == 17 + 11 + 6);
    CHECK_FALSE(framer.next());
    CHECK(framer.consumed() == msg.size());
    CHECK(framer.buffered() == 0);
}

TEST_CASE("framer: non-synchronizing literals are not awaited, {0} is valid") {
    Framer framer;
    framer.feed("a APPEND box {3+}\r\nabc\r\nb APPEND box {0}\r\n\r\n");
    auto e1 = framer.next();
    REQUIRE(e1);
    const auto& f1 = std::get<Frame>(*e1);
    REQUIRE(f1.literals.size() == 1);
    CHECK_FALSE(f1.literals[0].synchronizing);
    auto e2 = framer.next();
    REQUIRE(e2);
    CHECK(std::get<LiteralAwaited>(*e2).size == 0);
    auto e3 = framer.next();
    REQUIRE(e3);
    CHECK(std::get<Frame>(*e3).bytes == "b APPEND box {0}\r\n\r\n");
}

TEST_CASE("framer: literal events can be switched off for the response direction") {
    Framer framer;
    framer.set_literal_events(false);
    framer.feed("* 1 FETCH (BODY[] {2}\r\nhi)\r\n");
    auto e = framer.next();
    REQUIRE(e);
    CHECK(std::holds_alternative<Frame>(*e));
}

TEST_CASE("framer: a refused literal drops the partial command") {
    Framer framer;
    framer.feed("A044 BLURDYBLOOP {102856}\r\n");
    auto e = framer.next();
    REQUIRE(e);
    CHECK(std::holds_alternative<LiteralAwaited>(*e));
    framer.abandon_pending();
    CHECK(framer.consumed() == 27);
    framer.feed("A045 NOOP\r\n");
    auto f = framer.next();
    REQUIRE(f);
    CHECK(std::get<Frame>(*f).bytes == "A045 NOOP\r\n");
    CHECK(std::get<Frame>(*f).stream_offset == 27);
}

TEST_CASE("framer: over-long line is reported once with its prefix, then framing goes on") {
    Limits limits;
    limits.max_line_length = 100;
    std::string stream = "t1 NOOP " + std::string(500, 'x') + "\r\nt2 NOOP\r\n";
    auto events = run_whole(stream, limits);
    REQUIRE(events.size() == 2);
    CHECK(events[0].find("error@0 kind=0 fatal=false prefix=|t1 NOOP xxx") == 0);
    CHECK(events[0].find("line longer than 100 octets") != std::string::npos);
    CHECK(events[1] == fmt::format("frame@{} 9 lits= lf=false |t2 NOOP\r\n|", stream.size() - 9));
    check_split_invariance(stream, limits);

    std::string exact = "t3 " + std::string(97, 'y') + "\r\n";
    auto ok = run_whole(exact, limits);
    REQUIRE(ok.size() == 1);
    CHECK(ok[0].rfind("frame", 0) == 0);
    check_split_invariance(exact, limits);
}

TEST_CASE("framer: literal sizes that are too large or not numbers") {
    SUBCASE("synchronizing literal over the limit ends the message at its line") {
        std::string stream = "a1 APPEND box {4294967296}\r\na2 NOOP\r\n";
        Framer framer;
        framer.feed(stream);
        auto e = framer.next();
        REQUIRE(e);
        const auto& err = std::get<FrameError>(*e);
        CHECK(err.kind == FrameErrorKind::LiteralTooLarge);
        CHECK_FALSE(err.fatal);
        CHECK(err.prefix.rfind("a1 APPEND", 0) == 0);
        auto f = framer.next();
        REQUIRE(f);
        CHECK(std::get<Frame>(*f).bytes == "a2 NOOP\r\n");
        check_split_invariance(stream);
    }
    SUBCASE("negative and overflowing sizes") {
        for (std::string bad : {"{-1}", "{99999999999999999999999}", "{1-2}"}) {
            Framer framer;
            framer.feed("a1 LOGIN " + bad + "\r\na2 NOOP\r\n");
            auto e = framer.next();
            REQUIRE(e);
            const auto& err = std::get<FrameError>(*e);
            CHECK(err.kind == FrameErrorKind::BadLiteralSize);
            CHECK_FALSE(err.fatal);
            auto f = framer.next();
            REQUIRE(f);
            CHECK(std::get<Frame>(*f).bytes == "a2 NOOP\r\n");
        }
    }
    SUBCASE("non-synchronizing literal over the limit is fatal") {
        Limits limits;
        limits.max_literal_size = 10;
        Framer framer(limits);
        framer.feed("a1 APPEND box {11+}\r\n01234567890\r\na2 NOOP\r\n");
        auto e = framer.next();
        REQUIRE(e);
        const auto& err = std::get<FrameError>(*e);
        CHECK(err.kind == FrameErrorKind::LiteralTooLarge);
        CHECK(err.fatal);
        CHECK_FALSE(framer.next());
        CHECK(framer.dead());
        framer.feed("a3 NOOP\r\n");
        CHECK_FALSE(framer.next());
    }
    SUBCASE("message larger than the limit") {
        Limits limits;
        limits.max_message_size = 40;
        Framer framer(limits);
        framer.feed("a1 APPEND box {30}\r\n");
        auto e = framer.next();
        REQUIRE(e);
        CHECK(std::get<FrameError>(*e).kind == FrameErrorKind::MessageTooLarge);
    }
    SUBCASE("braces that are not a size are plain text") {
        Framer framer;
        framer.feed("* OK see {this}\r\n");
        auto e = framer.next();
        REQUIRE(e);
        CHECK(std::holds_alternative<Frame>(*e));
    }
}

TEST_CASE("framer: bare LF is tolerated and reported") {
    auto frames = frames_of("a NOOP\nb NOOP\r\n");
    REQUIRE(frames.size() == 2);
    CHECK(frames[0].bare_lf);
    CHECK(frames[0].bytes == "a NOOP\n");
    CHECK_FALSE(frames[1].bare_lf);
}

TEST_CASE("framer: raw lines do not announce literals") {
    Framer framer;
    framer.set_raw_next_line(true);
    framer.feed("dGVzdA=={5}\r\na NOOP {2}\r\n");
    auto e = framer.next();
    REQUIRE(e);
    CHECK(std::get<Frame>(*e).bytes == "dGVzdA=={5}\r\n");
    auto a = framer.next();
    REQUIRE(a);
    CHECK(std::holds_alternative<LiteralAwaited>(*a));
}

TEST_CASE("framer: memory stays bounded on 10 MB of junk without LF") {
    Framer framer;
    std::string chunk(4096, 'j');
    std::size_t peak = 0;
    std::size_t errors = 0;
    for (int i = 0; i < 2560; ++i) {
        framer.feed(chunk);
        while (auto e = framer.next()) {
            if (std::holds_alternative<FrameError>(*e)) ++errors;
        }
        peak = std::max(peak, framer.buffered());
    }
    CHECK(peak <= Limits{}.max_line_length + 4096 + 2);
    CHECK(errors == 0);
    framer.feed("\r\na NOOP\r\n");
    auto e = framer.next();
    REQUIRE(e);
    CHECK(std::get<FrameError>(*e).kind == FrameErrorKind::LineTooLong);
    CHECK(std::get<FrameError>(*e).prefix == std::string(256, 'j'));
    auto f = framer.next();
    REQUIRE(f);
    CHECK(std::get<Frame>(*f).bytes == "a NOOP\r\n");
    CHECK(framer.consumed() == 2560ull * 4096 + 10);
}

TEST_CASE("framer: a large literal fed in small chunks is framed once") {
    std::string data(1 << 20, 'd');
    std::string stream = fmt::format("* 1 FETCH (BODY[] {{{}}}\r\n", data.size()) + data + ")\r\n";
    Framer framer;
    framer.set_literal_events(false);
    std::size_t frames = 0;
    for (std::size_t pos = 0; pos < stream.size(); pos += 1000) {
        framer.feed(std::string_view(stream).substr(pos, 1000));
        while (auto e = framer.next()) {
            REQUIRE(std::holds_alternative<Frame>(*e));
            CHECK(std::get<Frame>(*e).bytes == stream);
            ++frames;
        }
    }
    CHECK(frames == 1);
}
