// SessionTrace: the typed record of one protocol session.
//
// The trace is the single source of truth of mailscope: the GUI, the terminal
// printer, the exporters, the lesson runner and the tests all read it, and
// nothing else. Engines only ever append to it, and an event never changes
// once appended. Replaying a prefix of it reproduces what every view showed
// at that moment ("time travel").
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/boxed.hpp"
#include "sim/core/catalogue.hpp"
#include "sim/core/protocol.hpp"
#include "sim/core/state_id.hpp"

namespace mailscope::sim {

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
    Ambiguous,    // answers one of several commands in flight and nothing tells which
};

// What a server's status response or reply says, typed for each protocol.
enum class ReplyStatus : std::uint8_t {
    None,
    Ok,  // IMAP (RFC 3501 7.1)
    No,
    Bad,
    Bye,
    Preauth,
    PlusOk,  // POP3 (RFC 1939 3)
    MinusErr,
    Positive,           // SMTP reply classes (RFC 5321 4.2.1): 2yz
    Intermediate,       // 3yz
    TransientNegative,  // 4yz
    PermanentNegative,  // 5yz
};

// The same question for every protocol: is the exchange done, going on,
// worth retrying, refused, or is the server leaving?
enum class ReplyClass : std::uint8_t { None, Success, Continue, TryLater, Refused, Goodbye };

ReplyClass reply_class(ReplyStatus status);
// "OK", "NO", "+OK", "-ERR"...; empty for None and the SMTP classes (an SMTP
// reply is named by its code).
std::string_view status_word(ReplyStatus status);
// The class of an SMTP reply code.
ReplyStatus smtp_status(int code);

struct StateChange {
    StateId from;  // states of the event's protocol (sim/*/states.hpp)
    StateId to;
    int number = 0;  // the transition's number in the protocol's diagram (RFC 3501 section 3: 1-7)
    std::string cause;  // "A001 LOGIN completed OK", "greeting * PREAUTH"...
    Said said;          // `cause` as a phrase, for every language
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
    Said said;            // `rule` as a phrase, for every language
};

struct LiteralInfo {
    std::uint64_t size = 0;     // octets announced in {n}
    bool synchronizing = true;  // {n} waits for "+"; {n+} (RFC 7888) does not
    bool truncated = false;     // `bytes` holds only a prefix (the trace keeps memory bounded)
    bool binary = false;        // IMAP literal8 ~{n}: any octet, NUL too (RFC 3516 4.2)
};

// A client command that goes out in pieces, in wire order: a synchronizing
// literal's {n} makes the client wait for the server's "+" before the
// literal's octets and the rest of the line, a LITERAL+ {n+} does not but
// still splits the line. Piece 0 is the command itself (what a completion
// links to); the literals (EventKind::Literal) and the later pieces link
// back to it. AUTHENTICATE's response lines and IDLE's DONE are later pieces
// of their command too, each sent after the server's "+".
struct CommandPiece {
    std::uint32_t index = 0;
    bool awaits_continuation = false;  // the client now waits for the server's "+"
    // The literal whose {n} or {n+} ends this piece; its octets come next.
    std::optional<LiteralInfo> announces;
};

// What an untagged FETCH told about one message (RFC 3501 7.4.2), for the
// views that follow a mailbox; only the items the response carried are set.
struct MessageFacts {
    std::optional<std::uint32_t> uid;
    std::optional<std::vector<std::string>> flags;
    std::optional<std::uint64_t> size;    // RFC822.SIZE
    std::optional<std::string> subject;   // ENVELOPE's subject as sent (encoded words kept)
    std::optional<std::uint64_t> modseq;  // MODSEQ (RFC 7162 3.1.4.2)
};

// A LIST or LSUB entry (RFC 3501 7.2.2); its name is TraceEvent::mailbox.
struct ListedMailbox {
    std::optional<char> delimiter;  // none: a flat name space (NIL)
    std::vector<std::string> attributes;
};

struct TraceEvent {
    std::uint64_t seq = 0;     // dense, starts at 0: the time axis of every view
    std::int64_t time_us = 0;  // wall clock for display only; never drives logic
    Protocol protocol = Protocol::Imap;
    Direction dir = Direction::ClientToServer;
    EventKind kind = EventKind::Note;
    ByteSpan wire;        // where the bytes sit in `dir`'s stream
    std::string raw;      // the bytes as sent (secrets already masked unless revealed)
    std::string tag;      // command/completion tag, "*" or "+" for the others
    std::string name;     // "LOGIN", "FETCH", "EXISTS", "OK", "BYE"...
    std::string summary;  // one line for humans: what this is, in English
    // `summary` as a phrase, for views in any language (event_text.hpp);
    // none when the summary is the wire text itself.
    Boxed<Said> said;
    std::string section;  // RFC section that defines it, e.g. "RFC 3501 6.4.5"
    Link link = Link::None;
    // The earlier event this one answers (a completion, a response, a literal
    // or a later piece of a command). Links only point back: a view that
    // wants a command's completion looks it up in an index it builds
    // (trace_links.hpp).
    std::optional<std::uint64_t> link_seq;
    ReplyStatus status = ReplyStatus::None;  // status responses and replies
    std::uint16_t reply_code = 0;            // SMTP: the three digits
    std::string code;                        // response code text inside [ ], if any
    // The typed content of IMAP data, so that no view parses `raw` again:
    // the number of "* 23 EXISTS" or "* 4 FETCH", the value of a
    // [UIDVALIDITY n] / [UIDNEXT n] / [UNSEEN n] code, the mailbox a command
    // names (unless a literal carries it: then it is that literal's octets)
    // or a LIST, LSUB or STATUS response is about, as sent (modified UTF-7).
    std::optional<std::uint32_t> number;
    std::optional<std::uint32_t> code_number;
    std::optional<std::uint64_t> code_modseq;  // [HIGHESTMODSEQ n] (RFC 7162 3.1.2.1)
    std::string mailbox;
    std::optional<MessageFacts> message;
    Boxed<ListedMailbox> listed;
    bool redacted = false;  // a secret in `raw` was masked
    Boxed<StateChange> transition;
    Boxed<FlagDelta> flags;
    std::optional<Renumber> renumber;
    Boxed<RuleBreak> violation;
    std::optional<LiteralInfo> literal;
    Boxed<CommandPiece> piece;
};

// How much of a long session stays in memory. A server session of a lab keeps
// only its recent events (its full trace streams to disk through the sink),
// so a client that sends millions of commands cannot grow the server.
struct TraceRetention {
    std::size_t max_events = 0;  // 0: no limit
    std::size_t max_bytes = 0;   // memory of the events kept, near enough; 0: no limit
};

// The committed events of a trace, oldest first: a view that stays valid
// until the trace changes.
class EventRange {
  public:
    using const_iterator = std::deque<TraceEvent>::const_iterator;
    using iterator = const_iterator;
    using value_type = TraceEvent;
    using size_type = std::size_t;

    EventRange(const_iterator begin, const_iterator end) : m_begin(begin), m_end(end) {}
    const_iterator begin() const { return m_begin; }
    const_iterator end() const { return m_end; }
    std::size_t size() const { return static_cast<std::size_t>(m_end - m_begin); }
    bool empty() const { return m_begin == m_end; }
    const TraceEvent& operator[](std::size_t index) const { return m_begin[index]; }
    const TraceEvent& front() const { return *m_begin; }
    const TraceEvent& back() const { return *(m_end - 1); }

  private:
    const_iterator m_begin;
    const_iterator m_end;
};

// Append-only: an event is complete when it is appended and never changes
// afterwards. Sequence numbers are dense from 0, so lookups by seq are O(1)
// and a view can binary-search time ranges. With a retention limit the
// oldest events are forgotten: `first_seq()` is the oldest one still held.
//
// An engine's step (EventBatch) builds its events in place behind the last
// committed one, where they will stay: they are "open", seen by no view and
// no sink, until the step commits them. An event is never moved on its way
// into the trace.
class SessionTrace {
  public:
    using Sink = std::function<void(const TraceEvent&)>;

    explicit SessionTrace(Protocol protocol = Protocol::Imap, std::string label = {},
                          TraceRetention retention = {});

    Protocol protocol() const { return m_protocol; }
    const std::string& label() const { return m_label; }
    void set_label(std::string label) { m_label = std::move(label); }
    // Called with every event as it is appended, in order (a file writer).
    void set_sink(Sink sink) { m_sink = std::move(sink); }

    // Assigns `seq` and returns it. Throws std::logic_error while a step has
    // open events: they hold the next numbers.
    std::uint64_t append(TraceEvent&& event);
    std::uint64_t append(const TraceEvent& event) { return append(TraceEvent(event)); }

    // The events held, oldest first: all of them without a retention limit.
    EventRange events() const { return {m_events.begin(), m_events.end() - m_open}; }
    std::size_t size() const { return m_events.size() - m_open; }
    bool empty() const { return size() == 0; }
    // The seq of the oldest event held, and the seq the next event will get.
    std::uint64_t first_seq() const { return m_first_seq; }
    std::uint64_t end_seq() const { return m_first_seq + size(); }
    bool holds(std::uint64_t seq) const { return seq >= m_first_seq && seq < end_seq(); }
    // Throws std::out_of_range for an event not held.
    const TraceEvent& at(std::uint64_t seq) const;

    // Events added since `from` (for incremental consumers).
    std::size_t count_since(std::uint64_t from) const {
        return from >= end_seq() ? 0 : end_seq() - from;
    }

    // For EventBatch: the open events of a step, behind the committed ones.
    std::size_t open_count() const { return m_open; }
    TraceEvent& add_open(TraceEvent&& event);
    TraceEvent& add_open();  // an empty one, filled in place
    TraceEvent& open_at(std::uint64_t seq) { return m_events[seq - m_first_seq]; }
    const TraceEvent& open_at(std::uint64_t seq) const { return m_events[seq - m_first_seq]; }
    // Commits the open events, in order: the sink sees each, and the
    // retention limit applies as for append().
    void commit_open();

  private:
    void committed(const TraceEvent& event);
    void forget_oldest();

    Protocol m_protocol;
    std::string m_label;
    TraceRetention m_retention;
    Sink m_sink;
    // The committed events, then the `m_open` events of a step in progress.
    std::deque<TraceEvent> m_events;
    std::size_t m_open = 0;
    std::uint64_t m_first_seq = 0;
    std::size_t m_bytes = 0;
};

}  // namespace mailscope::sim
