// SessionEngine: what the IMAP, POP3 and SMTP engines keep alike beyond the
// driver's interface: their options, their state in the protocol's table,
// the open step's events, the queue of what the server role must act on,
// and the few ways every engine adds an event.
//
// A template over the protocol's own types (limits, state enum, server
// input), so each engine's state stays a typed enum and its state table is
// found next to the enum (find_transition, state_name, state_section).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "sim/core/engine.hpp"
#include "sim/core/event_batch.hpp"
#include "sim/core/protocol.hpp"
#include "sim/core/rule_events.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::sim {

template <typename Limits, typename State, typename ServerInput>
class SessionEngine : public Engine {
  public:
    using Options = EngineOptions<Limits>;

    State state() const { return m_state; }
    bool closed() const override { return m_state == State::Closed; }
    StateId state_id() const override { return m_state; }

    using Engine::note;
    void note(Direction dir, Said text, std::int64_t time_us = 0) override {
        m_now = time_us;
        TraceEvent event;
        event.dir = dir;
        event.kind = EventKind::Note;
        event.name = "NOTE";
        event.summary = render(text, Language::En);
        event.said = std::move(text);
        add_event(std::move(event));
        m_events.commit();
    }

    // Server role: the next thing the server must act on, in order.
    std::optional<ServerInput> next_input() { return take_front(m_inputs); }

  protected:
    SessionEngine(SessionTrace& trace, Protocol protocol, Options options)
        : Engine(trace, options.role),
          m_events(trace),
          m_options(std::move(options)),
          m_protocol(protocol) {}

    // Names `section` as the protocol version in force does (an IMAP4rev2
    // session cites RFC 9051).
    virtual void cite(std::string& /*section*/) const {}

    // By reference: an event is large, and each move of it costs.
    std::uint64_t add_event(TraceEvent&& event) {
        cite(event.section);
        event.time_us = m_now;
        event.protocol = m_protocol;
        return m_events.add(std::move(event));
    }

    // An event of the open step made where it stays, for a hot path that
    // would otherwise build a large record and move it: the caller fills it
    // in and cite()s its section.
    TraceEvent& new_event() {
        TraceEvent& event = m_events.emplace();
        event.time_us = m_now;
        return event;
    }

    // The wire bytes an event keeps: a prefix of long data.
    std::string keep(std::string_view bytes) const {
        return std::string(bytes.substr(0, m_options.max_event_bytes));
    }

    // An event of `kind` for what `dir` sent at `wire`: `bytes` as read.
    TraceEvent wire_event(Direction dir, EventKind kind, ByteSpan wire,
                          std::string_view bytes) const {
        TraceEvent event;
        event.dir = dir;
        event.kind = kind;
        event.wire = wire;
        event.raw = keep(bytes);
        return event;
    }

    std::uint64_t violation(Direction dir, Said rule, std::string section, bool fatal = false,
                            ByteSpan wire = {}) {
        return add_event(violation_event(dir, std::move(rule), std::move(section), fatal, wire));
    }
    std::uint64_t violation(Direction dir, std::string rule, std::string section,
                            bool fatal = false, ByteSpan wire = {}) {
        return violation(dir, verbatim(std::move(rule)), std::move(section), fatal, wire);
    }

    void transition(State to, std::string cause, Direction dir) {
        transition(to, verbatim(std::move(cause)), dir);
    }
    void transition(State to, Said cause, Direction dir) {
        const auto from = m_state;
        const auto edge = find_transition(from, to);
        // The table is the state machine: an edge it does not have is a bug of
        // this engine, which the exhaustive tests and the fuzzers look for.
        if (!edge) {
            throw std::logic_error(fmt::format("{} -> {} is not in the {} state table",
                                               state_name(from), state_name(to),
                                               protocol_name(m_protocol)));
        }
        std::string_view section;
        if constexpr (requires { edge->section; }) {
            section = edge->section;
        } else {
            section = state_section(to);
        }
        auto event = transition_event(
            dir, StateChange{from, to, edge->number, {}, std::move(cause)}, section);
        m_state = to;
        add_event(std::move(event));
    }

    // The note that `dir` closed its end of the connection.
    void add_close_note(Direction dir, std::string section) {
        TraceEvent event;
        event.dir = dir;
        event.kind = EventKind::Note;
        event.name = "CLOSE";
        event.said = say(dir == Direction::ClientToServer ? Phrase::ClientClosedConnection
                                                          : Phrase::ServerClosedConnection);
        event.summary = render(*event.said, Language::En);
        event.section = std::move(section);
        add_event(std::move(event));
    }

    // Server role: writes a reply and reads it as the server's side of the
    // trace; the seq of the first reply event it gives.
    std::uint64_t write_reply(std::string_view bytes, std::int64_t time_us) {
        m_outgoing += bytes;
        const auto before = m_trace.end_seq();
        feed(Direction::ServerToClient, bytes, time_us);
        return first_reply_since(before);
    }

    EventBatch m_events;
    Options m_options;
    State m_state = State::Connecting;
    std::int64_t m_now = 0;
    std::deque<ServerInput> m_inputs;

  private:
    Protocol m_protocol;
};

}  // namespace mailscope::sim
