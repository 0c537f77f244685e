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

    // Where every session of `protocol` starts: the connection is open and
    // the server has not greeted yet.
    static constexpr StateId connecting(Protocol protocol) {
        switch (protocol) {
            case Protocol::Imap:
                return imap::State::Connecting;
            case Protocol::Pop3:
                return pop3::State::Connecting;
            case Protocol::Smtp:
                return smtp::State::Connecting;
        }
        return {};
    }

    constexpr Protocol protocol() const { return m_protocol; }
    // The state's position in its protocol's table (`all_states`).
    constexpr std::size_t index() const { return m_index; }
    constexpr bool operator==(const StateId&) const = default;

    // As the protocol's table spells it: "Not Authenticated", "TRANSACTION".
    std::string_view name() const;
    // The RFC section that defines the state.
    std::string_view section() const;

  private:
    // Calls `f` with the state as its protocol's enum.
    template <typename F>
    constexpr auto visit(F f) const {
        switch (m_protocol) {
            case Protocol::Pop3:
                return f(static_cast<pop3::State>(m_index));
            case Protocol::Smtp:
                return f(static_cast<smtp::State>(m_index));
            case Protocol::Imap:
                break;
        }
        return f(static_cast<imap::State>(m_index));
    }

    Protocol m_protocol = Protocol::Imap;
    std::uint8_t m_index = 0;
};

}  // namespace mailscope::sim
