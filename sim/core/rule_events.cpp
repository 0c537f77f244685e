#include "sim/core/rule_events.hpp"

#include <fmt/format.h>

#include <utility>

namespace mailscope::sim {

TraceEvent violation_event(Direction dir, std::string rule, std::string section, bool fatal,
                           ByteSpan wire) {
    TraceEvent event;
    event.dir = dir;
    event.kind = EventKind::Violation;
    event.name = "VIOLATION";
    event.wire = wire;
    event.summary = fmt::format("{} broke a rule: {}",
                                dir == Direction::ClientToServer ? "client" : "server", rule);
    event.section = section;
    event.violation = RuleBreak{std::move(rule), std::move(section), fatal};
    return event;
}

TraceEvent transition_event(Direction dir, StateChange change, std::string_view section) {
    TraceEvent event;
    event.dir = dir;
    event.kind = EventKind::StateTransition;
    event.name = "STATE";
    event.section = std::string(section);
    event.summary = change.number ? fmt::format("{} -> {} ({}: {})", change.from.name(),
                                                change.to.name(), change.number, change.cause)
                                  : fmt::format("{} -> {} ({})", change.from.name(),
                                                change.to.name(), change.cause);
    event.transition = std::move(change);
    return event;
}

}  // namespace mailscope::sim
