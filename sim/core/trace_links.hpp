// CompletionIndex: which event completes a command.
//
// Links in trace events only point back (a completion names its command),
// because an event never changes once appended. A view or a test that wants
// the forward direction builds this index as it reads the trace.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "sim/core/trace.hpp"

namespace mailscope::sim {

class CompletionIndex {
  public:
    CompletionIndex() = default;
    explicit CompletionIndex(const SessionTrace& trace);

    // Events in trace order; may be called as the trace grows.
    void add(const TraceEvent& event);
    // The tagged completion (IMAP) or final reply (POP3, SMTP) of the command
    // event `command_seq`, once it has arrived.
    std::optional<std::uint64_t> completion_of(std::uint64_t command_seq) const;

  private:
    std::unordered_map<std::uint64_t, std::uint64_t> m_completions;
};

}  // namespace mailscope::sim
