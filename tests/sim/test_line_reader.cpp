// LineReader: the CRLF framing the POP3 and SMTP engines share.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/core/line_reader.hpp"

using mailscope::sim::LineReader;

namespace {

std::vector<LineReader::Line> read_all(LineReader& reader, std::size_t max_line) {
    std::vector<LineReader::Line> lines;
    while (auto line = reader.next(max_line))
        lines.push_back(std::move(*line));
    return lines;
}

}  // namespace

TEST_CASE("lines come out whole whatever the split, with their offsets and line ends") {
    const std::string wire = "USER alice\r\nbare\nPASS x\r\n";
    for (std::size_t chunk : {1u, 2u, 5u, 100u}) {
        CAPTURE(chunk);
        LineReader reader;
        std::vector<LineReader::Line> lines;
        for (std::size_t i = 0; i < wire.size(); i += chunk) {
            reader.feed(std::string_view(wire).substr(i, chunk));
            for (auto& line : read_all(reader, 512))
                lines.push_back(std::move(line));
        }
        REQUIRE(lines.size() == 3);
        CHECK(lines[0].text() == "USER alice");
        CHECK(lines[0].offset == 0);
        CHECK(lines[0].size == 12);
        CHECK_FALSE(lines[0].bare_lf);
        CHECK(lines[1].text() == "bare");
        CHECK(lines[1].bare_lf);
        CHECK(lines[1].offset == 12);
        CHECK(lines[2].bytes == "PASS x\r\n");
        CHECK(lines[2].offset == 17);
        CHECK_FALSE(reader.mid_line());
        CHECK(reader.offset() == wire.size());
    }
}

TEST_CASE("NUL octets stay in the line for the codec to judge") {
    LineReader reader;
    reader.feed(std::string("NO\0OP\r\n", 7));
    auto line = reader.next(512);
    REQUIRE(line);
    CHECK(line->text() == std::string_view("NO\0OP", 5));
}

TEST_CASE("an over-long line is reported whole once it ends (WholeLine)") {
    LineReader reader(LineReader::Overlong::WholeLine, 4);
    reader.feed("0123456789");
    CHECK_FALSE(reader.next(8));
    CHECK(reader.mid_line());
    CHECK(reader.buffered().empty());
    reader.feed("abc\r\nNOOP\r\n");
    auto line = reader.next(8);
    REQUIRE(line);
    CHECK(line->too_long);
    CHECK(line->offset == 0);
    CHECK(line->size == 15);
    CHECK(line->bytes == "0123");
    auto next = reader.next(8);
    REQUIRE(next);
    CHECK(next->text() == "NOOP");
    CHECK(next->offset == 15);
}

TEST_CASE("an over-long line is reported at the limit and its rest dropped (AtLimit)") {
    LineReader reader(LineReader::Overlong::AtLimit);
    reader.feed("0123456789");
    auto line = reader.next(8);
    REQUIRE(line);
    CHECK(line->too_long);
    CHECK(line->offset == 0);
    CHECK(line->size == 8);
    reader.feed("abc\r\nNOOP\r\n");
    auto next = reader.next(8);
    REQUIRE(next);
    CHECK(next->text() == "NOOP");
    CHECK(next->offset == 15);

    LineReader whole(LineReader::Overlong::AtLimit);
    whole.feed("0123456789\r\nQUIT\r\n");
    auto first = whole.next(8);
    REQUIRE(first);
    CHECK(first->too_long);
    CHECK(first->size == 8);
    CHECK(whole.next(8)->text() == "QUIT");
}

TEST_CASE("octets read another way are consumed with their offsets") {
    LineReader reader;
    reader.feed("DATA\r\nbody\r\n.\r\nQUIT\r\n");
    CHECK(reader.next(512)->text() == "DATA");
    CHECK(reader.buffered().starts_with("body"));
    reader.consume(9);
    CHECK(reader.offset() == 15);
    CHECK(reader.next(512)->text() == "QUIT");
    reader.feed("junk");
    CHECK(reader.drop_buffered() == 4);
    CHECK_FALSE(reader.mid_line());
}
