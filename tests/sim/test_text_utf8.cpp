#include <doctest/doctest.h>

#include "sim/text/utf8.hpp"

using namespace mailscope::text;

TEST_CASE("utf8: valid text is accepted") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain ascii"));
    CHECK(is_valid_utf8("Входящие"));
    CHECK(is_valid_utf8("台北 😀"));
}

TEST_CASE("utf8: broken sequences are rejected") {
    CHECK_FALSE(is_valid_utf8("\xD0"));                      // truncated
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));                  // overlong "/"
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));              // surrogate U+D800
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));          // above U+10FFFF
    CHECK_FALSE(is_valid_utf8("\x80"));                      // lone continuation
    CHECK_FALSE(is_valid_utf8("\xCF\xF0\xE8\xE2\xE5\xF2"));  // windows-1251 "Привет"
}

TEST_CASE("utf8: the sanitizer replaces each bad octet with U+FFFD") {
    CHECK(sanitize_utf8("ok") == "ok");
    CHECK(sanitize_utf8("Ёж") == "Ёж");
    CHECK(sanitize_utf8("a\xFF"
                        "b") ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(sanitize_utf8("\xD0") == "\xEF\xBF\xBD");
    CHECK(is_valid_utf8(sanitize_utf8("\xC0\xAF\xED\xA0\x80 x")));
}

TEST_CASE("utf8: append_utf8 writes every length and refuses surrogates") {
    std::string out;
    append_utf8(out, U'A');
    append_utf8(out, U'Ж');
    append_utf8(out, U'台');
    append_utf8(out, U'😀');
    CHECK(out == "AЖ台😀");
    std::string bad;
    append_utf8(bad, 0xD800);
    CHECK(bad == "\xEF\xBF\xBD");
}
