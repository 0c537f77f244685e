#include <doctest/doctest.h>

#include <string>

#include "sim/mime/section.hpp"
#include "tests/sim/vector_files.hpp"

using namespace mailscope::mime;

namespace {

struct Fixture {
    std::string raw = mailscope::test::read_vector_file("mime/rfc3501_sections.eml");
    ParsedMessage message = parse_message(raw);

    std::optional<std::string> get(const std::vector<std::uint32_t>& part,
                                   SectionText which = SectionText::None,
                                   const std::vector<std::string>& fields = {}) const {
        return section_octets(message, raw, part, which, fields);
    }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "section: top level HEADER, TEXT and the whole message") {
    CHECK(get({}) == raw);
    const auto header = get({}, SectionText::Header);
    REQUIRE(header);
    CHECK(header->starts_with("From: Terry Gray"));
    CHECK(header->ends_with("BOUNDARY=\"outer\"\r\n\r\n"));
    const auto text = get({}, SectionText::Text);
    REQUIRE(text);
    CHECK(*header + *text == raw);
    CHECK_FALSE(get({}, SectionText::Mime));
}

TEST_CASE_FIXTURE(Fixture, "section: numbered parts as in RFC 3501 6.4.5") {
    CHECK(get({1}) == std::string("Part 1 text."));
    CHECK(get({2}) == std::string("AAECAwQ="));
    CHECK(get({2}, SectionText::Mime) ==
          std::string("Content-Type: APPLICATION/OCTET-STREAM\r\nContent-Transfer-Encoding: "
                      "BASE64\r\n\r\n"));
    const auto part3 = get({3});
    REQUIRE(part3);
    CHECK(part3->starts_with("From: inner3@example.org\r\n"));
    CHECK(part3->ends_with("--p3--"));
    CHECK(get({3}, SectionText::Header) ==
          std::string("From: inner3@example.org\r\nSubject: Part 3\r\nContent-Type: "
                      "MULTIPART/MIXED; boundary=\"p3\"\r\n\r\n"));
    const auto text3 = get({3}, SectionText::Text);
    REQUIRE(text3);
    CHECK(text3->starts_with("--p3\r\n"));
    CHECK(get({3, 1}) == std::string("Part 3.1 text."));
    CHECK(get({3, 1}, SectionText::Mime) == std::string("\r\n"));
    CHECK(get({3, 2}) == std::string("binary-ish"));
    CHECK(get({4, 1}) == std::string("GIF89a"));
    CHECK(get({4, 1}, SectionText::Mime) ==
          std::string("Content-Type: IMAGE/GIF\r\nContent-ID: <gif@example.org>\r\n\r\n"));
    CHECK(get({4, 2}, SectionText::Header)->starts_with("From: inner42@example.org"));
    CHECK(get({4, 2, 1}) == std::string("Part 4.2.1 text."));
    CHECK(get({4, 2, 2, 1}) == std::string("Part 4.2.2.1 plain."));
    CHECK(get({4, 2, 2, 2}) == std::string("Part 4.2.2.2 <bold>rich</bold>."));
}

TEST_CASE_FIXTURE(Fixture, "section: sections that do not exist") {
    CHECK_FALSE(get({5}));
    CHECK_FALSE(get({0}));
    CHECK_FALSE(get({1, 1}));
    CHECK_FALSE(get({1}, SectionText::Header));
    CHECK_FALSE(get({4}, SectionText::Text));
    CHECK_FALSE(get({4, 2, 3}));
    CHECK(find_section_part(message, {4, 2, 2}) != nullptr);
    CHECK(find_section_part(message, {4, 2, 2})->subtype == "ALTERNATIVE");
}

TEST_CASE_FIXTURE(Fixture, "section: HEADER.FIELDS and HEADER.FIELDS.NOT") {
    CHECK(get({}, SectionText::HeaderFields, {"subject", "FROM"}) ==
          std::string("From: Terry Gray <gray@cac.washington.edu>\r\nSubject: Sections as in RFC "
                      "3501 6.4.5\r\n\r\n"));
    CHECK(get({3}, SectionText::HeaderFieldsNot, {"content-type", "from"}) ==
          std::string("Subject: Part 3\r\n\r\n"));
    CHECK(get({}, SectionText::HeaderFields, {"X-Missing"}) == std::string("\r\n"));
}

TEST_CASE("section: a non-multipart message has part 1, its body") {
    const std::string raw = "Subject: x\r\nContent-Type: text/plain\r\n\r\nbody\r\n";
    const ParsedMessage message = parse_message(raw);
    CHECK(section_octets(message, raw, {1}, SectionText::None) == std::string("body\r\n"));
    CHECK(section_octets(message, raw, {1}, SectionText::Mime) ==
          std::string("Subject: x\r\nContent-Type: text/plain\r\n\r\n"));
    CHECK_FALSE(section_octets(message, raw, {2}, SectionText::None));
    CHECK_FALSE(section_octets(message, raw, {1}, SectionText::Header));
}

TEST_CASE("section: a top-level message/rfc822 nests its numbers") {
    const std::string raw = "Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body";
    const ParsedMessage message = parse_message(raw);
    CHECK(section_octets(message, raw, {1}, SectionText::None) ==
          std::string("Subject: inner\r\n\r\ninner body"));
    CHECK(section_octets(message, raw, {1}, SectionText::Header) ==
          std::string("Subject: inner\r\n\r\n"));
    CHECK(section_octets(message, raw, {1, 1}, SectionText::None) == std::string("inner body"));
}

TEST_CASE("section: header subsets keep folding and stop at the blank line") {
    const std::string header =
        "Subject: a\r\n folded\r\nTo: x@y\r\nsubject: second\r\nX-Other: 1\r\n\r\nBody: no\r\n";
    CHECK(header_fields_subset(header, {"Subject"}, false) ==
          "Subject: a\r\n folded\r\nsubject: second\r\n\r\n");
    CHECK(header_fields_subset(header, {"Subject", "to"}, true) == "X-Other: 1\r\n\r\n");
    CHECK(header_fields_subset("A: 1\r\nB: 2", {"b"}, false) == "B: 2");
    CHECK(header_fields_subset("A: 1\nB: 2\n\n", {"a"}, false) == "A: 1\n\n");
}

TEST_CASE("section: partial slicing") {
    CHECK(partial_octets("0123456789", 0, 4) == "0123");
    CHECK(partial_octets("0123456789", 8, 4) == "89");
    CHECK(partial_octets("0123456789", 3) == "3456789");
    CHECK(partial_octets("0123456789", 10, 4).empty());
    CHECK(partial_octets("0123456789", 4000000000u, 4).empty());
    CHECK(partial_octets("0123456789", 2, 0).empty());
}
