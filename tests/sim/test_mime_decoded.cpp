#include <doctest/doctest.h>

#include "sim/mime/builder.hpp"
#include "sim/mime/decoded.hpp"
#include "sim/mime/section.hpp"

using namespace mailscope::mime;

TEST_CASE("decoded: the Cyrillic sample in three charsets") {
    const std::string raw = build_cyrillic_sample();
    const ParsedMessage message = parse_message(raw);
    CHECK(message.problems.empty());
    CHECK(decoded_subject(message) == "Проверка кодировок");
    CHECK(decoded_from(message) == "Иван Петров <ivan@example.ru>");
    CHECK(format_address_list(message.envelope.to) == "Мария <maria@example.ru>");
    REQUIRE(message.root.children.size() == 4);

    const DecodedText cp1251 = decoded_body_text(message.root.children[0], raw);
    CHECK(cp1251.charset == "windows-1251");
    CHECK(cp1251.text == "Привет! Это письмо в кодировке windows-1251.\r\n");
    const DecodedText koi8 = decoded_body_text(message.root.children[1], raw);
    CHECK(koi8.text == "А эта часть в KOI8-R, закодирована quoted-printable.\r\n");
    const DecodedText utf8 = decoded_body_text(message.root.children[2], raw);
    CHECK(utf8.text == "Третья часть: UTF-8 в base64. Ёжик!\r\n");

    const MimePart& attachment = message.root.children[3];
    CHECK(attachment.disposition == std::string("attachment"));
    CHECK(decoded_filename(attachment) == std::string("отчёт.txt"));
    CHECK(decoded_body_text(attachment, raw).text == "Отчёт за квартал\r\n");
}

TEST_CASE("decoded: unknown charsets are shown with replacement characters") {
    const std::string raw = "Content-Type: text/plain; charset=x-martian\r\n\r\nok \xFF\r\n";
    const ParsedMessage message = parse_message(raw);
    const DecodedText text = decoded_body_text(message.root, raw);
    CHECK_FALSE(text.charset_known);
    CHECK(text.text == "ok \xEF\xBF\xBD\r\n");
}

TEST_CASE("decoded: transfer encodings") {
    CHECK(transfer_decode("SGk=\r\n", " BASE64 ") == "Hi");
    CHECK(transfer_decode("a=3Db=\r\nc", "Quoted-Printable") == "a=bc");
    CHECK(transfer_decode("as is", "8bit") == "as is");
    CHECK(transfer_decode("as is", "x-uuencode") == "as is");
}

TEST_CASE("decoded: address lists with groups") {
    const auto list =
        parse_address_list("Team: =?utf-8?B?0JDQvdGP?= <anya@x.test>, b@x.test;, c@y");
    CHECK(format_address_list(list) == "Team: Аня <anya@x.test>, b@x.test;, c@y");
}

TEST_CASE("builder: plain text messages") {
    MessageHeaders headers;
    headers.subject = "Тест";
    const std::string raw = build_plain_text(headers, "Line one\nСтрока два\n");
    CHECK(raw.find("\n") == raw.find("\r\n") + 1);
    CHECK(raw.find("Subject: =?utf-8?B?") != std::string::npos);
    const ParsedMessage message = parse_message(raw);
    CHECK(message.problems.empty());
    CHECK(decoded_subject(message) == "Тест");
    CHECK(decoded_body_text(message.root, raw).text == "Line one\r\nСтрока два\r\n");
    CHECK(message.root.transfer_encoding() == "quoted-printable");

    const std::string ascii = build_plain_text(MessageHeaders{}, "Hello\r\n");
    CHECK(parse_message(ascii).root.transfer_encoding() == "7bit");
}

TEST_CASE("builder: alternative, mixed and forwarded messages parse back") {
    const MessageHeaders headers;
    const std::string alternative = build_alternative(headers, "plain", "<p>html</p>");
    const ParsedMessage parsed_alternative = parse_message(alternative);
    REQUIRE(parsed_alternative.root.children.size() == 2);
    CHECK(parsed_alternative.root.subtype == "alternative");
    CHECK(parsed_alternative.root.children[1].subtype == "html");
    CHECK(section_octets(parsed_alternative, alternative, {2}, SectionText::None) ==
          std::string("<p>html</p>"));

    const std::string mixed =
        build_mixed(headers, "see attached",
                    {{"data.bin", "application/octet-stream", std::string("\x00\x01\x02\xFF", 4)}});
    const ParsedMessage parsed_mixed = parse_message(mixed);
    REQUIRE(parsed_mixed.root.children.size() == 2);
    const MimePart& attachment = parsed_mixed.root.children[1];
    CHECK(decoded_filename(attachment) == std::string("data.bin"));
    CHECK(transfer_decode(mixed.substr(attachment.body_begin, attachment.body_size()),
                          attachment.transfer_encoding()) == std::string("\x00\x01\x02\xFF", 4));

    const std::string forward = build_forward(headers, "FYI", build_plain_text(headers, "inner"));
    const ParsedMessage parsed_forward = parse_message(forward);
    REQUIRE(parsed_forward.root.children.size() == 2);
    const MimePart& rfc822 = parsed_forward.root.children[1];
    CHECK(rfc822.is_message_rfc822());
    REQUIRE(rfc822.envelope);
    CHECK(rfc822.envelope->subject == std::string("Hello"));
    CHECK(section_octets(parsed_forward, forward, {2, 1}, SectionText::None) ==
          std::string("inner"));
    CHECK(parsed_forward.problems.empty());
}
