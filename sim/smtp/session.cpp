#include "sim/smtp/session.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "sim/core/rule_events.hpp"
#include "sim/core/secrets.hpp"

namespace mailscope::smtp {

using sim::Direction;
using sim::EventKind;
using sim::Phrase;
using sim::say;
using sim::TraceEvent;

namespace {

// Reply lines longer than RFC 5321's 512 octets are reported but still read
// up to this bound, as real servers send them.
constexpr std::size_t kReplyFramingBound = 4096;

std::string upper(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

std::string first_line(std::string_view bytes) {
    auto end = bytes.find('\n');
    auto line = bytes.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return std::string(line);
}

// The command that carries credentials a line's first word names, or only
// starts like ("AUTHxyz": the word itself may hold the secret).
const VerbInfo* credentials_command(std::string_view word) {
    for (const auto& info : verbs) {
        if (info.secret_from && word.starts_with(info.name)) return &info;
    }
    return nullptr;
}

// AUTH with an initial response for PLAIN or EXTERNAL may be followed in
// its group: RFC 4954 4 makes the exception for one-round mechanisms without
// a security layer.
bool last_in_group(const Command& command) {
    if (command.verb == Verb::Auth && command.initial_response &&
        (command.mechanism == "PLAIN" || command.mechanism == "EXTERNAL")) {
        return false;
    }
    return !verb_info(command.verb).ends_group.empty();
}

bool in_session(State state) {
    return state == State::Ready || state == State::Greeted || state == State::Mail ||
           state == State::Rcpt;
}

// The verb word of a line that does not parse, for the trace.
std::string verb_word(std::string_view text) {
    auto word = text.substr(0, std::min<std::size_t>(text.find(' '), 16));
    for (char c : word) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return "?";
    }
    return word.empty() ? "?" : upper(word);
}

// The event's summary as a phrase, and its English.
void set_summary(TraceEvent& event, sim::Said said) {
    event.summary = sim::render(said, sim::Language::En);
    event.said = std::move(said);
}

}  // namespace

SmtpSession::SmtpSession(sim::SessionTrace& trace, SessionOptions options)
    : SessionEngine(trace, sim::Protocol::Smtp, options) {}

bool SmtpSession::extension_offered(std::string_view keyword) const {
    for (const auto& line : m_extensions) {
        auto word = std::string_view(line).substr(0, line.find(' '));
        if (word == keyword) return true;
    }
    return false;
}

// ---------------------------------------------------------------------------
// [SECTION] Bytes in
// ---------------------------------------------------------------------------

std::uint64_t SmtpSession::partial_line(Direction dir) const {
    return m_reader[sim::direction_index(dir)].buffered().size();
}

bool SmtpSession::reply_pending() const {
    return !m_pending.empty() || m_partial.has_value() ||
           m_reader[sim::direction_index(Direction::ServerToClient)].mid_line();
}

void SmtpSession::feed(Direction dir, std::string_view bytes, std::int64_t time_us) {
    observe(dir, bytes, time_us);
}

void SmtpSession::observe(Direction dir, std::string_view bytes, std::int64_t time_us) {
    m_now = time_us;
    if (bytes.empty() || m_state == State::Closed) return;
    m_reader[sim::direction_index(dir)].feed(bytes);
    if (dir == Direction::ClientToServer) {
        process_client();
    } else {
        process_server();
        // A reply may have released held client octets (354, 334, a refusal).
        process_client();
    }
    m_events.commit();
}

void SmtpSession::feed_eof(Direction dir, std::int64_t time_us) {
    m_now = time_us;
    if (m_state == State::Closed) return;
    const bool client = dir == Direction::ClientToServer;
    const auto d = sim::direction_index(dir);
    if (client && m_data) {
        violation(dir, say(Phrase::SmtpClientClosedMidData), "RFC 5321 3.8", false,
                  {m_data->offset, m_data->reader.wire_size()});
        finish_data(false);
    } else if (m_reader[d].mid_line()) {
        violation(dir,
                  say(client ? Phrase::SmtpClientClosedMidLine : Phrase::SmtpServerClosedMidLine),
                  "RFC 5321 3.8", false, {m_reader[d].offset(), m_reader[d].buffered().size()});
    }
    add_close_note(dir, "RFC 5321 3.8");
    if (m_state == State::Connecting) {
        transition(State::Quit, say(Phrase::SmtpCauseClosedBeforeGreeting), dir);
    } else if (m_state == State::Data) {
        transition(State::Quit, say(Phrase::SmtpCauseLostMidData), dir);
    } else if (in_session(m_state)) {
        transition(State::Quit, say(Phrase::SmtpCauseLost), dir);
    }
    transition(State::Closed, say(Phrase::CauseConnectionClosed), dir);
    m_events.commit();
}

// ---------------------------------------------------------------------------
// [SECTION] Client to server
// ---------------------------------------------------------------------------

void SmtpSession::process_client() {
    const auto d = sim::direction_index(Direction::ClientToServer);
    while (!m_stopped && m_state != State::Closed) {
        if (m_data) {
            on_data_bytes();
            if (m_data) return;
            continue;
        }
        if (m_hold) {
            if (!m_reader[d].buffered().empty() && !m_hold_reported && !m_pending.empty()) {
                sent_before_reply(m_pending.back().verb,
                                  {m_reader[d].offset(), m_reader[d].buffered().size()});
            }
            if (m_reader[d].buffered().size() > m_options.limits.max_held_bytes) {
                violation(Direction::ClientToServer,
                          say(Phrase::SmtpHeldOctetsDropped, m_reader[d].buffered().size()),
                          "RFC 2920 3.1", false,
                          {m_reader[d].offset(), m_reader[d].buffered().size()});
                m_reader[d].drop_buffered();
            }
            return;
        }
        auto line = m_reader[sim::direction_index(Direction::ClientToServer)].next(
            m_options.limits.max_auth_line);
        if (!line) return;
        if (m_sasl_expected) {
            on_sasl_line(*line);
        } else {
            on_command_line(*line);
        }
    }
}

void SmtpSession::reject(const Line& line, std::uint64_t seq, int code, std::string enhanced,
                         sim::Said rule) {
    auto message = sim::render(rule, sim::Language::En);
    violation(Direction::ClientToServer, std::move(rule),
              code == 500 ? "RFC 5321 4.5.3.1.4" : "RFC 5321 4.1", false, {line.offset, line.size});
    push_pending(Verb::Unknown, seq);
    if (m_options.role == Role::Server) {
        m_inputs.push_back(CommandRejected{code, std::move(enhanced), std::move(message), seq});
    }
}

void SmtpSession::on_command_line(const Line& line) {
    const auto dir = Direction::ClientToServer;
    TraceEvent event =
        wire_event(dir, EventKind::Command, sim::ByteSpan{line.offset, line.size}, line.bytes);
    event.section = "RFC 5321 4.1";

    const auto text = line.text();
    const auto word = sim::word_upper(text, 0);
    const auto* secret = credentials_command(word);
    const bool auth_line = secret != nullptr;
    // A lone base64 word is a SASL response sent out of turn (after a
    // refused AUTH, say): it may be a password.
    const bool stray_sasl = !auth_line && sim::word_upper(text, 1).empty() &&
                            sim::looks_like_sasl_response(text) &&
                            parse_command(text).verb == Verb::Unknown;
    if ((auth_line || stray_sasl) && !m_options.reveal_secrets) {
        event.raw = sim::mask_after_words(
            line.bytes, auth_line && word == secret->name ? *secret->secret_from + 1 : 0);
        event.redacted = true;
    }
    if (line.too_long || (line.size > m_options.limits.max_command_line && !auth_line)) {
        event.name = auth_line ? std::string(secret->name) : stray_sasl ? "?" : verb_word(text);
        set_summary(event, say(Phrase::SmtpCommandLineOctets, line.size));
        const auto seq = add_event(std::move(event));
        reject(line, seq, 500, "5.5.2",
               say(Phrase::SmtpCommandLineTooLong, line.size,
                   auth_line ? m_options.limits.max_auth_line : m_options.limits.max_command_line));
        return;
    }
    if (line.bare_lf) {
        violation(dir, say(Phrase::SmtpBareLf), "RFC 5321 2.3.8", false, {line.offset, line.size});
    }
    auto parsed = parse_command(text);
    if (!parsed.command) {
        event.name =
            parsed.verb == Verb::Unknown ? verb_word(text) : std::string(verb_name(parsed.verb));
        event.section = std::string(verb_info(parsed.verb).section);
        set_summary(event, say(Phrase::SmtpCommandUnparsed));
        sim::Said error = parsed.said;
        if (event.redacted) {
            if (stray_sasl) event.name = "?";
            auto fallback = say(stray_sasl ? Phrase::SmtpStrayBase64 : Phrase::SmtpAuthSyntax);
            auto fallback_text = sim::render(fallback, sim::Language::En);
            if (sim::safe_message(parsed.error, text, fallback_text) == fallback_text &&
                parsed.error != fallback_text) {
                error = std::move(fallback);
            }
        }
        const auto seq = add_event(std::move(event));
        reject(line, seq, parsed.verb == Verb::Unknown ? 500 : 501, "5.5.2",
               say(Phrase::SmtpSyntaxError, std::move(error)));
        return;
    }
    const auto& command = *parsed.command;
    event.name = command.name;
    event.section = std::string(verb_info(command.verb).section);
    if (command.verb == Verb::Auth && !command.initial_response) {
        event.raw = keep(line.bytes);
        event.redacted = false;
    }
    event.summary = first_line(event.raw);
    if (command.path && !command.path->route.empty()) {
        set_summary(event, say(Phrase::SmtpSourceRouteIgnored, event.summary,
                               fmt::format("{}", fmt::join(command.path->route, ", "))));
    }
    const auto seq = add_event(std::move(event));
    for (const auto& warning : command.warnings) {
        violation(dir, warning, std::string(verb_info(command.verb).section), false,
                  {line.offset, line.size});
    }
    std::optional<std::string> state_error;
    check_order(command, line.offset, state_error);
    const bool last = last_in_group(command);
    push_pending(command.verb, seq, last);
    if (last && has_flag(command.verb, VerbFlag::SwitchesInput)) {
        m_hold = true;
        m_hold_reported = false;
    }
    if (m_options.role == Role::Server) {
        m_inputs.push_back(CommandReceived{command, seq, std::move(state_error)});
    }
}

void SmtpSession::check_order(const Command& command, std::uint64_t offset,
                              std::optional<std::string>& state_error) {
    const auto dir = Direction::ClientToServer;
    // Replies the client had read before it sent this command.
    while (!m_unseen.empty() && m_unseen.front().seen_from <= offset)
        m_unseen.pop_front();
    if (m_state == State::Connecting) {
        violation(dir, say(Phrase::SmtpBeforeGreeting, command.name), "RFC 5321 3.1");
        return;
    }
    // Judged by what the client knew: a command pipelined behind refused
    // RCPTs is no mistake (RFC 2920 3.1: the client "must then check the
    // response to the DATA command").
    if (!command_allowed(command.verb, m_state) &&
        !command_allowed(command.verb, projected_state())) {
        auto rule = say(Phrase::NotValidInState, command.name, sim::state_phrase(m_state));
        state_error = sim::render(rule, sim::Language::En);
        violation(dir, std::move(rule), "RFC 5321 4.1.4");
    }
    const auto commands = in_flight();
    if (commands.empty()) return;
    const Verb previous = commands.back().verb;
    if (std::any_of(commands.begin(), commands.end(),
                    [](const Pending& p) { return p.verb == Verb::Helo; })) {
        violation(dir, say(Phrase::SmtpBeforeHeloReply, command.name), "RFC 2920 3");
        return;
    }
    if (!extension_offered("PIPELINING")) {
        violation(dir, say(Phrase::SmtpNoPipelining, command.name, verb_name(previous)),
                  "RFC 2920 3.1");
        return;
    }
    for (const auto& pending : commands) {
        if (pending.last_in_group && !pending.content_done) {
            violation(dir, say(Phrase::SmtpAfterGroupEnd, command.name, verb_name(pending.verb)),
                      "RFC 2920 3.1");
            return;
        }
    }
}

void SmtpSession::sent_before_reply(Verb verb, sim::ByteSpan wire) {
    m_hold_reported = true;
    violation(Direction::ClientToServer, say(Phrase::SmtpSentBeforeReply, verb_name(verb)),
              std::string(verb_info(verb).ends_group), false, wire);
}

std::vector<SmtpSession::Pending> SmtpSession::in_flight() const {
    std::vector<Pending> out;
    for (const auto& unseen : m_unseen)
        out.push_back(unseen.command);
    out.insert(out.end(), m_pending.begin(), m_pending.end());
    return out;
}

// The state if every command in flight succeeds: a pipelining client may
// send RCPT before MAIL's reply (RFC 2920).
State SmtpSession::projected_state() const {
    // From the state before the first reply the client had not read.
    State state = m_unseen.empty() ? m_state : m_unseen.front().state_before;
    for (const auto& pending : in_flight()) {
        switch (pending.verb) {
            case Verb::Helo:
            case Verb::Ehlo:
                if (in_session(state)) state = State::Greeted;
                break;
            case Verb::Mail:
                if (state == State::Greeted) state = State::Mail;
                break;
            case Verb::Rcpt:
                if (state == State::Mail) state = State::Rcpt;
                break;
            case Verb::Data:
                if (pending.content_done) {
                    state = State::Greeted;
                } else if (state == State::Rcpt) {
                    state = State::Data;
                }
                break;
            case Verb::Rset:
                if (state == State::Mail || state == State::Rcpt) state = State::Greeted;
                break;
            case Verb::Starttls:
                state = State::Ready;
                break;
            case Verb::Quit:
                state = State::Quit;
                break;
            default:
                break;
        }
    }
    return state;
}

void SmtpSession::on_sasl_line(const Line& line) {
    const auto dir = Direction::ClientToServer;
    m_sasl_expected = false;
    const std::string text(line.too_long ? std::string_view{} : line.text());
    const bool cancelled = text == "*";
    TraceEvent event =
        wire_event(dir, EventKind::Command, sim::ByteSpan{line.offset, line.size}, line.bytes);
    event.name = "AUTH";
    event.section = "RFC 4954 4";
    set_summary(event, say(cancelled ? Phrase::SmtpSaslCancel : Phrase::SmtpSaslAnswer));
    if (!m_options.reveal_secrets && !cancelled) {
        event.raw = "***\r\n";
        event.redacted = true;
    }
    for (const auto& pending : m_pending) {
        if (pending.verb == Verb::Auth) {
            event.link = sim::Link::Answers;
            event.link_seq = pending.seq;
        }
    }
    add_event(std::move(event));
    if (line.too_long) {
        violation(dir, say(Phrase::SmtpSaslLineTooLong, line.size, m_options.limits.max_auth_line),
                  "RFC 4954 4", false, {line.offset, line.size});
    } else if (line.bare_lf) {
        violation(dir, say(Phrase::SmtpBareLf), "RFC 5321 2.3.8", false, {line.offset, line.size});
    }
    m_hold = true;
    m_hold_reported = false;
    if (m_options.role == Role::Server) m_inputs.push_back(SaslReceived{text, cancelled});
}

void SmtpSession::on_data_bytes() {
    const auto d = sim::direction_index(Direction::ClientToServer);
    const auto buffer = m_reader[d].buffered();
    if (buffer.empty()) return;
    const auto used = m_data->reader.feed(buffer);
    if (m_data->raw.size() < m_options.max_event_bytes) {
        m_data->raw.append(
            buffer.substr(0, std::min(used, m_options.max_event_bytes - m_data->raw.size())));
    }
    m_reader[d].consume(used);
    if (m_data->reader.done()) finish_data(true);
}

void SmtpSession::finish_data(bool ended) {
    const auto dir = Direction::ClientToServer;
    auto data = std::move(*m_data);
    m_data.reset();
    const auto& reader = data.reader;
    TraceEvent event;
    event.dir = dir;
    event.kind = EventKind::Literal;
    event.name = "DATA";
    event.section = "RFC 5321 4.1.1.4";
    event.wire = {data.offset, reader.wire_size()};
    event.raw = std::move(data.raw);
    event.literal =
        sim::LiteralInfo{reader.content_size(), false, event.raw.size() < reader.wire_size()};
    set_summary(event, say(ended ? Phrase::SmtpMessageData : Phrase::SmtpUnfinishedData,
                           reader.content_size()));
    event.link = sim::Link::Answers;
    event.link_seq = data.command_seq;
    const auto seq = add_event(std::move(event));
    if (reader.long_lines() > 0) {
        violation(dir,
                  say(Phrase::SmtpLongDataLines, reader.long_lines(),
                      m_options.limits.max_text_line, reader.longest_line()),
                  "RFC 5321 4.5.3.1.6", false, {data.offset, reader.wire_size()});
    }
    if (reader.bare_line_ends() > 0) {
        violation(dir, say(Phrase::SmtpBareLineEnds, reader.bare_line_ends()), "RFC 5321 2.3.8",
                  false, {data.offset, reader.wire_size()});
    }
    if (!ended) return;
    for (auto& pending : m_pending) {
        if (pending.verb == Verb::Data && pending.intermediate && !pending.content_done) {
            pending.content_done = true;
            break;
        }
    }
    if (m_options.role == Role::Server) {
        const bool too_large = reader.truncated();
        const auto size = reader.content_size();
        m_inputs.push_back(MessageReceived{data.reader.take_content(), size, too_large, seq});
    }
}

// ---------------------------------------------------------------------------
// [SECTION] Server to client
// ---------------------------------------------------------------------------

void SmtpSession::process_server() {
    while (!m_stopped && m_state != State::Closed) {
        auto line =
            m_reader[sim::direction_index(Direction::ServerToClient)].next(kReplyFramingBound);
        if (!line) return;
        on_reply_line(*line);
    }
}

void SmtpSession::on_reply_line(const Line& line) {
    const auto dir = Direction::ServerToClient;
    if (line.too_long || line.size > m_options.limits.max_reply_line) {
        violation(dir,
                  say(Phrase::SmtpReplyLineTooLong, line.size, m_options.limits.max_reply_line),
                  "RFC 5321 4.5.3.1.5", false, {line.offset, line.size});
    }
    if (line.bare_lf) {
        violation(dir, say(Phrase::SmtpBareLf), "RFC 5321 2.3.8", false, {line.offset, line.size});
    }
    auto parsed = line.too_long ? std::nullopt : parse_reply_line(line.text());
    if (!parsed) {
        TraceEvent event =
            wire_event(dir, EventKind::Untagged, sim::ByteSpan{line.offset, line.size}, line.bytes);
        event.name = "?";
        set_summary(event, say(Phrase::SmtpNotAReply));
        event.section = "RFC 5321 4.2";
        event.link = sim::Link::Unmatched;
        add_event(std::move(event));
        violation(dir, say(Phrase::SmtpReplyLineForm), "RFC 5321 4.2", false,
                  {line.offset, line.size});
        return;
    }
    if (!m_partial) {
        m_partial = PartialReply{};
        m_partial->code = parsed->code;
        m_partial->offset = line.offset;
    } else if (parsed->code != m_partial->code) {
        m_partial->mixed_codes = true;
    }
    m_partial->size = line.offset + line.size - m_partial->offset;
    if (m_partial->raw.size() < m_options.max_event_bytes) m_partial->raw += line.bytes;
    if (m_partial->lines.size() < m_options.limits.max_reply_lines) {
        m_partial->lines.push_back(std::move(parsed->text));
    } else {
        m_partial->too_many_lines = true;
    }
    if (parsed->last) {
        auto partial = std::move(*m_partial);
        m_partial.reset();
        on_reply(std::move(partial));
    }
}

void SmtpSession::on_reply(PartialReply partial) {
    const auto dir = Direction::ServerToClient;
    Reply reply;
    reply.code = partial.code;
    if (auto enhanced = leading_enhanced_code(partial.lines.front(), partial.code)) {
        reply.enhanced = *enhanced;
        for (auto& text : partial.lines) {
            if (text.rfind(reply.enhanced, 0) == 0) {
                text.erase(0, reply.enhanced.size());
                if (!text.empty() && text.front() == ' ') text.erase(0, 1);
            }
        }
    }
    reply.lines = std::move(partial.lines);

    TraceEvent event = wire_event(dir, EventKind::Tagged,
                                  sim::ByteSpan{partial.offset, partial.size}, partial.raw);
    event.name = fmt::format("{:03}", reply.code);
    event.status = sim::smtp_status(reply.code);
    event.reply_code = static_cast<std::uint16_t>(reply.code);
    event.code = reply.enhanced;
    event.section = std::string(reply_section(reply.code));
    set_summary(event, say(Phrase::SmtpReplySummary, event.name, reply_meaning_phrase(reply.code),
                           reply.first_line()));
    const auto seq = add_event(std::move(event));
    if (partial.mixed_codes) {
        violation(dir, say(Phrase::SmtpMixedCodes), "RFC 5321 4.2.1", false,
                  {partial.offset, partial.size});
    }
    if (partial.too_many_lines) {
        violation(dir, say(Phrase::SmtpTooManyReplyLines, m_options.limits.max_reply_lines),
                  "RFC 5321 4.2.1", false, {partial.offset, partial.size});
    }
    if (!code_in_range(reply.code)) {
        violation(dir, say(Phrase::SmtpCodeOutOfRange, fmt::format("{:03}", reply.code)),
                  "RFC 5321 4.2", false, {partial.offset, partial.size});
    }
    if (!m_greeting_seen) {
        on_greeting(reply, seq);
        return;
    }
    on_answer(reply, seq);
}

void SmtpSession::on_greeting(const Reply& reply, std::uint64_t seq) {
    m_greeting_seen = true;
    auto event = [&]() -> sim::TraceEvent& { return m_events.open(seq); };
    event().kind = EventKind::Untagged;
    event().link = sim::Link::Unsolicited;
    event().section = "RFC 5321 4.2.3";
    if (m_options.role == Role::Client) m_replies.push_back(ReplyReceived{reply, seq, {}, true});
    if (reply.code == 220) {
        set_summary(event(), say(Phrase::SmtpGreetingReady, reply.first_line()));
        transition(State::Ready, say(Phrase::SmtpCauseGreeting, "220"), Direction::ServerToClient);
    } else if (reply.code == 554 || reply.code == 421) {
        set_summary(event(), say(Phrase::SmtpGreetingNoService, reply.first_line()));
        transition(State::Quit, say(Phrase::SmtpCauseGreeting, reply.code),
                   Direction::ServerToClient);
    } else {
        violation(Direction::ServerToClient, say(Phrase::SmtpFirstReplyNotGreeting),
                  "RFC 5321 4.2.3");
        transition(State::Ready, say(Phrase::SmtpCauseGreetingNot220), Direction::ServerToClient);
    }
}

void SmtpSession::on_answer(const Reply& reply, std::uint64_t seq) {
    const auto dir = Direction::ServerToClient;
    auto event = [&]() -> sim::TraceEvent& { return m_events.open(seq); };
    if (m_pending.empty()) {
        if (m_options.role == Role::Client)
            m_replies.push_back(ReplyReceived{reply, seq, {}, false});
        if (reply.code == 421) {
            event().kind = EventKind::Untagged;
            event().link = sim::Link::Unsolicited;
            if (in_session(m_state) || m_state == State::Data) {
                transition(State::Quit, say(Phrase::SmtpCause421Closes), dir);
            }
            return;
        }
        event().kind = EventKind::Untagged;
        event().link = sim::Link::Unmatched;
        violation(dir, say(Phrase::SmtpReplyAnswersNothing, fmt::format("{:03}", reply.code)),
                  "RFC 5321 4.2");
        return;
    }
    const auto c = sim::direction_index(Direction::ClientToServer);
    if (m_options.role == Role::Server && m_hold && !m_hold_reported && m_input_waiting > 0 &&
        m_reader[c].buffered().empty()) {
        // The octets after the held command arrived before this reply went out.
        sent_before_reply(m_pending.back().verb, {m_reader[c].offset(), m_input_waiting});
    }
    auto& pending = m_pending.front();
    const Verb verb = pending.verb;
    const auto& info = verb_info(verb);
    event().link = sim::Link::Answers;
    event().link_seq = pending.seq;
    if (m_options.role == Role::Client) m_replies.push_back(ReplyReceived{reply, seq, verb, false});

    // Intermediate replies: the command stays in flight.
    if (verb == Verb::Data && !pending.intermediate && reply.code == info.intermediate) {
        event().kind = EventKind::Continuation;
        set_summary(event(), say(Phrase::Smtp354Summary));
        pending.intermediate = true;
        m_hold = false;
        m_data.emplace(m_options.limits);
        m_data->offset = m_reader[sim::direction_index(Direction::ClientToServer)].offset();
        m_data->command_seq = pending.seq;
        if (m_state == State::Rcpt) {
            transition(State::Data, say(Phrase::SmtpCauseDataAnswered354), dir);
        } else if (m_state == State::Mail) {
            // RFC 5321 3.3 lets a server accept DATA without a recipient and
            // refuse the message at its end; RFC 2920 3.2 asks a server that
            // offers PIPELINING not to.
            transition(State::Data, say(Phrase::SmtpCauseDataWithoutRecipient), dir);
            if (extension_offered("PIPELINING")) {
                violation(dir, say(Phrase::Smtp354WithoutRecipient), "RFC 2920 3.2");
            }
        }
        return;
    }
    if (verb == Verb::Auth && reply.code == info.intermediate) {
        event().kind = EventKind::Continuation;
        // Challenges are not secret; the client's answers are.
        set_summary(event(), say(Phrase::Smtp334Summary));
        pending.intermediate = true;
        m_hold = false;
        m_sasl_expected = true;
        return;
    }

    const Pending done = pending;
    const bool held_input = m_hold && m_pending.size() == 1;
    if (m_options.role == Role::Server && !held_input &&
        (m_input_waiting > 0 || !m_reader[c].buffered().empty())) {
        // The client sent more before it could read this reply.
        if (m_unseen.size() >= m_options.limits.max_outstanding) m_unseen.pop_front();
        m_unseen.push_back(Unseen{
            done, m_state, m_reader[c].offset() + m_reader[c].buffered().size() + m_input_waiting});
    }
    m_pending.pop_front();
    if (m_pending.empty()) m_hold = false;
    m_sasl_expected = false;
    const bool ok = reply.code / 100 == 2;
    const bool succeeded = info.success.contains(reply.code);
    const std::string name(verb_name(done.verb));

    if (verb == Verb::Data && done.intermediate) {
        if (!done.content_done) {
            // The server answered before the end of the data (a 421 cut).
            violation(dir, say(Phrase::SmtpReplyMidData), "RFC 5321 4.1.1.4");
            m_data.reset();
        }
        set_summary(event(), ok ? say(Phrase::SmtpDataAccepted, reply.first_line())
                                : say(Phrase::SmtpDataRefused, reply.code, reply.first_line()));
        if (reply.code == 421) {
            // A 421 that already ended the session leaves it where it is.
            if (m_state != State::Quit && m_state != State::Closed)
                transition(State::Quit, say(Phrase::SmtpCause421AfterData), dir);
        } else if (m_state == State::Data || m_state == State::Mail || m_state == State::Rcpt) {
            transition(
                State::Greeted,
                ok ? say(Phrase::SmtpCauseDelivered) : say(Phrase::SmtpCauseRefused, reply.code),
                dir);
        }
        return;
    }
    if (reply.code == 421) {
        if (in_session(m_state)) {
            transition(State::Quit, say(Phrase::SmtpCause421InReplyTo, name), dir);
        }
        return;
    }
    switch (verb) {
        case Verb::Helo:
        case Verb::Ehlo:
            if (succeeded) {
                if (verb == Verb::Ehlo) {
                    m_extensions.clear();
                    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
                        auto line = reply.lines[i];
                        auto space = line.find(' ');
                        m_extensions.push_back(
                            upper(line.substr(0, space)) +
                            (space == std::string::npos ? std::string() : line.substr(space)));
                    }
                    set_summary(event(), say(Phrase::SmtpEhloExtensions, m_extensions.size()));
                } else {
                    m_extensions.clear();
                }
                if (m_state == State::Ready || m_state == State::Greeted) {
                    transition(State::Greeted, say(Phrase::SmtpCauseAfter, "250", name), dir);
                } else if (m_state == State::Mail || m_state == State::Rcpt) {
                    transition(State::Greeted, say(Phrase::SmtpCauseAfterAborted, "250", name),
                               dir);
                }
            }
            break;
        case Verb::Mail:
            if (succeeded && command_allowed(verb, m_state)) {
                transition(State::Mail, say(Phrase::SmtpCauseAfter, "250", "MAIL FROM"), dir);
            }
            break;
        case Verb::Rcpt:
            if (succeeded && command_allowed(verb, m_state)) {
                transition(State::Rcpt, say(Phrase::SmtpCauseAfter, reply.code, "RCPT TO"), dir);
            }
            break;
        case Verb::Rset:
            if (succeeded && (m_state == State::Mail || m_state == State::Rcpt)) {
                transition(State::Greeted, say(Phrase::SmtpCauseAfterAborted, "250", "RSET"), dir);
            }
            break;
        case Verb::Starttls:
            if (succeeded) {
                m_extensions.clear();
                note(dir, say(Phrase::SmtpTlsStartsNow), m_now);
                const auto d = sim::direction_index(Direction::ClientToServer);
                if (!m_reader[d].buffered().empty()) {
                    violation(Direction::ClientToServer,
                              say(Phrase::SmtpOctetsBeforeTls, m_reader[d].buffered().size()),
                              "RFC 3207 4.2", false,
                              {m_reader[d].offset(), m_reader[d].buffered().size()});
                    m_reader[d].drop_buffered();
                }
                if (command_allowed(verb, m_state)) {
                    transition(State::Ready, say(Phrase::SmtpCauseAfter, "220", "STARTTLS"), dir);
                }
            }
            break;
        case Verb::Quit:
            if (succeeded && command_allowed(verb, m_state)) {
                transition(State::Quit, say(Phrase::SmtpCauseAfter, "221", "QUIT"), dir);
            }
            break;
        case Verb::Auth:
            set_summary(event(), succeeded ? say(Phrase::SmtpAuthenticated)
                                           : say(Phrase::SmtpCodeMeaning, reply.code,
                                                 reply_meaning_phrase(reply.code)));
            break;
        case Verb::Data:
            // DATA refused before any data (503, 554): nothing to read.
            break;
        case Verb::Noop:
        case Verb::Vrfy:
        case Verb::Expn:
        case Verb::Help:
        case Verb::Unknown:
            break;
    }
}

// ---------------------------------------------------------------------------
// [SECTION] Client role
// ---------------------------------------------------------------------------

SmtpSession::SubmitResult SmtpSession::SubmitResult::refused(sim::Said why) {
    return {false, sim::render(why, sim::Language::En), std::move(why)};
}

SmtpSession::SubmitResult SmtpSession::submit_line(std::string_view line, std::int64_t time_us) {
    m_now = time_us;
    if (m_options.role != Role::Client) return SubmitResult::refused(say(Phrase::SubmitOnlyClient));
    if (m_state == State::Connecting) return SubmitResult::refused(say(Phrase::SubmitWaitGreeting));
    if (m_state == State::Quit || m_state == State::Closed) {
        return SubmitResult::refused(say(Phrase::SubmitSessionEnded));
    }
    if (m_data) return SubmitResult::refused(say(Phrase::SubmitInData));
    if (m_sasl_expected) return SubmitResult::refused(say(Phrase::SubmitSaslLine));
    if (m_hold) {
        return SubmitResult::refused(
            say(Phrase::SubmitWaitReplyTo, verb_name(m_pending.back().verb)));
    }
    if (line.find_first_of("\r\n") != std::string_view::npos) {
        return SubmitResult::refused(say(Phrase::SubmitOneLine));
    }
    auto parsed = parse_command(line);
    if (!parsed.command) return SubmitResult::refused(say(Phrase::SubmitSyntaxError, parsed.said));
    const auto& command = *parsed.command;
    const std::size_t limit = verb_info(command.verb).secret_from
                                  ? m_options.limits.max_auth_line
                                  : m_options.limits.max_command_line;
    if (line.size() + 2 > limit) {
        return SubmitResult::refused(
            say(Phrase::SubmitLineTooLong, limit,
                verb_info(command.verb).secret_from ? "RFC 4954 4" : "RFC 5321 4.5.3.1.4"));
    }
    if (!command_allowed(command.verb, projected_state())) {
        return SubmitResult::refused(
            say(Phrase::NotValidInState, command.name, sim::state_phrase(projected_state())));
    }
    if (!m_pending.empty() && !extension_offered("PIPELINING")) {
        return SubmitResult::refused(
            say(Phrase::SubmitWaitNoPipelining, verb_name(m_pending.back().verb)));
    }
    for (const auto& pending : m_pending) {
        if ((pending.last_in_group && !pending.content_done) || pending.verb == Verb::Helo) {
            return SubmitResult::refused(say(Phrase::SubmitWaitReplyTo, verb_name(pending.verb)));
        }
    }
    send_raw(std::string(line) + "\r\n", time_us);
    return {true, {}, {}};
}

SmtpSession::SubmitResult SmtpSession::send_message(std::string_view content,
                                                    std::int64_t time_us) {
    if (m_options.role != Role::Client) {
        return SubmitResult::refused(say(Phrase::SubmitOnlyClientMessage));
    }
    if (!m_data) return SubmitResult::refused(say(Phrase::SubmitNo354));
    send_raw(dot_stuff(content), time_us);
    return {true, {}, {}};
}

std::optional<ReplyReceived> SmtpSession::next_reply() {
    return sim::take_front(m_replies);
}

// ---------------------------------------------------------------------------
// [SECTION] Server role
// ---------------------------------------------------------------------------

std::uint64_t SmtpSession::send(const Reply& reply, std::int64_t time_us) {
    return write_reply(serialize(reply), time_us);
}

// ---------------------------------------------------------------------------
// [SECTION] Trace helpers
// ---------------------------------------------------------------------------

void SmtpSession::push_pending(Verb verb, std::uint64_t seq, bool last_in_group) {
    if (m_pending.size() >= m_options.limits.max_outstanding) {
        violation(Direction::ClientToServer,
                  say(Phrase::SmtpTooManyOutstanding, m_options.limits.max_outstanding),
                  "RFC 2920 3.1");
        return;
    }
    m_pending.push_back(Pending{verb, seq, false, false, last_in_group});
}

std::uint64_t SmtpSession::violation(Direction dir, sim::Said rule, std::string section, bool fatal,
                                     sim::ByteSpan wire) {
    if (fatal) m_stopped = true;
    return SessionEngine::violation(dir, std::move(rule), std::move(section), fatal, wire);
}

}  // namespace mailscope::smtp
