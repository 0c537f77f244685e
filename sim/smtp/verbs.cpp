#include "sim/smtp/verbs.hpp"

#include "sim/core/ascii.hpp"

namespace mailscope::smtp {

namespace {

constexpr bool in_enum_order() {
    for (std::size_t i = 0; i < verbs.size(); ++i) {
        if (static_cast<std::size_t>(verbs[i].verb) != i) return false;
    }
    return true;
}
static_assert(in_enum_order(), "verbs[v] must describe Verb v");

}  // namespace

std::string_view verb_name(Verb verb) {
    return verb_info(verb).name;
}

Verb verb_from_name(std::string_view name) {
    // Unknown is the last row, and no name of a command.
    for (std::size_t i = 0; i + 1 < verbs.size(); ++i) {
        if (ascii::iequals(verbs[i].name, name)) return verbs[i].verb;
    }
    return Verb::Unknown;
}

}  // namespace mailscope::smtp
