// Lessons for POP3 and SMTP, and lessons that mix protocols: the loader
// checks every field against the protocol of the client it concerns, and
// says where a mistake is.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "lessons/lesson_loader.hpp"
#include "lessons/text_functions.hpp"
#include "tests/lessons/lesson_text.hpp"

using namespace mailscope::lessons;
using mailscope::lessons::testing::check_says;
using mailscope::sim::Protocol;

namespace {

// Seven lines: "steps:" is line 8, a step's narration line 9, its client line 10.
const std::string kHeader = std::string(testing::kLessonHead) +
                            "clients: [{name: M, protocol: smtp}, {name: P, protocol: pop3}, A]\n";

// A step of three lines: narration, client, then `field`, the line its errors
// point at.
std::string step(std::string_view client, std::string_view field) {
    return "  - narration: {ru: \"а\", en: \"a\"}\n    client: " + std::string(client) + "\n    " +
           std::string(field) + "\n";
}

LoadResult from_steps(const std::string& steps) {
    return load_lesson_text(kHeader + "steps:\n" + steps, "mixed.yaml", ".");
}

LoadError error_of(const std::string& steps) {
    auto result = from_steps(steps);
    REQUIRE_FALSE(result.lesson);
    REQUIRE(result.error);
    return *result.error;
}

}  // namespace

TEST_CASE("a lesson's protocol, and each client's") {
    auto result = from_steps(step("M", "connect: true"));
    REQUIRE(result.lesson);
    const auto& lesson = *result.lesson;
    CHECK(lesson.protocol == Protocol::Imap);
    REQUIRE(lesson.clients == std::vector<std::string>{"M", "P", "A"});
    CHECK(lesson.client_protocol(0) == Protocol::Smtp);
    CHECK(lesson.client_protocol(1) == Protocol::Pop3);
    CHECK(lesson.client_protocol(2) == Protocol::Imap);

    auto pop3 = load_lesson_text(R"(id: p
protocol: POP3
title: {ru: "Т", en: "T"}
summary: {ru: "Т", en: "T"}
store: {users: [{name: alice, password: wonderland}]}
clients: [A, {name: B}]
steps:
  - narration: {ru: "а", en: "a"}
)",
                                 "pop3.yaml", ".");
    REQUIRE(pop3.lesson);
    CHECK(pop3.lesson->protocol == Protocol::Pop3);
    CHECK(pop3.lesson->client_protocol(0) == Protocol::Pop3);
    CHECK(pop3.lesson->client_protocol(1) == Protocol::Pop3);
}

TEST_CASE("an unknown protocol is named where it is written") {
    auto lesson_level =
        load_lesson_text("id: t\nprotocol: nntp\ntitle: {ru: \"Т\", en: \"T\"}\n", "p.yaml", ".");
    REQUIRE(lesson_level.error);
    CHECK(to_string(*lesson_level.error).starts_with("p.yaml:2:11: \"nntp\" is not a protocol"));
    auto client_level = load_lesson_text(R"(id: t
title: {ru: "Т", en: "T"}
summary: {ru: "Т", en: "T"}
store: {users: [{name: alice, password: wonderland}]}
clients: [A, {name: B, protocol: uucp}]
steps:
  - narration: {ru: "а", en: "a"}
)",
                                         "c.yaml", ".");
    REQUIRE(client_level.error);
    CHECK(client_level.error->mark.line == 5);
    CHECK(client_level.error->mark.column == 34);
    check_says(*client_level.error, {"\"uucp\""});
}

TEST_CASE("state names are the client's protocol's, in any case") {
    auto result =
        from_steps(step("P", "expect: {state: transaction}") + step("M", "expect: {state: RCPT}") +
                   step("A", "expect: {state: not_authenticated}"));
    REQUIRE(result.lesson);
    CHECK(result.lesson->steps[0].expect.state == "TRANSACTION");
    CHECK(result.lesson->steps[1].expect.state == "Rcpt");
    CHECK(result.lesson->steps[2].expect.state == "Not Authenticated");

    const auto wrong = error_of(step("P", "expect: {state: Selected}"));
    CHECK(wrong.mark.line == 11);
    CHECK(wrong.mark.column == 21);
    check_says(wrong, {"\"Selected\" is not a POP3 state", "AUTHORIZATION, TRANSACTION, UPDATE"});
    check_says(error_of(step("M", "expect: {state: Transaction}")), {"is not an SMTP state"});
}

TEST_CASE("IMAP-only actions and expectations are refused for POP3 and SMTP clients") {
    const auto literal = error_of(step("P", "send_literal: {line: \"x {}\", literals: [a]}"));
    CHECK(literal.mark.line == 11);
    CHECK(literal.mark.column == 19);
    check_says(literal, {"\"send_literal\" is for imap clients", "client P speaks pop3"});

    check_says(error_of(step("M", "done: true")), {"\"done\" is for imap clients"});

    check_says(error_of(step("A", "data: \"Hi\"")), {"\"data\" is for smtp clients"});

    const auto tagged = error_of(step("P", "expect: {tagged: OK}"));
    CHECK(tagged.mark.line == 11);
    check_says(tagged, {"reply: \"+OK\""});
    check_says(error_of(step("M", "expect: {exists: 1}")), {"\"exists\" is for IMAP clients"});
    check_says(error_of(step("A", "expect: {reply: OK}")), {"write tagged"});
}

TEST_CASE("reply statuses: +OK and -ERR for POP3, codes with x or * for SMTP") {
    auto result =
        from_steps(step("P", "expect: {reply: -err}") + step("M", "expect: {reply: \"5*\"}") +
                   step("M", "expect: {reply: [250, 2xx, 354]}"));
    REQUIRE(result.lesson);
    const auto& steps = result.lesson->steps;
    CHECK(steps[0].expect.replies == std::vector<std::string>{"-ERR"});
    CHECK_FALSE(steps[0].expect.replies_in_order);
    CHECK(steps[1].expect.replies == std::vector<std::string>{"5xx"});
    CHECK(steps[2].expect.replies == std::vector<std::string>{"250", "2xx", "354"});
    CHECK(steps[2].expect.replies_in_order);

    check_says(error_of(step("P", "expect: {reply: 250}")), {"not a POP3 status"});
    const auto smtp = error_of(step("M", "expect: {reply: 650}"));
    CHECK(smtp.mark.column == 21);
    check_says(smtp, {"not an SMTP reply code"});
    check_says(error_of(step("M", "expect: {reply: 25}")), {"not an SMTP reply code"});
}

TEST_CASE("the data action and the server's POP3 and SMTP settings") {
    auto result = load_lesson_text(R"(id: s
protocol: smtp
title: {ru: "Т", en: "T"}
summary: {ru: "Т", en: "T"}
store: {users: [{name: alice, password: wonderland}]}
server:
  smtp: {max_recipients: 2, hostname: mx.example, timeout: 5m}
  pop3: {apop: false, greeting: "hello"}
steps:
  - narration: {ru: "а", en: "a"}
    data: |
      Subject: x

      .hidden
  - narration: {ru: "а", en: "a"}
    data: {text: "body", command: false}
)",
                                   "s.yaml", ".");
    if (result.error) FAIL(to_string(*result.error));
    const auto& lesson = *result.lesson;
    CHECK(lesson.server.smtp_max_recipients == 2u);
    CHECK(lesson.server.smtp_hostname == "mx.example");
    CHECK(lesson.server.smtp_timeout_micros == 300'000'000);
    CHECK_FALSE(lesson.server.pop3_apop);
    CHECK(lesson.server.pop3_greeting == "hello");
    const auto& first = std::get<DataAction>(*lesson.steps[0].action);
    CHECK(first.text == "Subject: x\n\n.hidden\n");
    CHECK(first.command);
    CHECK_FALSE(std::get<DataAction>(*lesson.steps[1].action).command);
}

TEST_CASE("$md5 and $repeat: APOP's digest as RFC 1939 7 computes it") {
    const Variables variables{{"stamp", "<1896.697170952@dbc.mtview.ca.us>"}};
    CHECK(expand("APOP mrose $md5($stamp, tanstaaf)", variables) ==
          "APOP mrose c4c9334bac560ecc979e58001b3e22fb");
    CHECK(expand("$md5(<1896.697170952@dbc.mtview.ca.us>tanstaaf)", {}) ==
          "c4c9334bac560ecc979e58001b3e22fb");
    CHECK(expand("RCPT TO:<$repeat(a, 5)@example.org> $Important", {}) ==
          "RCPT TO:<aaaaa@example.org> $Important");
    CHECK_FALSE(check_functions("APOP $md5($stamp, x) $repeat(ab,3)"));
    CHECK(sim::render(*check_functions("APOP $md5($stamp, x"), sim::Language::En)
              .find("no closing parenthesis") != std::string::npos);
    CHECK(
        sim::render(*check_functions("$repeat(x)"), sim::Language::En).find("a text and a count") !=
        std::string::npos);
    CHECK(
        sim::render(*check_functions("$repeat(x, many)"), sim::Language::En).find("not a count") !=
        std::string::npos);
    CHECK(check_functions("$repeat(x, 99999999)").has_value());

    const auto unclosed = error_of(step("P", "send: \"APOP alice $md5(x\""));
    CHECK(unclosed.mark.line == 11);
    CHECK(unclosed.mark.column == 11);
    check_says(unclosed, {"$md5( has no closing parenthesis"});
}
