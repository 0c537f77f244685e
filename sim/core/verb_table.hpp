// What the three protocols' verb tables (sim/*/verbs.hpp) share: a table is a
// std::array of rows with `verb` and `name`, row v describing enumerator v,
// and its last row Unknown, which no command is called.
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

}  // namespace mailscope::sim
