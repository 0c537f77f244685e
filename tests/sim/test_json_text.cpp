#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "sim/core/json_text.hpp"
#include "sim/core/transcript.hpp"

using namespace mailscope::sim;

namespace {

// The reference: what the JSON Lines trace held when it was written with
// nlohmann::json, whose replace handler defines the treatment of octets
// that are not UTF-8.
std::string nlohmann_string(const std::string& text) {
    return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string written_string(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

// Octets that exercise every branch of UTF-8: ASCII, escapes, leads of each
// length and their edge values, continuations, and octets never valid.
std::string random_octets(std::mt19937& random) {
    static constexpr unsigned char kInteresting[] = {
        0x00, 0x01, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1f, 0x20, '"',  '\\', 'a',  0x7f,
        0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec,
        0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf8, 0xfe, 0xff};
    std::uniform_int_distribution<int> length(0, 24);
    std::uniform_int_distribution<int> pick(0, sizeof kInteresting - 1);
    std::uniform_int_distribution<int> any(0, 255);
    std::string text;
    for (int n = length(random); n > 0; --n) {
        text += static_cast<char>(n % 3 == 0 ? any(random) : kInteresting[pick(random)]);
    }
    return text;
}

}  // namespace

TEST_CASE("json text: strings are written as nlohmann::json wrote them, broken UTF-8 too") {
    for (const std::string& text :
         {std::string(), std::string("plain"), std::string("quote \" back \\ slash"),
          std::string("\b\t\n\f\r\x01\x1f\x7f", 8), std::string("a\r\nb\r\r\n\n\r\ncrlf\r"),
          std::string("NUL \0 inside", 12),
          std::string("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xf0\x9f\x93\xac"),
          std::string("\xff"), std::string("\xc3"), std::string("\xe2\x82"),
          std::string("\xe2\x82"
                      "A"),
          std::string("\xe0\x80\x80"), std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80"),
          std::string("\xc0\xaf"), std::string("\x80\xbf"), std::string("\xf0\x9f\x93")}) {
        CAPTURE(text);
        CHECK(written_string(text) == nlohmann_string(text));
    }
    // Long runs of plain text are checked eight octets at a time: one octet
    // that needs care, at any place in a word, must be seen.
    for (const unsigned char special : {0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d,
                                        0x7e, 0x7f, 0x80, 0xc3, 0xff}) {
        for (std::size_t at = 0; at < 40; ++at) {
            std::string text(40, 'a');
            text[at] = static_cast<char>(special);
            CAPTURE(at);
            CAPTURE(static_cast<int>(special));
            REQUIRE(written_string(text) == nlohmann_string(text));
        }
    }
    std::mt19937 random(20261207);
    for (int i = 0; i < 50000; ++i) {
        const std::string text = random_octets(random);
        CAPTURE(text);
        REQUIRE(written_string(text) == nlohmann_string(text));
    }
}

TEST_CASE("json text: an event's line is compact JSON with its members in byte order") {
    TraceEvent event;
    event.seq = 18446744073709551615ull;
    event.time_us = -5;
    event.protocol = Protocol::Pop3;
    event.dir = Direction::ServerToClient;
    event.kind = EventKind::Untagged;
    event.wire = {12, 34};
    event.raw = "* 1 FETCH (FLAGS (\\Seen))\r\n\xff";
    event.tag = "*";
    event.name = "FETCH";
    event.summary = "summary \"quoted\"";
    event.section = "RFC 3501 7.4.2";
    event.link = Link::Ambiguous;
    event.link_seq = 3;
    event.status = ReplyStatus::Ok;
    event.code = "UIDNEXT 5";
    event.number = 1;
    event.code_number = 5;
    event.code_modseq = 9;
    event.mailbox = "INBOX";
    event.message = MessageFacts{7, std::vector<std::string>{"\\Seen"}, 99, "Hi", 4};
    event.listed = ListedMailbox{'/', {"\\HasNoChildren"}};
    event.redacted = true;
    event.flags = FlagDelta{1, 7, {"\\Draft"}, {"\\Seen"}, true};
    event.renumber = Renumber{2, 10};
    event.violation = RuleBreak{"a rule", "RFC 3501 9", true, {}};
    event.literal = LiteralInfo{5, false, true, true};
    event.piece = CommandPiece{2, true, LiteralInfo{6, true, false, true}};

    const std::string line = event_to_json(event);
    const auto parsed = nlohmann::json::parse(line);
    // Parsed and written back by nlohmann: sorted, compact, the same escapes.
    CHECK(parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) == line);
    CHECK(parsed["seq"] == event.seq);
    CHECK(parsed["time_us"] == -5);
    CHECK(parsed["protocol"] == "pop3");
    CHECK(parsed["dir"] == "S");
    CHECK(parsed["kind"] == std::string(to_string(event.kind)));
    CHECK(parsed["offset"] == 12);
    CHECK(parsed["size"] == 34);
    CHECK(parsed["raw"] == "* 1 FETCH (FLAGS (\\Seen))\r\n\xEF\xBF\xBD");
    CHECK(parsed["status"] == "OK");
    CHECK(parsed["link"] == "ambiguous");
    CHECK(parsed["link_seq"] == 3);
    CHECK(parsed["message"] ==
          nlohmann::json{
              {"uid", 7}, {"flags", {"\\Seen"}}, {"size", 99}, {"subject", "Hi"}, {"modseq", 4}});
    CHECK(parsed["listed"] ==
          nlohmann::json{{"attributes", {"\\HasNoChildren"}}, {"delimiter", "/"}});
    CHECK(parsed["flags"] ==
          nlohmann::json{{"seq", 1}, {"uid", 7}, {"before", {"\\Draft"}}, {"after", {"\\Seen"}}});
    CHECK(parsed["renumber"] == nlohmann::json{{"expunged", 2}, {"old_count", 10}});
    CHECK(parsed["violation"] ==
          nlohmann::json{{"rule", "a rule"}, {"section", "RFC 3501 9"}, {"fatal", true}});
    CHECK(parsed["literal"] ==
          nlohmann::json{
              {"size", 5}, {"synchronizing", false}, {"truncated", true}, {"binary", true}});
    CHECK(parsed["piece"] ==
          nlohmann::json{{"index", 2},
                         {"awaits_continuation", true},
                         {"announces", {{"size", 6}, {"synchronizing", true}, {"binary", true}}}});
    CHECK(parsed["redacted"] == true);
    CHECK(parsed["code_number"] == 5);
    CHECK(parsed["code_modseq"] == 9);

    TraceEvent bare;
    bare.listed = ListedMailbox{std::nullopt, {}};
    bare.message = MessageFacts{};
    bare.reply_code = 250;
    const auto small = nlohmann::json::parse(event_to_json(bare));
    CHECK(small.dump() == event_to_json(bare));
    CHECK(small["listed"]["delimiter"].is_null());
    CHECK(small["message"] == nlohmann::json::object());
    CHECK(small["status"] == "250");
    CHECK_FALSE(small.contains("tag"));
    CHECK_FALSE(small.contains("transition"));
}
