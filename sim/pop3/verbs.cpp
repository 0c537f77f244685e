#include "sim/pop3/verbs.hpp"

#include "sim/core/verb_table.hpp"

namespace mailscope::pop3 {

namespace {

static_assert(sim::rows_in_enum_order(verbs), "verbs[v] must describe Verb v");

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

Verb verb_from_name(std::string_view name) {
    return sim::verb_named(verbs, name);
}

}  // namespace mailscope::pop3
