// What the three protocols' verb tables (sim/*/verbs.hpp) share: a table is a
// std::array of rows with `verb` and `name`, row v describing enumerator v,
// and its last row Unknown, which no command is called.
//
// A protocol names its table once, next to its Verb enum, as
//     constexpr const auto& verb_rows(Verb) { return verbs; }
// and brings the lookups below into its namespace with using-declarations;
// argument-dependent lookup then finds its table for its own Verb.
#pragma once

#include <cstddef>
#include <string_view>

#include "sim/core/ascii.hpp"

namespace mailscope::sim {

template <typename Table>
constexpr bool rows_in_enum_order(const Table& table) {
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (static_cast<std::size_t>(table[i].verb) != i) return false;
    }
    return true;
}

// The verb named `name` (any case), or the Unknown of the last row.
template <typename Table>
auto verb_named(const Table& table, std::string_view name) {
    for (std::size_t i = 0; i + 1 < table.size(); ++i) {
        if (ascii::iequals(table[i].name, name)) return table[i].verb;
    }
    return table.back().verb;
}

// The row that describes `verb`.
template <typename Verb>
constexpr const auto& verb_info(Verb verb) {
    return verb_rows(verb)[static_cast<std::size_t>(verb)];
}

// "LOGIN", "RETR", "MAIL"...
template <typename Verb>
constexpr std::string_view verb_name(Verb verb) {
    return verb_info(verb).name;
}

// Is `verb` valid in `state`?
template <typename Verb, typename State>
constexpr bool command_allowed(Verb verb, State state) {
    return verb_info(verb).states.contains(state);
}

template <typename Verb, typename Flag>
constexpr bool has_flag(Verb verb, Flag flag) {
    return verb_info(verb).flags.contains(flag);
}

}  // namespace mailscope::sim
