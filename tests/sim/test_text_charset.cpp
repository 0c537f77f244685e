#include <doctest/doctest.h>

#include "sim/text/charset.hpp"

using namespace mailscope::text;

namespace {

const std::string hello = "Привет, мир";
const std::string hello_1251 = "\xCF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0";
const std::string hello_koi8 = "\xF0\xD2\xC9\xD7\xC5\xD4, \xCD\xC9\xD2";
const std::string hello_866 = "\x8F\xE0\xA8\xA2\xA5\xE2, \xAC\xA8\xE0";
const std::string hello_8859_5 = "\xBF\xE0\xD8\xD2\xD5\xE2, \xDC\xD8\xE0";

}  // namespace

TEST_CASE("charset: Cyrillic code pages decode to the same text") {
    CHECK(to_utf8(hello_1251, "windows-1251") == hello);
    CHECK(to_utf8(hello_koi8, "KOI8-R") == hello);
    CHECK(to_utf8(hello_koi8, "koi8-u") == hello);
    CHECK(to_utf8(hello_866, "IBM866") == hello);
    CHECK(to_utf8(hello_8859_5, "ISO-8859-5") == hello);
    CHECK(to_utf8(hello, "UTF-8") == hello);
}

TEST_CASE("charset: the letter Yo sits in a different place in every code page") {
    CHECK(to_utf8("\xA8\xB8", "cp1251") == "Ёё");
    CHECK(to_utf8("\xB3\xA3", "koi8r") == "Ёё");
    CHECK(to_utf8("\xF0\xF1", "cp866") == "Ёё");
    CHECK(to_utf8("\xA1\xF1", "iso_8859-5") == "Ёё");
}

TEST_CASE("charset: KOI8-U adds the Ukrainian letters") {
    CHECK(to_utf8("\xBD \xA4 \xA6 \xA7", "koi8-u") == "Ґ є і ї");
    CHECK(to_utf8("\xBD", "koi8-r") == "╫");
}

TEST_CASE("charset: names are matched without case and with aliases") {
    CHECK(canonical_charset("Windows-1251") == std::string_view("windows-1251"));
    CHECK(canonical_charset("CP1251") == std::string_view("windows-1251"));
    CHECK(canonical_charset("\"utf8\"") == std::string_view("utf-8"));
    CHECK(canonical_charset("Latin1") == std::string_view("iso-8859-1"));
    CHECK(canonical_charset("US-ASCII") == std::string_view("us-ascii"));
    CHECK_FALSE(canonical_charset("x-unknown"));
    CHECK_FALSE(canonical_charset(""));
    CHECK_FALSE(to_utf8("abc", "x-unknown"));
}

TEST_CASE("charset: undefined octets become U+FFFD") {
    CHECK(to_utf8("a\x98"
                  "b",
                  "windows-1251") ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(to_utf8("caf\xE9", "us-ascii") == "caf\xEF\xBF\xBD");
    CHECK(to_utf8("caf\xE9", "iso-8859-1") == "café");
    CHECK(to_utf8("\xFF", "utf-8") == "\xEF\xBF\xBD");
}

TEST_CASE("charset: UTF-8 converts back to windows-1251 and KOI8-R") {
    CHECK(from_utf8(hello, "windows-1251") == hello_1251);
    CHECK(from_utf8(hello, "koi8-r") == hello_koi8);
    // Octet counts differ: the lessons show this.
    CHECK(hello.size() == 20);
    CHECK(hello_1251.size() == 11);
    std::string error;
    CHECK_FALSE(from_utf8("日本", "windows-1251", &error));
    CHECK(error.find("has no code in windows-1251") != std::string::npos);
    CHECK_FALSE(from_utf8("bad\xFF", "koi8-r", &error));
    CHECK_FALSE(from_utf8("x", "x-unknown", &error));
    CHECK(error.find("not supported") != std::string::npos);
}

TEST_CASE("charset: every single-byte table round-trips its defined octets") {
    for (const char* name :
         {"windows-1251", "koi8-r", "koi8-u", "iso-8859-5", "cp866", "iso-8859-1"}) {
        CAPTURE(name);
        for (int byte = 0; byte < 256; ++byte) {
            const std::string octet(1, static_cast<char>(byte));
            const auto utf8 = to_utf8(octet, name);
            REQUIRE(utf8);
            if (*utf8 == "\xEF\xBF\xBD") continue;
            CHECK(from_utf8(*utf8, name) == octet);
        }
    }
}
