#include "sim/core/transcript.hpp"

#include <fmt/format.h>

#include "sim/core/json_text.hpp"

#include <utility>

namespace mailscope::sim {

namespace {

bool carries_wire_text(const TraceEvent& event) {
    switch (event.kind) {
        case EventKind::Command:
        case EventKind::Untagged:
        case EventKind::Tagged:
        case EventKind::Continuation:
            return true;
        // A client's literal octets are a piece of their own: an IMAP
        // command's literal between the pieces of its line, SMTP message
        // content after the 354. A server's literals sit inside the response
        // or reply that carries them.
        case EventKind::Literal:
            return event.dir == Direction::ClientToServer;
        default:
            return false;
    }
}

const char* direction_name(Direction dir) {
    return dir == Direction::ClientToServer ? "C" : "S";
}

// A literal's octets, or a piece of a command line after one: text that may
// go on the line the previous piece of the same command left open.
bool continues_command(const TraceEvent& event) {
    return event.kind == EventKind::Literal ||
           (event.kind == EventKind::Command && event.piece && event.piece->index > 0);
}

}  // namespace

std::string export_text(const SessionTrace& trace) {
    TranscriptText writer;
    std::string out;
    for (const auto& event : trace.events())
        out += writer.add(event);
    return out + writer.finish();
}

std::string TranscriptText::add(const TraceEvent& event) {
    std::string out;
    if (!carries_wire_text(event)) return out;
    if (m_open && !(*m_open == event.dir && continues_command(event))) out += finish();
    m_first_line = m_open ? m_lines : m_lines + 1;
    std::string_view text(event.raw);
    while (!text.empty()) {
        if (!m_open) {
            out += event.dir == Direction::ClientToServer ? "C: " : "S: ";
            ++m_lines;
            m_open = event.dir;
        }
        const auto end = text.find('\n');
        auto line = text.substr(0, end);
        if (end == std::string_view::npos) {
            // The line goes on in the next piece (the rest of a command line
            // after a literal's octets).
            out += line;
            break;
        }
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out += line;
        out += '\n';
        m_open.reset();
        text.remove_prefix(end + 1);
    }
    return out;
}

std::string TranscriptText::finish() {
    if (!m_open) return {};
    m_open.reset();
    return "\n";
}

std::string event_to_json(const TraceEvent& event) {
    std::string out;
    // Line ends and controls grow by escaping: an eighth more keeps a long
    // literal from being copied to a larger buffer halfway.
    out.reserve(256 + event.raw.size() + event.raw.size() / 8 + event.summary.size());
    JsonText j(out);
    j.begin_object();
    if (!event.code.empty()) j.member("code", event.code);
    if (event.code_modseq) j.member("code_modseq", *event.code_modseq);
    if (event.code_number) j.member("code_number", *event.code_number);
    j.member("dir", direction_name(event.dir));
    if (event.flags) {
        j.key("flags");
        j.begin_object();
        j.member("after", event.flags->after);
        if (event.flags->known_before) j.member("before", event.flags->before);
        j.member("seq", event.flags->seq);
        if (event.flags->uid) j.member("uid", *event.flags->uid);
        j.end_object();
    }
    j.member("kind", to_string(event.kind));
    if (event.link != Link::None) {
        j.key("link");
        j.value(event.link == Link::Answers       ? "answers"
                : event.link == Link::Unsolicited ? "unsolicited"
                : event.link == Link::Ambiguous   ? "ambiguous"
                                                  : "unmatched");
    }
    if (event.link_seq) j.member("link_seq", *event.link_seq);
    if (event.listed) {
        j.key("listed");
        j.begin_object();
        j.member("attributes", event.listed->attributes);
        j.key("delimiter");
        if (event.listed->delimiter) {
            j.value(std::string_view(&*event.listed->delimiter, 1));
        } else {
            j.null();
        }
        j.end_object();
    }
    if (event.literal) {
        j.key("literal");
        j.begin_object();
        if (event.literal->binary) j.member("binary", true);
        j.member("size", event.literal->size);
        j.member("synchronizing", event.literal->synchronizing);
        j.member("truncated", event.literal->truncated);
        j.end_object();
    }
    if (!event.mailbox.empty()) j.member("mailbox", event.mailbox);
    if (event.message) {
        const auto& m = *event.message;
        j.key("message");
        j.begin_object();
        if (m.flags) j.member("flags", *m.flags);
        if (m.modseq) j.member("modseq", *m.modseq);
        if (m.size) j.member("size", *m.size);
        if (m.subject) j.member("subject", *m.subject);
        if (m.uid) j.member("uid", *m.uid);
        j.end_object();
    }
    if (!event.name.empty()) j.member("name", event.name);
    if (event.number) j.member("number", *event.number);
    j.member("offset", event.wire.offset);
    if (event.piece) {
        j.key("piece");
        j.begin_object();
        if (event.piece->announces) {
            j.key("announces");
            j.begin_object();
            if (event.piece->announces->binary) j.member("binary", true);
            j.member("size", event.piece->announces->size);
            j.member("synchronizing", event.piece->announces->synchronizing);
            j.end_object();
        }
        j.member("awaits_continuation", event.piece->awaits_continuation);
        j.member("index", event.piece->index);
        j.end_object();
    }
    j.key("protocol");
    j.value(event.protocol == Protocol::Imap   ? "imap"
            : event.protocol == Protocol::Pop3 ? "pop3"
                                               : "smtp");
    // Wire text may hold any octet; JSON strings must be UTF-8, so invalid
    // sequences are replaced rather than the export failing.
    j.member("raw", event.raw);
    if (event.redacted) j.member("redacted", true);
    if (event.renumber) {
        j.key("renumber");
        j.begin_object();
        j.member("expunged", event.renumber->expunged);
        j.member("old_count", event.renumber->old_count);
        j.end_object();
    }
    if (!event.section.empty()) j.member("section", event.section);
    j.member("seq", event.seq);
    j.member("size", event.wire.size);
    if (event.reply_code) {
        j.member("status", fmt::format("{:03}", event.reply_code));
    } else if (event.status != ReplyStatus::None)
        j.member("status", status_word(event.status));
    if (!event.summary.empty()) j.member("summary", event.summary);
    if (!event.tag.empty()) j.member("tag", event.tag);
    j.member("time_us", event.time_us);
    if (event.transition) {
        j.key("transition");
        j.begin_object();
        j.member("cause", event.transition->cause);
        j.member("from", event.transition->from.name());
        j.member("number", event.transition->number);
        j.member("to", event.transition->to.name());
        j.end_object();
    }
    if (event.violation) {
        j.key("violation");
        j.begin_object();
        j.member("fatal", event.violation->fatal);
        j.member("rule", event.violation->rule);
        j.member("section", event.violation->section);
        j.end_object();
    }
    j.end_object();
    return out;
}

std::string export_jsonl(const SessionTrace& trace) {
    std::string out;
    for (const auto& event : trace.events()) {
        out += event_to_json(event);
        out += '\n';
    }
    return out;
}

namespace {

// "{n}" or "{n+}" at the end of a line announces n octets of literal data.
std::optional<std::uint64_t> literal_announced(std::string_view line) {
    if (line.size() < 3 || line.back() != '}') return std::nullopt;
    auto open = line.rfind('{');
    if (open == std::string_view::npos) return std::nullopt;
    auto digits = line.substr(open + 1, line.size() - open - 2);
    if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
    if (digits.empty() || digits.size() > 18) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
}

std::size_t leading_blanks(std::string_view text) {
    std::size_t n = 0;
    while (n < text.size() && (text[n] == ' ' || text[n] == '\t'))
        ++n;
    return n;
}

// Why a line that is not part of a transcript was refused: the look-alikes
// people type get their own explanation.
Said explain_bad_line(std::string_view line) {
    std::string_view body = line.substr(leading_blanks(line));
    // U+0421 and U+0441, the Cyrillic letters that look like C and c.
    if (body.starts_with("\xD0\xA1") || body.starts_with("\xD1\x81")) {
        return say(Phrase::TranscriptCyrillicC);
    }
    if (body.size() >= 2 &&
        (body[0] == 'C' || body[0] == 'S' || body[0] == 'c' || body[0] == 's') && body[1] != ':') {
        return say(Phrase::TranscriptNoColon, std::string(1, static_cast<char>(body[0] & ~0x20)),
                   std::string(body.substr(0, 2)));
    }
    return say(Phrase::TranscriptBadLine);
}

}  // namespace

std::optional<TranscriptError> TranscriptReader::add_line(std::string_view line) {
    ++m_number;
    if (m_number == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    auto body = line.substr(leading_blanks(line));
    const bool prefixed = body.starts_with("C:") || body.starts_with("S:") ||
                          (!body.empty() && (body.front() == '>' || body.front() == '<'));
    if (!prefixed) {
        if (body.empty() || body.front() == '#') return std::nullopt;
        // An unprefixed, indented line continues the previous one: RFC
        // examples break long lines "for editorial clarity".
        if (leading_blanks(line) > 0 && m_pending &&
            m_literal_left[direction_index(m_pending->dir)] == 0) {
            auto& previous = *m_pending;
            previous.bytes.resize(previous.bytes.size() - 2);
            previous.bytes += ' ';
            previous.bytes.append(body);
            previous.bytes += "\r\n";
            auto d = direction_index(previous.dir);
            if (auto n = literal_announced(body)) {
                m_literal_left[d] = *n;
                m_column[d] = 0;
            }
            return std::nullopt;
        }
        return TranscriptError{m_number, explain_bad_line(line)};
    }

    Direction dir = body.front() == 'C' || body.front() == '>' ? Direction::ClientToServer
                                                               : Direction::ServerToClient;
    body.remove_prefix(body.front() == '>' || body.front() == '<' ? 1 : 2);
    auto d = direction_index(dir);
    std::size_t blanks = leading_blanks(body);
    if (m_literal_left[d] > 0 || m_after_literal[d]) {
        body.remove_prefix(std::min(blanks, std::max<std::size_t>(m_column[d], 1)));
    } else {
        m_column[d] = blanks;
        body.remove_prefix(blanks);
    }
    m_after_literal[d] = false;
    complete_pending();
    TranscriptChunk chunk;
    chunk.dir = dir;
    chunk.bytes.assign(body);
    chunk.bytes += "\r\n";
    chunk.line = m_number;
    if (m_literal_left[d] > 0) {
        m_literal_left[d] -= std::min<std::uint64_t>(m_literal_left[d], chunk.bytes.size());
        m_after_literal[d] = m_literal_left[d] == 0;
    } else if (auto n = literal_announced(body)) {
        m_literal_left[d] = *n;
    }
    m_pending = std::move(chunk);
    return std::nullopt;
}

void TranscriptReader::complete_pending() {
    if (m_pending) m_ready.push_back(std::move(*m_pending));
    m_pending.reset();
}

std::vector<TranscriptChunk> TranscriptReader::take_chunks() {
    return std::exchange(m_ready, {});
}

void TranscriptReader::finish() {
    complete_pending();
}

TranscriptParse parse_text_transcript(std::string_view text) {
    TranscriptParse result;
    TranscriptReader reader;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (auto error = reader.add_line(line)) {
            reader.finish();
            result.chunks = reader.take_chunks();
            result.error = std::move(error);
            return result;
        }
    }
    reader.finish();
    result.chunks = reader.take_chunks();
    return result;
}

}  // namespace mailscope::sim
