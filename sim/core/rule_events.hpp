// The two events every engine writes the same way: a rule broken by one
// side, and a step along the protocol's state table.
#pragma once

#include <string>
#include <string_view>

#include "sim/core/catalogue.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::sim {

// "client broke a rule: ..." over `wire`, citing `section`.
TraceEvent violation_event(Direction dir, Said rule, std::string section, bool fatal,
                           ByteSpan wire);
// "From -> To (number: cause)", citing `section`; `change.cause` is filled
// from `change.said`.
TraceEvent transition_event(Direction dir, StateChange change, std::string_view section);

// A state's name as a phrase ("Выбран (Selected)" in Russian).
Phrase state_phrase(StateId state);
// The phrase of an edge's legend as the state tables write it in English
// ("successful LOGIN or AUTHENTICATE command"); Verbatim when none is.
Phrase legend_phrase(std::string_view legend);

}  // namespace mailscope::sim
