#include "sim/pop3/verbs.hpp"

#include "sim/core/ascii.hpp"

namespace mailscope::pop3 {

namespace {

constexpr bool in_enum_order() {
    for (std::size_t i = 0; i < verbs.size(); ++i) {
        if (static_cast<std::size_t>(verbs[i].verb) != i) return false;
    }
    return true;
}
static_assert(in_enum_order(), "verbs[v] must describe Verb v");

// A login takes edge 2 of the state table from AUTHORIZATION; QUIT edge 4
// from there and edge 3 from TRANSACTION.
constexpr bool effects_follow_the_table() {
    for (const auto& info : verbs) {
        const bool logs_in = info.effect == Effect::LogsIn;
        const bool quits = info.effect == Effect::Quits;
        if (logs_in && (info.states.contains(State::Transaction) ||
                        !find_transition(State::Authorization, State::Transaction))) {
            return false;
        }
        if (quits && ((info.states.contains(State::Authorization) &&
                       !find_transition(State::Authorization, State::Closed)) ||
                      (info.states.contains(State::Transaction) &&
                       !find_transition(State::Transaction, State::Update)))) {
            return false;
        }
    }
    return true;
}
static_assert(effects_follow_the_table());

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

}  // namespace mailscope::pop3
