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

sim::Phrase purpose_phrase(Verb verb) {
    using sim::Phrase;
    switch (verb) {
        case Verb::User:
            return Phrase::Pop3PurposeUser;
        case Verb::Pass:
            return Phrase::Pop3PurposePass;
        case Verb::Apop:
            return Phrase::Pop3PurposeApop;
        case Verb::Stat:
            return Phrase::Pop3PurposeStat;
        case Verb::List:
            return Phrase::Pop3PurposeList;
        case Verb::Retr:
            return Phrase::Pop3PurposeRetr;
        case Verb::Dele:
            return Phrase::Pop3PurposeDele;
        case Verb::Noop:
            return Phrase::Pop3PurposeNoop;
        case Verb::Rset:
            return Phrase::Pop3PurposeRset;
        case Verb::Quit:
            return Phrase::Pop3PurposeQuit;
        case Verb::Top:
            return Phrase::Pop3PurposeTop;
        case Verb::Uidl:
            return Phrase::Pop3PurposeUidl;
        case Verb::Capa:
            return Phrase::Pop3PurposeCapa;
        case Verb::Stls:
            return Phrase::Pop3PurposeStls;
        case Verb::Last:
            return Phrase::Pop3PurposeLast;
        case Verb::Auth:
            return Phrase::Pop3PurposeAuth;
        case Verb::Unknown:
            break;
    }
    return Phrase::Pop3PurposeUnknown;
}

}  // namespace mailscope::pop3
