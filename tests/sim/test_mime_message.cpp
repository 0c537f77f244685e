#include <doctest/doctest.h>

#include <string>

#include "sim/mime/message.hpp"
#include "tests/sim/vector_files.hpp"

using namespace mailscope::mime;

namespace {

std::string_view body_of(const MimePart& part, std::string_view raw) {
    return raw.substr(part.body_begin, part.body_size());
}

}  // namespace

TEST_CASE("mime: a message without MIME headers is text/plain us-ascii") {
    const std::string raw = "Subject: hi\r\nFrom: a@b.c\r\n\r\nHello\r\nworld\r\n";
    const ParsedMessage message = parse_message(raw);
    CHECK(message.size == raw.size());
    CHECK(message.root.type == "text");
    CHECK(message.root.subtype == "plain");
    CHECK(message.root.param("charset") == std::string("us-ascii"));
    CHECK(message.root.transfer_encoding() == "7BIT");
    CHECK(message.root.header_begin == 0);
    CHECK(message.root.header_end == raw.find("Hello"));
    CHECK(body_of(message.root, raw) == "Hello\r\nworld\r\n");
    CHECK(message.root.body_lines == 2);
    CHECK(message.root.headers.size() == 2);
    CHECK(message.problems.empty());
}

TEST_CASE("mime: the RFC 3501 7.4.2 BODYSTRUCTURE example shape") {
    const std::string raw = mailscope::test::read_vector_file("mime/rfc3501_bodystructure.eml");
    const ParsedMessage message = parse_message(raw);
    const MimePart& root = message.root;
    CHECK(root.type_upper() == "MULTIPART");
    CHECK(root.subtype_upper() == "MIXED");
    CHECK(root.type == "MULTIPART");
    REQUIRE(root.children.size() == 2);

    const MimePart& first = root.children[0];
    CHECK(first.type == "TEXT");
    CHECK(first.subtype == "PLAIN");
    REQUIRE(first.params.size() == 1);
    CHECK(first.params[0].name == "CHARSET");
    CHECK(first.params[0].value == "US-ASCII");
    CHECK(body_of(first, raw) == "Minutes of the meeting.\r\nTwo lines.");
    CHECK(first.body_lines == 2);
    CHECK_FALSE(first.id);

    const MimePart& second = root.children[1];
    REQUIRE(second.params.size() == 2);
    CHECK(second.params[1].name == "NAME");
    CHECK(second.params[1].value == "cc.diff");
    CHECK(second.id == std::string("<960723163407.20117h@cac.washington.edu>"));
    CHECK(second.description == std::string("Compiler diff"));
    CHECK(second.transfer_encoding() == "BASE64");
    CHECK(body_of(second, raw) == "ZGlmZiAtLWdpdCBhL2NjLmMgYi9jYy5jCg==");
    CHECK(second.body_size() == 36);
    CHECK(second.body_lines == 1);

    CHECK(message.envelope.subject == std::string("IMAP4rev1 WG mtg summary and minutes"));
    CHECK(message.envelope.message_id == std::string("<B27397-0100000@cac.washington.edu>"));
    REQUIRE(message.envelope.cc.size() == 2);
    CHECK(message.envelope.cc[1].name == std::string("John Klensin"));
    CHECK(message.envelope.cc[1].mailbox == std::string("KLENSIN"));
    CHECK(message.envelope.cc[1].host == std::string("MIT.EDU"));
    CHECK(message.problems.empty());
}

TEST_CASE("mime: nested multiparts and message/rfc822 (RFC 3501 6.4.5 example)") {
    const std::string raw = mailscope::test::read_vector_file("mime/rfc3501_sections.eml");
    const ParsedMessage message = parse_message(raw);
    INFO(message.problems.size());
    CHECK(message.problems.empty());
    const MimePart& root = message.root;
    REQUIRE(root.children.size() == 4);
    CHECK(root.children[0].subtype == "PLAIN");
    CHECK(root.children[1].subtype == "OCTET-STREAM");

    const MimePart& part3 = root.children[2];
    CHECK(part3.is_message_rfc822());
    REQUIRE(part3.children.size() == 1);
    REQUIRE(part3.envelope);
    CHECK(part3.envelope->subject == std::string("Part 3"));
    REQUIRE(part3.envelope->from.size() == 1);
    CHECK(part3.envelope->from[0].mailbox == std::string("inner3"));
    const MimePart& inner3 = part3.children[0];
    CHECK(inner3.header_begin == part3.body_begin);
    CHECK(inner3.body_end == part3.body_end);
    REQUIRE(inner3.children.size() == 2);
    // A body part without a header is text/plain us-ascii.
    CHECK(inner3.children[0].type == "text");
    CHECK(inner3.children[0].param("charset") == std::string("us-ascii"));
    CHECK(body_of(inner3.children[0], raw) == "Part 3.1 text.");

    const MimePart& part4 = root.children[3];
    REQUIRE(part4.children.size() == 2);
    CHECK(part4.children[0].id == std::string("<gif@example.org>"));
    const MimePart& inner42 = part4.children[1].children.at(0);
    REQUIRE(inner42.children.size() == 2);
    const MimePart& alternative = inner42.children[1];
    CHECK(alternative.subtype == "ALTERNATIVE");
    REQUIRE(alternative.children.size() == 2);
    CHECK(body_of(alternative.children[1], raw) == "Part 4.2.2.2 <bold>rich</bold>.");
}

TEST_CASE("mime: bare LF line breaks are understood") {
    const std::string raw =
        "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
        "one\n--b\nContent-Type: text/html\n\n<p>two</p>\n--b--\n";
    const ParsedMessage message = parse_message(raw);
    REQUIRE(message.root.children.size() == 2);
    CHECK(body_of(message.root.children[0], raw) == "one");
    CHECK(body_of(message.root.children[1], raw) == "<p>two</p>");
}

TEST_CASE("mime: boundaries that extend each other are kept apart") {
    const std::string raw =
        "Content-Type: multipart/mixed; boundary=\"=_1\"\r\n\r\n--=_1\r\n"
        "Content-Type: multipart/alternative; boundary=\"=_1_2\"\r\n\r\n--=_1_2\r\n\r\na\r\n"
        "--=_1_2\r\n\r\nb\r\n--=_1_2--\r\n--=_1\r\n\r\nc\r\n--=_1--\r\n";
    const ParsedMessage message = parse_message(raw);
    REQUIRE(message.root.children.size() == 2);
    REQUIRE(message.root.children[0].children.size() == 2);
    CHECK(body_of(message.root.children[0].children[1], raw) == "b");
    CHECK(body_of(message.root.children[1], raw) == "c");
}

TEST_CASE("mime: multipart/digest parts default to message/rfc822") {
    const std::string raw =
        "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: one\r\n\r\nbody "
        "one\r\n--d\r\nContent-Type: text/plain\r\n\r\nnot a message\r\n--d--\r\n";
    const ParsedMessage message = parse_message(raw);
    REQUIRE(message.root.children.size() == 2);
    CHECK(message.root.children[0].is_message_rfc822());
    REQUIRE(message.root.children[0].envelope);
    CHECK(message.root.children[0].envelope->subject == std::string("one"));
    CHECK(message.root.children[1].is_text());
}

TEST_CASE("mime: other content fields are collected") {
    const std::string raw =
        "Content-Type: application/pdf; name=\"a b.pdf\" (a comment)\r\n"
        "Content-Disposition: attachment;\r\n filename=\"a b.pdf\"; size=10\r\n"
        "Content-Language: ru, en-US\r\nContent-Location: http://example.org/a.pdf\r\n"
        "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n\r\nxx";
    const ParsedMessage message = parse_message(raw);
    const MimePart& root = message.root;
    CHECK(root.param("name") == std::string("a b.pdf"));
    CHECK(root.disposition == std::string("attachment"));
    REQUIRE(root.disposition_params.size() == 2);
    CHECK(root.disposition_params[0].value == "a b.pdf");
    CHECK(root.disposition_params[1].name == "size");
    CHECK(root.language == std::vector<std::string>{"ru", "en-US"});
    CHECK(root.location == std::string("http://example.org/a.pdf"));
    CHECK(root.md5 == std::string("Q2hlY2sgSW50ZWdyaXR5IQ=="));
    CHECK(root.body_lines == 1);
}
