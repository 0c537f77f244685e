// SessionTrace: the typed record of one protocol session.
//
// The trace is the single source of truth of mailscope: the GUI, the terminal
// printer, the exporters, the lesson runner and the tests all read it, and
// nothing else. Engines only ever append to it. Replaying a prefix of it
// reproduces what every view showed at that moment ("time travel").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailscope::sim {

enum class Protocol : std::uint8_t { Imap, Pop3, Smtp };

// Who put the bytes on the wire. Internal events (a state transition, a
// renumbering) carry the direction of the message that caused them.
enum class Direction : std::uint8_t { ClientToServer, ServerToClient };

// Octets [offset, offset + size) of one direction's byte stream.
struct ByteSpan {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

enum class EventKind : std::uint8_t {
    Command,          // a client command (tagged, or DONE / a SASL line: see `detail`)
    Untagged,         // "* ..." server data or status
    Tagged,           // "tag OK/NO/BAD ..." completion
    Continuation,     // "+ ..." command continuation request
    Literal,          // a literal carried inside a command or response
    StateTransition,  // the protocol state changed
    FlagChange,       // a message's flags changed, as seen by this session
    Renumbering,      // an EXPUNGE moved the sequence numbers above it down
    Violation,        // a rule of the protocol was broken by one side
    Note,             // anything else worth showing (connection closed, TLS started)
};

std::string_view to_string(EventKind kind);

// How a completion or untagged response relates to the commands in flight.
enum class Link : std::uint8_t {
    None,         // not applicable (commands, transitions...)
    Answers,      // tied to `link_seq` by the RFC (FETCH data for a FETCH, a completion...)
    Unsolicited,  // the RFC lets the server send it at any time (EXISTS from another client)
    Unmatched,    // should answer something but nothing outstanding fits (a violation too)
};

struct StateChange {
    std::string from;  // state names as in the RFC diagram ("Not Authenticated"...)
    std::string to;
    int number = 0;     // the transition's number in the RFC diagram (RFC 3501 section 3: 1-7)
    std::string cause;  // "A001 LOGIN completed OK", "greeting * PREAUTH"...
};

struct FlagDelta {
    std::uint32_t seq = 0;             // message sequence number when it changed
    std::optional<std::uint32_t> uid;  // when known
    std::vector<std::string> before;   // empty with known_before == false: never seen
    std::vector<std::string> after;
    bool known_before = false;
};

struct Renumber {
    std::uint32_t expunged = 0;   // the sequence number that left
    std::uint32_t old_count = 0;  // messages before the EXPUNGE
};

struct RuleBreak {
    std::string rule;     // plain sentence a learner can read
    std::string section;  // "RFC 3501 7.5", "RFC 7888 4"
    bool fatal = false;   // the session cannot go on (the engine stops parsing)
};

struct LiteralInfo {
    std::uint64_t size = 0;     // octets announced in {n}
    bool synchronizing = true;  // {n} waits for "+"; {n+} (RFC 7888) does not
    bool truncated = false;     // `bytes` holds only a prefix (the trace keeps memory bounded)
};

struct TraceEvent {
    std::uint64_t seq = 0;     // dense, starts at 0: the time axis of every view
    std::int64_t time_us = 0;  // wall clock for display only; never drives logic
    Protocol protocol = Protocol::Imap;
    Direction dir = Direction::ClientToServer;
    EventKind kind = EventKind::Note;
    ByteSpan wire;    // where the bytes sit in `dir`'s stream
    std::string raw;  // the bytes as sent (secrets already masked unless revealed)
    // Octets at the start of `raw` that earlier events already showed: a command
    // with a synchronizing literal goes out in pieces, each announced piece is
    // its own event before the "+", and the completed command repeats them.
    std::size_t shown_before = 0;
    std::string tag;      // command/completion tag, "*" or "+" for the others
    std::string name;     // "LOGIN", "FETCH", "EXISTS", "OK", "BYE"...
    std::string summary;  // one line for humans: what this is
    std::string section;  // RFC section that defines it, e.g. "RFC 3501 6.4.5"
    Link link = Link::None;
    std::optional<std::uint64_t>
        link_seq;           // the command event this answers / the completion of a command
    std::string status;     // OK/NO/BAD/BYE/PREAUTH for status responses
    std::string code;       // response code text inside [ ], if any
    bool redacted = false;  // a secret in `raw` was masked
    std::optional<StateChange> transition;
    std::optional<FlagDelta> flags;
    std::optional<Renumber> renumber;
    std::optional<RuleBreak> violation;
    std::optional<LiteralInfo> literal;
};

// Append-only. Sequence numbers are indices, so lookups by seq are O(1) and
// a view can binary-search time ranges.
class SessionTrace {
  public:
    explicit SessionTrace(Protocol protocol = Protocol::Imap, std::string label = {});

    Protocol protocol() const { return m_protocol; }
    const std::string& label() const { return m_label; }
    void set_label(std::string label) { m_label = std::move(label); }

    // Assigns `seq` and returns it.
    std::uint64_t append(TraceEvent event);

    const std::vector<TraceEvent>& events() const { return m_events; }
    std::size_t size() const { return m_events.size(); }
    bool empty() const { return m_events.empty(); }
    const TraceEvent& at(std::uint64_t seq) const { return m_events.at(seq); }
    TraceEvent& mutable_at(std::uint64_t seq) { return m_events.at(seq); }

    // Events added since `from` (for incremental consumers).
    std::size_t count_since(std::uint64_t from) const {
        return from >= m_events.size() ? 0 : m_events.size() - from;
    }

  private:
    Protocol m_protocol;
    std::string m_label;
    std::vector<TraceEvent> m_events;
};

}  // namespace mailscope::sim
