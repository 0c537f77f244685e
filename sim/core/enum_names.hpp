// NameTable: an enum's values and the words that name them, one row each,
// read in both directions (the word for a value, the value for a word), so a
// value's spelling is written once and a new value is one new row.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "sim/core/ascii.hpp"

namespace mailscope::sim {

template <typename Enum>
struct NamedValue {
    Enum value;
    std::string_view name;
};

template <typename Enum, std::size_t N>
struct NameTable {
    std::array<NamedValue<Enum>, N> rows;

    // `missing` for a value without a row (a cast from a wild integer).
    constexpr std::string_view name(Enum value, std::string_view missing = "?") const {
        for (const auto& row : rows) {
            if (row.value == value) return row.name;
        }
        return missing;
    }

    constexpr std::optional<Enum> value(std::string_view name) const {
        for (const auto& row : rows) {
            if (row.name == name) return row.value;
        }
        return std::nullopt;
    }

    // ASCII letters in either case match.
    constexpr std::optional<Enum> value_ignoring_case(std::string_view name) const {
        for (const auto& row : rows) {
            if (ascii::iequals(row.name, name)) return row.value;
        }
        return std::nullopt;
    }
};

template <typename Enum, std::size_t N>
constexpr NameTable<Enum, N> name_table(const NamedValue<Enum> (&rows)[N]) {
    NameTable<Enum, N> table{};
    for (std::size_t i = 0; i < N; ++i)
        table.rows[i] = rows[i];
    return table;
}

}  // namespace mailscope::sim
