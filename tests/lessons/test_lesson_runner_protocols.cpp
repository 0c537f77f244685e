// The runner with POP3 and SMTP clients, alone and beside IMAP clients on
// one store: replies, states, captures and failures as for IMAP, an SMTP
// delivery seen by IMAP, a POP3 deletion seen as EXPUNGE, and stepping back
// landing exactly where stepping forward did.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "lessons/lesson_loader.hpp"
#include "lessons/lesson_runner.hpp"
#include "tests/lessons/lesson_text.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope::lessons;
using mailscope::sim::Protocol;

using mailscope::test::kinds_and_raws;

namespace {

const std::string kPop3Lesson =
    "id: pop3-runner\nprotocol: pop3\n" +
    testing::titles_and_inbox(
        {R"({from: "bob@example.org", subject: "One", body: "first\n.dot line\n"})",
         R"({from: "bob@example.org", subject: "Two", body: "second\n"})"}) +
    R"yaml(steps:
  - narration: {ru: "Подключение.", en: "Connect."}
    connect: true
    expect:
      reply: "+OK"
      state: authorization
      capture: {stamp: 're:<[^>]+>'}
  - narration: {ru: "APOP.", en: "APOP."}
    send: "APOP alice $md5($stamp, wonderland)"
    expect: {reply: "+OK", state: TRANSACTION}
  - narration: {ru: "RETR.", en: "RETR."}
    send: "RETR 1"
    expect:
      responses: ['+OK*', 'Subject: One', '..dot line', '.']
      reply: "+OK"
  - narration: {ru: "DELE и ошибка.", en: "DELE and a mistake."}
    send: ["DELE 1", "RETR 1"]
    expect: {reply: ["+OK", "+OK"]}
  - narration: {ru: "QUIT.", en: "QUIT."}
    send: "QUIT"
    expect: {reply: "+OK", closed: true, state: Closed}
)yaml";

const std::string kMixedLesson =
    "id: mixed-runner\n" +
    testing::titles_and_inbox({R"({from: "bob@example.org", subject: "Old", body: "old\n"})"}) +
    R"yaml(clients: [A, {name: M, protocol: smtp}, {name: P, protocol: pop3}]
steps:
  - narration: {ru: "A.", en: "A."}
    connect: true
  - narration: {ru: "A выбирает.", en: "A selects."}
    send: ["a1 LOGIN alice wonderland", "a2 SELECT INBOX"]
    expect: {responses: ['* 1 EXISTS'], tagged: OK}
  - narration: {ru: "M.", en: "M."}
    client: M
    connect: true
    expect: {reply: "2*", state: ready}
  - narration: {ru: "Конверт.", en: "Envelope."}
    client: M
    send: "EHLO test.example"
    expect: {responses: ['250-PIPELINING'], reply: 250}
  - narration: {ru: "Конверт.", en: "Envelope."}
    client: M
    send: ["MAIL FROM:<bob@example.org>", "RCPT TO:<alice@mailscope.test>"]
    expect: {reply: [250, 25x], state: RCPT}
  - narration: {ru: "Письмо.", en: "The message."}
    client: M
    data: |
      Subject: Via SMTP

      .starts with a dot
    expect: {reply: "250", state: Greeted}
  - narration: {ru: "A видит.", en: "A sees it."}
    send: "a3 NOOP"
    expect: {responses: ['* 2 EXISTS', '* 2 RECENT'], tagged: OK, exists: 2}
  - narration: {ru: "P удаляет.", en: "P deletes."}
    client: P
    connect: true
  - narration: {ru: "P удаляет.", en: "P deletes."}
    client: P
    send: ["USER alice", "PASS wonderland", "DELE 1", "QUIT"]
    expect: {reply: ["+OK", "+OK", "+OK", "+OK"], closed: true}
  - narration: {ru: "A видит удаление.", en: "A sees the removal."}
    send: "a4 NOOP"
    expect: {responses: ['* 1 EXPUNGE'], tagged: OK, exists: 1}
)yaml";

Lesson load(std::string_view text) {
    return mailscope::lessons::testing::lesson_from_text(text, "protocols.yaml");
}

void require_passed(const StepResult& result) {
    std::string failures;
    for (const auto& failure : result.failures)
        failures += "\n" + to_string(failure.mark) + " " +
                    mailscope::sim::render(failure.said, mailscope::sim::Language::En);
    INFO("step " << result.index + 1 << failures);
    CHECK(result.passed);
}

bool sent_on_wire(const mailscope::sim::SessionTrace& trace, std::string_view text) {
    for (const auto& event : trace.events()) {
        if (event.dir == mailscope::sim::Direction::ClientToServer &&
            event.raw.find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace

TEST_CASE("a POP3 lesson: APOP from a captured timestamp, replies, states, a failure") {
    LessonRunner runner(load(kPop3Lesson));
    REQUIRE(runner.client_protocol(0) == Protocol::Pop3);
    CHECK(runner.client_state_name(0) == "Connection Established");
    const auto& results = runner.run_to_end();
    REQUIRE(results.size() == 5);
    for (std::size_t i : {0u, 1u, 2u, 4u})
        require_passed(results[i]);
    CHECK(runner.variables().at("stamp").starts_with("<"));
    CHECK(runner.client_state_name(0) == "Closed");
    CHECK(runner.pop3_session(0).closed());
    CHECK_THROWS_AS(runner.client_session(0), std::invalid_argument);

    // The second RETR of a deleted message is -ERR: the list of statuses fails.
    CHECK_FALSE(results[3].passed);
    REQUIRE(results[3].failures.size() == 1);
    CHECK(results[3].failures[0].mark.line == 31);
    CHECK(mailscope::sim::render(results[3].failures[0].said, mailscope::sim::Language::En)
              .find("were not +OK, +OK") != std::string::npos);
    CHECK(mailscope::sim::render(results[3].failures[0].said, mailscope::sim::Language::En)
              .find("-ERR") != std::string::npos);

    // DELE took effect at QUIT: one message is left.
    const auto* inbox = runner.store().find("alice", "INBOX");
    REQUIRE(inbox);
    CHECK(inbox->messages.size() == 1);
}

TEST_CASE("SMTP delivers into the INBOX an IMAP client watches; POP3 deletes what it sees") {
    LessonRunner runner(load(kMixedLesson));
    CHECK(runner.client_protocol(0) == Protocol::Imap);
    CHECK(runner.client_protocol(1) == Protocol::Smtp);
    CHECK(runner.client_protocol(2) == Protocol::Pop3);
    const auto& results = runner.run_to_end();
    REQUIRE(results.size() == 10);
    for (const auto& result : results)
        require_passed(result);
    CHECK(runner.all_passed());
    // The data action doubled the leading dot on the wire; the store has it once.
    CHECK(sent_on_wire(runner.client_trace(1), "\r\n..starts with a dot\r\n.\r\n"));
    const auto* inbox = runner.store().find("alice", "INBOX");
    REQUIRE(inbox);
    REQUIRE(inbox->messages.size() == 1);
    const auto& octets = *inbox->messages.front().octets;
    CHECK(octets.find("Subject: Via SMTP") != std::string::npos);
    CHECK(octets.find("\r\n.starts with a dot\r\n") != std::string::npos);
    CHECK(runner.client_state_name(0) == "Selected");
    CHECK(runner.client_state_name(1) == "Greeted");
    CHECK(runner.client_state_name(2) == "Closed");
    CHECK(runner.smtp_session(1).state() == mailscope::smtp::State::Greeted);
    // Every client is driven as a client, whatever its protocol.
    CHECK(runner.client_session(0).role() == mailscope::sim::Role::Client);
    CHECK(runner.smtp_session(1).role() == mailscope::sim::Role::Client);
    CHECK(runner.pop3_session(2).role() == mailscope::sim::Role::Client);
}

TEST_CASE("a failed reply check names the reply that came") {
    auto lesson = load(kMixedLesson);
    lesson.steps[4].expect.replies = {"250", "550"};
    LessonRunner runner(std::move(lesson));
    const auto& results = runner.run_to_end();
    CHECK_FALSE(results[4].passed);
    REQUIRE(results[4].failures.size() == 1);
    CHECK(mailscope::sim::render(results[4].failures[0].said, mailscope::sim::Language::En)
              .find("were not 250, 550") != std::string::npos);
    CHECK(mailscope::sim::render(results[4].failures[0].said, mailscope::sim::Language::En)
              .find("\n    250 ") != std::string::npos);
}

TEST_CASE("step back replays POP3, SMTP and mixed lessons to the same traces and states") {
    for (const std::string& text : {kPop3Lesson, kMixedLesson}) {
        const auto steps = load(text).steps.size();
        for (std::size_t stop = 1; stop < steps; ++stop) {
            INFO("lesson " << load(text).id << ", after step " << stop);
            LessonRunner forward(load(text));
            forward.jump_to(stop);
            LessonRunner back(load(text));
            back.run_to_end();
            while (back.position() > stop)
                back.step_back();
            REQUIRE(back.position() == stop);
            for (std::size_t c = 0; c < forward.client_count(); ++c) {
                CHECK(kinds_and_raws(back.client_trace(c)) ==
                      kinds_and_raws(forward.client_trace(c)));
                CHECK(kinds_and_raws(back.server_trace(c)) ==
                      kinds_and_raws(forward.server_trace(c)));
                CHECK(back.client_state_name(c) == forward.client_state_name(c));
            }
            CHECK(back.variables() == forward.variables());
        }
    }
}
