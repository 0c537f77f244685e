#include <doctest/doctest.h>

#include <array>
#include <set>
#include <string_view>
#include <utility>

#include "gui/i18n.hpp"
#include "gui/state_layout.hpp"
#include "gui/view_model/protocol_states.hpp"
#include "sim/imap/states.hpp"

using namespace mailscope;
using namespace mailscope::gui;

TEST_CASE(
    "each protocol's diagram has a node for every state and a route for every "
    "transition") {
    for (const sim::Protocol protocol :
         {sim::Protocol::Imap, sim::Protocol::Pop3, sim::Protocol::Smtp}) {
        CAPTURE(static_cast<int>(protocol));
        const ProtocolStates& table = protocol_states(protocol);
        const DiagramLayout& layout = diagram_layout(protocol);
        REQUIRE(layout.nodes.size() == table.states.size());
        REQUIRE(layout.edges.size() == table.transitions.size());
        for (const Point& center : layout.nodes) {
            CHECK(center.x >= 0.0f);
            CHECK(center.x <= 1.0f);
            CHECK(center.y >= 0.0f);
            CHECK(center.y <= 1.0f);
        }
        std::set<std::pair<float, float>> places;
        for (const Point& center : layout.nodes)
            places.insert({center.x, center.y});
        CHECK(places.size() == layout.nodes.size());
        for (std::size_t i = 0; i < layout.edges.size(); ++i) {
            const TransitionInfo& transition = table.transitions[i];
            CHECK(transition.from < table.states.size());
            CHECK(transition.to < table.states.size());
            CHECK(layout.edges[i].self_loop == (transition.from == transition.to));
            CHECK_FALSE(transition.section.empty());
        }
    }
}

TEST_CASE("transitions are found by their end states") {
    const auto index = transition_index(sim::Protocol::Imap,
                                        static_cast<std::size_t>(imap::State::NotAuthenticated),
                                        static_cast<std::size_t>(imap::State::Authenticated));
    REQUIRE(index);
    CHECK(imap::transitions[*index].number == 4);
    CHECK_FALSE(transition_index(sim::Protocol::Imap, static_cast<std::size_t>(imap::State::Closed),
                                 static_cast<std::size_t>(imap::State::Selected)));
}

TEST_CASE("a point along a polyline is measured by length") {
    const std::array<Point, 3> line{{{0, 0}, {3, 0}, {3, 1}}};
    const Point start = along_polyline(line, 0);
    CHECK(start.x == doctest::Approx(0));
    const Point middle = along_polyline(line, 0.5f);
    CHECK(middle.x == doctest::Approx(2));
    CHECK(middle.y == doctest::Approx(0));
    const Point corner = along_polyline(line, 0.75f);
    CHECK(corner.x == doctest::Approx(3));
    CHECK(corner.y == doctest::Approx(0));
    const Point end = along_polyline(line, 1.5f);
    CHECK(end.y == doctest::Approx(1));
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
    CHECK(sim::language_from_name("ru") == Language::Ru);
    CHECK(sim::language_from_name(sim::language_name(Language::En)) == Language::En);
    CHECK_FALSE(sim::language_from_name("de"));
}
