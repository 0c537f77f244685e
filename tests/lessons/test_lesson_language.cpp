// A lesson played in Russian says everything in Russian: every event of every
// lesson of the library carries its words as catalogue phrases, and what they
// render to is Russian except RFC terms (kept in parentheses beside the
// Russian) and the wire text they quote.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "lessons/lesson_catalog.hpp"
#include "lessons/lesson_loader.hpp"
#include "lessons/lesson_runner.hpp"
#include "sim/core/catalogue.hpp"
#include "sim/core/event_text.hpp"
#include "tests/support/russian_text.hpp"

using namespace mailscope;

namespace {

bool is_wire(sim::EventKind kind) {
    return kind == sim::EventKind::Command || kind == sim::EventKind::Untagged ||
           kind == sim::EventKind::Tagged || kind == sim::EventKind::Continuation;
}

// The Russian sentence with what it quotes (verbatim arguments: wire words,
// names, numbers) left out, and RFC terms in parentheses too.
std::string own_words(const sim::Said& said) {
    if (said.phrase == sim::Phrase::Verbatim) return " ";
    sim::Said masked{said.phrase, {}, {}};
    for (const auto& arg : said.args)
        masked.args.push_back(sim::verbatim(own_words(arg)));
    std::string text = sim::render(masked, sim::Language::Ru);
    std::string out;
    int depth = 0;
    for (const char c : text) {
        if (c == '(') ++depth;
        if (depth == 0) out += c;
        if (c == ')' && depth > 0) --depth;
    }
    return out;
}

// What a verbatim argument may not be: an English sentence glued in. A
// quotation of the event's own wire text (a server's reply text) is fine.
bool reads_as_english_prose(const sim::Said& said, std::string_view raw) {
    if (said.phrase != sim::Phrase::Verbatim) {
        for (const auto& arg : said.args)
            if (reads_as_english_prose(arg, raw)) return true;
        return false;
    }
    if (!said.text.empty() && raw.find(said.text) != std::string_view::npos) return false;
    return !test::english_sentence_word(said.text).empty();
}

void check_event(const sim::TraceEvent& event) {
    CAPTURE(event.seq);
    CAPTURE(event.summary);
    if (!event.said) {
        // Only wire events may go without a phrase: their line is the wire.
        CHECK(is_wire(event.kind));
        if (is_wire(event.kind)) CHECK(std::string_view(event.raw).starts_with(event.summary));
        return;
    }
    // English views show the summary as stored: it is the phrase's English.
    CHECK(event.summary == sim::render(*event.said, sim::Language::En));
    if (event.violation)
        CHECK(event.violation->rule == sim::render(event.violation->said, sim::Language::En));
    // A sentence of the catalogue, not a string passed through as it was.
    if (!is_wire(event.kind)) CHECK(event.said->phrase != sim::Phrase::Verbatim);
    const std::string words = own_words(*event.said);
    CAPTURE(words);
    CHECK_FALSE(test::has_english_word(words));
    CHECK_FALSE(reads_as_english_prose(*event.said, event.raw));
    if (event.violation) {
        CHECK_FALSE(test::has_english_word(own_words(event.violation->said)));
        CHECK_FALSE(reads_as_english_prose(event.violation->said, event.raw));
    }
    if (event.transition) CHECK_FALSE(test::has_english_word(own_words(event.transition->said)));
}

}  // namespace

TEST_CASE("every lesson played in Russian speaks Russian") {
    const auto dir = std::filesystem::path(MAILSCOPE_SOURCE_DIR) / "lessons";
    for (const auto& file : lessons::lesson_files(dir)) {
        INFO(file.string());
        auto loaded = lessons::load_lesson_file(file);
        REQUIRE(loaded.lesson);
        lessons::LessonRunner runner(std::move(*loaded.lesson));
        runner.run_to_end();
        for (std::size_t c = 0; c < runner.client_count(); ++c) {
            for (const auto& event : runner.client_trace(c).events())
                check_event(event);
        }
    }
}
