// What a line-based engine in the server role hands its server alike in POP3
// and SMTP: a command to act on, and a line answering a SASL challenge.
// Each protocol adds its own inputs (a rejected line, message data) beside
// these in its ServerInput variant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mailscope::sim {

template <typename Command>
struct CommandReceived {
    Command command;
    std::uint64_t event_seq = 0;
    // Set when the command may not run now (the protocol's order of
    // commands): the server refuses it with this text instead of running it.
    std::optional<std::string> state_error;
};

// A line answering a SASL challenge (base64, or "*" to cancel).
struct SaslReceived {
    std::string line;  // without CRLF; never in the trace unless secrets are revealed
    bool cancelled = false;
};

}  // namespace mailscope::sim
