// StateId: a state of one protocol's state machine, typed.
//
// Each protocol defines its states in one table (sim/imap/states.hpp and the
// POP3 and SMTP ones); a StateId is one of those states together with its
// protocol, so code compares states, never their display names, and a view
// can tell an IMAP "Closed" from an SMTP one.
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/core/protocol.hpp"
#include "sim/imap/states.hpp"
#include "sim/pop3/states.hpp"
#include "sim/smtp/states.hpp"

namespace mailscope::sim {

class StateId {
  public:
    constexpr StateId() = default;
    constexpr StateId(imap::State state)
        : m_protocol(Protocol::Imap), m_index(static_cast<std::uint8_t>(state)) {}
    constexpr StateId(pop3::State state)
        : m_protocol(Protocol::Pop3), m_index(static_cast<std::uint8_t>(state)) {}
    constexpr StateId(smtp::State state)
        : m_protocol(Protocol::Smtp), m_index(static_cast<std::uint8_t>(state)) {}

    constexpr Protocol protocol() const { return m_protocol; }
    // The state's position in its protocol's table (`all_states`).
    constexpr std::size_t index() const { return m_index; }
    constexpr bool operator==(const StateId&) const = default;

    // As the protocol's table spells it: "Not Authenticated", "TRANSACTION".
    std::string_view name() const;
    // The RFC section that defines the state.
    std::string_view section() const;

  private:
    Protocol m_protocol = Protocol::Imap;
    std::uint8_t m_index = 0;
};

}  // namespace mailscope::sim
