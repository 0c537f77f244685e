#include <doctest/doctest.h>

#include "sim/text/quoted_printable.hpp"

using namespace mailscope::text;

TEST_CASE("quoted-printable: escapes and soft line breaks") {
    CHECK(quoted_printable_decode("caf=C3=A9") == "café");
    CHECK(quoted_printable_decode("a=\r\nb") == "ab");
    CHECK(quoted_printable_decode("a=\nb") == "ab");
    CHECK(quoted_printable_decode("line one  \r\nline two") == "line one\r\nline two");
    CHECK(quoted_printable_decode("=D0=9F=D1=80=D0=B8=D0=B2=D0=B5=D1=82") == "Привет");
    CHECK(quoted_printable_decode("=CF=F0=E8=E2=E5=F2") == "\xCF\xF0\xE8\xE2\xE5\xF2");
}

TEST_CASE("quoted-printable: broken escapes survive literally") {
    CHECK(quoted_printable_decode("100=") == "100");
    CHECK(quoted_printable_decode("a=ZZb") == "a=ZZb");
    CHECK(quoted_printable_decode("a=4") == "a=4");
}

TEST_CASE("quoted-printable: encoding round-trips and keeps lines short") {
    const std::string text =
        "Привет, мир! = equals sign\r\ntrailing space \r\n" + std::string(200, 'x');
    const std::string encoded = quoted_printable_encode(text);
    std::size_t line_start = 0;
    while (line_start < encoded.size()) {
        std::size_t end = encoded.find("\r\n", line_start);
        if (end == std::string::npos) end = encoded.size();
        CHECK(end - line_start <= 76);
        line_start = end + 2;
    }
    CHECK(encoded.find("space=20\r\n") != std::string::npos);
    CHECK(quoted_printable_decode(encoded) == text);
}
