// The loader names the file, line and column of every mistake a teacher can
// make, in a sentence.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lessons/lesson_loader.hpp"
#include "tests/lessons/lesson_text.hpp"

using namespace mailscope::lessons;

namespace {

const std::filesystem::path kBroken = std::filesystem::path(MAILSCOPE_TEST_DATA) / "lessons/broken";

LoadError broken(const char* name) {
    const auto result = load_lesson_file(kBroken / name);
    REQUIRE_FALSE(result.lesson);
    REQUIRE(result.error);
    return *result.error;
}

LoadResult from_text(const std::string& body) {
    return load_lesson_text(std::string(testing::kLessonHead) + body, "inline.yaml", ".");
}

// The loader's sentence in English, or "" when the lesson loads.
std::string loader_sentence(const std::string& body) {
    const auto result = from_text(body);
    return result.error ? sentence(*result.error) : std::string();
}

}  // namespace

TEST_CASE("an unknown field is reported at its line and column") {
    const auto error = broken("unknown_field.yaml");
    CHECK(error.mark.line == 11);
    CHECK(error.mark.column == 5);
    CHECK(sentence(error).find("unknown field \"sned\"") != std::string::npos);
    CHECK(to_string(error).find("unknown_field.yaml:11:5: ") != std::string::npos);
}

TEST_CASE("bad YAML is reported with the parser's position") {
    const auto error = broken("bad_yaml.yaml");
    CHECK(error.mark.line >= 10);
    CHECK(error.mark.line <= 12);
    CHECK(sentence(error).starts_with("this is not valid YAML"));
}

TEST_CASE("a mistake in a lesson is reported at its line, in words that name it") {
    struct Mistake {
        const char* file;
        int line;
        std::vector<std::string_view> said;
    };
    const Mistake mistakes[] = {
        {"unknown_client.yaml", 12, {"unknown client \"C\"", "A, B"}},
        {"bad_regex.yaml", 13, {"regular expression"}},
        {"bad_state.yaml", 11, {"\"Connected\" is not an IMAP state"}},
        {"variable_too_early.yaml", 11, {"$uid", "step 3"}},
        // Narration shows captures, so a misspelt name there is caught too.
        {"variable_misspelt.yaml", 12, {"$greting is no variable", "$greeting", "$$greting"}},
        {"missing_english.yaml", 8, {"English"}},
    };
    for (const auto& mistake : mistakes) {
        CAPTURE(mistake.file);
        const auto error = broken(mistake.file);
        CHECK(error.mark.line == mistake.line);
        testing::check_says(error, mistake.said);
    }
}

TEST_CASE("a well-formed lesson keeps what it says") {
    const auto result = from_text(R"yaml(clients: [A, B]
steps:
  - narration: {ru: "Подключаемся.", en: "Connect."}
    client: B
    connect: true
    highlight: [state_diagram, exchanges]
    expect:
      responses: ["* OK *"]
      state: Not Authenticated
      capture: {greeting: "re:\\* OK (.*)"}
  - narration: {ru: "Вход.", en: "Log in."}
    client: B
    send: ["a1 LOGIN alice wonderland", "a2 NOOP $greeting"]
    quiz:
      question: {ru: "Что придёт?", en: "What comes back?"}
      choices: [{ru: "OK", en: "OK"}, {ru: "NO", en: "NO"}]
      answer: 0
      explanation: {ru: "Пароль верный.", en: "The password is right."}
  - narration: {ru: "Ждём.", en: "Wait."}
    wait: 1500ms
)yaml");
    REQUIRE(result.lesson);
    const auto& lesson = *result.lesson;
    CHECK(lesson.clients.size() == 2);
    REQUIRE(lesson.steps.size() == 3);
    CHECK(lesson.steps[0].client == 1);
    CHECK(lesson.steps[0].expect.state == "Not Authenticated");
    CHECK(lesson.steps[0].highlight.size() == 2);
    CHECK(std::get<SendAction>(*lesson.steps[1].action).lines.size() == 2);
    REQUIRE(lesson.steps[1].quiz);
    CHECK(quiz_accepts(*lesson.steps[1].quiz, "1"));
    CHECK(quiz_accepts(*lesson.steps[1].quiz, " ok "));
    CHECK_FALSE(quiz_accepts(*lesson.steps[1].quiz, "2"));
    CHECK(std::get<WaitAction>(*lesson.steps[2].action).micros == 1'500'000);
}

TEST_CASE("smaller mistakes are caught too") {
    CHECK(from_text("steps: []\n").error);
    CHECK(loader_sentence("steps:\n  - narration: {ru: \"а\", en: \"a\"}\n    connect: true\n    "
                          "wait: 2s\n")
              .find("one action") != std::string::npos);
    CHECK(loader_sentence("steps:\n  - narration: {ru: \"а\", en: \"a\"}\n    wait: soon\n")
              .find("duration") != std::string::npos);
    // The same wording as a mail store fixture's (server_mock/yaml_fields.hpp).
    const auto many = from_text(
        "steps:\n  - narration: {ru: \"а\", en: \"a\"}\n    expect: "
        "{exists: many}\n");
    REQUIRE(many.error);
    CHECK(sentence(*many.error) == "\"many\" is not a whole number.");
    CHECK(many.error->mark.line == 9);
    CHECK(
        loader_sentence("server: {faults: [\"explode:FETCH\"]}\nsteps:\n  - narration: {ru: \"а\", "
                        "en: \"a\"}\n")
            .find("fault rule") != std::string::npos);
    CHECK(loader_sentence("steps:\n  - narration: {ru: \"а\", en: \"a\"}\n    send_literal: {line: "
                          "\"a1 LOGIN {} {}\", literals: [alice]}\n")
              .find("literal places") != std::string::npos);
    CHECK(from_text("steps:\n  - narration: {ru: \"а\", en: \"a\"}\n    expect: {tagged: MAYBE}\n")
              .error.has_value());
    const auto one_in_order = from_text(
        "steps:\n  - narration: {ru: \"а\", en: \"a\"}\n    expect: {responses: [\"a OK *\"], "
        "in_order: true}\n");
    REQUIRE(one_in_order.error);
    CHECK(sentence(*one_in_order.error).find("in_order needs at least two") != std::string::npos);
}

TEST_CASE("durations") {
    CHECK(parse_duration_micros("2s") == 2'000'000);
    CHECK(parse_duration_micros("150ms") == 150'000);
    CHECK(parse_duration_micros("31m") == 31ll * 60'000'000);
    CHECK(parse_duration_micros("1h") == 3'600'000'000ll);
    CHECK(parse_duration_micros("7") == 7'000'000);
    CHECK_FALSE(parse_duration_micros("s"));
    CHECK_FALSE(parse_duration_micros("2 weeks"));
}

TEST_CASE("a $word is a captured variable, a registered keyword, or written $$") {
    const auto fine = from_text(R"yaml(clients: [A]
steps:
  - narration: {ru: "Флаг $Important и $$Homework; $md5(x) считает.", en: "The keyword $junk, $$Homework and $repeat(x, 2)."}
    connect: true
    expect:
      capture: {stamp: "re:<[^>]+>"}
  - narration: {ru: "Отметка $stamp.", en: "The timestamp $stamp."}
    send: "a1 STORE 1 +FLAGS ($$Homework $Junk)"
    quiz:
      question: {ru: "Что было в $stamp?", en: "What was in $stamp?"}
      accept: ["x"]
      explanation: {ru: "$stamp", en: "$stamp"}
)yaml");
    CHECK_FALSE(fine.error);
    const auto misspelt_quiz = from_text(R"yaml(clients: [A]
steps:
  - narration: {ru: "Подключаемся.", en: "We connect."}
    connect: true
    quiz:
      question: {ru: "Что в $stmp?", en: "What is in $stmp?"}
      accept: ["x"]
      explanation: {ru: "Ничего.", en: "Nothing."}
)yaml");
    REQUIRE(misspelt_quiz.error);
    CHECK(misspelt_quiz.error->mark.line == 12);
    testing::check_says(*misspelt_quiz.error, {"$stmp is no variable", "captures none"});
}

TEST_CASE("the default language is the locale's: LC_ALL, else LC_MESSAGES, else LANG") {
    struct Locale {
        const char* all;
        const char* messages;
        const char* lang;
        Language expected;
    };
    const Locale cases[] = {
        {nullptr, nullptr, "ru_RU.UTF-8", Language::Ru},
        {nullptr, nullptr, "ru", Language::Ru},
        {nullptr, nullptr, "en_GB.UTF-8", Language::En},
        {nullptr, nullptr, "run_XX", Language::En},
        {nullptr, nullptr, nullptr, Language::En},
        {"C.UTF-8", nullptr, "ru_RU.UTF-8", Language::En},
        {"", "ru_UA.UTF-8", "en_US.UTF-8", Language::Ru},
        {"ru_RU.UTF-8", "en_US.UTF-8", nullptr, Language::Ru},
    };
    const auto set = [](const char* name, const char* value) {
        if (value) {
            setenv(name, value, 1);
        } else {
            unsetenv(name);
        }
    };
    std::vector<std::pair<const char*, std::optional<std::string>>> saved;
    for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* value = std::getenv(name);
        saved.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
    }
    for (const auto& locale : cases) {
        CAPTURE(locale.lang);
        set("LC_ALL", locale.all);
        set("LC_MESSAGES", locale.messages);
        set("LANG", locale.lang);
        CHECK(language_from_locale() == locale.expected);
    }
    for (const auto& [name, value] : saved)
        set(name, value ? value->c_str() : nullptr);
}
