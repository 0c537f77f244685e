#include "sim/pop3/session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "sim/core/rule_events.hpp"
#include "sim/core/secrets.hpp"

namespace mailscope::pop3 {

using sim::Direction;
using sim::EventKind;
using sim::Phrase;
using sim::say;
using sim::TraceEvent;

namespace {

std::string_view strip_line_end(std::string_view line) {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

bool carries_message(Verb verb) {
    return verb_info(verb).reply == ReplyForm::Message;
}

// The "<...@...>" timestamp of an APOP-capable greeting (RFC 1939 7).
std::string find_timestamp(std::string_view text) {
    auto open = text.find('<');
    while (open != std::string_view::npos) {
        auto close = text.find('>', open);
        if (close == std::string_view::npos) return {};
        auto candidate = text.substr(open, close - open + 1);
        if (candidate.find('@') != std::string_view::npos &&
            candidate.find(' ') == std::string_view::npos) {
            return std::string(candidate);
        }
        open = text.find('<', open + 1);
    }
    return {};
}

// What a response code (RFC 2449 8, RFC 3206) tells a learner.
std::optional<Phrase> code_meaning(std::string_view code) {
    if (code == "IN-USE") return Phrase::Pop3CodeInUse;
    if (code == "LOGIN-DELAY") return Phrase::Pop3CodeLoginDelay;
    if (code == "SYS/TEMP") return Phrase::Pop3CodeSysTemp;
    if (code == "SYS/PERM") return Phrase::Pop3CodeSysPerm;
    if (code == "AUTH") return Phrase::Pop3CodeAuth;
    return std::nullopt;
}

// The event's summary as a phrase, and its English.
void set_summary(TraceEvent& event, sim::Said said) {
    event.summary = sim::render(said, sim::Language::En);
    event.said = std::move(said);
}

// RFC 1939 5: "+OK nn mm", the message count and the size in octets.
std::optional<std::pair<std::uint32_t, std::uint64_t>> stat_counts(std::string_view text) {
    const auto space = text.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    auto count = parse_number(text.substr(0, space));
    auto rest = text.substr(space + 1);
    rest = rest.substr(0, rest.find(' '));
    if (!count || rest.empty() || rest.size() > 19) return std::nullopt;
    std::uint64_t size = 0;
    for (char c : rest) {
        if (c < '0' || c > '9') return std::nullopt;
        size = size * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return std::pair{*count, size};
}

// For a client line that carries a secret, how many of its words may be
// shown: PASS and its argument hide all but the command, APOP its digest,
// AUTH its initial response; a lone base64 word (a SASL response sent out of
// turn) hides everything. Nothing for other lines.
std::optional<std::size_t> secret_words_visible(const std::string& keyword,
                                                std::string_view content) {
    if (const auto secret_from = verb_info(verb_from_name(keyword)).secret_from) {
        return *secret_from + 1;
    }
    // "PASSsecret": the word itself holds the secret.
    for (const auto& info : verbs) {
        if (info.secret_from && keyword.starts_with(info.name)) return 0;
    }
    if (sim::word_upper(content, 1).empty() && sim::looks_like_sasl_response(content) &&
        verb_from_name(keyword) == Verb::Unknown) {
        return 0;
    }
    return std::nullopt;
}

sim::ReplyStatus reply_status(ReplyKind kind) {
    switch (kind) {
        case ReplyKind::Ok:
            return sim::ReplyStatus::PlusOk;
        case ReplyKind::Err:
            return sim::ReplyStatus::MinusErr;
        case ReplyKind::Continuation:
            break;
    }
    return sim::ReplyStatus::Intermediate;
}

std::string first_words(std::string_view data, std::size_t limit) {
    std::string out;
    std::size_t count = 0;
    for (auto line : data_lines(data)) {
        if (count == limit) {
            out += ", ...";
            break;
        }
        auto word = line.substr(0, line.find(' '));
        if (count++) out += ", ";
        out += std::string(word);
    }
    return out;
}

}  // namespace

Pop3Session::Pop3Session(sim::SessionTrace& trace, SessionOptions options)
    : SessionEngine(trace, sim::Protocol::Pop3, options) {}

// ---------------------------------------------------------------------------
// Bytes in
// ---------------------------------------------------------------------------

std::uint64_t Pop3Session::partial_line(Direction dir) const {
    return m_reader[sim::direction_index(dir)].buffered().size();
}

bool Pop3Session::reply_pending() const {
    return !m_pending.empty() || m_body.has_value() ||
           m_reader[sim::direction_index(Direction::ServerToClient)].mid_line();
}

void Pop3Session::feed(Direction dir, std::string_view bytes, std::int64_t time_us) {
    observe(dir, bytes, time_us);
}

void Pop3Session::observe(Direction dir, std::string_view bytes, std::int64_t time_us) {
    m_now = time_us;
    if (bytes.empty()) return;
    read_lines(dir, bytes);
    m_events.commit();
}

std::size_t Pop3Session::line_limit(Direction dir) const {
    if (dir == Direction::ServerToClient) return m_options.limits.max_reply_line;
    return m_expect_sasl_line ? m_options.limits.max_sasl_line : m_options.limits.max_command_line;
}

void Pop3Session::read_lines(Direction dir, std::string_view bytes) {
    auto& reader = m_reader[sim::direction_index(dir)];
    reader.feed(bytes);
    while (!reader.buffered().empty()) {
        if (m_state == State::Closed) {
            after_close_data(dir, reader.buffered().size());
            reader.drop_buffered();
            return;
        }
        if (dir == Direction::ServerToClient && m_body) {
            const auto data = reader.buffered();
            const auto used = m_body->decoder.feed(data);
            if (m_body->raw.size() < m_options.max_event_bytes) {
                m_body->raw.append(
                    data.substr(0, std::min(used, m_options.max_event_bytes - m_body->raw.size())));
            }
            reader.consume(used);
            if (m_body->decoder.done()) finish_body(true);
            continue;
        }
        const auto limit = line_limit(dir);
        auto line = reader.next(limit);
        if (!line) return;
        if (line->too_long) {
            on_line_too_long(dir, line->offset, limit);
        } else if (dir == Direction::ClientToServer) {
            on_client_line(line->bytes, line->offset, line->bare_lf);
        } else {
            on_server_line(line->bytes, line->offset, line->bare_lf);
        }
    }
}

void Pop3Session::on_line_too_long(Direction dir, std::uint64_t offset, std::size_t limit) {
    const bool client = dir == Direction::ClientToServer;
    const bool sasl = client && m_expect_sasl_line;
    auto rule = say(!client ? Phrase::Pop3ReplyLineTooLong
                    : sasl  ? Phrase::Pop3SaslLineTooLong
                            : Phrase::Pop3CommandLineTooLong,
                    limit);
    const auto seq =
        violation(dir, std::move(rule), sasl ? "RFC 5034 4" : "RFC 2449 4", false, {offset, limit});
    if (client && m_options.role == Role::Server) {
        if (sasl) {
            m_expect_sasl_line = false;
            m_inputs.push_back(SaslReceived{"*", true});
        } else {
            m_inputs.push_back(
                CommandRejected{fmt::format("command line longer than {} octets", limit), seq});
        }
    }
    if (client && !sasl && m_pending.size() < m_options.limits.max_outstanding &&
        m_state != State::Connecting) {
        // The server still answers it (with -ERR).
        Pending pending;
        pending.seq = seq;
        pending.valid = false;
        m_pending.push_back(std::move(pending));
    }
}

void Pop3Session::after_close_data(Direction dir, std::size_t size) {
    const auto d = sim::direction_index(dir);
    if (m_reported_after_close[d]) return;
    m_reported_after_close[d] = true;
    violation(dir, say(Phrase::Pop3OctetsAfterEnd, size), "RFC 1939 6", false,
              {m_reader[d].offset(), size});
}

void Pop3Session::feed_eof(Direction dir, std::int64_t time_us) {
    m_now = time_us;
    if (m_state == State::Closed) return;
    const auto d = sim::direction_index(dir);
    const bool client = dir == Direction::ClientToServer;
    if (dir == Direction::ServerToClient && m_body) finish_body(false);
    const auto partial = m_reader[d].buffered();
    if (!partial.empty()) {
        violation(dir,
                  say(client ? Phrase::Pop3ClientClosedMidLine : Phrase::Pop3ServerClosedMidLine),
                  "RFC 1939 3", false, {m_reader[d].offset(), partial.size()});
        m_reader[d].drop_buffered();
    }
    add_close_note(dir, "RFC 1939 6");
    switch (m_state) {
        case State::Connecting:
            transition(State::Closed, say(Phrase::Pop3CauseClosedBeforeGreeting), dir);
            break;
        case State::Authorization:
            transition(State::Closed, say(Phrase::CauseConnectionClosed), dir);
            break;
        case State::Transaction:
            transition(State::Closed, say(Phrase::Pop3CauseLostWithoutQuit), dir);
            break;
        case State::Update:
            transition(State::Closed, say(Phrase::Pop3CauseClosedAfterQuit), dir);
            break;
        case State::Closed:
            break;
    }
    m_events.commit();
}

// ---------------------------------------------------------------------------
// Client to server
// ---------------------------------------------------------------------------

void Pop3Session::on_client_line(std::string_view line, std::uint64_t offset, bool bare_lf) {
    const auto dir = Direction::ClientToServer;
    if (bare_lf) {
        violation(dir, say(Phrase::Pop3BareLf), "RFC 1939 3", false, {offset, line.size()});
    }
    if (m_state == State::Connecting && !m_spoke_early_reported) {
        m_spoke_early_reported = true;
        violation(dir, say(Phrase::Pop3CommandBeforeGreeting), "RFC 1939 4", false,
                  {offset, line.size()});
    }
    const auto content = strip_line_end(line);
    if (m_expect_sasl_line) {
        on_sasl_line(content, offset, line.size());
        return;
    }
    auto parsed = parse_command(content);
    if (parsed.command) {
        on_command(*parsed.command, line, offset);
        return;
    }
    TraceEvent event =
        wire_event(dir, EventKind::Command, sim::ByteSpan{offset, line.size()}, line);
    // A line that only starts like PASS, APOP or AUTH still carries a secret,
    // and a lone base64 word is a SASL response sent out of turn.
    const auto keyword = sim::word_upper(content, 0);
    const auto visible = secret_words_visible(keyword, content);
    event.name = visible ? keyword : parsed.keyword.empty() ? "?" : parsed.keyword;
    std::string error = parsed.error;
    sim::Said error_said = parsed.said;
    if (visible && !m_options.reveal_secrets) {
        event.raw = sim::mask_after_words(line, *visible);
        event.redacted = true;
        const auto hidden = sim::words_after(content, *visible);
        auto fallback = *visible == 0 ? say(Phrase::Pop3HiddenLineUnparsed)
                                      : say(Phrase::Pop3HiddenCommandUnparsed, keyword);
        auto fallback_text = sim::render(fallback, sim::Language::En);
        error = sim::safe_message(std::move(error), hidden, fallback_text);
        if (error == fallback_text && parsed.error != fallback_text) error_said = fallback;
        if (*visible == 0) event.name = "?";
    }
    set_summary(event, say(Phrase::Pop3CommandUnparsed, error_said));
    event.section = "RFC 1939 3";
    const auto seq = add_event(std::move(event));
    violation(dir, say(Phrase::Pop3SyntaxError, std::move(error_said)), "RFC 1939 3", false,
              {offset, line.size()});
    if (m_options.role == Role::Server) m_inputs.push_back(CommandRejected{error, seq});
    if (m_pending.size() < m_options.limits.max_outstanding) {
        Pending pending;
        pending.command.keyword = parsed.keyword;
        pending.seq = seq;
        pending.valid = false;
        m_pending.push_back(std::move(pending));
    }
}

void Pop3Session::on_command(const Command& command, std::string_view wire, std::uint64_t offset) {
    const auto dir = Direction::ClientToServer;
    TraceEvent event =
        wire_event(dir, EventKind::Command, sim::ByteSpan{offset, wire.size()}, wire);
    // The APOP digest can be attacked offline; an initial response is the
    // credentials themselves.
    if (const auto secret_from = verb_info(command.verb).secret_from;
        !m_options.reveal_secrets && secret_from && command.args.size() > *secret_from) {
        event.raw = sim::mask_after_words(wire, *secret_from + 1);
        event.redacted = true;
    }
    const std::string name =
        command.verb == Verb::Unknown ? command.keyword : std::string(verb_name(command.verb));
    event.name = name;
    event.section = std::string(verb_info(command.verb).section);
    set_summary(event, say(Phrase::Pop3CommandSummary, strip_line_end(event.raw),
                           verb_info(command.verb).purpose));
    const auto seq = add_event(std::move(event));

    std::optional<sim::Said> state_said;
    // The sentence that limits the command's states, where the command's
    // own section says more than the state's (PASS: RFC 1939 7).
    const auto& narrowed = verb_info(command.verb).states_section;
    std::string_view section = narrowed.empty() ? state_section(m_state) : narrowed;
    if (m_state == State::Update || m_state == State::Closed) {
        state_said = say(Phrase::Pop3NoCommandAfterQuit, name, sim::state_phrase(m_state));
        section = state_section(m_state);
    } else if (m_state != State::Connecting && !state_change_outstanding()) {
        if (!command_allowed(command.verb, m_state)) {
            state_said = say(Phrase::NotValidInState, name, sim::state_phrase(m_state));
        } else if (command.verb == Verb::Pass && !m_user_accepted &&
                   std::none_of(m_pending.begin(), m_pending.end(), [](const Pending& p) {
                       return p.valid && p.command.verb == Verb::User;
                   })) {
            state_said = say(Phrase::Pop3PassWithoutUser);
        }
    }
    std::optional<std::string> state_error;
    if (state_said) {
        state_error = sim::render(*state_said, sim::Language::En);
        violation(dir, std::move(*state_said), std::string(section), false, {offset, wire.size()});
    }
    if (m_pending.size() >= m_options.limits.max_outstanding) {
        auto rule = say(Phrase::Pop3TooManyOutstanding, m_options.limits.max_outstanding);
        auto message = sim::render(rule, sim::Language::En);
        violation(dir, std::move(rule), "RFC 2449 6.6");
        if (m_options.role == Role::Server) m_inputs.push_back(CommandRejected{message, seq});
        return;
    }
    const bool quit_in_transaction =
        command.verb == Verb::Quit && m_state == State::Transaction && !state_change_outstanding();
    Pending pending;
    pending.command = command;
    pending.seq = seq;
    pending.multiline = reply_is_multiline(command);
    m_pending.push_back(std::move(pending));
    // RFC 1939 6: QUIT from TRANSACTION enters UPDATE; the reply follows
    // once the deletions are done.
    if (quit_in_transaction)
        transition(State::Update, say(Phrase::Pop3CauseQuitInTransaction), dir);
    if (m_options.role == Role::Server) {
        m_inputs.push_back(CommandReceived{command, seq, state_error});
    }
}

void Pop3Session::on_sasl_line(std::string_view line, std::uint64_t offset, std::size_t wire_size) {
    m_expect_sasl_line = false;
    const bool cancelled = line == "*";
    TraceEvent event;
    event.dir = Direction::ClientToServer;
    event.kind = EventKind::Command;
    event.wire = {offset, wire_size};
    event.name = "AUTH";
    event.raw = keep(std::string(line) + "\r\n");
    if (!m_options.reveal_secrets && !cancelled) {
        event.raw = "***\r\n";
        event.redacted = true;
    }
    set_summary(event, say(cancelled ? Phrase::Pop3SaslCancel : Phrase::Pop3SaslAnswer));
    event.section = "RFC 5034 4";
    if (!m_pending.empty()) {
        event.link = sim::Link::Answers;
        event.link_seq = m_pending.front().seq;
    }
    add_event(std::move(event));
    if (m_options.role == Role::Server) {
        m_inputs.push_back(SaslReceived{std::string(line), cancelled});
    }
}

// ---------------------------------------------------------------------------
// Server to client
// ---------------------------------------------------------------------------

void Pop3Session::on_server_line(std::string_view line, std::uint64_t offset, bool bare_lf) {
    const auto dir = Direction::ServerToClient;
    if (bare_lf) {
        violation(dir, say(Phrase::Pop3BareLf), "RFC 1939 3", false, {offset, line.size()});
    }
    const auto content = strip_line_end(line);
    auto parsed = parse_status_line(content);
    const sim::ByteSpan wire{offset, line.size()};
    auto unparsable = [&](sim::Said rule) {
        TraceEvent event = wire_event(dir, EventKind::Untagged, wire, line);
        event.name = "?";
        set_summary(event, say(Phrase::Pop3NotAStatusLine));
        event.section = "RFC 1939 3";
        event.link = sim::Link::Unmatched;
        add_event(std::move(event));
        violation(dir, std::move(rule), "RFC 1939 3", false, wire);
    };
    if (m_state == State::Connecting) {
        if (!parsed || parsed->kind == ReplyKind::Continuation) {
            unparsable(say(Phrase::Pop3FirstLineNotGreeting));
            // Carry on as if greeted so the rest of a live session still decodes.
            transition(State::Authorization, say(Phrase::CauseMissingGreeting), dir);
            return;
        }
        on_greeting(*parsed, line, offset);
        return;
    }
    if (!parsed) {
        unparsable(say(Phrase::Pop3ReplyStartsWithStatus));
        return;
    }
    if (parsed->kind == ReplyKind::Continuation) {
        TraceEvent event = wire_event(dir, EventKind::Continuation, wire, line);
        event.name = "+";
        event.tag = "+";
        event.section = "RFC 5034 4";
        const bool in_auth = !m_pending.empty() && m_pending.front().valid &&
                             m_pending.front().command.verb == Verb::Auth &&
                             !m_pending.front().command.args.empty();
        if (!in_auth) {
            event.link = sim::Link::Unmatched;
            set_summary(event, say(Phrase::Pop3StrayChallenge));
            add_event(std::move(event));
            violation(dir, say(Phrase::Pop3ChallengeWithoutAuth), "RFC 5034 4", false, wire);
            return;
        }
        event.link = sim::Link::Answers;
        event.link_seq = m_pending.front().seq;
        // Challenges are not secret; the client's answers are.
        set_summary(event, say(Phrase::Pop3Challenge));
        const auto seq = add_event(std::move(event));
        m_expect_sasl_line = true;
        if (m_options.role == Role::Client) {
            m_replies.push_back(ReplyReceived{*parsed, seq, false, Verb::Auth});
        }
        return;
    }
    if (m_pending.empty()) {
        TraceEvent event = wire_event(dir, EventKind::Tagged, wire, line);
        event.name = std::string(status_text(parsed->kind));
        event.status = reply_status(parsed->kind);
        event.code = parsed->code;
        set_summary(event, say(Phrase::Pop3StatusAnswersNothing, event.name));
        event.section = "RFC 1939 3";
        event.link = sim::Link::Unmatched;
        const auto seq = add_event(std::move(event));
        violation(dir, say(Phrase::Pop3ReplyAnswersNothing), "RFC 1939 3", false, wire);
        if (m_options.role == Role::Client) {
            m_replies.push_back(ReplyReceived{*parsed, seq, false, Verb::Unknown});
        }
        return;
    }
    Pending answered = std::move(m_pending.front());
    m_pending.pop_front();
    if (parsed->kind == ReplyKind::Ok && answered.valid && answered.multiline) {
        Body body;
        body.reply = std::move(*parsed);
        body.reply.multiline = true;
        body.answers = std::move(answered);
        body.status_seq_offset = offset;
        body.data_offset = offset + line.size();
        const bool keep_data = m_options.role == Role::Client;
        const bool message = carries_message(body.answers.command.verb);
        body.decoder = MultilineDecoder(
            keep_data ? m_options.limits.max_multiline_size
            : message ? 0
                      : std::min<std::uint64_t>(m_options.limits.max_multiline_size, 64 * 1024));
        body.status_line = keep(line);
        m_body = std::move(body);
        return;
    }
    on_reply(std::move(*parsed), std::move(answered), keep(line), wire, std::nullopt, {});
}

void Pop3Session::on_greeting(const Reply& reply, std::string_view wire, std::uint64_t offset) {
    const auto dir = Direction::ServerToClient;
    TraceEvent event =
        wire_event(dir, EventKind::Untagged, sim::ByteSpan{offset, wire.size()}, wire);
    event.name = "GREETING";
    event.status = reply_status(reply.kind);
    event.code = reply.code;
    event.section = "RFC 1939 4";
    event.link = sim::Link::Unsolicited;
    const bool ok = reply.kind == ReplyKind::Ok;
    if (ok) {
        m_timestamp = find_timestamp(reply.text);
        set_summary(event, m_timestamp.empty() ? say(Phrase::Pop3GreetingUserPass)
                                               : say(Phrase::Pop3GreetingApop, m_timestamp));
    } else if (const auto meaning = code_meaning(reply.code)) {
        set_summary(event, say(Phrase::Pop3GreetingRefusedWhy, *meaning));
    } else {
        set_summary(event, say(Phrase::Pop3GreetingRefused));
    }
    const auto seq = add_event(std::move(event));
    if (m_options.role == Role::Client) {
        m_replies.push_back(ReplyReceived{reply, seq, true, Verb::Unknown});
    }
    if (ok) {
        transition(State::Authorization, say(Phrase::Pop3CauseGreeting, "+OK"), dir);
    } else {
        transition(State::Closed, say(Phrase::Pop3CauseGreeting, "-ERR"), dir);
    }
}

void Pop3Session::finish_body(bool complete) {
    Body body = std::move(*m_body);
    m_body.reset();
    const auto dir = Direction::ServerToClient;
    const auto& decoder = body.decoder;
    const std::uint64_t data_end = m_reader[sim::direction_index(dir)].offset();
    const std::uint64_t wire_size = data_end - body.data_offset;
    const std::size_t terminator = complete ? decoder.terminator_size() : 0;
    if (!complete) {
        violation(dir, say(Phrase::Pop3MultilineUnended), "RFC 1939 3", false,
                  {body.data_offset, wire_size});
    }
    if (decoder.bare_lf()) {
        violation(dir, say(Phrase::Pop3MultilineBareLf), "RFC 1939 3", false,
                  {body.data_offset, wire_size});
    }
    Reply reply = std::move(body.reply);
    reply.data = decoder.data();
    reply.data_size = decoder.data_size();
    reply.truncated = decoder.truncated() && m_options.role == Role::Client;
    if (reply.truncated) {
        note(dir, say(Phrase::Pop3ReplyTruncated, reply.data_size, reply.data.size()), m_now);
    }
    std::string raw = std::move(body.status_line);
    raw += body.raw;
    std::string body_raw = body.raw;
    const std::uint64_t body_size = wire_size - terminator;
    if (body_raw.size() > body_size) body_raw.resize(body_size);
    on_reply(std::move(reply), std::move(body.answers), keep(raw),
             {body.status_seq_offset, data_end - body.status_seq_offset},
             sim::ByteSpan{body.data_offset, body_size}, std::move(body_raw));
}

void Pop3Session::on_reply(Reply reply, Pending answered, std::string raw, sim::ByteSpan wire,
                           std::optional<sim::ByteSpan> body_wire, std::string body_raw) {
    const auto dir = Direction::ServerToClient;
    TraceEvent event;
    event.dir = dir;
    event.kind = EventKind::Tagged;
    event.wire = wire;
    event.raw = std::move(raw);
    event.name = std::string(status_text(reply.kind));
    event.status = reply_status(reply.kind);
    event.code = reply.code;
    event.section = answered.valid ? std::string(verb_info(answered.command.verb).section)
                                   : std::string("RFC 1939 3");
    auto summary = reply_summary(reply, answered);
    if (summary.phrase == sim::Phrase::Verbatim) {
        event.summary = std::move(summary.text);  // the wire text itself
    } else {
        set_summary(event, std::move(summary));
    }
    event.link = sim::Link::Answers;
    event.link_seq = answered.seq;
    const auto seq = add_event(std::move(event));
    if (body_wire && answered.valid && carries_message(answered.command.verb)) {
        TraceEvent literal;
        literal.dir = dir;
        literal.kind = EventKind::Literal;
        literal.name = "MESSAGE";
        literal.wire = *body_wire;
        literal.section = std::string(verb_info(answered.command.verb).section);
        const bool truncated = body_raw.size() < body_wire->size;
        literal.raw = std::move(body_raw);
        literal.literal = sim::LiteralInfo{reply.data_size, false, truncated};
        set_summary(literal, say(Phrase::Pop3MessageData, reply.data_size, body_wire->size));
        literal.link = sim::Link::Answers;
        literal.link_seq = seq;
        add_event(std::move(literal));
    }
    if (m_options.role == Role::Client) {
        m_replies.push_back(ReplyReceived{reply, seq, false,
                                          answered.valid ? answered.command.verb : Verb::Unknown});
    }
    after_reply(reply, answered, seq);
}

sim::Said Pop3Session::reply_summary(const Reply& reply, const Pending& answered) const {
    const auto verb = answered.valid ? answered.command.verb : Verb::Unknown;
    const auto& args = answered.command.args;
    if (reply.kind == ReplyKind::Err) {
        if (const auto meaning = code_meaning(reply.code))
            return say(Phrase::Pop3ErrReplyWhy, reply.text, *meaning);
        return say(Phrase::Pop3ErrReply, reply.text);
    }
    auto arg = [&](std::size_t i) { return i < args.size() ? args[i] : std::string("?"); };
    const auto lines = data_lines(reply.data).size();
    switch (verb) {
        case Verb::Stat:
            if (auto counts = stat_counts(reply.text)) {
                return say(Phrase::Pop3StatCounts, counts->first, counts->second);
            }
            return say(Phrase::Pop3OkText, reply.text);
        case Verb::List:
            return reply.multiline ? say(Phrase::Pop3ScanListing, lines)
                                   : say(Phrase::Pop3ScanLine, arg(0), reply.text);
        case Verb::Uidl:
            return reply.multiline ? say(Phrase::Pop3UidlListing, lines)
                                   : say(Phrase::Pop3UidlLine, arg(0), reply.text);
        case Verb::Retr:
            return say(Phrase::Pop3RetrFollows, arg(0), reply.data_size);
        case Verb::Top:
            return say(Phrase::Pop3TopFollows, arg(1), arg(0), reply.data_size);
        case Verb::Capa:
            return say(Phrase::Pop3Capabilities, first_words(reply.data, 16));
        case Verb::Auth:
            if (reply.multiline)
                return say(Phrase::Pop3SaslMechanisms, first_words(reply.data, 16));
            return say(Phrase::Pop3LoggedInAuth, reply.text);
        case Verb::Pass:
        case Verb::Apop:
            return say(Phrase::Pop3LoggedIn, reply.text);
        case Verb::Dele:
            return say(Phrase::Pop3MarkedDeleted, arg(0), reply.text);
        case Verb::Rset:
            return say(Phrase::Pop3MarksRemoved, reply.text);
        case Verb::Quit:
            return say(Phrase::Pop3SessionEnds, reply.text);
        case Verb::Stls:
            return say(Phrase::Pop3TlsAfterLine);
        default:
            return reply.text.empty() ? sim::verbatim("+OK") : say(Phrase::Pop3OkText, reply.text);
    }
}

void Pop3Session::after_reply(const Reply& reply, const Pending& answered, std::uint64_t seq) {
    (void)seq;
    const auto dir = Direction::ServerToClient;
    const bool ok = reply.kind == ReplyKind::Ok;
    if (!answered.valid) return;
    switch (answered.command.verb) {
        case Verb::User:
            m_user_accepted = ok;
            break;
        case Verb::Pass:
        case Verb::Apop:
            m_user_accepted = false;
            if (ok && command_allowed(answered.command.verb, m_state)) {
                transition(State::Transaction,
                           say(Phrase::Pop3CauseAccepted, verb_name(answered.command.verb)), dir);
            }
            break;
        case Verb::Auth:
            if (answered.command.args.empty()) break;
            m_expect_sasl_line = false;
            if (ok && command_allowed(answered.command.verb, m_state)) {
                transition(State::Transaction, say(Phrase::Pop3CauseAccepted, "AUTH"), dir);
            }
            break;
        case Verb::Quit:
            if (m_state == State::Authorization) {
                transition(State::Closed, say(Phrase::Pop3CauseQuitInAuthorization), dir);
            } else if (m_state == State::Transaction) {
                transition(State::Update, say(Phrase::Pop3CauseQuitInTransaction), dir);
                transition(State::Closed, say(Phrase::Pop3CauseReplyToQuit), dir);
            } else if (m_state == State::Update) {
                transition(State::Closed,
                           say(Phrase::Pop3CauseStatusToQuit, status_text(reply.kind)), dir);
            }
            break;
        case Verb::Stls:
            if (ok) note(dir, say(Phrase::Pop3TlsStartsNow), m_now);
            break;
        case Verb::Stat:
            if (ok && !stat_counts(reply.text)) {
                violation(dir, say(Phrase::Pop3StatNeedsCounts), "RFC 1939 5");
            }
            break;
        default:
            break;
    }
}

// ---------------------------------------------------------------------------
// Client role
// ---------------------------------------------------------------------------

Pop3Session::SubmitResult Pop3Session::SubmitResult::refused(sim::Said why) {
    return {false, sim::render(why, sim::Language::En), std::move(why)};
}

Pop3Session::SubmitResult Pop3Session::submit_line(std::string_view line, std::int64_t time_us) {
    m_now = time_us;
    if (m_options.role != Role::Client) return SubmitResult::refused(say(Phrase::SubmitOnlyClient));
    if (m_state == State::Connecting) return SubmitResult::refused(say(Phrase::SubmitWaitGreeting));
    if (m_state == State::Update || m_state == State::Closed) {
        return SubmitResult::refused(say(Phrase::SubmitSessionEnded));
    }
    if (m_expect_sasl_line) return SubmitResult::refused(say(Phrase::SubmitAnswerSasl));
    if (line.find_first_of("\r\n") != std::string_view::npos) {
        return SubmitResult::refused(say(Phrase::SubmitOneLine));
    }
    if (line.size() + 2 > m_options.limits.max_command_line) {
        return SubmitResult::refused(
            say(Phrase::SubmitLineTooLong, m_options.limits.max_command_line, "RFC 2449 4"));
    }
    auto parsed = parse_command(line);
    if (!parsed.command) return SubmitResult::refused(parsed.said);
    const auto verb = parsed.command->verb;
    if (!state_change_outstanding() && !command_allowed(verb, m_state)) {
        return SubmitResult::refused(
            say(Phrase::NotValidInState, parsed.command->keyword, sim::state_phrase(m_state)));
    }
    std::string bytes = std::string(line) + "\r\n";
    send_raw(bytes, time_us);
    return {true, {}, {}};
}

std::optional<ReplyReceived> Pop3Session::next_reply() {
    return sim::take_front(m_replies);
}

// ---------------------------------------------------------------------------
// Server role
// ---------------------------------------------------------------------------

std::uint64_t Pop3Session::send(const Reply& reply, std::int64_t time_us) {
    return write_reply(serialize(reply), time_us);
}

// ---------------------------------------------------------------------------
// Commands in flight
// ---------------------------------------------------------------------------

bool Pop3Session::state_change_outstanding() const {
    return std::any_of(m_pending.begin(), m_pending.end(), [](const Pending& pending) {
        return pending.valid && changes_state(pending.command.verb);
    });
}

}  // namespace mailscope::pop3
