#include <doctest/doctest.h>

#include "sim/text/base64.hpp"

using namespace mailscope::text;

TEST_CASE("base64: RFC 4648 section 10 test vectors") {
    const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char* encoded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; ++i) {
        CHECK(base64_encode(plain[i]) == encoded[i]);
        CHECK(base64_decode_strict(encoded[i]) == std::string(plain[i]));
        CHECK(base64_decode_mime(encoded[i]) == plain[i]);
    }
}

TEST_CASE("base64: the strict decoder explains what is wrong") {
    std::string error;
    CHECK_FALSE(base64_decode_strict("Zm9", &error));
    CHECK(error.find("groups of four") != std::string::npos);
    CHECK_FALSE(base64_decode_strict("Zm9v\r\n", &error));
    CHECK_FALSE(base64_decode_strict("Z===", &error));
    CHECK_FALSE(base64_decode_strict("Zg==Zm9v", &error));
    CHECK(error.find("padding") != std::string::npos);
    CHECK_FALSE(base64_decode_strict("Zh==", &error));
    CHECK(error.find("non-zero padding bits") != std::string::npos);
    CHECK_FALSE(base64_decode_strict("Zm9*", &error));
    CHECK(error.find("alphabet") != std::string::npos);
}

TEST_CASE("base64: MIME decoding skips line breaks and wraps at 76") {
    const std::string data(100, '\xD0');
    const std::string wrapped = base64_encode_lines(data);
    CHECK(wrapped.find("\r\n") == 76);
    CHECK(wrapped.substr(wrapped.size() - 2) == "\r\n");
    CHECK(base64_decode_mime(wrapped) == data);
    CHECK(base64_decode_mime(" 0J/RgNC4 \r\n0LLQtdGC\r\n") == "Привет");
}
