// A teacher who reads mailscope in Russian reads the loader's and the
// checker's sentences in Russian: every broken lesson below fails with the
// same place (file:line:column) in both languages, the English sentence as
// it always was, and a Russian one whose own words are Russian. What a
// sentence quotes (names, wire text, the teacher's own values) stays as
// written.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "lessons/lesson_catalog.hpp"
#include "lessons/lesson_loader.hpp"
#include "lessons/lesson_runner.hpp"
#include "sim/core/catalogue.hpp"
#include "tests/lessons/lesson_text.hpp"
#include "tests/support/russian_text.hpp"

using namespace mailscope;
using namespace mailscope::lessons;

namespace {

// The Russian sentence without what it quotes: verbatim arguments, RFC terms
// and field names in parentheses, and values in «».
std::string ru_own_words(const sim::Said& said) {
    if (said.phrase == sim::Phrase::Verbatim) return " ";
    sim::Said masked{said.phrase, {}, {}};
    for (const auto& arg : said.args)
        masked.args.push_back(sim::verbatim(ru_own_words(arg)));
    const std::string text = sim::render(masked, sim::Language::Ru);
    std::string out;
    int parentheses = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const std::string_view rest(text.data() + i, text.size() - i);
        if (rest.starts_with("«")) quoted = true;
        if (text[i] == '(') ++parentheses;
        if (parentheses == 0 && !quoted) out += text[i];
        if (text[i] == ')' && parentheses > 0) --parentheses;
        if (rest.starts_with("»")) {
            quoted = false;
            ++i;
        }
    }
    return out;
}

// Verbatim arguments that read as an English sentence: what other parts of
// mailscope (yaml-cpp, <regex>, the fault rules) still say only in English.
bool ru_quotes_english_prose(const sim::Said& said) {
    if (said.phrase != sim::Phrase::Verbatim) {
        for (const auto& arg : said.args)
            if (ru_quotes_english_prose(arg)) return true;
        return false;
    }
    return !test::english_sentence_word(said.text).empty();
}

enum class RuQuotes { OnlyNames, EnglishFromElsewhere };

void ru_check_both_languages(const LoadError& error, RuQuotes quotes = RuQuotes::OnlyNames) {
    const std::string en = to_string(error, sim::Language::En);
    const std::string ru = to_string(error, sim::Language::Ru);
    CAPTURE(en);
    CAPTURE(ru);
    const std::string place = to_string(error.mark) + ": ";
    CHECK(en.starts_with(place));
    CHECK(ru.starts_with(place));
    CHECK(ru.ends_with("."));
    const std::string russian = sentence(error, sim::Language::Ru);
    CHECK(test::has_cyrillic(russian));
    CHECK(russian != sentence(error, sim::Language::En));
    const std::string words = ru_own_words(error.said);
    CAPTURE(words);
    CHECK_FALSE(test::has_english_word(words));
    CHECK(test::english_sentence_word(words).empty());
    if (quotes == RuQuotes::OnlyNames) CHECK_FALSE(ru_quotes_english_prose(error.said));
}

LoadError ru_error_of(std::string_view yaml) {
    auto result = load_lesson_text(yaml, "broken.yaml", ".");
    REQUIRE(result.error);
    return *result.error;
}

// A lesson with the head of lesson_text.hpp, `extra` top-level lines and
// `steps` (each an entry of "steps:", two-space indented below "- ").
std::string ru_lesson(std::string_view extra, std::string_view steps) {
    std::string text(testing::kLessonHead);
    text += extra;
    text += "steps:\n";
    text += steps;
    return text;
}

constexpr std::string_view kRuNarration = "  - narration: {ru: \"Т\", en: \"T\"}\n";

std::string ru_step(std::string_view lines) {
    return std::string(kRuNarration) + std::string(lines);
}

struct RuBroken {
    std::string_view name;
    std::string yaml;
    RuQuotes quotes = RuQuotes::OnlyNames;
};

std::vector<RuBroken> ru_broken_lessons() {
    const std::string connect = ru_step("    connect: true\n");
    return {
        {"not a mapping", "- a\n- b\n"},
        {"unknown field", ru_lesson("colour: red\n", connect)},
        {"no id", "title: {ru: \"Т\", en: \"T\"}\n"},
        {"empty id", "id: \"\"\n"},
        {"no title", "id: t\nsummary: {ru: \"Т\", en: \"T\"}\n"},
        {"title without Russian", "id: t\ntitle: {en: \"T\"}\n"},
        {"summary without English", "id: t\ntitle: {ru: \"Т\", en: \"T\"}\nsummary: {ru: \"Т\"}\n"},
        {"title not a mapping", "id: t\ntitle: \"T\"\n"},
        {"unknown field in the title", "id: t\ntitle: {ru: \"Т\", en: \"T\", de: \"T\"}\n"},
        {"bad protocol", ru_lesson("protocol: imap4\n", connect)},
        {"no steps", ru_lesson("", "")},
        {"neither fixture nor store",
         "id: t\ntitle: {ru: \"Т\", en: \"T\"}\n"
         "summary: {ru: \"Т\", en: \"T\"}\nsteps: []\n"},
        {"fixture file missing",
         "id: t\ntitle: {ru: \"Т\", en: \"T\"}\n"
         "summary: {ru: \"Т\", en: \"T\"}\nfixture: no-such-fixture.yaml\n"},
        {"fixture that does not load",
         "id: t\ntitle: {ru: \"Т\", en: \"T\"}\nsummary: {ru: \"Т\", en: \"T\"}\n"
         "store:\n  users:\n    - {name: alice, colour: red}\n",
         RuQuotes::EnglishFromElsewhere},
        {"bad duration", ru_lesson("", ru_step("    wait: soon\n"))},
        {"bad autologout", ru_lesson("server: {autologout: forever}\n", connect)},
        {"bad greeting kind", ru_lesson("server: {greeting_kind: hello}\n", connect)},
        {"preauth without user", ru_lesson("server: {greeting_kind: preauth}\n", connect)},
        {"login disabled without STARTTLS",
         ru_lesson("server: {login_disabled: true, starttls: false}\n", connect)},
        {"bad fault rule", ru_lesson("server: {faults: [\"nonsense\"]}\n", connect),
         RuQuotes::EnglishFromElsewhere},
        {"clients not a list", ru_lesson("clients: A\n", connect)},
        {"client listed twice", ru_lesson("clients: [A, A]\n", connect)},
        {"unknown client", ru_lesson("", ru_step("    client: Z\n    connect: true\n"))},
        {"step not a mapping", ru_lesson("", "  - connect\n")},
        {"step without narration", ru_lesson("", "  - connect: true\n")},
        {"two actions", ru_lesson("", ru_step("    connect: true\n    close: true\n"))},
        {"connect not true", ru_lesson("", ru_step("    connect: false\n"))},
        {"send with a line end", ru_lesson("", ru_step("    send: \"a1 NOOP\\r\\n\"\n"))},
        {"literal places", ru_lesson("", ru_step("    send_literal: {line: \"a1 APPEND INBOX {}\", "
                                                 "literals: [one, two]}\n"))},
        {"unknown charset",
         ru_lesson("", ru_step("    send_literal: {line: \"a1 APPEND INBOX {}\", "
                               "literals: [one], charset: klingon}\n"))},
        {"literal for SMTP",
         ru_lesson("clients: [{name: M, protocol: smtp}]\n",
                   ru_step("    send_literal: {line: \"X {}\", literals: [a]}\n"))},
        {"bad highlight",
         ru_lesson("", ru_step("    connect: true\n    highlight: [everything]\n"))},
        {"unknown state",
         ru_lesson("", ru_step("    connect: true\n    expect: {state: Nowhere}\n"))},
        {"bad regex",
         ru_lesson("", ru_step("    connect: true\n    expect: {responses: \"re:(a\"}\n")),
         RuQuotes::EnglishFromElsewhere},
        {"tagged for POP3", ru_lesson("clients: [{name: P, protocol: pop3}]\n",
                                      ru_step("    connect: true\n    expect: {tagged: OK}\n"))},
        {"reply for IMAP",
         ru_lesson("", ru_step("    connect: true\n    expect: {reply: \"+OK\"}\n"))},
        {"bad POP3 status",
         ru_lesson("clients: [{name: P, protocol: pop3}]\n",
                   ru_step("    connect: true\n    expect: {reply: \"+YES\"}\n"))},
        {"bad SMTP code", ru_lesson("clients: [{name: M, protocol: smtp}]\n",
                                    ru_step("    connect: true\n    expect: {reply: \"25\"}\n"))},
        {"bad tagged status",
         ru_lesson("", ru_step("    connect: true\n    expect: {tagged: MAYBE}\n"))},
        {"in order with one response",
         ru_lesson("", ru_step("    connect: true\n    expect: {responses: [\"* OK*\"], in_order: "
                               "true}\n"))},
        {"bad flags key",
         ru_lesson("", ru_step("    connect: true\n    expect: {flags: {first: []}}\n"))},
        {"message zero",
         ru_lesson("", ru_step("    connect: true\n    expect: {flags: {0: []}}\n"))},
        {"bad capture name",
         ru_lesson("",
                   ru_step("    connect: true\n    expect: {capture: {\"9x\": \"re:(.*)\"}}\n"))},
        {"unknown variable", ru_lesson("", ru_step("    connect: true\n") +
                                               ru_step("    send: \"a1 LOGIN $user secret\"\n"))},
        {"variable captured too late",
         ru_lesson(
             "",
             ru_step("    connect: true\n") + ru_step("    send: \"a1 LOGIN $user secret\"\n") +
                 ru_step("    send: \"a2 NOOP\"\n    expect: {capture: {user: \"re:(.*)\"}}\n"))},
        {"bad repeat", ru_lesson("", ru_step("    connect: true\n") +
                                         ru_step("    send: \"a1 NOOP $repeat(x, many)\"\n"))},
        {"unclosed md5",
         ru_lesson("", ru_step("    connect: true\n") + ru_step("    send: \"a1 NOOP $md5(x\"\n"))},
        {"quiz without explanation",
         ru_lesson("", ru_step("    connect: true\n    quiz: {question: {ru: \"В?\", en: \"Q?\"}, "
                               "accept: [x]}\n"))},
        {"quiz answer out of range",
         ru_lesson(
             "", ru_step("    connect: true\n    quiz:\n      question: {ru: \"В?\", en: \"Q?\"}\n"
                         "      explanation: {ru: \"О\", en: \"E\"}\n"
                         "      choices: [{ru: \"а\", en: \"a\"}, {ru: \"б\", en: \"b\"}]\n"
                         "      answer: 2\n"))},
        {"deliver without recipient",
         ru_lesson("", ru_step("    server_event: {deliver: {subject: Hi}}\n"))},
        {"invalid YAML", "id: [unclosed\n", RuQuotes::EnglishFromElsewhere},
    };
}

}  // namespace

TEST_CASE("every broken lesson is explained in Russian as well as in English") {
    const auto lessons = ru_broken_lessons();
    REQUIRE(lessons.size() >= 25);
    for (const auto& broken : lessons) {
        CAPTURE(broken.name);
        CAPTURE(broken.yaml);
        ru_check_both_languages(ru_error_of(broken.yaml), broken.quotes);
    }
}

TEST_CASE("the English sentences of broken lessons are the ones they always were") {
    CHECK(to_string(ru_error_of(ru_lesson("colour: red\n", ru_step("    connect: true\n")))) ==
          "broken.yaml:7:1: unknown field \"colour\" in a lesson; the fields allowed there are "
          "id, protocol, title, summary, fixture, store, server, clients, steps.");
    CHECK(sentence(ru_error_of(ru_lesson("protocol: imap4\n", ru_step("    connect: true\n")))) ==
          "\"imap4\" is not a protocol of mailscope; write imap, pop3 or smtp.");
    CHECK(sentence(ru_error_of("id: t\ntitle: {en: \"T\"}\n")) ==
          "the title has no Russian text (ru).");
    CHECK(sentence(ru_error_of(ru_lesson("", ru_step("    wait: soon\n")))) ==
          "\"soon\" is not a duration; write it as 2s, 500ms, 31m or 1h.");
    CHECK(sentence(ru_error_of(ru_lesson("", ru_step("    client: Z\n    connect: true\n")))) ==
          "unknown client \"Z\"; this lesson's clients are A.");
    CHECK(sentence(
              ru_error_of(ru_lesson("", ru_step("    connect: true\n") +
                                            ru_step("    send: \"a1 LOGIN $user secret\"\n")))) ==
          "$user is no variable: no step captures it (this lesson captures none); write $$user "
          "for a \"$\" of its own.");
    CHECK(sentence(ru_error_of(ru_lesson("", "  - connect\n"))) ==
          "step 1 must be a mapping of field: value.");
    CHECK(sentence(
              ru_error_of(ru_lesson("", ru_step("    send_literal: {line: \"a1 APPEND INBOX {}\", "
                                                "literals: [one, two]}\n")))) ==
          "the line has 1 literal places ({} or {+}) but 2 literals are given.");
    // The fixture's own sentence, with its place, inside the lesson's.
    const std::string fixture = sentence(
        ru_error_of("id: t\ntitle: {ru: \"Т\", en: \"T\"}\nsummary: {ru: \"Т\", en: \"T\"}\n"
                    "store:\n  users:\n    - {name: alice, colour: red}\n"));
    CAPTURE(fixture);
    CHECK(fixture.starts_with("the fixture cannot be loaded: broken.yaml:"));
    CHECK(fixture.find(" (store) line ") != std::string::npos);
    CHECK(fixture.find("unknown field \"colour\"") != std::string::npos);
    CHECK_FALSE(fixture.ends_with(".."));
}

TEST_CASE("a broken lesson reads in Russian: a few sentences word for word") {
    CHECK(sentence(ru_error_of(ru_lesson("protocol: imap4\n", ru_step("    connect: true\n"))),
                   sim::Language::Ru) ==
          "«imap4» — не протокол; напишите «imap», «pop3» или «smtp».");
    CHECK(sentence(ru_error_of(ru_lesson("", ru_step("    client: Z\n    connect: true\n"))),
                   sim::Language::Ru) == "неизвестный клиент «Z»; клиенты этого урока: A.");
    CHECK(sentence(ru_error_of("id: t\ntitle: {en: \"T\"}\n"), sim::Language::Ru) ==
          "в заголовке (title) нет русского текста (ru).");
    // yaml-cpp's reason is worded by the catalogue too.
    const auto yaml = ru_error_of("id: [unclosed\n");
    CHECK(sentence(yaml, sim::Language::Ru).starts_with("это некорректный YAML: "));
    CHECK(test::english_sentence_word(sentence(yaml, sim::Language::Ru)).empty());
}

TEST_CASE("an unreadable lesson file is explained in Russian") {
    const auto missing = load_lesson_file("/nonexistent/mailscope/lesson.yaml");
    REQUIRE(missing.error);
    CHECK(sentence(*missing.error).starts_with("the lesson file cannot be read (missing"));
    ru_check_both_languages(*missing.error);
    CHECK(to_string(*missing.error, sim::Language::Ru)
              .starts_with("/nonexistent/mailscope/lesson.yaml:0:0: "));
}

TEST_CASE("two lessons with one id are explained in Russian") {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("mailscope-russian-ids-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string text = ru_lesson("", ru_step("    connect: true\n"))
                                 .replace(0, 6, "id: mailscope-test-duplicate\n");
    for (const char* name : {"a.yaml", "b.yaml"}) {
        std::ofstream(dir / name) << text;
    }
    const char* before = std::getenv("MAILSCOPE_LESSONS");
    const std::optional<std::string> saved =
        before ? std::optional<std::string>(before) : std::nullopt;
    setenv("MAILSCOPE_LESSONS", dir.c_str(), 1);
    const auto catalog = load_catalog();
    if (saved)
        setenv("MAILSCOPE_LESSONS", saved->c_str(), 1);
    else
        unsetenv("MAILSCOPE_LESSONS");
    std::filesystem::remove_all(dir);

    const LoadError* duplicate = nullptr;
    for (const auto& entry : catalog) {
        if (entry.loaded.error && entry.loaded.error->said.phrase == sim::Phrase::LessonDuplicateId)
            duplicate = &*entry.loaded.error;
    }
    REQUIRE(duplicate);
    CHECK(sentence(*duplicate)
              .starts_with("the id \"mailscope-test-duplicate\" is already the id of "));
    ru_check_both_languages(*duplicate);
}

TEST_CASE("a lesson the catalogue does not know is explained in Russian") {
    sim::Said error;
    CHECK_FALSE(find_lesson("no-such-lesson-anywhere", error));
    const std::string ru = sim::render(error, sim::Language::Ru);
    CHECK(test::has_cyrillic(ru));
    CHECK(ru.find("«no-such-lesson-anywhere»") != std::string::npos);
    CHECK(
        sim::render(error, sim::Language::En).starts_with("no lesson \"no-such-lesson-anywhere\""));
}

TEST_CASE("a check that does not hold is explained in Russian") {
    const std::string text =
        "id: failing\n" +
        testing::titles_and_inbox({R"({from: "bob@example.org", subject: "One", body: "1"})"}) +
        R"yaml(clients: [A, B]
steps:
  - narration: {ru: "Т", en: "T"}
    client: B
    send: "b1 NOOP"
  - narration: {ru: "Т", en: "T"}
    connect: true
    expect: {responses: ["* BYE*"], state: Authenticated, closed: true}
  - narration: {ru: "Т", en: "T"}
    send: "a1 LOGIN alice wrong"
    expect: {tagged: OK, exists: 3, violation: "nothing like this"}
  - narration: {ru: "Т", en: "T"}
    connect: true
  - narration: {ru: "Т", en: "T"}
    send: "a2 NOOP"
    expect: {flags: {uid 7: [\Seen]}}
  - narration: {ru: "Т", en: "T"}
    server_event: {deliver: {to: alice, mailbox: Nowhere}}
)yaml";
    LessonRunner runner(testing::lesson_from_text(text, "failing.yaml"));
    const auto& results = runner.run_to_end();
    std::vector<StepFailure> failures;
    for (const auto& result : results)
        failures.insert(failures.end(), result.failures.begin(), result.failures.end());
    REQUIRE(failures.size() >= 8);
    for (const auto& failure : failures) {
        const std::string en = sim::render(failure.said, sim::Language::En);
        const std::string ru = sim::render(failure.said, sim::Language::Ru);
        CAPTURE(en);
        CAPTURE(ru);
        CHECK(test::has_cyrillic(ru));
        const std::string words = ru_own_words(failure.said);
        CAPTURE(words);
        CHECK_FALSE(test::has_english_word(words));
        CHECK(test::english_sentence_word(words).empty());
    }
    CHECK(sim::render(failures.front().said, sim::Language::En) ==
          "client B is not connected yet; add a step with connect: true");
    CHECK(sim::render(failures.front().said, sim::Language::Ru) ==
          "клиент B ещё не подключён; добавьте шаг с «connect: true»");
}
