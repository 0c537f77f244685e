// ImapSession: the one IMAP4rev1 session engine behind the mock server, the
// network client, the proxy and `mailscope decode`.
//
// Sans-I/O: bytes go in, typed trace events and (for the client and server
// roles) bytes to transmit come out. No sockets, no clocks (time stamps are
// passed in for display), no threads. Every octet of both directions is
// accounted for in the SessionTrace, which is what every view reads.
//
// Roles:
//   Observer - sees both directions (a transcript, a proxy); feed() each.
//   Client   - submit() commands, receive() server bytes, take_outgoing().
//              Holds the data of a synchronizing literal until the "+".
//   Server   - receive() client bytes, next_input() what to act on, send()
//              responses, take_outgoing(). Announced literals wait for
//              grant_continuation() or refuse_literal().
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/session_engine.hpp"
#include "sim/core/trace.hpp"
#include "sim/imap/capabilities.hpp"
#include "sim/imap/command.hpp"
#include "sim/imap/framer.hpp"
#include "sim/imap/limits.hpp"
#include "sim/imap/response.hpp"
#include "sim/imap/states.hpp"

namespace mailscope::imap {

using Role = sim::Role;

using SessionOptions = sim::EngineOptions<Limits>;

// --- what the server role must act on, in order -----------------------------
struct CommandReceived {
    Command command;
    std::uint64_t event_seq = 0;
    // Set when the command is not valid in the current state; the server
    // should answer BAD with this text instead of executing it.
    std::optional<std::string> state_error;
    // The line reads as one that carries credentials although it did not
    // parse as LOGIN or AUTHENTICATE ("a1 LOGINbob secret"): an answer must
    // not quote any of it.
    bool carries_secret = false;
};
// The client announced a synchronizing literal; answer with grant_continuation()
// or refuse_literal().
struct LiteralRequested {
    std::string tag;
    std::uint64_t size = 0;
    std::uint64_t event_seq = 0;
};
// A line answering an AUTHENTICATE continuation (base64, or "*" to cancel).
struct SaslReceived {
    std::string tag;
    std::string line;  // without CRLF; never in the trace unless secrets are revealed
    bool cancelled = false;
};
struct IdleDone {
    std::string tag;
};
// A command that could not be parsed or exceeded a limit: answer `tag BAD message`
// (`* BAD` when no tag could be read); close after a BYE when fatal.
struct CommandRejected {
    std::string tag;
    std::string message;
    bool fatal = false;
};
using ServerInput =
    std::variant<CommandReceived, LiteralRequested, SaslReceived, IdleDone, CommandRejected>;

// --- what the client role learns -------------------------------------------
struct ResponseReceived {
    Response response;
    std::uint64_t event_seq = 0;
};

// The client's knowledge of one message of the selected mailbox.
struct MessageView {
    std::optional<std::uint32_t> uid;
    std::optional<std::vector<std::string>> flags;
};

class ImapSession : public sim::SessionEngine<Limits, State, ServerInput> {
  public:
    ImapSession(sim::SessionTrace& trace, SessionOptions options = {});

    // The selected mailbox as far as the responses told (sequence order).
    const std::vector<MessageView>& messages() const { return m_messages; }
    std::size_t outstanding() const { return m_pending.size(); }
    // What the server listed in CAPABILITY and what ENABLE turned on, so far.
    const ServerCapabilities& capabilities() const { return m_capabilities; }
    bool idling() const { return m_idle_tag.has_value(); }
    std::uint64_t partial_line(sim::Direction dir) const override;
    bool reply_pending() const override;
    bool server_silence_expected() const override { return idling(); }

    // Observer: bytes seen on the wire in the order they were seen.
    void feed(sim::Direction dir, std::string_view bytes, std::int64_t time_us = 0) override;
    // Either side closed its end (or the connection broke).
    void feed_eof(sim::Direction dir, std::int64_t time_us = 0) override;

    // Client role. Returns the tag used, or an error sentence (nothing sent).
    struct SubmitResult {
        std::optional<std::string> tag;
        std::string error;  // why it was not sent, in English
        sim::Said said;     // `error` as a phrase, for every language

        static SubmitResult refused(sim::Said why);
    };
    SubmitResult submit(Command command, std::int64_t time_us = 0);
    std::string next_tag();
    // Answer an AUTHENTICATE continuation; `line` is the base64 text (or "*").
    void send_sasl_line(std::string_view line, std::int64_t time_us = 0);
    // End IDLE.
    void send_done(std::int64_t time_us = 0);
    std::optional<ResponseReceived> next_response();

    // Server role: next_input(), then send() the answer.
    std::uint64_t send(const Response& response, std::int64_t time_us = 0);
    // "* seq FETCH (items)": what send(make_fetch(seq, items)) sends and
    // traces, without the response's tree (write_fetch).
    std::uint64_t send_fetch(std::uint32_t seq, std::vector<FetchItem> items,
                             std::int64_t time_us = 0);
    // `received_ahead`: octets the client sent after the announcement that
    // had already arrived when the server decided (the same read held them):
    // the client did not wait for the "+" (RFC 3501 4.3).
    void grant_continuation(std::string text = "Ready for literal data", std::int64_t time_us = 0,
                            std::uint64_t received_ahead = 0);
    void refuse_literal(const std::string& tag, Status status, std::string text,
                        std::int64_t time_us = 0, std::uint64_t received_ahead = 0);

  protected:
    void cite(std::string& section) const override;
    std::string cited(std::string section) const {
        cite(section);
        return section;
    }

  private:
    struct Pending {
        std::string tag;
        std::uint64_t seq = 0;
        Verb verb = Verb::Unknown;
        bool uid = false;
        bool silent = false;
        std::string mailbox;
        bool got_continuation = false;
        SequenceSet set;  // FETCH and STORE: the messages (UIDs for the UID forms) asked for
        // LIST ... RETURN (STATUS ...): STATUS responses answer it (RFC 5819 2).
        bool returns_status = false;
        // SEARCH RETURN (...): answered by one ESEARCH, never SEARCH (RFC 4731 3.1).
        bool extended_search = false;
        // SELECT (QRESYNC ...) or UID FETCH (... VANISHED): VANISHED (EARLIER)
        // answers it (RFC 7162 3.2.10.1).
        bool asks_vanished = false;
        // SEARCH or SORT RETURN (UPDATE ...): once it succeeds, ESEARCH
        // responses with its tag go on (RFC 5267 4.3), unless the server
        // said NOUPDATE while it ran (4.3.1).
        bool asks_update = false;
        bool update_refused = false;
        bool sorted = false;                       // SORT or UID SORT
        std::vector<std::string> cancels_updates;  // CANCELUPDATE's tags
        std::optional<NotifyArgs> notify;
        // SELECT or EXAMINE sent behind commands still in progress: the
        // data they get is about the mailbox selected before, so the
        // messages are forgotten only once those commands have completed.
        bool forgets_selection = false;
    };
    // What a successful NOTIFY SET lets the server send while no command
    // is in progress (RFC 5465 3.1, 5).
    struct NotifyWatch {
        // SELECTED with MessageExpunge: EXPUNGE at any time; SELECTED-DELAYED
        // holds it back until a command allows it (RFC 5465 6.1.2).
        bool selected_expunges = false;
        bool mailbox_status = false;  // message events on other mailboxes: STATUS (5.2, 5.3)
        bool mailbox_names = false;   // MailboxName: LIST (5.4)
        bool subscriptions = false;   // SubscriptionChange: LIST (5.5)
    };
    // A searching command whose results the server keeps up to date.
    struct UpdateContext {
        std::string tag;
        std::uint64_t seq = 0;  // the command's event
        bool uid = false;
        bool sorted = false;
    };

    void observe(sim::Direction dir, std::string_view bytes, std::int64_t time_us);
    // Frames what `dir` sent so far and commits the events to the trace.
    void drain(sim::Direction dir);
    void drain_frames(sim::Direction dir);
    void on_client_frame(Frame frame);
    void on_server_frame(Frame frame);
    void on_literal_awaited(const LiteralAwaited& awaited);
    void on_frame_error(sim::Direction dir, const FrameError& error);
    // Hands out the pieces of a client message with literals that the trace
    // has not shown yet, in wire order; `complete`: the message has ended.
    void add_command_pieces(std::string_view message, std::uint64_t offset,
                            const std::vector<LiteralPart>& literals, bool complete);
    void add_text_piece(std::string_view message, std::uint64_t offset, std::size_t end,
                        const LiteralPart* announces,
                        const std::vector<std::pair<std::size_t, std::size_t>>& hidden);
    void add_literal_piece(std::string_view message, std::uint64_t offset,
                           const LiteralPart& literal,
                           const std::vector<std::pair<std::size_t, std::size_t>>& hidden);
    // The client's literal was still arriving when the server completed its
    // command: the announced size was wrong; the message ends where it did.
    void cut_client_literal(const std::string& tag);
    // Literal data arrived while the "+" was still awaited.
    void report_early_literal();
    // Server role: `bytes` out and into the trace; `fetch`, when given, is
    // the FETCH response they are, traced as built instead of parsed again.
    std::uint64_t send_built(std::string_view bytes, const Response* fetch, std::int64_t time_us);
    // `pieces_seq`: the command is in the trace as pieces, the first one this.
    // The parse of an AUTHENTICATE line that only a trailing space spoils.
    std::optional<CommandParse> without_trailing_space(const Frame& frame) const;
    void on_command(const Command& command, Frame& frame, std::optional<std::uint64_t> pieces_seq);
    void on_framer_event(sim::Direction dir, FramerEvent&& event);
    void on_response(const Response& response, Frame&& frame);
    void on_continuation(const Response& response, std::uint64_t seq);
    void on_tagged(const Response& response, std::uint64_t seq);
    void on_untagged(const Response& response, std::uint64_t seq);
    void on_greeting(const Response& response, std::uint64_t seq);
    void on_fetch_data(const Response& response, std::uint64_t seq);
    // EXPUNGE and VANISHED: who may send them when (RFC 3501 7.4.1, RFC 7162
    // 3.2.10.2), then each message leaves the view.
    Pending* check_expunge_timing(std::string_view what, std::string_view section);
    static NotifyWatch notify_watch(const NotifyArgs& notify);
    // An untagged response no command asked for that a NOTIFY SET in force
    // lets the server send (RFC 5465 5.2 to 5.5).
    bool notify_sends(std::string_view name) const;
    void on_vanished(const VanishedData& vanished, std::uint64_t seq);
    // The event of message `number` (from 1 of `count`) leaving the view:
    // who moves up. The caller takes it out of m_messages.
    void add_renumbering(std::uint32_t number, std::uint32_t count, std::uint64_t seq,
                         std::string_view section, std::optional<std::uint32_t> uid = std::nullopt);
    // The FETCH or STORE in flight that this FETCH response answers; with
    // several in flight, the one whose set holds the message (RFC 3501 7.4.2).
    Pending* fetch_answered(const Response& response, std::uint64_t seq);
    // ESEARCH: the command it names, and what RFC 4731 and RFC 5267 require
    // of its results. Returns what it answers, or null.
    Pending* esearch_answered(const EsearchData& esearch, std::uint64_t seq);
    // The mailbox is closed or another is being selected: updates end (RFC 5267 4.3).
    void forget_selection();
    // Rules that hang on what the server listed: LOGINDISABLED, extensions.
    void check_capability_rules(const Command& command);
    // IMAP4rev1 quoted strings are 7-bit (RFC 3501 4.3, 9).
    void check_quoted_strings(sim::Direction dir, const std::vector<Node>& nodes,
                              sim::ByteSpan wire);
    void learn_capabilities(const Response& response);

    sim::TraceEvent wire_event(sim::Direction dir, sim::EventKind kind, const Frame& frame);
    void take_wire(sim::TraceEvent& event, sim::Direction dir, sim::EventKind kind, Frame&& frame);
    // The literals of the server message whose event is `owner_seq`.
    void add_literal_events(const Frame& frame, std::uint64_t owner_seq);
    // Also remembers that a mailbox was selected once.
    void transition(State to, sim::Said cause, sim::Direction dir);
    Pending* find_pending(std::string_view tag);
    Pending* find_pending_verb(VerbSet verbs);
    void link(std::uint64_t answer_seq, const Pending* pending);
    bool state_change_outstanding() const;

    bool m_selected_once = false;  // a SELECT or EXAMINE succeeded earlier (RFC 5161 3.1)
    // The mailbox being or last selected keeps no mod-sequences, so EXPUNGE
    // stays EXPUNGE there even after ENABLE QRESYNC (RFC 7162 3.2.10).
    bool m_nomodseq = false;
    ServerCapabilities m_capabilities;
    Framer m_framer[2];
    std::uint64_t m_fed[2] = {0, 0};
    // Server role: the FETCH response send() or send_fetch() is writing. Its
    // frame is traced from it as built, not parsed again: a long FETCH is
    // most of what a server writes, and reading its own output back doubled
    // its cost.
    const Response* m_sending_fetch = nullptr;
    Response m_fetch_response;  // send_fetch()'s, reused
    // Where send_fetch() writes each response: kept, so that a FETCH of many
    // messages does not allocate a line for each.
    std::string m_fetch_text;
    std::vector<Pending> m_pending;
    std::vector<MessageView> m_messages;
    std::vector<UpdateContext> m_update_contexts;
    // From a successful NOTIFY SET until NOTIFY NONE or NOTIFICATIONOVERFLOW (RFC 5465 5.8).
    std::optional<NotifyWatch> m_notify;
    std::optional<std::string> m_idle_tag;
    // A synchronizing literal was announced and no "+" has answered it yet.
    struct AwaitingPlus {
        std::string tag;
        std::uint64_t event_seq = 0;   // the command's first piece
        std::uint64_t header_end = 0;  // stream offset just past "{n}\r\n"
        bool reported = false;
    };
    std::optional<AwaitingPlus> m_awaiting_plus;
    std::optional<std::uint64_t> m_late_plus;
    // The client message with literals being received, as far as its pieces
    // are in the trace.
    struct OpenCommand {
        std::uint64_t seq = 0;  // its first piece, the command
        std::string tag;
        std::string name;
        std::string section;
        std::uint32_t pieces = 0;
        std::size_t shown = 0;     // octets of the message handed out
        std::size_t literals = 0;  // literals whose octets were handed out
    };
    std::optional<OpenCommand> m_open_command;
    // Pieces after the first of AUTHENTICATE and IDLE (response lines, DONE).
    std::uint32_t m_exchange_pieces = 0;
    std::optional<std::string> m_sasl_tag;  // AUTHENTICATE waiting for a client line
    bool m_expect_raw_line = false;
    bool m_hold_client_input = false;  // server role: literal decision pending
    bool m_hold_for_sasl = false;      // server role: the next line waits for a challenge
    bool m_fatal = false;
    std::uint64_t m_tag_counter = 0;

    // client role: command parts held until the server's "+"
    std::deque<std::string> m_held;
    std::deque<ResponseReceived> m_responses;
};

}  // namespace mailscope::imap
