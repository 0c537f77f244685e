// What the three protocols' state tables (sim/imap/states.hpp and the POP3
// and SMTP ones) share: a row per state, in enum order, with the name and the
// section the RFC gives it, and the lookup of a numbered edge.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace mailscope::sim {

template <typename State>
struct StateRow {
    State state;
    std::string_view name;
    std::string_view section;
};

// An edge of a diagram the RFC draws in prose: its number (0 for the
// unnumbered final edge) and the section that allows it.
template <typename State>
struct SectionedEdge {
    int number;
    State from;
    State to;
    std::string_view label;
    std::string_view section;
};

template <typename State, std::size_t N>
constexpr bool rows_in_state_order(const std::array<StateRow<State>, N>& rows) {
    for (std::size_t i = 0; i < N; ++i) {
        if (static_cast<std::size_t>(rows[i].state) != i) return false;
    }
    return true;
}

// The states of the table, in enum order.
template <typename State, std::size_t N>
constexpr std::array<State, N> states_of(const std::array<StateRow<State>, N>& rows) {
    std::array<State, N> states{};
    for (std::size_t i = 0; i < N; ++i)
        states[i] = rows[i].state;
    return states;
}

// The row of `state`; a value outside the enum is named "?".
template <typename State, std::size_t N>
constexpr StateRow<State> state_row(const std::array<StateRow<State>, N>& rows, State state) {
    const auto index = static_cast<std::size_t>(state);
    if (index < N) return rows[index];
    return {state, "?", {}};
}

// The edge from `from` to `to` in `edges`, if the diagram has one.
template <typename Edge, std::size_t N, typename State>
constexpr std::optional<Edge> find_edge(const std::array<Edge, N>& edges, State from, State to) {
    for (const auto& edge : edges) {
        if (edge.from == from && edge.to == to) return edge;
    }
    return std::nullopt;
}

}  // namespace mailscope::sim
