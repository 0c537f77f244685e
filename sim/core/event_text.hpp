// What a trace event says to a person, in the language the view shows: the
// typed phrases the engines recorded, rendered through the catalogue.
#pragma once

#include <string>
#include <string_view>

#include "sim/core/language.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::sim {

// "command", "переход"...
std::string kind_label(EventKind kind, Language language);
// "Not Authenticated", "Выбран (Selected)".
std::string state_label(StateId state, Language language);
// The event's one line: its phrase when it has one, else its summary (the
// wire text, or words a peer wrote that need no translation).
std::string event_summary(const TraceEvent& event, Language language);
// The rule a violation states, without "client broke a rule".
std::string rule_text(const RuleBreak& rule, Language language);
// An edge's legend from a state table, in `language`.
std::string legend_text(std::string_view legend, Language language);
// The cause of a state change ("a1 LOGIN completed OK").
std::string cause_text(const StateChange& change, Language language);

}  // namespace mailscope::sim
