// The runner: expectations pass and fail where they should, captures feed
// later steps, and stepping back lands exactly where stepping forward did.
#include <doctest/doctest.h>

#include <string>

#include "lessons/lesson_loader.hpp"
#include "lessons/lesson_runner.hpp"
#include "tests/lessons/lesson_text.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope::lessons;

using mailscope::test::kinds_and_raws;

namespace {

const std::string kLesson =
    "id: runner-test\n" +
    testing::titles_and_inbox(
        {R"({from: "bob@example.org", subject: "One", body: "1", flags: [\Seen]})",
         R"({from: "bob@example.org", subject: "Two", body: "2"})"},
        "  uidvalidity_seed: 42\n") +
    R"yaml(clients: [A, B]
steps:
  - narration: {ru: "Подключаемся.", en: "Connect."}
    connect: true
    expect: {responses: ["* OK *"], state: Not Authenticated}
  - narration: {ru: "Вход.", en: "Log in."}
    send: "a1 LOGIN alice wonderland"
    expect: {tagged: OK, state: Authenticated}
  - narration: {ru: "Выбор.", en: "Select."}
    send: "a2 SELECT INBOX"
    expect:
      responses: ["* 2 EXISTS", "re:\\* OK \\[UIDVALIDITY (\\d+)\\].*"]
      tagged: OK
      capture: {validity: "re:UIDVALIDITY (\\d+)",
                     next : "re:UIDNEXT (\\d+)"
}
  - narration: {ru: "Флаги.", en: "Flags."}
    send: "a3 FETCH 1:* (FLAGS)"
    expect:
      exists: 2
      flags: {1: [\Seen, \Recent], 2: [\Recent]}
  - narration: {ru: "Второй клиент.", en: "Client B."}
    client: B
    connect: true
  - narration: {ru: "Переменная.", en: "A variable."}
    client: B
    send: "b1 LOGIN alice wonderland"
  - narration: {ru: "Переменная.", en: "A variable."}
    client: B
    send: "b2 STATUS INBOX (UIDNEXT UIDVALIDITY)"
    expect:
      responses: ["* STATUS INBOX (UIDNEXT $next UIDVALIDITY $validity)"]
  - narration: {ru: "Ошибка.", en: "A failing check."}
    send: "a4 NOOP"
    expect: {tagged: NO, state: Logout}
)yaml";

Lesson load() {
    return mailscope::lessons::testing::lesson_from_text(kLesson, "runner.yaml");
}

}  // namespace

TEST_CASE("expectations hold, captures carry over, failures point at the file") {
    LessonRunner runner(load());
    const auto& results = runner.run_to_end();
    REQUIRE(results.size() == 8);
    for (std::size_t i = 0; i < 7; ++i) {
        INFO("step " << i + 1);
        for (const auto& f : results[i].failures)
            INFO(to_string(f.mark) << " " << sim::render(f.said, sim::Language::En));
        CHECK(results[i].passed);
    }
    CHECK(runner.variables().at("validity") == "42");
    // What the learner reads shows the value; "$$" stays one "$".
    CHECK(runner.shown("UIDVALIDITY $validity, keyword $$validity") ==
          "UIDVALIDITY 42, keyword $validity");
    CHECK_FALSE(results[7].passed);
    REQUIRE(results[7].failures.size() == 2);
    CHECK(results[7].failures[0].mark.file == "runner.yaml");
    CHECK(results[7].failures[0].mark.line == 48);
    CHECK(sim::render(results[7].failures[0].said, sim::Language::En).find("OK where NO") !=
          std::string::npos);
    CHECK(sim::render(results[7].failures[1].said, sim::Language::En)
              .find("Selected state, not Logout") != std::string::npos);
    CHECK_FALSE(runner.all_passed());
}

TEST_CASE("step back replays to the same traces") {
    LessonRunner forward(load());
    forward.jump_to(5);
    LessonRunner back(load());
    back.run_to_end();
    while (back.position() > 5)
        back.step_back();
    REQUIRE(back.position() == 5);
    for (std::size_t c = 0; c < 2; ++c) {
        CHECK(kinds_and_raws(back.client_trace(c)) == kinds_and_raws(forward.client_trace(c)));
        CHECK(kinds_and_raws(back.server_trace(c)) == kinds_and_raws(forward.server_trace(c)));
    }
    CHECK(back.current_narration(Language::Ru) == "Переменная.");
    CHECK(back.current_narration(Language::En) == "A variable.");
    back.jump_to(100);
    CHECK(back.finished());
    CHECK(back.current_narration(Language::En).empty());
}

TEST_CASE("in_order checks the order responses arrived in") {
    const auto lesson = testing::lesson_from_text(std::string(testing::kLessonHead) + R"yaml(server:
  faults: ["defer:NOOP@1"]
steps:
  - narration: {ru: "Вход.", en: "Log in."}
    connect: true
  - narration: {ru: "Вход.", en: "Log in."}
    send: "a1 LOGIN alice wonderland"
  - narration: {ru: "Конвейер.", en: "Pipelined."}
    send: ["n1 NOOP", "n2 NOOP"]
    expect: {responses: ["n2 OK *", "n1 OK *"], in_order: true, tagged: OK}
  - narration: {ru: "Конвейер.", en: "Pipelined."}
    send: ["n3 NOOP", "n4 NOOP"]
    expect: {responses: ["n4 OK *", "n3 OK *"], in_order: true}
)yaml",
                                                  "in_order.yaml");
    LessonRunner runner(lesson);
    const auto& results = runner.run_to_end();
    REQUIRE(results.size() == 4);
    // The client engine matches the completions by tag: no violation.
    CHECK(results[2].passed);
    CHECK_FALSE(results[3].passed);
    REQUIRE(results[3].failures.size() == 1);
    CHECK(sim::render(results[3].failures[0].said, sim::Language::En)
              .find("after the one the pattern before matched") != std::string::npos);
    CHECK(results[3].failures[0].mark.line == 19);
}
