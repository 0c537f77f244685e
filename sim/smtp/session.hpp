// SmtpSession: the one SMTP session engine behind the mock server, the
// network client and the lesson runner's observer.
//
// Sans-I/O like ImapSession (sim/imap/session.hpp): bytes go in, typed trace
// events and (client and server roles) bytes to transmit come out. Every
// octet of both directions is accounted for in the SessionTrace.
//
// Replies answer commands in order (RFC 5321 4.1.4, RFC 2920 3.1), so the
// engine keeps the commands in flight as a queue. A few replies change how
// the client's next octets are read: 354 starts the message data, 334 asks
// for a SASL line, 220 to STARTTLS ends plaintext. Until such a reply
// arrives the engine holds the client's later octets unread (bounded by
// Limits::max_held_bytes) and reports them as sent too early.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/line_reader.hpp"
#include "sim/core/server_inputs.hpp"
#include "sim/core/session_engine.hpp"
#include "sim/core/trace.hpp"
#include "sim/smtp/command.hpp"
#include "sim/smtp/limits.hpp"
#include "sim/smtp/message_data.hpp"
#include "sim/smtp/reply.hpp"
#include "sim/smtp/states.hpp"

namespace mailscope::smtp {

using Role = sim::Role;
using SessionOptions = sim::EngineOptions<Limits>;

// --- what the server role must act on, in order -----------------------------
using CommandReceived = sim::CommandReceived<Command>;
// A line that is not a command, or is too long: answer `code enhanced message`.
struct CommandRejected {
    int code = 500;
    std::string enhanced;
    std::string message;
    std::uint64_t event_seq = 0;
};
using SaslReceived = sim::SaslReceived;
// The message data ended with <CRLF>.<CRLF>.
struct MessageReceived {
    std::string content;     // stuffing removed; a prefix when too_large
    std::uint64_t size = 0;  // octets of content, all of it
    bool too_large = false;  // beyond Limits::max_message_size: not kept
    std::uint64_t event_seq = 0;
};
using ServerInput = std::variant<CommandReceived, CommandRejected, SaslReceived, MessageReceived>;

// --- what the client role learns -------------------------------------------
struct ReplyReceived {
    Reply reply;
    std::uint64_t event_seq = 0;
    // The command it answers (nothing for the greeting and unsolicited replies).
    std::optional<Verb> answers;
    bool greeting = false;
};

class SmtpSession : public sim::SessionEngine<Limits, State, ServerInput> {
  public:
    SmtpSession(sim::SessionTrace& trace, SessionOptions options = {});

    std::uint64_t partial_line(sim::Direction dir) const override;
    bool reply_pending() const override;
    // EHLO keywords of the last EHLO reply, upper case ("SIZE", "AUTH"...),
    // with their parameters after a space as the server wrote them.
    const std::vector<std::string>& extensions() const { return m_extensions; }
    bool extension_offered(std::string_view keyword) const;
    std::size_t outstanding() const { return m_pending.size(); }
    // 354 seen and the terminating "." not yet.
    bool in_data() const { return m_data.has_value(); }
    bool server_silence_expected() const override { return in_data(); }
    // A 334 challenge waits for the client's SASL line.
    bool awaiting_sasl_line() const { return m_sasl_expected; }

    // Observer: bytes seen on the wire, either direction, in order.
    void feed(sim::Direction dir, std::string_view bytes, std::int64_t time_us = 0) override;
    void feed_eof(sim::Direction dir, std::int64_t time_us = 0) override;

    // Client role: one command line without CRLF.
    struct SubmitResult {
        bool ok = false;
        std::string error;  // why it was not sent, in English
        sim::Said said;     // `error` as a phrase, for every language

        static SubmitResult refused(sim::Said why);
    };
    SubmitResult submit_line(std::string_view line, std::int64_t time_us = 0);
    // After 354: the message, dot-stuffed and terminated by the engine.
    SubmitResult send_message(std::string_view content, std::int64_t time_us = 0);
    std::optional<ReplyReceived> next_reply();

    // Server role: next_input(), then send() the answer.
    // Octets the client has sent that the server has not passed to receive()
    // yet: a server that reads a line at a time and answers in between says
    // so before each line. A reply written meanwhile reaches a client that
    // sent those octets without having read it, so the commands among them
    // were pipelined with the one it answers (RFC 2920 3.1).
    void input_waiting(std::uint64_t octets) { m_input_waiting = octets; }
    // Writes and traces a reply; returns the reply event's seq.
    std::uint64_t send(const Reply& reply, std::int64_t time_us = 0);

  private:
    using Line = sim::LineReader::Line;
    struct Pending {
        Verb verb = Verb::Unknown;
        std::uint64_t seq = 0;
        bool intermediate = false;  // 354 / 334 seen
        bool content_done = false;  // DATA: the "." has been sent
        // Must end a pipelined group (RFC 2920 3.1, RFC 3207 4, RFC 4954 4).
        bool last_in_group = false;
    };
    struct PartialReply {
        int code = 0;
        std::uint64_t offset = 0;
        std::uint64_t size = 0;
        std::string raw;
        std::vector<std::string> lines;
        bool mixed_codes = false;
        bool too_many_lines = false;
    };
    // A command the server answered while the client had already sent more:
    // for the commands in those octets it was still in flight.
    struct Unseen {
        Pending command;
        State state_before = State::Connecting;
        std::uint64_t seen_from = 0;  // client octets from here on were sent after the reply
    };
    struct DataInProgress {
        explicit DataInProgress(const Limits& limits) : reader(limits) {}
        DataReader reader;
        std::uint64_t offset = 0;
        std::string raw;
        std::uint64_t command_seq = 0;
    };

    void observe(sim::Direction dir, std::string_view bytes, std::int64_t time_us);
    void process_client();
    void process_server();
    void on_command_line(const Line& line);
    void on_sasl_line(const Line& line);
    void on_reply_line(const Line& line);
    void on_reply(PartialReply partial);
    void on_greeting(const Reply& reply, std::uint64_t seq);
    void on_answer(const Reply& reply, std::uint64_t seq);
    void on_data_bytes();
    void finish_data(bool ended);
    void check_order(const Command& command, std::uint64_t offset,
                     std::optional<std::string>& state_error);
    void sent_before_reply(Verb verb, sim::ByteSpan wire);
    State projected_state() const;
    // The commands whose replies the client had not read: the answered ones
    // it pipelined past (server role), then the pending ones.
    std::vector<Pending> in_flight() const;
    void reject(const Line& line, std::uint64_t seq, int code, std::string enhanced,
                sim::Said rule);

    // A fatal violation also stops the parsing.
    std::uint64_t violation(sim::Direction dir, sim::Said rule, std::string section,
                            bool fatal = false, sim::ByteSpan wire = {});
    std::uint64_t violation(sim::Direction dir, std::string rule, std::string section,
                            bool fatal = false, sim::ByteSpan wire = {}) {
        return violation(dir, sim::verbatim(std::move(rule)), std::move(section), fatal, wire);
    }
    void push_pending(Verb verb, std::uint64_t seq, bool last_in_group = false);

    sim::LineReader m_reader[2];
    std::deque<Pending> m_pending;
    std::deque<Unseen> m_unseen;
    std::uint64_t m_input_waiting = 0;
    std::optional<PartialReply> m_partial;
    std::optional<DataInProgress> m_data;
    std::vector<std::string> m_extensions;
    bool m_greeting_seen = false;
    bool m_sasl_expected = false;
    bool m_hold = false;
    bool m_hold_reported = false;
    bool m_stopped = false;  // a fatal violation: nothing more is parsed

    std::deque<ReplyReceived> m_replies;
};

}  // namespace mailscope::smtp
