// Pop3Session: the one POP3 session engine behind the mock server, the
// network client and the lesson runner's observer (RFC 1939, RFC 2449 CAPA
// and response codes, RFC 2595 STLS, RFC 5034 AUTH).
//
// Sans-I/O like ImapSession: bytes go in, typed trace events and (for the
// client and server roles) bytes to transmit come out. POP3 replies carry no
// tag: each answers the oldest command not answered yet, and only the
// command says whether a +OK is followed by multi-line data, so the engine
// keeps the commands in flight to frame the server's bytes.
//
// Roles:
//   Observer - sees both directions (a transcript, a proxy); feed() each.
//   Client   - submit_line() commands, send_raw() SASL lines, receive()
//              server bytes, next_reply(), take_outgoing().
//   Server   - receive() client bytes, next_input() what to act on, send()
//              replies, take_outgoing().
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "sim/core/line_reader.hpp"
#include "sim/core/server_inputs.hpp"
#include "sim/core/session_engine.hpp"
#include "sim/core/trace.hpp"
#include "sim/pop3/command.hpp"
#include "sim/pop3/limits.hpp"
#include "sim/pop3/reply.hpp"
#include "sim/pop3/states.hpp"

namespace mailscope::pop3 {

using Role = sim::Role;
using SessionOptions = sim::EngineOptions<Limits>;

// --- what the server role must act on, in order -----------------------------
using CommandReceived = sim::CommandReceived<Command>;
// A line that is no valid command (syntax, over-long, NUL octets): answer
// -ERR with `message`.
struct CommandRejected {
    std::string message;
    std::uint64_t event_seq = 0;
};
using SaslReceived = sim::SaslReceived;
using ServerInput = std::variant<CommandReceived, CommandRejected, SaslReceived>;

// --- what the client role learns -------------------------------------------
struct ReplyReceived {
    Reply reply;
    std::uint64_t event_seq = 0;
    bool greeting = false;
    Verb answers = Verb::Unknown;  // the command it completes (Unknown for the greeting)
};

class Pop3Session : public sim::SessionEngine<Limits, State, ServerInput> {
  public:
    Pop3Session(sim::SessionTrace& trace, SessionOptions options = {});

    std::uint64_t partial_line(sim::Direction dir) const override;
    bool reply_pending() const override;
    std::size_t outstanding() const { return m_pending.size(); }
    // The "<...>" timestamp of the greeting, for APOP (RFC 1939 7).
    const std::string& apop_timestamp() const { return m_timestamp; }
    // A SASL exchange waits for the client's next line.
    bool sasl_line_expected() const { return m_expect_sasl_line; }

    // Observer: bytes seen on the wire, either direction, in order.
    void feed(sim::Direction dir, std::string_view bytes, std::int64_t time_us = 0) override;
    // Either side closed its end (or the connection broke).
    void feed_eof(sim::Direction dir, std::int64_t time_us = 0) override;

    // Client role: one command line without CRLF.
    struct SubmitResult {
        bool ok = false;
        std::string error;  // why it was not sent, in English
        sim::Said said;     // `error` as a phrase, for every language

        static SubmitResult refused(sim::Said why);
    };
    SubmitResult submit_line(std::string_view line, std::int64_t time_us = 0);
    std::optional<ReplyReceived> next_reply();

    // Server role: next_input(), then send() the answer.
    // Writes and traces a reply; returns the seq of its event.
    std::uint64_t send(const Reply& reply, std::int64_t time_us = 0);

  private:
    struct Pending {
        Command command;
        std::uint64_t seq = 0;
        bool multiline = false;
        bool valid = true;  // parsed, so its verb is known
    };
    // A multi-line reply being read.
    struct Body {
        Reply reply;
        Pending answers;
        std::uint64_t status_seq_offset = 0;  // stream offset of the status line
        std::uint64_t data_offset = 0;        // stream offset of the data
        std::string status_line;              // kept for the event
        std::string raw;                      // data wire bytes kept for the event
        MultilineDecoder decoder;
    };

    void observe(sim::Direction dir, std::string_view bytes, std::int64_t time_us);
    void read_lines(sim::Direction dir, std::string_view bytes);
    void on_client_line(std::string_view line, std::uint64_t offset, bool bare_lf);
    void on_command(const Command& command, std::string_view wire, std::uint64_t offset);
    void on_sasl_line(std::string_view line, std::uint64_t offset, std::size_t wire_size);
    void on_server_line(std::string_view line, std::uint64_t offset, bool bare_lf);
    void on_greeting(const Reply& reply, std::string_view wire, std::uint64_t offset);
    void on_reply(Reply reply, Pending answered, std::string raw, sim::ByteSpan wire,
                  std::optional<sim::ByteSpan> body_wire, std::string body_raw);
    void finish_body(bool complete);
    void after_reply(const Reply& reply, const Pending& answered, std::uint64_t seq);
    sim::Said reply_summary(const Reply& reply, const Pending& answered) const;
    void on_line_too_long(sim::Direction dir, std::uint64_t offset, std::size_t limit);
    void after_close_data(sim::Direction dir, std::size_t size);

    bool state_change_outstanding() const;
    std::size_t line_limit(sim::Direction dir) const;

    sim::LineReader m_reader[2] = {sim::LineReader(sim::LineReader::Overlong::AtLimit),
                                   sim::LineReader(sim::LineReader::Overlong::AtLimit)};
    bool m_reported_after_close[2] = {false, false};
    std::deque<Pending> m_pending;
    std::optional<Body> m_body;
    std::string m_timestamp;
    bool m_user_accepted = false;
    bool m_expect_sasl_line = false;
    bool m_spoke_early_reported = false;

    std::deque<ReplyReceived> m_replies;
};

}  // namespace mailscope::pop3
