#include <doctest/doctest.h>

#include "sim/mime/message.hpp"
#include "sim/mime/section.hpp"

using namespace mailscope::mime;

namespace {

std::size_t depth_of(const MimePart& part) {
    std::size_t depth = 0;
    const MimePart* current = &part;
    while (!current->children.empty()) {
        current = &current->children.front();
        ++depth;
    }
    return depth;
}

}  // namespace

TEST_CASE("mime hostile: a multipart without a boundary becomes text") {
    const std::string raw = "Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\nhi\r\n--x--\r\n";
    const ParsedMessage message = parse_message(raw);
    CHECK(message.root.is_text());
    CHECK(message.root.children.empty());
    REQUIRE(message.problems.size() == 1);
    CHECK(message.problems[0].find("no usable boundary") != std::string::npos);
}

TEST_CASE("mime hostile: a boundary that never appears becomes text") {
    const ParsedMessage message =
        parse_message("Content-Type: multipart/mixed; boundary=zz\r\n\r\nno parts here\r\n");
    CHECK(message.root.is_text());
    CHECK_FALSE(message.problems.empty());
}

TEST_CASE("mime hostile: a truncated multipart keeps what is there") {
    const std::string raw =
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nfirst\r\n--b\r\n"
        "Content-Type: text/plain\r\n\r\nsecond, cut off";
    const ParsedMessage message = parse_message(raw);
    REQUIRE(message.root.children.size() == 2);
    const MimePart& last = message.root.children[1];
    CHECK(raw.substr(last.body_begin, last.body_size()) == "second, cut off");
    CHECK(last.body_end == raw.size());
    CHECK(message.problems.size() == 1);
}

TEST_CASE("mime hostile: a message cut inside its header") {
    const std::string raw = "From: a@b.c\r\nSubject: trunc";
    const ParsedMessage message = parse_message(raw);
    CHECK_FALSE(message.root.has_blank_line);
    CHECK(message.root.header_end == raw.size());
    CHECK(message.root.body_size() == 0);
    CHECK(message.envelope.subject == std::string("trunc"));
    CHECK(section_octets(message, raw, {}, SectionText::Header) == raw);
    CHECK(section_octets(message, raw, {}, SectionText::Text) == std::string());
}

TEST_CASE("mime hostile: empty input and garbage lines") {
    const ParsedMessage empty = parse_message("");
    CHECK(empty.size == 0);
    CHECK(empty.root.is_text());
    const ParsedMessage garbage = parse_message("no colon here\r\n  \r\n:\r\nok: yes\r\n\r\nbody");
    REQUIRE(garbage.root.headers.size() == 1);
    CHECK(garbage.root.headers[0].name == "ok");
    CHECK_FALSE(garbage.problems.empty());
}

TEST_CASE("mime hostile: a huge header line is handled in one piece") {
    const std::string long_value(2'000'000, 'a');
    const std::string raw = "Subject: " + long_value + "\r\n\r\nbody";
    const ParsedMessage message = parse_message(raw);
    REQUIRE(message.envelope.subject);
    CHECK(message.envelope.subject->size() == long_value.size());
}

TEST_CASE("mime hostile: 1000 nested multiparts stop at the depth limit") {
    std::string raw;
    for (int level = 0; level < 1000; ++level) {
        raw += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(level) +
               "\"\r\n\r\n--b" + std::to_string(level) + "\r\n";
    }
    raw += "\r\ninnermost\r\n";
    for (int level = 999; level >= 0; --level)
        raw += "--b" + std::to_string(level) + "--\r\n";
    const ParsedMessage message = parse_message(raw);
    CHECK(depth_of(message.root) == max_nesting_depth);
    CHECK_FALSE(message.problems.empty());
}

TEST_CASE("mime hostile: 1000 nested message/rfc822 stop at the depth limit") {
    std::string raw;
    for (int level = 0; level < 1000; ++level)
        raw += "Content-Type: message/rfc822\r\n\r\n";
    raw += "Subject: deep\r\n\r\nbody\r\n";
    const ParsedMessage message = parse_message(raw);
    CHECK(depth_of(message.root) == max_nesting_depth);
}

TEST_CASE("mime hostile: very many parts are capped") {
    std::string raw = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
    for (std::size_t i = 0; i < max_parts + 500; ++i)
        raw += "--b\r\n\r\nx\r\n";
    raw += "--b--\r\n";
    const ParsedMessage message = parse_message(raw);
    CHECK(message.root.children.size() < max_parts);
    CHECK(message.root.children.size() > max_parts - 10);
    CHECK_FALSE(message.problems.empty());
}

TEST_CASE("mime hostile: very many header fields are capped") {
    std::string raw;
    for (std::size_t i = 0; i < max_header_fields + 100; ++i)
        raw += "X: y\r\n";
    raw += "\r\nbody";
    const ParsedMessage message = parse_message(raw);
    CHECK(message.root.headers.size() == max_header_fields);
    CHECK(raw.substr(message.root.body_begin) == "body");
}

TEST_CASE("mime hostile: sections of odd inputs never misbehave") {
    const std::string raw = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b--\r\n";
    const ParsedMessage message = parse_message(raw);
    CHECK(message.root.is_text());
    CHECK_FALSE(section_octets(message, raw, {0}, SectionText::None));
    CHECK_FALSE(section_octets(message, raw, {2}, SectionText::None));
    CHECK_FALSE(section_octets(message, raw, {1, 1}, SectionText::None));
    CHECK_FALSE(section_octets(message, "other", {}, SectionText::None));
}

TEST_CASE("mime hostile: header fields are capped over the whole message") {
    std::string raw = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
    std::string part_header;
    for (int i = 0; i < 2000; ++i)
        part_header += "X: y\r\n";
    for (int i = 0; i < 40; ++i)
        raw += "--b\r\n" + part_header + "\r\nbody\r\n";
    raw += "--b--\r\n";
    const ParsedMessage message = parse_message(raw);
    REQUIRE(message.root.children.size() == 40);
    std::size_t fields = message.root.headers.size();
    for (const MimePart& child : message.root.children) {
        fields += child.headers.size();
        CHECK(raw.substr(child.body_begin, child.body_size()) == "body");
    }
    CHECK(fields == max_total_header_fields);
}
