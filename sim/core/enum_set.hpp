// A set of values of a small enum (at most 64 values), usable in constexpr
// tables: the states a command is valid in, the flags of a verb, the verbs
// an untagged response answers.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <type_traits>

namespace mailscope::sim {

template <typename Enum>
class EnumSet {
    static_assert(std::is_enum_v<Enum>);

  public:
    constexpr EnumSet() = default;
    constexpr EnumSet(std::initializer_list<Enum> values) {
        for (const Enum value : values)
            m_bits |= bit(value);
    }

    constexpr bool contains(Enum value) const { return (m_bits & bit(value)) != 0; }
    constexpr bool empty() const { return m_bits == 0; }
    friend constexpr bool operator==(EnumSet, EnumSet) = default;

  private:
    static constexpr std::uint64_t bit(Enum value) {
        return std::uint64_t{1} << static_cast<unsigned>(value);
    }

    std::uint64_t m_bits = 0;
};

}  // namespace mailscope::sim
