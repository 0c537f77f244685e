#include "sim/imap/session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <utility>

#include "sim/core/rule_events.hpp"
#include "sim/core/secrets.hpp"
#include "sim/imap/event_data.hpp"
#include "sim/imap/extended_forms.hpp"
#include "sim/imap/literal_size.hpp"
#include "sim/imap/sections.hpp"
#include "sim/imap/untagged_answers.hpp"
#include "sim/text/utf8.hpp"

namespace mailscope::imap {

using sim::Direction;
using sim::EventKind;
using sim::Phrase;
using sim::say;
using sim::TraceEvent;

namespace {

// The summary of `event` as a phrase, and its English rendering.
void set_summary(TraceEvent& event, sim::Said said) {
    event.summary = sim::render(said, sim::Language::En);
    event.said = std::move(said);
}

// What the summary of `event` says so far: its phrase, or the wire text it is.
sim::Said said_summary(const TraceEvent& event) {
    return event.said ? *event.said : sim::verbatim(event.summary);
}

// The rule a literal's announcement follows.
std::string_view literal_section(const LiteralPart& literal) {
    if (literal.binary) return "RFC 3516 4.2";
    return literal.synchronizing ? "RFC 3501 4.3" : "RFC 7888 4";
}

// An X<atom> command or response name (RFC 3501 6.5.1).
bool is_experimental(std::string_view name) {
    return !name.empty() && (name[0] == 'X' || name[0] == 'x');
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

sim::ReplyStatus trace_status(Status status) {
    switch (status) {
        case Status::Ok:
            return sim::ReplyStatus::Ok;
        case Status::No:
            return sim::ReplyStatus::No;
        case Status::Bad:
            return sim::ReplyStatus::Bad;
        case Status::Bye:
            return sim::ReplyStatus::Bye;
        case Status::Preauth:
            return sim::ReplyStatus::Preauth;
        case Status::None:
            break;
    }
    return sim::ReplyStatus::None;
}

// The first line of a message, without its CRLF, for one-line summaries.
std::string first_line(std::string_view bytes) {
    auto end = bytes.find('\n');
    auto line = bytes.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return std::string(line);
}

std::string flag_list_text(const std::vector<std::string>& flags) {
    std::string out = "(";
    for (std::size_t i = 0; i < flags.size(); ++i) {
        if (i) out += ' ';
        out += flags[i];
    }
    return out + ")";
}

// A redacted copy of `bytes` with the [begin, end) ranges masked so that the
// result is still valid IMAP: literal secrets keep their length (the {n}
// framing stays true), quoted ones become "***", atoms `atom_mask`.
std::string redact(std::string_view bytes,
                   const std::vector<std::pair<std::size_t, std::size_t>>& ranges,
                   std::string_view atom_mask) {
    std::string out;
    std::size_t at = 0;
    for (auto [begin, end] : ranges) {
        if (begin < at || end > bytes.size() || end <= begin) continue;
        out.append(bytes.substr(at, begin - at));
        const bool in_literal = begin >= 3 && bytes[begin - 1] == '\n' &&
                                bytes[begin - 2] == '\r' && bytes[begin - 3] == '}';
        const bool quoted = begin >= 1 && bytes[begin - 1] == '"';
        if (in_literal) {
            out.append(end - begin, '*');
        } else if (quoted) {
            out.append("***");
        } else {
            out.append(atom_mask);
        }
        at = end;
    }
    out.append(bytes.substr(at));
    return out;
}

// What a client line that carries credentials is for, judged by its first
// words alone so that a line that does not parse is hidden all the same.
enum class SecretLine : std::uint8_t { None, Login, Authenticate, SaslResponse };

SecretLine secret_line(std::string_view bytes) {
    const auto word0 = sim::word_upper(bytes, 0);
    const auto word1 = sim::word_upper(bytes, 1);
    // "a1 LOGINbob": the command word itself may run into the secret.
    if (word0.starts_with("LOGIN") || word1.starts_with("LOGIN")) return SecretLine::Login;
    if (word0.starts_with("AUTHENTICATE") || word1.starts_with("AUTHENTICATE")) {
        return SecretLine::Authenticate;
    }
    // One base64 word that is not a command name ("NOOP" sent without a tag
    // stays visible): a SASL response the server did not ask for.
    if (sim::word_upper(bytes, 1).empty() && sim::looks_like_sasl_response(bytes) &&
        verb_from_name(word0) == Verb::Unknown) {
        return SecretLine::SaslResponse;
    }
    return SecretLine::None;
}

// Words of a secret line that stay visible: the tag and the command name,
// and for AUTHENTICATE the mechanism.
std::size_t visible_words(SecretLine kind, std::string_view bytes) {
    const auto word0 = sim::word_upper(bytes, 0);
    const auto word1 = sim::word_upper(bytes, 1);
    const bool tagged = !word0.starts_with("LOGIN") && !word0.starts_with("AUTHENTICATE");
    const auto& command = tagged ? word1 : word0;
    // Only an exact command word stays; "LOGINbob" hides from the start.
    const std::size_t before = tagged ? 1 : 0;
    switch (kind) {
        case SecretLine::Login:
            return command == "LOGIN" ? before + 1 : before;
        case SecretLine::Authenticate:
            return command == "AUTHENTICATE" ? before + 2 : before;
        case SecretLine::SaslResponse:
        case SecretLine::None:
            break;
    }
    return 0;
}

// "LOGIN" itself, not a word that only starts with it ("a1 LOGINbob").
bool exact_login(std::string_view bytes) {
    const auto word0 = sim::word_upper(bytes, 0);
    return word0 == "LOGIN" ||
           (!word0.starts_with("LOGIN") && sim::word_upper(bytes, 1) == "LOGIN");
}

constexpr std::size_t kMaxSecretLiterals = 4;

// send_fetch()'s buffer keeps up to this much between responses: flags and
// summaries fit, message bodies give it back.
constexpr std::size_t kKeptFetchText = 16 * 1024;

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The octets of a client message with literals that must not reach the
// trace. The message goes out in pieces, the first ones before it is
// complete, so this judges like secret_line() from the first words and the
// position of each argument, never from a parse: LOGIN's password (its user
// name stays visible), AUTHENTICATE's initial response, everything after the
// visible words of a line that only reads as one of them, and the whole of
// a line that answers a SASL challenge. Literal octets count as one argument
// (the range is their data); a quoted string's range is what the quotes hold.
std::vector<std::pair<std::size_t, std::size_t>> hidden_ranges(
    std::string_view message, const std::vector<LiteralPart>& literals, bool sasl_answer) {
    std::size_t keep_words = 0;
    std::size_t keep_arguments = 0;
    if (!sasl_answer) {
        const auto kind = secret_line(message);
        if (kind == SecretLine::None) return {};
        keep_words = visible_words(kind, message);
        keep_arguments = kind == SecretLine::Login && exact_login(message) ? 1 : 0;
    }
    // Literals are in message order.
    const auto literal_at = [&](std::size_t pos) -> const LiteralPart* {
        const auto found = std::lower_bound(
            literals.begin(), literals.end(), pos,
            [](const LiteralPart& literal, std::size_t at) { return literal.header_begin < at; });
        return found != literals.end() && found->header_begin == pos ? &*found : nullptr;
    };
    std::size_t pos = 0;
    const auto skip_blanks = [&] {
        while (pos < message.size() && is_blank(message[pos]))
            ++pos;
    };
    for (std::size_t word = 0; word < keep_words; ++word) {
        skip_blanks();
        if (pos >= message.size() || literal_at(pos)) break;
        while (pos < message.size() && !is_blank(message[pos]))
            ++pos;
    }
    std::vector<std::pair<std::size_t, std::size_t>> hidden;
    // LOGIN and AUTHENTICATE take two arguments: a line with more literals
    // than a few is hidden whole after its visible words, and is not scanned
    // again for every literal it announces.
    if (literals.size() > kMaxSecretLiterals) {
        if (pos < message.size()) hidden.emplace_back(pos, message.size());
        return hidden;
    }
    for (std::size_t argument = 0;; ++argument) {
        skip_blanks();
        if (pos >= message.size()) break;
        std::size_t begin = pos;
        std::size_t end = pos;
        if (const auto* literal = literal_at(pos)) {
            begin = literal->data_begin;
            end = literal->data_begin + static_cast<std::size_t>(literal->size);
            pos = end;
        } else if (message[pos] == '"') {
            // A quoted string ends at its quote, or at the line end it may
            // not contain (RFC 3501 4.3).
            begin = ++pos;
            while (pos < message.size() && message[pos] != '"' && message[pos] != '\r' &&
                   message[pos] != '\n')
                pos += message[pos] == '\\' ? 2 : 1;
            end = std::min(pos, message.size());
            ++pos;
        } else {
            while (pos < message.size() && !is_blank(message[pos]) && !literal_at(pos))
                ++pos;
            end = pos;
        }
        end = std::min(end, message.size());
        if (argument >= keep_arguments && begin < end) hidden.emplace_back(begin, end);
    }
    return hidden;
}

// The name a command line gives itself before it is complete: what the
// trace calls a command that goes out in pieces.
std::string command_name_of(std::string_view line) {
    switch (secret_line(line)) {
        case SecretLine::Login:
            return "LOGIN";
        case SecretLine::Authenticate:
            return "AUTHENTICATE";
        case SecretLine::SaslResponse:
            return "?";
        case SecretLine::None:
            break;
    }
    const auto word = sim::word_upper(line, 1);
    if (word == "UID") {
        const auto verb = verb_from_name(sim::word_upper(line, 2));
        return verb == Verb::Unknown ? std::string("UID") : "UID " + std::string(verb_name(verb));
    }
    const auto verb = verb_from_name(word);
    return verb == Verb::Unknown ? (word.empty() ? std::string("?") : word)
                                 : std::string(verb_name(verb));
}

// A literal whose announced size does not end it where the grammar can go
// on (a space, ')' or the line end): the count was wrong. The text the
// client meant runs from the literal's first octet to its line end, less a
// {n} that announces the next literal.
struct LiteralMismatch {
    sim::Said rule;
    sim::ByteSpan wire;
};

std::optional<LiteralMismatch> literal_mismatch(const Frame& frame) {
    const std::string_view bytes = frame.bytes;
    for (const auto& literal : frame.literals) {
        const std::size_t data_end = literal.data_begin + static_cast<std::size_t>(literal.size);
        if (data_end >= bytes.size()) continue;
        const char next = bytes[data_end];
        if (next == ' ' || next == ')' || next == '\r' || next == '\n') continue;
        std::size_t text_end = bytes.find('\n', data_end);
        if (text_end == std::string_view::npos) text_end = bytes.size();
        std::string_view text = bytes.substr(literal.data_begin, text_end - literal.data_begin);
        if (text.ends_with('\r')) text.remove_suffix(1);
        if (const auto open = text.rfind('{');
            text.ends_with('}') && open != std::string_view::npos) {
            const auto digits = text.substr(open + 1, text.size() - open - 2);
            if (!digits.empty() &&
                digits.find_first_not_of("0123456789+") == std::string_view::npos) {
                text = text.substr(0, open);
            }
        }
        while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
            text.remove_suffix(1);
        return LiteralMismatch{
            say(Phrase::LiteralSizeMismatch, explain_literal_said(literal.size, text)),
            {frame.stream_offset + literal.data_begin, 0}};
    }
    return std::nullopt;
}

Verb verb_of_name(std::string_view name) {
    return verb_from_name(name.starts_with("UID ") ? name.substr(4) : name);
}

sim::Said secret_line_error(SecretLine kind) {
    switch (kind) {
        case SecretLine::Login:
            return say(Phrase::LoginLineError);
        case SecretLine::Authenticate:
            return say(Phrase::AuthenticateLineError);
        case SecretLine::SaslResponse:
        case SecretLine::None:
            break;
    }
    return say(Phrase::SaslLineError);
}

}  // namespace

ImapSession::ImapSession(sim::SessionTrace& trace, SessionOptions options)
    : SessionEngine(trace, sim::Protocol::Imap, options) {
    m_framer[0] = Framer(m_options.limits);
    m_framer[1] = Framer(m_options.limits);
}

// ---------------------------------------------------------------------------
// [SECTION] Bytes in
// ---------------------------------------------------------------------------

void ImapSession::cite(std::string& section) const {
    if (m_capabilities.imap4rev2()) section = imap4rev2_section(section);
}

std::uint64_t ImapSession::partial_line(Direction dir) const {
    return m_framer[sim::direction_index(dir)].partial_line();
}

bool ImapSession::reply_pending() const {
    return !m_pending.empty() ||
           m_framer[sim::direction_index(Direction::ServerToClient)].buffered() > 0;
}

void ImapSession::feed(Direction dir, std::string_view bytes, std::int64_t time_us) {
    observe(dir, bytes, time_us);
}

void ImapSession::observe(Direction dir, std::string_view bytes, std::int64_t time_us) {
    m_now = time_us;
    if (bytes.empty() || m_state == State::Closed) return;
    auto d = sim::direction_index(dir);
    if (dir == Direction::ClientToServer) report_early_literal();
    m_fed[d] += bytes.size();
    if (dir == Direction::ServerToClient) {
        // Nothing holds responses back: they are framed straight from
        // `bytes`, without a copy into the framer first.
        m_framer[d].feed(bytes, [this](FramerEvent&& event) {
            on_framer_event(Direction::ServerToClient, std::move(event));
            return !m_fatal;
        });
        m_events.commit();
        return;
    }
    m_framer[d].feed(bytes);
    drain(dir);
}

void ImapSession::drain(Direction dir) {
    drain_frames(dir);
    m_events.commit();
}

void ImapSession::drain_frames(Direction dir) {
    auto d = sim::direction_index(dir);
    while (!m_fatal) {
        if (dir == Direction::ClientToServer && (m_hold_client_input || m_hold_for_sasl)) return;
        auto event = m_framer[d].next();
        if (!event) return;
        on_framer_event(dir, std::move(*event));
    }
}

void ImapSession::on_framer_event(Direction dir, FramerEvent&& event) {
    if (auto* frame = std::get_if<Frame>(&event)) {
        if (dir == Direction::ClientToServer) {
            on_client_frame(std::move(*frame));
        } else {
            on_server_frame(std::move(*frame));
        }
    } else if (auto* awaited = std::get_if<LiteralAwaited>(&event)) {
        if (dir == Direction::ClientToServer) {
            on_literal_awaited(*awaited);
        }
        // A server's literals never wait for the client (RFC 3501 4.3).
    } else if (auto* error = std::get_if<FrameError>(&event)) {
        on_frame_error(dir, *error);
    }
}

void ImapSession::feed_eof(Direction dir, std::int64_t time_us) {
    m_now = time_us;
    if (m_state == State::Closed) return;
    auto d = sim::direction_index(dir);
    const bool client = dir == Direction::ClientToServer;
    if (const auto literal = m_framer[d].literal_progress()) {
        violation(dir,
                  say(client ? Phrase::ClientClosedMidLiteral : Phrase::ServerClosedMidLiteral,
                      literal->announced, literal->arrived),
                  "RFC 3501 4.3", false, {m_framer[d].consumed(), m_framer[d].buffered()});
    } else if (m_framer[d].buffered() > 0) {
        violation(dir,
                  say(client ? Phrase::ClientClosedMidMessage : Phrase::ServerClosedMidMessage),
                  client ? "RFC 3501 2.2.1" : "RFC 3501 2.2.2", false,
                  {m_framer[d].consumed(), m_framer[d].buffered()});
    }
    add_close_note(dir, "RFC 3501 3.4");
    if (m_state != State::Logout) {
        transition(State::Logout, say(Phrase::CauseConnectionClosed), dir);
    }
    transition(State::Closed, say(Phrase::CauseConnectionClosed), dir);
    m_events.commit();
}

void ImapSession::on_frame_error(Direction dir, const FrameError& error) {
    const bool client = dir == Direction::ClientToServer;
    std::string section = error.kind == FrameErrorKind::LiteralTooLarge ||
                                  error.kind == FrameErrorKind::BadLiteralSize
                              ? "RFC 3501 4.3"
                              : "RFC 3501 2.2";
    violation(dir, error.said, section, error.fatal, {error.stream_offset, 0});
    if (error.fatal) m_fatal = true;
    if (client && m_open_command) {
        // Pieces of the dropped message are in the trace: the server's
        // answer to its tag completes that command.
        if (!m_open_command->tag.empty() && !find_pending(m_open_command->tag) &&
            m_pending.size() < m_options.limits.max_outstanding) {
            Pending pending;
            pending.tag = m_open_command->tag;
            pending.seq = m_open_command->seq;
            m_pending.push_back(pending);
        }
        m_open_command.reset();
    }
    if (client && m_sasl_tag) {
        // An over-long or broken SASL line ends the exchange: the server
        // answers the AUTHENTICATE with BAD, and the line (part of a
        // password, perhaps) is never taken for a tag.
        if (m_options.role == Role::Server) {
            m_inputs.push_back(CommandRejected{*m_sasl_tag, error.message, error.fatal});
        }
        m_expect_raw_line = false;
        m_framer[0].set_raw_next_line(false);
        if (client) m_awaiting_plus.reset();
        return;
    }
    if (client && m_options.role == Role::Server) {
        std::string tag;
        auto space = error.prefix.find(' ');
        if (space != std::string::npos && space > 0) tag = error.prefix.substr(0, space);
        for (char c : tag) {
            if (c == '+' || c == '*' || static_cast<unsigned char>(c) < 0x21 ||
                static_cast<unsigned char>(c) > 0x7e) {
                tag.clear();
                break;
            }
        }
        m_inputs.push_back(CommandRejected{tag, error.message, error.fatal});
    }
    if (client) m_awaiting_plus.reset();
}

// ---------------------------------------------------------------------------
// [SECTION] Client to server
// ---------------------------------------------------------------------------

void ImapSession::on_literal_awaited(const LiteralAwaited& awaited) {
    add_command_pieces(awaited.line, awaited.message_offset, m_framer[0].literals_so_far(), false);
    const auto& open = *m_open_command;
    const std::uint64_t header_end = awaited.message_offset + awaited.line.size();
    m_awaiting_plus = AwaitingPlus{open.tag, open.seq, header_end, false};
    if (m_fed[0] > header_end) report_early_literal();
    if (m_options.role == Role::Server) {
        m_hold_client_input = true;
        m_inputs.push_back(LiteralRequested{open.tag, awaited.size, open.seq});
    }
}

void ImapSession::report_early_literal() {
    if (!m_awaiting_plus || m_awaiting_plus->reported) return;
    m_awaiting_plus->reported = true;
    // RFC 3501 4.3: "the client MUST wait to receive a command continuation
    // request [...] before sending the octet data".
    violation(Direction::ClientToServer, say(Phrase::LiteralBeforePlus, m_awaiting_plus->tag),
              "RFC 3501 4.3", false, {m_awaiting_plus->header_end, 0});
}

void ImapSession::add_command_pieces(std::string_view message, std::uint64_t offset,
                                     const std::vector<LiteralPart>& literals, bool complete) {
    if (!m_open_command) {
        OpenCommand open;
        if (m_sasl_tag) {
            // A line answering a SASL challenge that happens to end in {n}.
            open.tag = *m_sasl_tag;
            open.name = "AUTHENTICATE";
            open.section = "RFC 3501 6.2.2";
        } else {
            if (secret_line(message) != SecretLine::SaslResponse) {
                open.tag = std::string(message.substr(0, message.find_first_of(" \r\n")));
            }
            open.name = command_name_of(message);
            // The section a whole command of that name cites.
            Command named;
            named.uid = open.name.starts_with("UID ");
            named.name = named.uid ? open.name.substr(4) : open.name;
            named.verb = verb_from_name(named.name);
            open.section = std::string(command_section(named));
        }
        m_open_command = std::move(open);
    }
    const auto hidden = m_options.reveal_secrets
                            ? std::vector<std::pair<std::size_t, std::size_t>>{}
                            : hidden_ranges(message, literals, m_sasl_tag.has_value());
    auto& open = *m_open_command;
    for (std::size_t i = open.literals; i < literals.size(); ++i) {
        const auto& literal = literals[i];
        if (open.shown < literal.data_begin) {
            add_text_piece(message, offset, literal.data_begin, &literal, hidden);
        }
        // The announced literal's octets wait for the server's "+".
        if (!complete && i + 1 == literals.size()) return;
        add_literal_piece(message, offset, literal, hidden);
    }
    if (complete && open.shown < message.size()) {
        add_text_piece(message, offset, message.size(), nullptr, hidden);
    }
}

void ImapSession::add_text_piece(std::string_view message, std::uint64_t offset, std::size_t end,
                                 const LiteralPart* announces,
                                 const std::vector<std::pair<std::size_t, std::size_t>>& hidden) {
    auto& open = *m_open_command;
    const std::size_t begin = open.shown;
    const std::string_view text = message.substr(begin, end - begin);
    // What of the piece is hidden, in its own offsets; its line end never is.
    std::size_t content_end = end;
    while (content_end > begin &&
           (message[content_end - 1] == '\n' || message[content_end - 1] == '\r'))
        --content_end;
    std::vector<std::pair<std::size_t, std::size_t>> masked;
    for (auto [from, to] : hidden) {
        from = std::max(from, begin);
        to = std::min(to, content_end);
        if (from < to) masked.emplace_back(from - begin, to - begin);
    }

    TraceEvent event;
    event.dir = Direction::ClientToServer;
    event.kind = EventKind::Command;
    event.wire = {offset + begin, text.size()};
    event.tag = open.tag;
    event.name = open.name;
    event.section = open.section;
    if (masked.empty()) {
        event.raw = keep(text);
    } else {
        event.raw = keep(
            redact(text, masked,
                   open.name == "LOGIN" && exact_login(message) ? "\"***\"" : sim::kSecretMask));
        event.redacted = true;
    }
    sim::CommandPiece piece;
    piece.index = open.pieces;
    if (announces) {
        piece.announces =
            sim::LiteralInfo{announces->size, announces->synchronizing, false, announces->binary};
        piece.awaits_continuation = announces->synchronizing;
    }
    // A later piece starts with the space before its argument; the summary
    // reads better without it.
    std::string line = first_line(event.raw);
    line.erase(0, std::min(line.find_first_not_of(' '), line.size()));
    if (piece.awaits_continuation) {
        set_summary(event, say(Phrase::PieceWaitsForPlus, line, announces->size));
    } else if (announces) {
        set_summary(event, say(Phrase::PieceLiteralPlus, line, announces->size));
    } else if (line.empty()) {
        set_summary(event, say(Phrase::PieceLineEnd, open.tag, open.name));
    } else {
        set_summary(event, say(Phrase::PieceRest, line, open.tag, open.name));
    }
    if (open.pieces > 0) {
        event.link = sim::Link::Answers;
        event.link_seq = open.seq;
    }
    event.piece = piece;
    const auto seq = add_event(std::move(event));
    if (open.pieces == 0) open.seq = seq;
    ++open.pieces;
    open.shown = end;
}

void ImapSession::add_literal_piece(
    std::string_view message, std::uint64_t offset, const LiteralPart& literal,
    const std::vector<std::pair<std::size_t, std::size_t>>& hidden) {
    auto& open = *m_open_command;
    const std::size_t begin = literal.data_begin;
    const std::size_t end = begin + static_cast<std::size_t>(literal.size);
    const std::string_view data = message.substr(begin, end - begin);
    bool secret = false;
    for (auto [from, to] : hidden) {
        if (from < end && to > begin) secret = true;
    }
    TraceEvent event;
    event.dir = Direction::ClientToServer;
    event.kind = EventKind::Literal;
    event.name = "LITERAL";
    event.section = literal_section(literal);
    event.wire = {offset + begin, data.size()};
    sim::LiteralInfo info{literal.size, literal.synchronizing,
                          data.size() > m_options.max_event_bytes, literal.binary};
    if (secret) {
        // As many stars as octets (up to a bound): the {n} framing stays true.
        event.raw = std::string(std::min<std::size_t>(data.size(), 64), '*');
        event.redacted = true;
        info.truncated = data.size() > 64;
    } else {
        event.raw = keep(data);
    }
    event.literal = info;
    set_summary(event, say(literal.synchronizing ? Phrase::CommandLiteralOctets
                                                 : Phrase::CommandLiteralOctetsNonSync,
                           literal.size, open.tag, open.name));
    event.link = sim::Link::Answers;
    event.link_seq = open.seq;
    event.tag = open.tag;
    add_event(std::move(event));
    open.shown = end;
    ++open.literals;
}

void ImapSession::cut_client_literal(const std::string& tag) {
    auto cut = m_framer[0].cut_literal();
    if (!cut) return;
    const Frame& frame = cut->frame;
    const auto& literal = frame.literals.back();
    const std::string_view data =
        std::string_view(frame.bytes).substr(literal.data_begin, literal.size);
    violation(
        Direction::ClientToServer,
        say(data.size() < cut->arrived ? Phrase::LiteralCutShortLineEnd : Phrase::LiteralCutShort,
            tag, data.size(), explain_literal_said(cut->announced, data)),
        "RFC 3501 4.3", false, {frame.stream_offset + literal.data_begin, 0});
    m_awaiting_plus.reset();
    m_late_plus.reset();
    add_command_pieces(frame.bytes, frame.stream_offset, frame.literals, true);
    // The message does not parse as sent (its {n} says otherwise); the
    // server took it for complete, so it is outstanding until that answer.
    const auto& open = *m_open_command;
    if (!find_pending(open.tag) && m_pending.size() < m_options.limits.max_outstanding) {
        Pending pending;
        pending.tag = open.tag;
        pending.seq = open.seq;
        pending.verb = verb_of_name(open.name);
        pending.uid = open.name.starts_with("UID ");
        m_pending.push_back(pending);
    }
    m_open_command.reset();
}

void ImapSession::on_client_frame(Frame frame) {
    // The command completed without the "+" its literal needed (the data came
    // early, a violation already reported): the server's late "+" answers it.
    if (m_awaiting_plus) m_late_plus = m_awaiting_plus->event_seq;
    m_awaiting_plus.reset();
    // A message with literals is in the trace as its pieces, in wire order.
    std::optional<std::uint64_t> pieces_seq;
    if (m_open_command || !frame.literals.empty()) {
        add_command_pieces(frame.bytes, frame.stream_offset, frame.literals, true);
        pieces_seq = m_open_command->seq;
        m_open_command.reset();
    }
    if (frame.bare_lf) {
        violation(Direction::ClientToServer, say(Phrase::ImapBareLf), "RFC 3501 2.2", false,
                  {frame.stream_offset, frame.bytes.size()});
    }

    if (m_sasl_tag) {
        // Until its completion every client line answers the exchange, even
        // one sent before the server's "+": mechanisms such as LOGIN take
        // several rounds, and a client that does not wait still sends its
        // password.
        m_expect_raw_line = false;
        std::string line = first_line(frame.bytes);
        auto tag = *m_sasl_tag;
        bool cancelled = line == "*";
        if (!pieces_seq) {
            TraceEvent event = wire_event(Direction::ClientToServer, EventKind::Command, frame);
            event.tag = tag;
            event.name = "AUTHENTICATE";
            set_summary(event, say(cancelled ? Phrase::SaslCancels : Phrase::SaslAnswers));
            event.section = "RFC 3501 6.2.2";
            if (!m_options.reveal_secrets && !cancelled) {
                event.raw = std::string(sim::kSecretMask) + "\r\n";
                event.redacted = true;
            }
            if (auto* pending = find_pending(tag)) event.link_seq = pending->seq;
            event.link = sim::Link::Answers;
            event.piece = sim::CommandPiece{++m_exchange_pieces, false, std::nullopt};
            add_event(std::move(event));
        }
        if (m_options.role == Role::Server) {
            m_inputs.push_back(SaslReceived{tag, line, cancelled});
            // The next line waits for the server's next challenge or its
            // completion.
            m_hold_for_sasl = true;
        }
        return;
    }
    if (m_expect_raw_line) {
        m_expect_raw_line = false;
        std::string line = first_line(frame.bytes);
        if (m_idle_tag) {
            auto tag = *m_idle_tag;
            TraceEvent event = wire_event(Direction::ClientToServer, EventKind::Command, frame);
            event.tag = tag;
            event.name = "DONE";
            set_summary(event, say(Phrase::IdleEnds));
            event.section = "RFC 2177 3";
            if (auto* pending = find_pending(tag)) event.link_seq = pending->seq;
            event.link = sim::Link::Answers;
            event.piece = sim::CommandPiece{++m_exchange_pieces, false, std::nullopt};
            add_event(std::move(event));
            if (upper(line) != "DONE") {
                violation(Direction::ClientToServer, say(Phrase::IdleExpectedDone, line),
                          "RFC 2177 3");
            }
            m_idle_tag.reset();
            if (m_options.role == Role::Server) m_inputs.push_back(IdleDone{tag});
            return;
        }
    }

    auto parsed = parse_command(frame, m_options.limits);
    if (!parsed.command) {
        if (auto tolerated = without_trailing_space(frame)) {
            parsed = std::move(*tolerated);
            violation(Direction::ClientToServer, say(Phrase::AuthenticateTrailingSpace),
                      "RFC 3501 9", false, {frame.stream_offset, frame.bytes.size()});
            on_command(*parsed.command, frame, pieces_seq);
            return;
        }
        TraceEvent event = wire_event(Direction::ClientToServer, EventKind::Command, frame);
        event.tag = parsed.tag;
        event.name = "?";
        set_summary(event, say(Phrase::CommandNotParsed));
        event.section = "RFC 3501 9";
        // The message goes to the server role as text; the violation says it
        // as a phrase.
        std::string message =
            parsed.error ? parsed.error->message : std::string("command does not parse");
        sim::Said message_said =
            parsed.error ? parsed.error->as_said() : say(Phrase::CommandDoesNotParse);
        const auto kind = secret_line(frame.bytes);
        if (kind != SecretLine::None && !m_options.reveal_secrets) {
            const auto keep_words = visible_words(kind, frame.bytes);
            event.raw = sim::mask_after_words(frame.bytes, keep_words);
            event.redacted = true;
            const auto hidden = std::string_view(frame.bytes)
                                    .substr(std::min(event.raw.size() - sim::kSecretMask.size(),
                                                     frame.bytes.size()));
            const auto fallback = secret_line_error(kind);
            const auto fallback_text = sim::render(fallback, sim::Language::En);
            message = sim::safe_message(std::move(message), hidden, fallback_text);
            if (message == fallback_text) message_said = fallback;
            if (kind == SecretLine::SaslResponse) {
                event.tag.clear();
                parsed.tag.clear();
                set_summary(event, say(Phrase::SaslLineHidden));
            }
        }
        if (kind == SecretLine::Login) event.name = "LOGIN";
        if (kind == SecretLine::Authenticate) event.name = "AUTHENTICATE";
        // A command with literals is in the trace already, as its pieces.
        const auto command_seq = pieces_seq ? *pieces_seq : add_event(std::move(event));
        if (const auto mismatch = literal_mismatch(frame)) {
            // The parser stumbled where a literal of the wrong size ended:
            // what the client got wrong is the count.
            message = sim::render(mismatch->rule, sim::Language::En);
            violation(Direction::ClientToServer, mismatch->rule, "RFC 3501 4.3", false,
                      mismatch->wire);
        } else {
            violation(
                Direction::ClientToServer,
                say(kind == SecretLine::SaslResponse ? Phrase::SaslUnasked : Phrase::SyntaxError,
                    std::move(message_said)),
                kind == SecretLine::SaslResponse ? "RFC 3501 6.2.2" : "RFC 3501 9", false,
                {frame.stream_offset, frame.bytes.size()});
        }
        if (m_options.role == Role::Server) {
            m_inputs.push_back(CommandRejected{parsed.tag, message, false});
        }
        // Whatever the client sends until the completion answers this
        // AUTHENTICATE (a server may accept what we could not parse).
        if (kind == SecretLine::Authenticate && !parsed.tag.empty()) {
            m_sasl_tag = parsed.tag;
            m_exchange_pieces = 0;
            if (m_options.role == Role::Server) m_hold_for_sasl = true;
        }
        // The server still answers it by tag (with BAD), so it is outstanding.
        if (!parsed.tag.empty() && !find_pending(parsed.tag) &&
            m_pending.size() < m_options.limits.max_outstanding) {
            Pending pending;
            pending.tag = parsed.tag;
            pending.seq = command_seq;
            m_pending.push_back(pending);
        }
        return;
    }
    on_command(*parsed.command, frame, pieces_seq);
}

std::optional<CommandParse> ImapSession::without_trailing_space(const Frame& frame) const {
    // mutt 2.2 writes "AUTHENTICATE CRAM-MD5 " (RFC 3501 9 and RFC 4959 have
    // no space without an initial response); refusing it locks mutt out.
    if (!frame.literals.empty() || !frame.bytes.ends_with(" \r\n")) return std::nullopt;
    Frame trimmed = frame;
    trimmed.bytes.erase(trimmed.bytes.size() - 3, 1);
    auto parsed = parse_command(trimmed, m_options.limits);
    if (!parsed.command || parsed.command->verb != Verb::Authenticate) return std::nullopt;
    return parsed;
}

void ImapSession::on_command(const Command& command, Frame& frame,
                             std::optional<std::uint64_t> pieces_seq) {
    const auto dir = Direction::ClientToServer;
    auto secrets = secret_ranges(frame, command);
    TraceEvent event = wire_event(dir, EventKind::Command, frame);
    if (!secrets.empty() && !m_options.reveal_secrets) {
        event.raw = keep(
            redact(frame.bytes, secrets, command.verb == Verb::Login ? "\"***\"" : "REDACTED"));
        event.redacted = true;
    }
    event.tag = command.tag;
    const std::string verb_word =
        command.verb == Verb::Unknown ? upper(command.name) : std::string(verb_name(command.verb));
    event.name = command.uid ? "UID " + verb_word : verb_word;
    bool carries_secret = false;
    // Parsed, but not as the command it is meant to be ("a6 LOGINalice
    // wonderland" is an unknown command): hidden all the same.
    if (const auto kind = secret_line(frame.bytes);
        kind != SecretLine::None && !m_options.reveal_secrets &&
        !has_flag(command.verb, VerbFlag::Credentials)) {
        event.raw = sim::mask_after_words(frame.bytes, visible_words(kind, frame.bytes));
        event.redacted = true;
        event.name = kind == SecretLine::Login          ? "LOGIN"
                     : kind == SecretLine::Authenticate ? "AUTHENTICATE"
                                                        : "?";
        if (kind == SecretLine::SaslResponse) event.tag.clear();
        carries_secret = true;
    }
    event.section = std::string(command_section(command));
    event.summary = first_line(event.raw);
    event.mailbox = mailbox_named(command);
    // AUTHENTICATE and IDLE go on after the server's "+": their later lines
    // are pieces of this command.
    if (has_flag(command.verb, VerbFlag::Continues)) {
        const bool initial_response = command.verb == Verb::Authenticate && command.args.size() > 1;
        event.piece = sim::CommandPiece{0, !initial_response, std::nullopt};
    }
    // A command with literals is in the trace already, as its pieces.
    const auto seq = pieces_seq ? *pieces_seq : add_event(std::move(event));

    std::optional<std::string> state_error;
    const bool already = find_pending(command.tag) != nullptr;
    if (already) {
        violation(dir, say(Phrase::TagReused, command.tag), "RFC 3501 2.2.1");
    }
    if (!state_change_outstanding() && !command_allowed(command.verb, m_state) &&
        m_state != State::Connecting) {
        auto said =
            say(Phrase::NotValidInState, verb_name(command.verb), sim::state_phrase(m_state));
        state_error = sim::render(said, sim::Language::En);
        const auto& narrowed = verb_info(command.verb).states_section;
        violation(dir, std::move(said),
                  std::string(narrowed.empty() ? state_section(m_state) : narrowed));
    } else if (command.verb == Verb::Enable && m_selected_once && m_state == State::Authenticated) {
        // Servers "don't have to check" this one, so it is no state error.
        violation(dir, say(Phrase::EnableAfterSelect),
                  std::string(verb_info(Verb::Enable).section));
    }
    check_capability_rules(command);
    check_quoted_strings(dir, command.args, {frame.stream_offset, frame.bytes.size()});
    if (m_pending.size() >= m_options.limits.max_outstanding) {
        auto said = say(Phrase::TooManyOutstanding, m_options.limits.max_outstanding);
        std::string message = sim::render(said, sim::Language::En);
        violation(dir, std::move(said), "RFC 3501 5.5");
        if (m_options.role == Role::Server) {
            m_inputs.push_back(CommandRejected{command.tag, message, false});
        }
        return;
    }

    Pending pending;
    pending.tag = command.tag;
    pending.seq = seq;
    pending.verb = command.verb;
    pending.uid = command.uid;
    if (auto* mailbox = std::get_if<MailboxArgs>(&command.typed))
        pending.mailbox = mailbox->mailbox;
    if (auto* status = std::get_if<StatusArgs>(&command.typed)) pending.mailbox = status->mailbox;
    if (auto* store = std::get_if<StoreArgs>(&command.typed)) {
        pending.silent = store->silent;
        pending.set = store->set;
    }
    if (auto* fetch = std::get_if<FetchArgs>(&command.typed)) {
        pending.set = fetch->set;
        pending.asks_vanished = fetch->vanished;
    }
    if (auto* select = std::get_if<MailboxArgs>(&command.typed))
        pending.asks_vanished = select->qresync.has_value();
    if (auto* list = std::get_if<ListArgs>(&command.typed); list && list->return_options)
        pending.returns_status = has_option(*list->return_options, "STATUS");
    const std::optional<CommandOptions>* return_options = nullptr;
    if (auto* search = std::get_if<SearchArgs>(&command.typed)) {
        pending.extended_search = search->return_options.has_value() || m_capabilities.imap4rev2();
        return_options = &search->return_options;
    }
    if (auto* sort = std::get_if<SortArgs>(&command.typed); sort && command.verb == Verb::Sort) {
        pending.extended_search = sort->return_options.has_value();
        pending.sorted = true;
        return_options = &sort->return_options;
    }
    std::optional<std::string> rejection;
    if (return_options && *return_options) {
        pending.asks_update = has_option(**return_options, "UPDATE");
        // RFC 5267 4.3: its ESEARCH responses carry this tag, so "clients
        // MUST NOT reuse tags"; the server rejects an UPDATE under a tag
        // whose updates still run.
        const bool reused =
            std::any_of(m_update_contexts.begin(), m_update_contexts.end(),
                        [&](const UpdateContext& c) { return c.tag == command.tag; });
        if (reused && pending.asks_update) {
            auto said = say(Phrase::UpdateTagInUse, command.tag);
            rejection = sim::render(said, sim::Language::En);
            violation(dir, std::move(said), "RFC 5267 4.3");
            pending.asks_update = false;
        }
    }
    if (auto* cancel = std::get_if<CancelUpdateArgs>(&command.typed))
        pending.cancels_updates = cancel->tags;
    if (auto* notify = std::get_if<NotifyArgs>(&command.typed)) pending.notify = *notify;
    m_pending.push_back(pending);

    if ((command.verb == Verb::Select || command.verb == Verb::Examine) && !state_error) {
        // RFC 3501 5.5: a server runs a command that changes the selection
        // only after the ones sent before it have completed.
        if (m_pending.size() == 1) {
            forget_selection();
            m_nomodseq = false;
        } else {
            m_pending.back().forgets_selection = true;
        }
    }
    // Even with an initial response (SASL-IR) the server may send further
    // challenges, so the exchange stays open until the completion.
    if (has_flag(command.verb, VerbFlag::Continues)) m_exchange_pieces = 0;
    if (command.verb == Verb::Authenticate) {
        m_sasl_tag = command.tag;
        // The client's next line answers the server's challenge: read it
        // only once the server has sent one (or completed the command).
        if (m_options.role == Role::Server) m_hold_for_sasl = true;
    }
    if (m_options.role == Role::Server && rejection) {
        m_inputs.push_back(CommandRejected{command.tag, *rejection, false});
    } else if (m_options.role == Role::Server) {
        m_inputs.push_back(CommandReceived{command, seq, state_error, carries_secret});
    }
}

// ---------------------------------------------------------------------------
// [SECTION] Server to client
// ---------------------------------------------------------------------------

void ImapSession::on_server_frame(Frame frame) {
    if (frame.bare_lf) {
        violation(Direction::ServerToClient, say(Phrase::ImapBareLf), "RFC 3501 2.2", false,
                  {frame.stream_offset, frame.bytes.size()});
    }
    if (m_sending_fetch != nullptr) {
        const Response& sent = *std::exchange(m_sending_fetch, nullptr);
        on_response(sent, std::move(frame));
        return;
    }
    auto parsed = parse_response(frame, m_options.limits);
    if (!parsed.response) {
        TraceEvent event = wire_event(Direction::ServerToClient, EventKind::Untagged, frame);
        event.name = "?";
        set_summary(event, say(Phrase::ResponseNotParsed));
        event.section = "RFC 3501 9";
        event.link = sim::Link::Unmatched;
        add_event(std::move(event));
        violation(Direction::ServerToClient,
                  say(Phrase::SyntaxError,
                      parsed.error ? parsed.error->as_said() : say(Phrase::ResponseDoesNotParse)),
                  "RFC 3501 9", false, {frame.stream_offset, frame.bytes.size()});
        return;
    }
    on_response(*parsed.response, std::move(frame));
}

void ImapSession::on_response(const Response& response, Frame&& frame) {
    const auto dir = Direction::ServerToClient;
    const sim::ByteSpan wire{frame.stream_offset, frame.bytes.size()};
    // A server completes a command only once its literals have arrived: one
    // still arriving was announced larger than what the client sent.
    if (m_options.role == Role::Observer && response.kind == ResponseKind::Tagged &&
        m_open_command && m_open_command->tag == response.tag && !m_awaiting_plus) {
        cut_client_literal(response.tag);
    }
    EventKind kind = response.kind == ResponseKind::Tagged         ? EventKind::Tagged
                     : response.kind == ResponseKind::Continuation ? EventKind::Continuation
                                                                   : EventKind::Untagged;
    const bool rev2_before = m_capabilities.imap4rev2();
    // Made in place: a server writes thousands of these in a row.
    TraceEvent& event = new_event();
    const auto seq = event.seq;
    take_wire(event, dir, kind, std::move(frame));
    event.tag = response.kind == ResponseKind::Tagged         ? response.tag
                : response.kind == ResponseKind::Continuation ? "+"
                                                              : "*";
    event.name = response.kind == ResponseKind::Continuation ? "+" : response.name;
    event.status = trace_status(response.status);
    event.section = response_section(response);
    cite(event.section);
    event.summary = first_line(event.raw);
    add_response_data(event, response);
    add_literal_events(frame, seq);

    if (m_options.role == Role::Client) m_responses.push_back(ResponseReceived{response, seq});

    if (m_state == State::Connecting) {
        on_greeting(response, seq);
    } else {
        switch (response.kind) {
            case ResponseKind::Continuation:
                on_continuation(response, seq);
                break;
            case ResponseKind::Tagged:
                on_tagged(response, seq);
                break;
            case ResponseKind::Untagged:
                on_untagged(response, seq);
                break;
        }
    }
    // After the completion's own effect: a LOGIN's OK forgets the old list
    // and its [CAPABILITY] code brings the new one.
    learn_capabilities(response);
    // The response that tells the session it follows IMAP4rev2 (a greeting
    // listing only IMAP4rev2, ENABLED IMAP4rev2) cites RFC 9051 itself.
    if (!rev2_before && m_capabilities.imap4rev2() && m_events.is_open(seq)) {
        cite(m_events.open(seq).section);
    }
    check_quoted_strings(dir, response.data, wire);
    if (response.code) check_quoted_strings(dir, response.code->args, wire);
}

void ImapSession::on_greeting(const Response& response, std::uint64_t seq) {
    auto& event = m_events.open(seq);
    event.link = sim::Link::Unsolicited;
    if (response.kind == ResponseKind::Untagged && response.status == Status::Ok) {
        set_summary(event, say(Phrase::GreetingOk));
        transition(State::NotAuthenticated, say(Phrase::CauseGreeting, "* OK"),
                   Direction::ServerToClient);
    } else if (response.kind == ResponseKind::Untagged && response.status == Status::Preauth) {
        set_summary(event, say(Phrase::GreetingPreauth));
        transition(State::Authenticated, say(Phrase::CauseGreeting, "* PREAUTH"),
                   Direction::ServerToClient);
    } else if (response.kind == ResponseKind::Untagged && response.status == Status::Bye) {
        set_summary(event, say(Phrase::GreetingBye));
        transition(State::Logout, say(Phrase::CauseGreeting, "* BYE"), Direction::ServerToClient);
    } else {
        violation(Direction::ServerToClient, say(Phrase::GreetingMissing), "RFC 3501 7.1");
        // Carry on as if greeted so the rest of a live session still decodes.
        transition(State::NotAuthenticated, say(Phrase::CauseMissingGreeting),
                   Direction::ServerToClient);
        if (response.kind == ResponseKind::Tagged)
            on_tagged(response, seq);
        else if (response.kind == ResponseKind::Untagged)
            on_untagged(response, seq);
    }
    const bool greeting = response.kind == ResponseKind::Untagged &&
                          (response.status == Status::Ok || response.status == Status::Preauth ||
                           response.status == Status::Bye);
    if (greeting && !m_pending.empty()) {
        // A transcript that starts after the greeting never gets here: only
        // a greeting that really came after the command shows the mistake.
        violation(Direction::ClientToServer,
                  say(Phrase::SentBeforeGreeting, verb_name(m_pending.front().verb)), "RFC 3501 3");
    }
}

void ImapSession::on_continuation(const Response& response, std::uint64_t seq) {
    (void)response;
    auto& event = m_events.open(seq);
    if (m_awaiting_plus) {
        event.link = sim::Link::Answers;
        event.link_seq = m_awaiting_plus->event_seq;
        set_summary(event, say(Phrase::PlusForLiteral));
        event.section = cited("RFC 3501 7.5");
        m_awaiting_plus.reset();
        if (m_options.role == Role::Client && !m_held.empty()) {
            auto part = std::move(m_held.front());
            m_held.pop_front();
            m_outgoing += part;
            observe(Direction::ClientToServer, part, m_now);
        }
        return;
    }
    if (m_sasl_tag) {
        auto* pending = find_pending(*m_sasl_tag);
        if (pending) {
            event.link = sim::Link::Answers;
            event.link_seq = pending->seq;
        }
        // A challenge is not secret (a CRAM-MD5 challenge is a random string,
        // an OAuth error says what went wrong); the answers are.
        set_summary(event, say(Phrase::SaslChallenge));
        event.section = cited("RFC 3501 7.5");
        m_expect_raw_line = true;
        m_framer[0].set_raw_next_line(true);
        m_hold_for_sasl = false;
        return;
    }
    if (auto* idle = find_pending_verb({Verb::Idle}); idle && !m_idle_tag) {
        event.link = sim::Link::Answers;
        event.link_seq = idle->seq;
        set_summary(event, say(Phrase::IdleAccepted));
        event.section = cited("RFC 2177 3");
        m_idle_tag = idle->tag;
        m_expect_raw_line = true;
        m_framer[0].set_raw_next_line(true);
        return;
    }
    if (m_late_plus) {
        event.link = sim::Link::Answers;
        event.link_seq = *m_late_plus;
        set_summary(event, say(Phrase::PlusLate));
        event.section = cited("RFC 3501 7.5");
        m_late_plus.reset();
        return;
    }
    event.link = sim::Link::Unmatched;
    violation(Direction::ServerToClient, say(Phrase::PlusUnexpected), "RFC 3501 7.5");
}

void ImapSession::on_tagged(const Response& response, std::uint64_t seq) {
    auto* pending = find_pending(response.tag);
    auto& event = m_events.open(seq);
    if (!pending && m_awaiting_plus && m_awaiting_plus->tag == response.tag) {
        // The server refused the literal instead of sending "+": the client
        // must not send it (RFC 3501 7.5), and the command ends here.
        event.link = sim::Link::Answers;
        event.link_seq = m_awaiting_plus->event_seq;
        m_awaiting_plus.reset();
        m_open_command.reset();
        if (m_options.role != Role::Server) m_framer[0].abandon_pending();
        m_held.clear();
        return;
    }
    if (!pending) {
        event.link = sim::Link::Unmatched;
        violation(Direction::ServerToClient, say(Phrase::CompletionUnknownTag, response.tag),
                  "RFC 3501 2.2.2");
        return;
    }
    link(seq, pending);
    Pending done = *pending;
    m_pending.erase(m_pending.begin() + (pending - m_pending.data()));
    // A SELECT or EXAMINE with nothing left ahead of it now runs; one that
    // completes with commands still ahead of it has run too.
    if (!m_pending.empty() && m_pending.front().forgets_selection) {
        m_pending.front().forgets_selection = false;
        forget_selection();
        m_nomodseq = false;
    }
    if (done.forgets_selection) {
        forget_selection();
        m_nomodseq = false;
    }
    if (m_sasl_tag == done.tag) {
        m_sasl_tag.reset();
        m_expect_raw_line = false;
        m_hold_for_sasl = false;
        m_framer[0].set_raw_next_line(false);
    }
    if (m_idle_tag == done.tag) {
        m_idle_tag.reset();
    }
    if (done.verb == Verb::Close && response.code && response.code->name == "HIGHESTMODSEQ") {
        violation(Direction::ServerToClient, say(Phrase::CloseHighestModseq), "RFC 7162 3.2.8");
    }
    const bool ok = response.status == Status::Ok;
    if (ok && done.asks_update && !done.update_refused)
        m_update_contexts.push_back({done.tag, done.seq, done.uid, done.sorted});
    if (ok) {
        std::erase_if(m_update_contexts, [&](const UpdateContext& context) {
            return std::find(done.cancels_updates.begin(), done.cancels_updates.end(),
                             context.tag) != done.cancels_updates.end();
        });
    }
    // The last successful NOTIFY decides until the next one (RFC 5465 3.1).
    if (ok && done.notify) {
        m_notify = done.notify->replaces ? std::optional(notify_watch(*done.notify)) : std::nullopt;
    }
    const auto cause =
        say(Phrase::CauseCompleted, done.tag, verb_name(done.verb), status_name(response.status));
    // A success moves the session only from a state the command is valid
    // in, along the edge its effect names (RFC 3501 3).
    const bool moves = ok && command_allowed(done.verb, m_state);
    switch (verb_info(done.verb).effect) {
        case Effect::Authenticates:
            if (moves) {
                m_capabilities.forget();
                transition(State::Authenticated, cause, Direction::ServerToClient);
            }
            break;
        case Effect::Selects:
            if (moves) {
                transition(State::Selected, cause, Direction::ServerToClient);
            } else if (response.status == Status::No && m_state == State::Selected) {
                forget_selection();
                transition(State::Authenticated, cause, Direction::ServerToClient);
            }
            break;
        case Effect::Deselects:
            if (moves) {
                forget_selection();
                transition(State::Authenticated, cause, Direction::ServerToClient);
            }
            break;
        case Effect::LogsOut:
            if (moves) transition(State::Logout, cause, Direction::ServerToClient);
            break;
        case Effect::StartsTls:
            if (ok) {
                // RFC 3501 6.2.1: "Once [TLS] has been started, the client
                // MUST discard cached information about server capabilities".
                m_capabilities.forget();
                note(Direction::ServerToClient, say(Phrase::TlsStartsNow), m_now);
            }
            break;
        case Effect::None:
            break;
    }
}

void ImapSession::on_untagged(const Response& response, std::uint64_t seq) {
    auto& event = m_events.open(seq);
    const std::string_view name = response.name;
    Pending* pending = nullptr;
    event.link = sim::Link::Unsolicited;

    if (response.status == Status::Bye) {
        pending = find_pending_verb({Verb::Logout});
        if (pending) link(seq, pending);
        if (m_state != State::Logout) {
            transition(State::Logout,
                       say(pending ? Phrase::CauseLogoutBye : Phrase::CauseServerShutdown),
                       Direction::ServerToClient);
        }
        return;
    }
    if (response.status != Status::None) {
        // Untagged OK/NO/BAD: SELECT's codes belong to the SELECT in progress.
        if (response.code) {
            // CLOSED: the mailbox selected before is closed now (RFC 7162
            // 3.2.11, RFC 9051 7.1); NOMODSEQ, MAILBOXID and UIDNOTSTICKY
            // describe the new one (RFC 7162 3.1.2.2, RFC 8474 4.2, RFC 9051
            // 7.1).
            static const char* select_codes[] = {"UNSEEN",         "UIDVALIDITY", "UIDNEXT",
                                                 "PERMANENTFLAGS", "READ-ONLY",   "READ-WRITE",
                                                 "HIGHESTMODSEQ",  "CLOSED",      "NOMODSEQ",
                                                 "MAILBOXID",      "UIDNOTSTICKY"};
            for (auto* c : select_codes) {
                if (response.code->name == c) {
                    pending = find_pending_verb({Verb::Select, Verb::Examine});
                    break;
                }
            }
            if (response.code->name == "NOMODSEQ") m_nomodseq = true;
            // The server behaves as after NOTIFY NONE from here on (RFC 5465 5.8).
            if (iequals(response.code->name, "NOTIFICATIONOVERFLOW")) m_notify.reset();
            if (iequals(response.code->name, "NOUPDATE")) {
                // RFC 5267 4.3.1: sent "during processing of the command",
                // naming the searching command whose UPDATE is refused.
                const auto& args = response.code->args;
                const bool named = args.size() == 1 && args[0].kind == Node::Kind::Quoted;
                pending = named ? find_pending(args[0].value) : nullptr;
                if (pending && pending->asks_update) {
                    pending->update_refused = true;
                    event.section = "RFC 5267 4.3.1";
                } else {
                    event.link = sim::Link::Unmatched;
                    violation(Direction::ServerToClient,
                              named ? say(Phrase::NoupdateNamesNone, args[0].value)
                                    : say(Phrase::NoupdateNeedsTag),
                              "RFC 5267 4.3.1");
                    pending = nullptr;
                }
            }
            if (response.code->name == "CAPABILITY")
                pending = find_pending_verb({Verb::Capability});
            // MOVE sends COPYUID in an untagged OK before its EXPUNGE
            // responses (RFC 9051 6.4.8).
            if (response.code->name == "COPYUID") pending = find_pending_verb({Verb::Move});
        }
        if (pending) link(seq, pending);
        return;
    }

    const auto answer = untagged_answer(name);
    if (answer) pending = find_pending_verb(answer->verbs);
    if (name == "STATUS" && response.status_data) {
        // Several STATUS commands in flight: each answers for its own mailbox.
        for (auto& p : m_pending) {
            if (p.verb == Verb::Status &&
                (upper(p.mailbox) == upper(response.status_data->mailbox) ||
                 p.mailbox == response.status_data->mailbox)) {
                pending = &p;
                break;
            }
        }
        if (!pending) {
            for (auto& p : m_pending) {
                if (p.returns_status) {
                    pending = &p;
                    break;
                }
            }
        }
    }
    if (name == "SEARCH" && pending && pending->extended_search) {
        if (m_capabilities.imap4rev2()) {
            violation(Direction::ServerToClient, say(Phrase::SearchInRev2), "RFC 9051 6.4.4");
        } else {
            violation(Direction::ServerToClient, say(Phrase::SearchWithReturn), "RFC 4731 3.1");
        }
    }
    if (name == "SORT" && pending && pending->extended_search) {
        violation(Direction::ServerToClient, say(Phrase::SortWithReturn), "RFC 5267 3");
    }
    if (name == "ESEARCH" && response.esearch) {
        pending = esearch_answered(*response.esearch, seq);
        if (!pending && response.esearch->tag) return;
    }
    const bool rev2_list = name == "LIST" && m_capabilities.imap4rev2();
    // IMAP4rev2 CREATE, DELETE and RENAME answer a name the client wrote in
    // another form with a LIST carrying OLDNAME (RFC 9051 6.3.4, 6.3.5,
    // 6.3.6), and servers announce mailboxes created, deleted or renamed in
    // other sessions with unsolicited LIST responses (RFC 9051 6.3.9.7).
    if (rev2_list && !pending)
        pending = find_pending_verb({Verb::Create, Verb::Delete, Verb::Rename});
    if (answer && !pending && !answer->only_answer_section.empty() && notify_sends(name)) {
        event.section = name == "STATUS"          ? "RFC 5465 5.2"
                        : m_notify->mailbox_names ? "RFC 5465 5.4"
                                                  : "RFC 5465 5.5";
        set_summary(event, say(Phrase::NotifyNotification, said_summary(event)));
    } else if (answer && !pending && !answer->only_answer_section.empty() && !rev2_list) {
        event.link = sim::Link::Unmatched;
        violation(Direction::ServerToClient, say(Phrase::UntaggedWithoutCommand, name),
                  std::string(answer->only_answer_section));
    }
    if (name == "RECENT" && m_capabilities.imap4rev2()) {
        violation(Direction::ServerToClient, say(Phrase::RecentInRev2), "RFC 9051 7.4");
    }
    if (name == "EXISTS" && response.number) {
        auto n = *response.number;
        if (n < m_messages.size()) {
            violation(Direction::ServerToClient,
                      say(Phrase::ExistsBelowCount, n, m_messages.size()), "RFC 3501 7.3.1");
        }
        m_messages.resize(std::max<std::size_t>(n, m_messages.size()));
    } else if (name == "EXPUNGE") {
        pending = check_expunge_timing("EXPUNGE", "RFC 3501 7.4.1");
        if (m_capabilities.is_enabled("QRESYNC") && !m_nomodseq) {
            violation(Direction::ServerToClient, say(Phrase::ExpungeAfterQresync),
                      "RFC 7162 3.2.10.2");
        }
        if (response.number) {
            auto n = *response.number;
            if (n == 0 || n > m_messages.size()) {
                violation(Direction::ServerToClient,
                          say(Phrase::ExpungeNoMessage, n, m_messages.size()), "RFC 3501 7.4.1");
            } else {
                add_renumbering(n, static_cast<std::uint32_t>(m_messages.size()), seq,
                                "RFC 3501 7.4.1");
                m_messages.erase(m_messages.begin() + (n - 1));
            }
        }
    } else if (name == "VANISHED" && response.vanished) {
        if (response.vanished->earlier) {
            for (auto& p : m_pending) {
                if (p.asks_vanished) {
                    pending = &p;
                    break;
                }
            }
            if (!pending) {
                event.link = sim::Link::Unmatched;
                violation(Direction::ServerToClient, say(Phrase::VanishedEarlierUnasked),
                          "RFC 7162 3.2.10.1");
            }
        } else {
            pending = check_expunge_timing("VANISHED", "RFC 7162 3.2.10.2");
            if (!m_capabilities.is_enabled("QRESYNC")) {
                violation(Direction::ServerToClient, say(Phrase::VanishedBeforeQresync),
                          "RFC 7162 3.2.10");
            }
            on_vanished(*response.vanished, seq);
        }
    } else if (name == "FETCH") {
        pending = fetch_answered(response, seq);
        on_fetch_data(response, seq);
    } else if (is_experimental(name)) {
        // RFC 3501 6.5.1: a server sends an X response only to the
        // experimental command that asked for it: the one of that name, else
        // the oldest experimental command in flight.
        for (auto& p : m_pending) {
            const auto* command = m_events.find(p.seq);
            if (!command || !is_experimental(command->name)) continue;
            if (!pending) pending = &p;
            if (iequals(command->name, name)) {
                pending = &p;
                break;
            }
        }
    }
    if (pending) link(seq, pending);
}

ImapSession::Pending* ImapSession::esearch_answered(const EsearchData& esearch, std::uint64_t seq) {
    const auto updates = std::count_if(
        esearch.results.begin(), esearch.results.end(),
        [](const auto& result) { return result.first == "ADDTO" || result.first == "REMOVEFROM"; });
    if (!esearch.tag) {
        if (updates > 0) {
            violation(Direction::ServerToClient, say(Phrase::UpdateWithoutCorrelator),
                      "RFC 5267 4.3");
        }
        return nullptr;
    }
    // RFC 9051 7.3.4: the correlator "contains the tag of the command that
    // caused the response"; without one, none did.
    const std::string& tag = *esearch.tag;
    auto& event = m_events.open(seq);
    if (Pending* pending = find_pending(tag)) {
        if (pending->uid && !esearch.uid) {
            violation(Direction::ServerToClient, say(Phrase::EsearchWithoutUid), "RFC 4731 3.1");
        }
        if (updates > 0 && !pending->asks_update) {
            violation(Direction::ServerToClient, say(Phrase::UpdateNotAsked, tag), "RFC 5267 4.3");
        }
        return pending;
    }
    const auto context = std::find_if(m_update_contexts.begin(), m_update_contexts.end(),
                                      [&](const UpdateContext& c) { return c.tag == tag; });
    if (context == m_update_contexts.end()) {
        event.link = sim::Link::Unmatched;
        violation(Direction::ServerToClient, say(Phrase::EsearchUnknownTag, tag), "RFC 4731 3.1");
        return nullptr;
    }
    // An update of a completed searching command: it answers that command.
    event.link = sim::Link::Answers;
    event.link_seq = context->seq;
    event.section = esearch.updates.empty() || esearch.updates.front().add ? "RFC 5267 4.3.3"
                                                                           : "RFC 5267 4.3.4";
    if (updates != static_cast<std::ptrdiff_t>(esearch.results.size())) {
        violation(Direction::ServerToClient, say(Phrase::EsearchAfterCompletion, tag),
                  "RFC 5267 4.3");
    }
    if (context->uid != esearch.uid) {
        violation(Direction::ServerToClient,
                  say(context->uid ? Phrase::UpdateMissingUid : Phrase::UpdateExtraUid),
                  "RFC 5267 4.3.2");
    }
    const auto at_zero = std::find_if(esearch.updates.begin(), esearch.updates.end(),
                                      [](const EsearchUpdate& u) { return u.position == 0; });
    if (context->sorted && at_zero != esearch.updates.end()) {
        violation(Direction::ServerToClient,
                  say(Phrase::SortUpdateAtZero, at_zero->add ? "ADDTO" : "REMOVEFROM"),
                  at_zero->add ? "RFC 5267 4.3.3" : "RFC 5267 4.3.4");
    }
    return nullptr;
}

void ImapSession::forget_selection() {
    m_messages.clear();
    m_update_contexts.clear();
}

void ImapSession::on_fetch_data(const Response& response, std::uint64_t seq) {
    if (!response.number) return;
    auto n = *response.number;
    if (n == 0 || n > m_messages.size()) {
        if (m_state == State::Selected) {
            violation(Direction::ServerToClient,
                      say(Phrase::FetchBeyondMailbox, n, m_messages.size()), "RFC 3501 7.4.2");
        }
        if (n == 0 || n > 10'000'000) return;
        m_messages.resize(n);
    }
    auto& message = m_messages[n - 1];
    for (const auto& item : response.fetch) {
        if (item.kind == FetchAtt::Kind::Uid && item.number) {
            message.uid = *item.number;
        }
    }
    for (const auto& item : response.fetch) {
        if (item.kind != FetchAtt::Kind::Flags) continue;
        const bool recent = std::any_of(item.flags.begin(), item.flags.end(),
                                        [](const auto& flag) { return iequals(flag, "\\Recent"); });
        if (recent && m_capabilities.imap4rev2()) {
            violation(Direction::ServerToClient, say(Phrase::RecentFlagInRev2), "RFC 9051 2.3.2");
        }
        if (message.flags && *message.flags == item.flags) continue;
        TraceEvent event;
        event.dir = Direction::ServerToClient;
        event.kind = EventKind::FlagChange;
        event.name = "FLAGS";
        event.section = "RFC 3501 7.4.2";
        sim::FlagDelta delta;
        delta.seq = n;
        delta.uid = message.uid;
        delta.known_before = message.flags.has_value();
        if (message.flags) delta.before = *message.flags;
        delta.after = item.flags;
        set_summary(event, delta.known_before
                               ? say(Phrase::FlagsChanged, n, flag_list_text(delta.before),
                                     flag_list_text(delta.after))
                               : say(Phrase::FlagsFirstSeen, n, flag_list_text(delta.after)));
        event.flags = std::move(delta);
        event.link = sim::Link::Answers;
        event.link_seq = seq;
        message.flags = item.flags;
        add_event(std::move(event));
    }
}

ImapSession::Pending* ImapSession::fetch_answered(const Response& response, std::uint64_t seq) {
    // SELECT (QRESYNC ...) reports the flags that changed with FETCH
    // responses of its own (RFC 7162 3.2.5.1).
    const auto resyncing = [](const Pending& pending) {
        return pending.asks_vanished &&
               (pending.verb == Verb::Select || pending.verb == Verb::Examine);
    };
    const auto may_answer = [&](const Pending& pending) {
        return pending.verb == Verb::Fetch || pending.verb == Verb::Store || resyncing(pending);
    };
    // Most often one command is in flight: it is found without a list.
    Pending* only = nullptr;
    std::size_t candidates = 0;
    for (auto& pending : m_pending) {
        if (may_answer(pending) && candidates++ == 0) only = &pending;
    }
    if (candidates <= 1) return only;
    std::vector<Pending*> in_flight;
    for (auto& pending : m_pending) {
        if (may_answer(pending)) in_flight.push_back(&pending);
    }

    // RFC 3501 7.4.2: the UID names the message whatever its number, so a
    // UID FETCH answers for the UIDs it asked for; the other forms for their
    // sequence numbers. "*" stands for the highest one, known or not: UIDs
    // ascend with the sequence numbers, so it is at least this message's
    // UID, every UID seen and the number of messages.
    std::optional<std::uint32_t> uid;
    for (const auto& item : response.fetch) {
        if (item.kind == FetchAtt::Kind::Uid && item.number) uid = *item.number;
    }
    const std::uint32_t n = response.number.value_or(0);
    const auto count = static_cast<std::uint32_t>(std::max<std::size_t>(n, m_messages.size()));
    std::uint32_t highest_uid = std::max(uid.value_or(0), count);
    for (const auto& message : m_messages) {
        if (message.uid) highest_uid = std::max(highest_uid, *message.uid);
    }
    std::vector<Pending*> holders;
    for (auto* pending : in_flight) {
        // A silent STORE gets no FETCH for the flags it set (RFC 3501 6.4.6).
        if (pending->verb == Verb::Store && pending->silent) continue;
        const bool holds = resyncing(*pending) ? uid.has_value()
                           : pending->uid      ? uid && pending->set.contains(*uid, highest_uid)
                                               : n != 0 && pending->set.contains(n, count);
        if (holds) holders.push_back(pending);
    }
    if (holders.size() == 1) return holders.front();
    if (holders.size() > 1) {
        auto& event = m_events.open(seq);
        event.link = sim::Link::Ambiguous;
        // "A1, A2 or A3": the last two joined by the phrase for "or".
        std::string others;
        for (std::size_t i = 0; i + 1 < holders.size(); ++i) {
            if (i) others += ", ";
            others += holders[i]->tag;
        }
        const auto tags = say(Phrase::TagsOr, others, holders.back()->tag);
        set_summary(event, uid ? say(Phrase::AnswersEachUid, said_summary(event), tags, *uid)
                               : say(Phrase::AnswersEachMessage, said_summary(event), tags, n));
    }
    return nullptr;
}

ImapSession::NotifyWatch ImapSession::notify_watch(const NotifyArgs& notify) {
    using enum NotifyEvent::Kind;
    NotifyWatch watch;
    for (const auto& group : notify.groups) {
        if (group.filter == NotifyEventGroup::Filter::Selected && group.has(MessageExpunge))
            watch.selected_expunges = true;
        if (group.selected()) continue;
        if (group.has(MessageNew) || group.has(FlagChange) || group.has(AnnotationChange))
            watch.mailbox_status = true;
        watch.mailbox_names = watch.mailbox_names || group.has(MailboxName);
        watch.subscriptions = watch.subscriptions || group.has(SubscriptionChange);
    }
    return watch;
}

bool ImapSession::notify_sends(std::string_view name) const {
    if (!m_notify) return false;
    if (name == "STATUS") return m_notify->mailbox_status;
    if (name == "LIST") return m_notify->mailbox_names || m_notify->subscriptions;
    return false;
}

ImapSession::Pending* ImapSession::check_expunge_timing(std::string_view what,
                                                        std::string_view section) {
    Pending* pending = find_pending_verb({Verb::Expunge, Verb::Move, Verb::Close});
    // NOTIFY SET with SELECTED MessageExpunge asks for expunges as they
    // happen, even during a FETCH, STORE or SEARCH (RFC 5465 6.1.1, 5.3:
    // such a client uses UIDs); SELECTED-DELAYED keeps the old rule.
    const bool immediate = m_notify && m_notify->selected_expunges;
    const bool forbidden_now =
        !immediate && std::any_of(m_pending.begin(), m_pending.end(), [](const Pending& p) {
            return !p.uid && has_flag(p.verb, VerbFlag::HoldsExpunge);
        });
    if (forbidden_now) {
        violation(Direction::ServerToClient, say(Phrase::ExpungeDuringFetch, what),
                  std::string(section));
    } else if (m_pending.empty() && !immediate) {
        // After NOTIFY SET with SELECTED MessageExpunge they come as they
        // happen (RFC 5465 5.3).
        violation(Direction::ServerToClient, say(Phrase::ExpungeNoCommand, what),
                  std::string(section));
    }
    return pending;
}

void ImapSession::on_vanished(const VanishedData& vanished, std::uint64_t seq) {
    // Each UID takes one message away (RFC 7162 3.2.10.2); UIDs ascend with
    // message numbers (RFC 3501 2.3.1.1), so a UID the client never learned
    // still belongs between its known neighbours.
    std::uint64_t named = 0;
    for (const auto& range : vanished.uids.ranges)
        named += std::max(range.first, range.last) - std::min(range.first, range.last) + 1;
    if (named > m_messages.size()) {
        violation(Direction::ServerToClient, say(Phrase::VanishedTooMany, named, m_messages.size()),
                  "RFC 7162 3.2.10.2");
        return;
    }
    // One walk over the view for all the UIDs, ascending: `gap` holds the
    // slots of unknown UID since the last known UID below the one sought.
    std::vector<std::uint32_t> uids;
    uids.reserve(named);
    for (const auto& range : vanished.uids.ranges) {
        for (std::uint64_t uid = std::min(range.first, range.last);
             uid <= std::max(range.first, range.last); ++uid) {
            uids.push_back(static_cast<std::uint32_t>(uid));
        }
    }
    std::sort(uids.begin(), uids.end());
    const auto count = static_cast<std::uint32_t>(m_messages.size());
    std::vector<char> leaving(m_messages.size(), 0);
    std::uint32_t removed = 0;
    std::deque<std::size_t> gap;
    std::size_t i = 0;
    for (const std::uint32_t uid : uids) {
        for (; i < m_messages.size(); ++i) {
            const auto& known = m_messages[i].uid;
            if (!known) {
                gap.push_back(i);
            } else if (*known < uid) {
                gap.clear();
            } else {
                break;
            }
        }
        std::optional<std::size_t> slot;
        if (i < m_messages.size() && m_messages[i].uid == uid) {
            slot = i++;
            gap.clear();
        } else if (!gap.empty()) {
            slot = gap.front();
            gap.pop_front();
        }
        if (!slot) {
            violation(Direction::ServerToClient, say(Phrase::VanishedUnknownUid, uid),
                      "RFC 7162 3.2.10.2");
            continue;
        }
        // Numbered as the view stands once the earlier ones have left.
        add_renumbering(static_cast<std::uint32_t>(*slot) - removed + 1, count - removed, seq,
                        "RFC 7162 3.2.10.2", uid);
        leaving[*slot] = 1;
        ++removed;
    }
    std::size_t kept = 0;
    for (std::size_t j = 0; j < m_messages.size(); ++j) {
        if (!leaving[j]) m_messages[kept++] = std::move(m_messages[j]);
    }
    m_messages.resize(kept);
}

void ImapSession::add_renumbering(std::uint32_t number, std::uint32_t count, std::uint64_t seq,
                                  std::string_view section, std::optional<std::uint32_t> uid) {
    const auto which =
        uid ? say(Phrase::MessageNumberWithUid, number, *uid) : say(Phrase::MessageNumber, number);
    TraceEvent renumber;
    renumber.dir = Direction::ServerToClient;
    renumber.kind = EventKind::Renumbering;
    renumber.name = "RENUMBER";
    renumber.section = std::string(section);
    set_summary(renumber, number == count ? say(Phrase::RemovedNoOtherChange, which)
                                          : say(Phrase::RemovedOthersMove, which, number + 1, count,
                                                number, count - 1));
    renumber.renumber = sim::Renumber{number, count};
    renumber.link = sim::Link::Answers;
    renumber.link_seq = seq;
    add_event(std::move(renumber));
}

void ImapSession::check_capability_rules(const Command& command) {
    const auto dir = Direction::ClientToServer;
    // QRESYNC's forms wait for ENABLED QRESYNC, whatever the server listed
    // (RFC 7162 3.2.3).
    const bool asks_qresync = std::visit(
        [](const auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, MailboxArgs>) return a.qresync.has_value();
            if constexpr (std::is_same_v<T, FetchArgs>) return a.vanished;
            return false;
        },
        command.typed);
    if (asks_qresync && !m_capabilities.is_enabled("QRESYNC")) {
        violation(dir, say(Phrase::QresyncBeforeEnabled), "RFC 7162 3.2.3");
    }
    if (command.verb == Verb::Login && m_capabilities.lists("LOGINDISABLED")) {
        violation(dir, say(Phrase::LoginDisabled), "RFC 3501 6.2.3");
    }
    if (!m_capabilities.known()) return;
    // Listed by its own name, or folded into a listed IMAP4rev2.
    const auto listed = [&](const ExtensionCommand& needs) {
        return m_capabilities.lists(needs.capability) ||
               (needs.in_imap4rev2 && m_capabilities.lists("IMAP4REV2"));
    };
    for (const auto& form : extended_forms(command)) {
        const auto& needs = form.extension;
        if (listed(needs) || (!form.also.empty() && m_capabilities.lists(form.also))) continue;
        violation(dir, say(Phrase::ExtensionNotListed, form_said(form), needs.capability),
                  std::string(needs.section));
    }
    const auto extension = extension_command(command);
    if (!extension || listed(*extension)) return;
    const std::string name = command.uid ? "UID " + upper(command.name) : upper(command.name);
    const std::string_view capability = extension->capability;
    violation(
        dir,
        say(Phrase::ExtensionNotListed, name,
            capability.ends_with('=') ? fmt::format("{}...", capability) : std::string(capability)),
        std::string(extension->section));
}

void ImapSession::check_quoted_strings(Direction dir, const std::vector<Node>& nodes,
                                       sim::ByteSpan wire) {
    const auto eight_bit = quoted_with_8bit(nodes);
    if (eight_bit.empty()) return;
    const bool client = dir == Direction::ClientToServer;
    // Neither the octets nor where they sit are named: the string may be a password.
    if (!m_capabilities.utf8_quoted(dir)) {
        violation(dir, say(client ? Phrase::EightBitQuotedClient : Phrase::EightBitQuotedServer),
                  "RFC 3501 4.3", false, wire);
        return;
    }
    if (std::any_of(eight_bit.begin(), eight_bit.end(),
                    [](const Node* node) { return !text::is_valid_utf8(node->value); })) {
        violation(dir, say(Phrase::QuotedNotUtf8), std::string(m_capabilities.utf8_section()),
                  false, wire);
    }
}

void ImapSession::learn_capabilities(const Response& response) {
    if (response.code && iequals(response.code->name, "CAPABILITY")) {
        m_capabilities.listed(response.code->list);
    }
    if (response.kind != ResponseKind::Untagged || response.status != Status::None) return;
    if (response.name == "CAPABILITY") m_capabilities.listed(response.flags);
    if (response.name == "ENABLED") m_capabilities.enabled(response.flags);
}

// ---------------------------------------------------------------------------
// [SECTION] Client role
// ---------------------------------------------------------------------------

std::string ImapSession::next_tag() {
    return fmt::format("A{:03}", ++m_tag_counter);
}

ImapSession::SubmitResult ImapSession::SubmitResult::refused(sim::Said why) {
    return {std::nullopt, sim::render(why, sim::Language::En), std::move(why)};
}

ImapSession::SubmitResult ImapSession::submit(Command command, std::int64_t time_us) {
    m_now = time_us;
    if (m_options.role != Role::Client) return SubmitResult::refused(say(Phrase::SubmitOnlyClient));
    if (m_state == State::Connecting) return SubmitResult::refused(say(Phrase::SubmitWaitGreeting));
    if (m_state == State::Logout || m_state == State::Closed) {
        return SubmitResult::refused(say(Phrase::SubmitSessionEnded));
    }
    if (!m_held.empty() || m_awaiting_plus || m_sasl_tag || m_idle_tag) {
        return SubmitResult::refused(say(Phrase::SubmitWaitsForPlus));
    }
    if (command.tag.empty()) command.tag = next_tag();
    if (find_pending(command.tag)) {
        return SubmitResult::refused(say(Phrase::SubmitTagInUse, command.tag));
    }
    if (!state_change_outstanding() && !command_allowed(command.verb, m_state)) {
        return SubmitResult::refused(
            say(Phrase::NotValidInState, verb_name(command.verb), sim::state_phrase(m_state)));
    }
    std::string bytes = serialize(command);
    // Cut after each synchronizing literal's announcement: what follows waits for "+".
    Framer probe(m_options.limits);
    probe.feed(bytes);
    std::vector<std::size_t> cuts;
    while (auto event = probe.next()) {
        if (auto* frame = std::get_if<Frame>(&*event)) {
            for (const auto& literal : frame->literals) {
                if (literal.synchronizing) cuts.push_back(literal.data_begin);
            }
        }
    }
    std::size_t at = 0;
    std::string first;
    for (auto cut : cuts) {
        if (first.empty() && at == 0) {
            first = bytes.substr(0, cut);
        } else {
            m_held.push_back(bytes.substr(at, cut - at));
        }
        at = cut;
    }
    if (cuts.empty()) {
        first = bytes;
    } else {
        m_held.push_back(bytes.substr(at));
    }
    m_outgoing += first;
    observe(Direction::ClientToServer, first, time_us);
    return {command.tag, {}, {}};
}

void ImapSession::send_sasl_line(std::string_view line, std::int64_t time_us) {
    send_raw(std::string(line) + "\r\n", time_us);
}

void ImapSession::send_done(std::int64_t time_us) {
    send_raw("DONE\r\n", time_us);
}

std::optional<ResponseReceived> ImapSession::next_response() {
    return sim::take_front(m_responses);
}

// ---------------------------------------------------------------------------
// [SECTION] Server role
// ---------------------------------------------------------------------------

std::uint64_t ImapSession::send(const Response& response, std::int64_t time_us) {
    const bool fetch = response.kind == ResponseKind::Untagged && response.name == "FETCH";
    return send_built(serialize(response), fetch ? &response : nullptr, time_us);
}

std::uint64_t ImapSession::send_fetch(std::uint32_t seq, std::vector<FetchItem> items,
                                      std::int64_t time_us) {
    // One record serves every FETCH response the session writes: a long
    // FETCH writes thousands in a row, and only the number and items change.
    Response& response = m_fetch_response;
    response.kind = ResponseKind::Untagged;
    response.name = "FETCH";
    response.number = seq;
    m_fetch_text.clear();
    // The 8-bit check of quoted strings reads the parsed tree, which this
    // response does not have: such a rare one is read back like any other.
    const bool quoted_8bit = write_fetch(m_fetch_text, seq, items);
    response.fetch = std::move(items);
    const auto seq_sent = send_built(m_fetch_text, quoted_8bit ? nullptr : &response, time_us);
    response.fetch.clear();
    // A message body must not stay in the buffer for the rest of the session.
    if (m_fetch_text.capacity() > kKeptFetchText) std::string().swap(m_fetch_text);
    return seq_sent;
}

std::uint64_t ImapSession::send_built(std::string_view bytes, const Response* fetch,
                                      std::int64_t time_us) {
    m_outgoing += bytes;
    const auto before = m_trace.end_seq();
    const bool held = m_hold_for_sasl;
    m_sending_fetch = fetch;
    observe(Direction::ServerToClient, bytes, time_us);
    m_sending_fetch = nullptr;
    if (held && !m_hold_for_sasl) drain(Direction::ClientToServer);
    return std::min(before, m_trace.end_seq());
}

void ImapSession::grant_continuation(std::string text, std::int64_t time_us,
                                     std::uint64_t received_ahead) {
    m_now = time_us;
    if (received_ahead > 0) report_early_literal();
    send(make_continuation(std::move(text)), time_us);
    if (m_hold_client_input) {
        m_hold_client_input = false;
        drain(Direction::ClientToServer);
    }
}

void ImapSession::refuse_literal(const std::string& tag, Status status, std::string text,
                                 std::int64_t time_us, std::uint64_t received_ahead) {
    m_now = time_us;
    if (received_ahead > 0) report_early_literal();
    m_framer[0].abandon_pending();
    send(make_status(tag, status, std::nullopt, std::move(text)), time_us);
    // Refused under whatever tag: the message is gone, and with it its pieces.
    m_awaiting_plus.reset();
    m_open_command.reset();
    if (m_hold_client_input) {
        m_hold_client_input = false;
        drain(Direction::ClientToServer);
    }
}

// ---------------------------------------------------------------------------
// [SECTION] Trace helpers
// ---------------------------------------------------------------------------

TraceEvent ImapSession::wire_event(Direction dir, EventKind kind, const Frame& frame) {
    return SessionEngine::wire_event(dir, kind, {frame.stream_offset, frame.bytes.size()},
                                     frame.bytes);
}

// The frame's octets become the event's unless its literals' events still
// read them.
void ImapSession::take_wire(TraceEvent& event, Direction dir, EventKind kind, Frame&& frame) {
    event.dir = dir;
    event.kind = kind;
    event.wire = {frame.stream_offset, frame.bytes.size()};
    if (!frame.literals.empty() || frame.bytes.size() > m_options.max_event_bytes) {
        event.raw = keep(frame.bytes);
    } else {
        event.raw = std::move(frame.bytes);
    }
}

void ImapSession::add_literal_events(const Frame& frame, std::uint64_t owner_seq) {
    for (const auto& literal : frame.literals) {
        TraceEvent event;
        event.dir = Direction::ServerToClient;
        event.kind = EventKind::Literal;
        event.name = "LITERAL";
        event.section = literal_section(literal);
        event.wire = {frame.stream_offset + literal.data_begin, literal.size};
        std::string_view data(frame.bytes);
        data = data.substr(literal.data_begin, literal.size);
        event.raw = keep(data);
        event.literal = sim::LiteralInfo{literal.size, literal.synchronizing,
                                         data.size() > m_options.max_event_bytes, literal.binary};
        set_summary(
            event, say(literal.synchronizing ? Phrase::LiteralOctets : Phrase::LiteralOctetsNonSync,
                       literal.size));
        event.link = sim::Link::Answers;
        event.link_seq = owner_seq;
        event.tag = m_events.open(owner_seq).tag;
        add_event(std::move(event));
    }
}

void ImapSession::transition(State to, sim::Said cause, Direction dir) {
    SessionEngine::transition(to, std::move(cause), dir);
    if (to == State::Selected) m_selected_once = true;
}

ImapSession::Pending* ImapSession::find_pending(std::string_view tag) {
    for (auto& pending : m_pending) {
        if (pending.tag == tag) return &pending;
    }
    return nullptr;
}

ImapSession::Pending* ImapSession::find_pending_verb(VerbSet verbs) {
    for (auto& pending : m_pending) {
        if (verbs.contains(pending.verb)) return &pending;
    }
    return nullptr;
}

void ImapSession::link(std::uint64_t answer_seq, const Pending* pending) {
    auto& event = m_events.open(answer_seq);
    event.link = sim::Link::Answers;
    event.link_seq = pending->seq;
}

bool ImapSession::state_change_outstanding() const {
    return std::any_of(m_pending.begin(), m_pending.end(),
                       [](const Pending& pending) { return changes_state(pending.verb); });
}

}  // namespace mailscope::imap
