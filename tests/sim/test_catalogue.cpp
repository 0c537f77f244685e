// The message catalogue is complete: every phrase says the same thing in
// English and Russian, with the same arguments, and the states of every
// protocol have their names in it.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "sim/core/catalogue.hpp"
#include "sim/core/event_text.hpp"
#include "sim/core/rule_events.hpp"
#include "tests/support/russian_text.hpp"

namespace mailscope::sim {

namespace {

// A format's text without its placeholders.
std::string prose(std::string_view format) {
    std::string out;
    bool inside = false;
    for (const char c : format) {
        if (c == '{') inside = true;
        if (!inside) out += c;
        if (c == '}') inside = false;
    }
    return out;
}

}  // namespace

TEST_CASE("every phrase has English and Russian with the same arguments") {
    const auto phrases = all_phrases();
    REQUIRE(phrases.size() > 50);
    std::set<std::string_view> ids;
    for (const Phrase phrase : phrases) {
        CAPTURE(phrase_id(phrase));
        CHECK(ids.insert(phrase_id(phrase)).second);
        const auto en = phrase_format(phrase, Language::En);
        const auto ru = phrase_format(phrase, Language::Ru);
        CHECK_FALSE(en.empty());
        CHECK_FALSE(ru.empty());
        // Positional arguments only: a translation may reorder them.
        CHECK(test::argument_numbers(en).count(-1) == 0);
        CHECK(test::argument_numbers(ru).count(-1) == 0);
        CHECK(test::argument_numbers(en) == test::argument_numbers(ru));
        // A sentence in English is a sentence in Russian, not a copy; the
        // language menu names each language in itself, and a Russian text may
        // be its arguments alone ("58 octets" is "58" after "октетов:").
        if (test::has_english_word(prose(en)) && test::has_english_word(prose(ru)) &&
            phrase != Phrase::LanguageEnglish) {
            CHECK(test::has_cyrillic(ru));
        }
    }
}

TEST_CASE("a sentence is rendered whole in either language, arguments nested") {
    const Said said = say(Phrase::ClientBrokeRule,
                          say(Phrase::NotValidInState, "FETCH", Phrase::ImapStateAuthenticated));
    CHECK(render(said, Language::En) ==
          "client broke a rule: FETCH is not valid in the Authenticated state");
    CHECK(render(said, Language::Ru) ==
          "клиент нарушил правило: команда FETCH недопустима в состоянии Аутентифицирован "
          "(Authenticated)");
    CHECK(render(verbatim("* OK"), Language::Ru) == "* OK");
    // Too few arguments show the format rather than nothing.
    CHECK(render(say(Phrase::ReportLine), Language::En) == "line {0}");
}

TEST_CASE("every state of every protocol is named in the catalogue") {
    const auto check_states = [](const auto& states) {
        for (const auto state : states) {
            const StateId id = state;
            CAPTURE(id.name());
            const Phrase phrase = state_phrase(id);
            REQUIRE(phrase != Phrase::Verbatim);
            CHECK(state_label(id, Language::En) == id.name());
            const std::string ru = state_label(id, Language::Ru);
            CHECK(test::has_cyrillic(ru));
            // The RFC's name stays beside the Russian one.
            CHECK(ru.ends_with("(" + std::string(id.name()) + ")"));
        }
    };
    check_states(imap::all_states);
    check_states(pop3::all_states);
    check_states(smtp::all_states);
}

TEST_CASE("every edge legend of every protocol is in the catalogue") {
    const auto check_edges = [](const auto& edges) {
        for (const auto& edge : edges) {
            CAPTURE(edge.label);
            CHECK(legend_phrase(edge.label) != Phrase::Verbatim);
            CHECK(test::has_cyrillic(legend_text(edge.label, Language::Ru)));
        }
    };
    check_edges(imap::transitions);
    check_edges(pop3::transitions);
    check_edges(smtp::transitions);
}

TEST_CASE("a transition reads in the chosen language; its English is the summary") {
    StateChange change{imap::State::Authenticated,
                       imap::State::Selected,
                       5,
                       {},
                       say(Phrase::CauseCompleted, "a2", "SELECT", "OK")};
    const TraceEvent event =
        transition_event(Direction::ServerToClient, std::move(change), "RFC 3501 3.3");
    CHECK(event.summary == "Authenticated -> Selected (5: a2 SELECT completed OK)");
    REQUIRE(event.transition);
    CHECK(event.transition->cause == "a2 SELECT completed OK");
    CHECK(event_summary(event, Language::Ru) ==
          "Аутентифицирован (Authenticated) → Выбран (Selected) (5: a2 SELECT: ответ OK)");
    CHECK(kind_label(event.kind, Language::Ru) == "переход");
}

}  // namespace mailscope::sim
