// The two events every engine writes the same way: a rule broken by one
// side, and a step along the protocol's state table.
#pragma once

#include <string>
#include <string_view>

#include "sim/core/trace.hpp"

namespace mailscope::sim {

// "client broke a rule: ..." over `wire`, citing `section`.
TraceEvent violation_event(Direction dir, std::string rule, std::string section, bool fatal,
                           ByteSpan wire);
// "From -> To (number: cause)", citing `section`.
TraceEvent transition_event(Direction dir, StateChange change, std::string_view section);

}  // namespace mailscope::sim
