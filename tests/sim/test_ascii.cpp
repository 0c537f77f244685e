#include "sim/core/ascii.hpp"

#include <doctest/doctest.h>

using namespace mailscope;

TEST_CASE("ascii: only A-Z and a-z change case") {
    CHECK(ascii::upper("uid fetch 1:* (body.peek[])") == "UID FETCH 1:* (BODY.PEEK[])");
    CHECK(ascii::lower("Content-Type") == "content-type");
    // UTF-8 octets of "Входящие" and Latin-1 letters stay as they are.
    CHECK(ascii::upper("\xd0\x92\xd1\x85od") == "\xd0\x92\xd1\x85OD");
    CHECK(ascii::lower("\xc9T\xc9") == "\xc9t\xc9");
}

TEST_CASE("ascii: comparisons ignore ASCII case only") {
    static_assert(ascii::iequals("Login", "LOGIN"));
    static_assert(!ascii::iequals("LOGIN", "LOGINX"));
    static_assert(ascii::istarts_with("authenticate PLAIN", "AUTHENTICATE"));
    static_assert(!ascii::istarts_with("AUTH", "AUTHENTICATE"));
    CHECK_FALSE(ascii::iequals("\xd0\x92", "\xd0\xb2"));  // "В" and "в": not ASCII
}
