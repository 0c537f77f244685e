#include <doctest/doctest.h>

#include "sim/mime/address.hpp"
#include "sim/mime/envelope.hpp"

using namespace mailscope::mime;

namespace {

AddressData address(std::optional<std::string> name, std::string mailbox, std::string host) {
    return {std::move(name), std::nullopt, std::move(mailbox), std::move(host)};
}

}  // namespace

TEST_CASE("address: plain, named and quoted forms") {
    CHECK(parse_address_list("user@example.org") ==
          std::vector{address(std::nullopt, "user", "example.org")});
    CHECK(parse_address_list("John Doe <jdoe@machine.example>") ==
          std::vector{address("John Doe", "jdoe", "machine.example")});
    CHECK(parse_address_list("\"Joe Q. Public\" <john.q.public@example.com>") ==
          std::vector{address("Joe Q. Public", "john.q.public", "example.com")});
    CHECK(parse_address_list("\"say \\\"hi\\\"\" <a@b>") ==
          std::vector{address("say \"hi\"", "a", "b")});
    CHECK(parse_address_list("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>") ==
          std::vector{address("Mary Smith", "mary", "x.test"),
                      address(std::nullopt, "jdoe", "example.org"),
                      address("Who?", "one", "y.test")});
    CHECK(parse_address_list("\"john doe\"@example.org") ==
          std::vector{address(std::nullopt, "\"john doe\"", "example.org")});
    CHECK(parse_address_list("a@[192.0.2.1]") ==
          std::vector{address(std::nullopt, "a", "[192.0.2.1]")});
}

TEST_CASE("address: comments") {
    CHECK(parse_address_list("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>") ==
          std::vector{address("Pete", "pete", "silly.test")});
    CHECK(parse_address_list("jdoe@example.org (John Doe)") ==
          std::vector{address("John Doe", "jdoe", "example.org")});
    // Inside the brackets a comment annotates a part of the address; it is
    // no display name (ImapTest's search-addresses message).
    CHECK(parse_address_list("<user-from (comment)@ (comment) domain.org>") ==
          std::vector{address(std::nullopt, "user-from", "domain.org")});
    CHECK(parse_address_list("(Old style) <a@b.test>") ==
          std::vector{address("Old style", "a", "b.test")});
}

TEST_CASE("address: groups use the IMAP markers (RFC 3501 7.4.2)") {
    const auto list = parse_address_list(
        "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, after@x.test");
    REQUIRE(list.size() == 6);
    CHECK(list[0].is_group_start());
    CHECK(list[0].mailbox == std::string("A Group"));
    CHECK_FALSE(list[0].name);
    CHECK(list[1] == address("Ed Jones", "c", "a.test"));
    CHECK(list[3] == address("John", "jdoe", "one.test"));
    CHECK(list[4].is_group_end());
    CHECK(list[5] == address(std::nullopt, "after", "x.test"));

    const auto empty = parse_address_list("Undisclosed recipients:;");
    REQUIRE(empty.size() == 2);
    CHECK(empty[0].mailbox == std::string("Undisclosed recipients"));
    CHECK(empty[1].is_group_end());
}

TEST_CASE("address: obsolete routes and encoded names") {
    const auto routed = parse_address_list("Route <@relay1.test,@relay2.test:user@final.test>");
    REQUIRE(routed.size() == 1);
    CHECK(routed[0].adl == std::string("@relay1.test,@relay2.test"));
    CHECK(routed[0].mailbox == std::string("user"));
    CHECK(routed[0].host == std::string("final.test"));

    const auto encoded = parse_address_list("=?koi8-r?B?8NLJ18XU?= <ivan@example.ru>");
    REQUIRE(encoded.size() == 1);
    CHECK(encoded[0].name == std::string("=?koi8-r?B?8NLJ18XU?="));
}

TEST_CASE("address: broken input never throws and keeps what it can") {
    CHECK(parse_address_list("").empty());
    CHECK(parse_address_list("<>").empty());
    CHECK(parse_address_list(",,, ;").empty());
    const auto unterminated = parse_address_list("\"Open quote <a@b>");
    CHECK(unterminated.size() <= 1);
    const auto bare = parse_address_list("undisclosed-recipients");
    REQUIRE(bare.size() == 1);
    CHECK(bare[0].mailbox == std::string("undisclosed-recipients"));
    CHECK(bare[0].host == std::string());
    const auto messy = parse_address_list("a@b>, <c@d, ((e), @, :x;, G: <f@g>");
    CHECK_FALSE(messy.empty());
    const std::string parens(100000, '(');
    CHECK(parse_address_list(parens).empty());
}

TEST_CASE("envelope: defaults and raw values") {
    const std::vector<HeaderField> fields = parse_header_block(
                                                "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n"
                                                "From: Fred Foobar <foobar@Blurdybloop.COM>\r\n"
                                                "Subject: =?utf-8?B?0J/RgNC40LLQtdGC?=\r\n"
                                                "To: mooch@owatagu.siam.edu\r\n"
                                                "Message-Id: <B27397-0100000@Blurdybloop.COM>\r\n"
                                                "In-Reply-To:\r\n <parent@example.org>\r\n\r\n")
                                                .fields;
    const EnvelopeData envelope = build_envelope(fields);
    CHECK(envelope.date == std::string("Mon, 7 Feb 1994 21:52:25 -0800 (PST)"));
    CHECK(envelope.subject == std::string("=?utf-8?B?0J/RgNC40LLQtdGC?="));
    CHECK(envelope.sender == envelope.from);
    CHECK(envelope.reply_to == envelope.from);
    CHECK(envelope.from[0] == address("Fred Foobar", "foobar", "Blurdybloop.COM"));
    CHECK(envelope.cc.empty());
    CHECK(envelope.in_reply_to == std::string("<parent@example.org>"));
    CHECK(envelope.message_id == std::string("<B27397-0100000@Blurdybloop.COM>"));
}

TEST_CASE("address: a hostile list is capped") {
    std::string list;
    for (std::size_t i = 0; i < max_addresses + 50; ++i)
        list += "a@b, ";
    CHECK(parse_address_list(list).size() == max_addresses);
}
