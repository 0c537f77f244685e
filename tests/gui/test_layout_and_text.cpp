#include <doctest/doctest.h>

#include <set>
#include <string_view>

#include "gui/i18n.hpp"
#include "gui/state_layout.hpp"

using namespace mailscope;
using namespace mailscope::gui;

TEST_CASE("the diagram layout has a node for every state and a route for every transition") {
    for (imap::State state : imap::all_states) {
        const auto center = node_center(state);
        REQUIRE(center);
        CHECK(center->x >= 0.0f);
        CHECK(center->x <= 1.0f);
        CHECK(center->y >= 0.0f);
        CHECK(center->y <= 1.0f);
    }
    std::set<std::size_t> routed;
    for (const EdgeLayout& edge : state_edges) {
        REQUIRE(edge.transition < imap::transitions.size());
        routed.insert(edge.transition);
        const auto& transition = imap::transitions[edge.transition];
        CHECK(edge.self_loop == (transition.from == transition.to));
    }
    CHECK(routed.size() == imap::transitions.size());
}

TEST_CASE("transitions are found by their end states") {
    const auto index = transition_index(imap::State::NotAuthenticated, imap::State::Authenticated);
    REQUIRE(index);
    CHECK(imap::transitions[*index].number == 4);
    CHECK_FALSE(transition_index(imap::State::Closed, imap::State::Selected));
}

TEST_CASE("an edge leaves a node box on its border") {
    const Point out = leave_box({0, 0}, {2, 1}, {10, 0});
    CHECK(out.x == doctest::Approx(2));
    CHECK(out.y == doctest::Approx(0));
    const Point down = leave_box({0, 0}, {2, 1}, {1, 4});
    CHECK(down.y == doctest::Approx(1));
    const Point inside = leave_box({0, 0}, {2, 1}, {0.5f, 0.1f});
    CHECK(inside.x == doctest::Approx(0.5f));
}

TEST_CASE("every UI string exists in English and Russian") {
    for (std::uint16_t i = 0; i < static_cast<std::uint16_t>(Text::Count); ++i) {
        const auto id = static_cast<Text>(i);
        const std::string_view en = tr(Language::En, id);
        const std::string_view ru = tr(Language::Ru, id);
        CHECK_MESSAGE(!en.empty(), "text ", i);
        CHECK_MESSAGE(!ru.empty(), "text ", i);
    }
    // Cyrillic letters are two bytes starting 0xD0 or 0xD1 in UTF-8.
    const std::string_view title = tr(Language::Ru, Text::WindowExchanges);
    CHECK(title.find('\xD0') != std::string_view::npos);
    CHECK(std::string_view(tr(Language::En, Text::WindowExchanges)) == "Exchanges");
    CHECK(language_from_code("ru") == Language::Ru);
    CHECK(language_from_code(language_code(Language::En)) == Language::En);
    CHECK_FALSE(language_from_code("de"));
}
