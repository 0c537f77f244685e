#include <doctest/doctest.h>

#include "sim/text/encoded_words.hpp"

using namespace mailscope::text;

TEST_CASE("encoded-words: RFC 2047 section 8 examples") {
    CHECK(decode_header_value("=?ISO-8859-1?Q?a?=") == "a");
    CHECK(decode_header_value("=?ISO-8859-1?Q?a?= b") == "a b");
    CHECK(decode_header_value("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=") == "ab");
    CHECK(decode_header_value("=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=") == "ab");
    CHECK(decode_header_value("=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=") == "ab");
    CHECK(decode_header_value("=?ISO-8859-1?Q?a_b?=") == "a b");
    CHECK(decode_header_value("=?ISO-8859-1?Q?a?= =?KOI8-R?Q?_b?=") == "a b");
    CHECK(decode_header_value("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=") == "Keld Jørn Simonsen");
}

TEST_CASE("encoded-words: Cyrillic subjects in three charsets") {
    CHECK(decode_header_value("=?UTF-8?B?0J/RgNC40LLQtdGC?=") == "Привет");
    CHECK(decode_header_value("=?windows-1251?B?z/Do4uXy?=") == "Привет");
    CHECK(decode_header_value("=?koi8-r?Q?=F0=D2=C9=D7=C5=D4?= world") == "Привет world");
    CHECK(decode_header_value("Re: =?KOI8-R?B?8NLJ18XU?=") == "Re: Привет");
}

TEST_CASE("encoded-words: a character split across two words is joined") {
    // "Пр" in UTF-8 is D0 9F D1 80; the words cut it after the third octet.
    CHECK(decode_header_value("=?utf-8?Q?=D0=9F=D1?= =?utf-8?Q?=80?=") == "Пр");
}

TEST_CASE("encoded-words: malformed words stay as written") {
    CHECK(decode_header_value("=?utf-8?X?abc?=") == "=?utf-8?X?abc?=");
    CHECK(decode_header_value("=?x-unknown?Q?abc?=") == "=?x-unknown?Q?abc?=");
    CHECK(decode_header_value("=?utf-8?Q?abc") == "=?utf-8?Q?abc");
    CHECK(decode_header_value("=?utf-8?Q?a b?=") == "=?utf-8?Q?a b?=");
    CHECK(decode_header_value("=?=?=?") == "=?=?=?");
    CHECK(decode_header_value("plain \xFF text") == "plain \xEF\xBF\xBD text");
    CHECK(decode_header_value("a=?utf-8?Q?b?= c") == "ab c");
}

TEST_CASE("encoded-words: a language suffix is allowed (RFC 2231 section 5)") {
    CHECK(decode_header_value("=?US-ASCII*EN?Q?Keith_Moore?=") == "Keith Moore");
}

TEST_CASE("encoded-words: the encoder round-trips and keeps words short") {
    const std::string subject = "Привет, мир! Это тестовое письмо с длинной темой";
    for (const char* charset : {"utf-8", "windows-1251", "koi8-r"}) {
        for (const WordEncoding encoding : {WordEncoding::Base64, WordEncoding::QuotedPrintable}) {
            CAPTURE(charset);
            const auto encoded = encode_header_value(subject, charset, encoding);
            REQUIRE(encoded);
            std::size_t start = 0;
            while (start < encoded->size()) {
                std::size_t end = encoded->find("\r\n ", start);
                if (end == std::string::npos) end = encoded->size();
                CHECK(end - start <= 75);
                start = end + 3;
            }
            CHECK(decode_header_value(*encoded) == subject);
        }
    }
    CHECK(encode_header_value("Привет", "windows-1251", WordEncoding::Base64) ==
          std::string("=?windows-1251?B?z/Do4uXy?="));
    CHECK(encode_header_value("a b", "utf-8", WordEncoding::QuotedPrintable) ==
          std::string("=?utf-8?Q?a_b?="));
    std::string error;
    CHECK_FALSE(encode_header_value("日本", "koi8-r", WordEncoding::Base64, &error));
    CHECK_FALSE(error.empty());
}

TEST_CASE("RFC 2231: extended values and continuations") {
    const auto simple =
        decode_parameters({{"title*", "us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A"}});
    REQUIRE(simple.size() == 1);
    CHECK(simple[0].name == "title");
    CHECK(simple[0].value == "This is ***fun***");
    CHECK(simple[0].language == "en-us");

    const auto continued = decode_parameters(
        {{"URL*0", "ftp://"}, {"URL*1", "cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"}});
    REQUIRE(continued.size() == 1);
    CHECK(continued[0].name == "url");
    CHECK(continued[0].value == "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");

    const auto mixed = decode_parameters({{"title*1*", "%2A%2A%2Afun%2A%2A%2A%20"},
                                          {"title*0*", "us-ascii'en'This%20is%20even%20more%20"},
                                          {"title*2", "isn't it!"}});
    REQUIRE(mixed.size() == 1);
    CHECK(mixed[0].value == "This is even more ***fun*** isn't it!");
}

TEST_CASE("RFC 2231: Cyrillic file names") {
    const auto params = decode_parameters({{"charset", "us-ascii"},
                                           {"filename*", "windows-1251''%CF%F0%E8%E2%E5%F2.txt"},
                                           {"name", "=?koi8-r?B?8NLJ18XU?=.txt"}});
    REQUIRE(params.size() == 3);
    CHECK(params[0].value == "us-ascii");
    CHECK(params[1].name == "filename");
    CHECK(params[1].value == "Привет.txt");
    CHECK(params[2].value == "Привет.txt");
    const auto utf8 =
        decode_parameters({{"filename*0*", "utf-8''%D0%9F%D1"}, {"filename*1*", "%80"}});
    REQUIRE(utf8.size() == 1);
    CHECK(utf8[0].value == "Пр");
}
