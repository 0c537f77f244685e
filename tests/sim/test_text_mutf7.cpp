#include <doctest/doctest.h>

#include "sim/text/mutf7.hpp"

using namespace mailscope::text;

namespace {

void check_round_trip(const std::string& utf8, const std::string& wire) {
    CAPTURE(utf8);
    CHECK(mutf7_encode(utf8) == wire);
    std::string error;
    const auto decoded = mutf7_decode(wire, &error);
    REQUIRE_MESSAGE(decoded, error);
    CHECK(*decoded == utf8);
}

std::string decode_error(const std::string& wire) {
    std::string error;
    CHECK_FALSE(mutf7_decode(wire, &error));
    CHECK_FALSE(error.empty());
    return error;
}

}  // namespace

TEST_CASE("mutf7: RFC 3501 5.1.3 example and common names") {
    check_round_trip("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    check_round_trip("INBOX", "INBOX");
    check_round_trip("Входящие", "&BBIERQQ+BDQETwRJBDgENQ-");
    check_round_trip("Отправленные", "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-");
    check_round_trip("&", "&-");
    check_round_trip("Tom & Jerry", "Tom &- Jerry");
    check_round_trip("Черновики & спам", "&BCcENQRABD0EPgQyBDgEOgQ4- &- &BEEEPwQwBDw-");
    check_round_trip("", "");
}

TEST_CASE("mutf7: characters outside the BMP use surrogate pairs") {
    check_round_trip("😀", "&2D3eAA-");
    check_round_trip("a😀b", "a&2D3eAA-b");
}

TEST_CASE("mutf7: the decoder rejects broken forms with a reason") {
    CHECK(decode_error("&BBI").find("never closed") != std::string::npos);
    CHECK(decode_error("a&b").find("never closed") != std::string::npos);
    CHECK(decode_error("&BBJ-").find("padding bits") != std::string::npos);
    CHECK(decode_error("&AGE-").find("printable") != std::string::npos);  // "a" hidden in base64
    CHECK(decode_error("&BBIERQ-&BD4-").find("null shift") != std::string::npos);
    CHECK(decode_error("&2D0-").find("high surrogate") != std::string::npos);
    CHECK(decode_error("&3gA-").find("low surrogate") != std::string::npos);
    CHECK(decode_error("&BBIE-").find("leftover") != std::string::npos);
    CHECK(decode_error("&BB/-").find("not allowed") != std::string::npos);
    CHECK(decode_error("Входящие").find("not printable ASCII") != std::string::npos);
    CHECK(decode_error("a\tb").find("0x09") != std::string::npos);
}

TEST_CASE("mutf7: only the canonical form of a name decodes (RFC 3501 5.1.3)") {
    // "a" and "ab" are printable ASCII and must stand for themselves.
    CHECK(decode_error("&AGE-").find("'a'") != std::string::npos);
    CHECK(decode_error("&AGEAYg-").find("'a'") != std::string::npos);
    // "INBOX" spelled in base64 would be a second INBOX.
    CHECK(decode_error("&AEkATgBCAE8AWA-").find("'I'") != std::string::npos);
    // An unpaired high surrogate, and a pair written the wrong way round.
    CHECK(decode_error("&2D0-").find("high surrogate") != std::string::npos);
    CHECK(decode_error("&3gDYPQ-").find("low surrogate") != std::string::npos);
    // "é" is &AOk-: the same character with non-zero pad bits is refused.
    check_round_trip("é", "&AOk-");
    CHECK(decode_error("&AOl-").find("padding bits") != std::string::npos);
    CHECK(decode_error("&AOn-").find("padding bits") != std::string::npos);
    // Two encoded runs side by side must be one run.
    check_round_trip("éé", "&AOkA6Q-");
    CHECK(decode_error("&AOk-&AOk-").find("null shift") != std::string::npos);
    // "&-" is the ampersand, also next to a run.
    check_round_trip("&", "&-");
    check_round_trip("é&", "&AOk-&-");
    check_round_trip("&é", "&-&AOk-");
    // An empty run is not "&-" and not anything else either.
    CHECK(decode_error("&").find("never closed") != std::string::npos);
}

TEST_CASE("mutf7: invalid UTF-8 is refused by the strict encoder") {
    std::string error;
    CHECK_FALSE(mutf7_encode_strict("bad\xFF", &error));
    CHECK(error.find("not valid UTF-8") != std::string::npos);
    CHECK(mutf7_encode_strict("Входящие") == std::string("&BBIERQQ+BDQETwRJBDgENQ-"));
    CHECK(mutf7_encode("bad\xFF") == "bad&,,0-");
}
