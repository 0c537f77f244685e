// Engine: what the IMAP, POP3 and SMTP session engines offer a driver alike.
//
// A driver (the network client, the GUI's live session, the lesson runner,
// a test) moves bytes and reads events through this interface alone, so one
// driver serves every protocol. Sans-I/O like the engines: bytes and a time
// go in, bytes to write and events come out.
//
// Events are pulled (as h11 and nghttp2 hand them out): next_event() gives
// each committed event once, in order. An engine commits the events of a
// step together at its end (EventBatch), so an event handed out is final:
// nothing edits it afterwards.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sim/core/protocol.hpp"
#include "sim/core/state_id.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::sim {

// Observer: sees both directions (a transcript, a proxy) and is fed each.
// Client: receives the server's bytes and writes commands. Server: receives
// the client's bytes and writes replies.
enum class Role : std::uint8_t { Observer, Client, Server };

// The options of a line-based session engine; `Limits` are its protocol's.
template <typename Limits>
struct EngineOptions {
    Role role = Role::Observer;
    // Teaching switch: show passwords and SASL payloads in the trace.
    bool reveal_secrets = false;
    Limits limits;
    // Octets of raw wire data kept per trace event; longer data keeps a prefix.
    std::size_t max_event_bytes = 1u << 20;
};

class Engine {
  public:
    virtual ~Engine() = default;
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    Protocol protocol() const { return m_trace.protocol(); }
    const SessionTrace& trace() const { return m_trace; }

    Role role() const { return m_role; }

    // Bytes seen on the wire in `dir` (an observer, or a client recording
    // what its own side wrote).
    virtual void feed(Direction dir, std::string_view bytes, std::int64_t time_us) = 0;
    virtual void feed_eof(Direction dir, std::int64_t time_us) = 0;
    // The peer's bytes, split anywhere (client role: the server's, server
    // role: the client's).
    void receive(std::string_view bytes, std::int64_t time_us = 0) { feed(peer(), bytes, time_us); }
    // The peer closed its end, or the connection broke.
    void receive_eof(std::int64_t time_us = 0) { feed_eof(peer(), time_us); }
    // Octets this side writes as they are, recorded as sent: a lesson's
    // deliberate mistake, a line typed for a SASL challenge.
    void send_raw(std::string_view bytes, std::int64_t time_us = 0) {
        m_outgoing.append(bytes);
        feed(Direction::ClientToServer, bytes, time_us);
    }
    // A note in the trace (connected, TLS established, a fault injected).
    virtual void note(Direction dir, Said text, std::int64_t time_us) = 0;
    // Text that needs no translation (a server's own words, an OpenSSL error).
    void note(Direction dir, std::string text, std::int64_t time_us = 0) {
        note(dir, verbatim(std::move(text)), time_us);
    }

    virtual StateId state_id() const = 0;
    virtual bool closed() const = 0;

    // For a relay that passes a stream on one whole command at a time (the
    // proxy, which must see a STARTTLS before the server does): the octets
    // at the end of what `dir` sent that are not read as a whole unit yet,
    // the start of a line or octets held until a reply says how to read
    // them. Literal data and message data are never held.
    virtual std::uint64_t partial_line(Direction dir) const = 0;
    // A command has not had its whole reply yet, or the server is in the
    // middle of a response: a reply written by someone else now would land
    // out of order or inside another one.
    virtual bool reply_pending() const = 0;
    // While a command is pending, the server may be silent for as long as
    // the client likes: IMAP's IDLE (RFC 2177), SMTP's message data after
    // 354. A timeout on the server's answer does not apply then.
    virtual bool server_silence_expected() const { return false; }

    // Bytes to put on the wire now.
    std::string take_outgoing() { return std::exchange(m_outgoing, {}); }
    bool wants_write() const { return !m_outgoing.empty(); }
    std::size_t outgoing_octets() const { return m_outgoing.size(); }

    // The oldest committed event not handed out yet, or nullptr. The event
    // stays valid and unchanged while the trace holds it; with a retention
    // limit, events forgotten before they were taken are passed over.
    const TraceEvent* next_event();

  protected:
    Engine(SessionTrace& trace, Role role)
        : m_trace(trace), m_role(role), m_next_event(trace.end_seq()) {}

    // The direction of what receive() is given.
    Direction peer() const {
        return m_role == Role::Client ? Direction::ServerToClient : Direction::ClientToServer;
    }

    // The first status response or reply appended from `from` on (what a
    // server's send() answers with); `from` when there is none.
    std::uint64_t first_reply_since(std::uint64_t from) const;

    SessionTrace& m_trace;
    std::string m_outgoing;

  private:
    Role m_role;
    std::uint64_t m_next_event;
};

// The front of a queue of things an engine hands out (replies, server inputs).
template <typename T>
std::optional<T> take_front(std::deque<T>& queue) {
    if (queue.empty()) return std::nullopt;
    std::optional<T> front(std::move(queue.front()));
    queue.pop_front();
    return front;
}

}  // namespace mailscope::sim
