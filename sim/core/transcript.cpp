#include "sim/core/transcript.hpp"

#include <nlohmann/json.hpp>

namespace mailscope::sim {

namespace {

bool carries_wire_text(const TraceEvent& event) {
    switch (event.kind) {
        case EventKind::Command:
        case EventKind::Untagged:
        case EventKind::Tagged:
        case EventKind::Continuation:
            return true;
        // A command cut by a synchronizing literal: the piece sent before "+".
        // SMTP message content follows the 354 on its own; no other event
        // carries its octets (IMAP literals and POP3 bodies sit inside the
        // command or reply that carries them).
        case EventKind::Literal:
            return event.name == "ANNOUNCE" ||
                   (event.protocol == Protocol::Smtp && event.dir == Direction::ClientToServer);
        default:
            return false;
    }
}

const char* direction_name(Direction dir) {
    return dir == Direction::ClientToServer ? "C" : "S";
}

}  // namespace

std::string export_text(const SessionTrace& trace) {
    std::string out;
    for (const auto& event : trace.events())
        out += event_to_text(event);
    return out;
}

std::string event_to_text(const TraceEvent& event) {
    std::string out;
    if (!carries_wire_text(event)) return out;
    std::string_view text(event.raw);
    text.remove_prefix(std::min(event.shown_before, text.size()));
    const char* prefix = event.dir == Direction::ClientToServer ? "C: " : "S: ";
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out += prefix;
        out += line;
        out += '\n';
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return out;
}

std::string event_to_json(const TraceEvent& event) {
    nlohmann::json j;
    j["seq"] = event.seq;
    j["time_us"] = event.time_us;
    j["protocol"] = event.protocol == Protocol::Imap   ? "imap"
                    : event.protocol == Protocol::Pop3 ? "pop3"
                                                       : "smtp";
    j["dir"] = direction_name(event.dir);
    j["kind"] = std::string(to_string(event.kind));
    j["offset"] = event.wire.offset;
    j["size"] = event.wire.size;
    // Wire text may hold any octet; JSON strings must be UTF-8, so invalid
    // sequences are replaced rather than the export failing.
    j["raw"] = event.raw;
    if (event.shown_before) j["shown_before"] = event.shown_before;
    if (!event.tag.empty()) j["tag"] = event.tag;
    if (!event.name.empty()) j["name"] = event.name;
    if (!event.summary.empty()) j["summary"] = event.summary;
    if (!event.section.empty()) j["section"] = event.section;
    if (!event.status.empty()) j["status"] = event.status;
    if (!event.code.empty()) j["code"] = event.code;
    if (event.link != Link::None) {
        j["link"] = event.link == Link::Answers       ? "answers"
                    : event.link == Link::Unsolicited ? "unsolicited"
                                                      : "unmatched";
    }
    if (event.link_seq) j["link_seq"] = *event.link_seq;
    if (event.redacted) j["redacted"] = true;
    if (event.transition) {
        j["transition"] = {{"from", event.transition->from},
                           {"to", event.transition->to},
                           {"number", event.transition->number},
                           {"cause", event.transition->cause}};
    }
    if (event.flags) {
        nlohmann::json f = {{"seq", event.flags->seq}, {"after", event.flags->after}};
        if (event.flags->uid) f["uid"] = *event.flags->uid;
        if (event.flags->known_before) f["before"] = event.flags->before;
        j["flags"] = std::move(f);
    }
    if (event.renumber) {
        j["renumber"] = {{"expunged", event.renumber->expunged},
                         {"old_count", event.renumber->old_count}};
    }
    if (event.violation) {
        j["violation"] = {{"rule", event.violation->rule},
                          {"section", event.violation->section},
                          {"fatal", event.violation->fatal}};
    }
    if (event.literal) {
        j["literal"] = {{"size", event.literal->size},
                        {"synchronizing", event.literal->synchronizing},
                        {"truncated", event.literal->truncated}};
    }
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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

}  // namespace

TranscriptParse parse_text_transcript(std::string_view text) {
    TranscriptParse result;
    // Per direction: literal octets still expected, and the column the
    // announcing line's text started at (literal lines are aligned to it, so
    // only that much indentation is layout; the rest is data).
    std::uint64_t literal_left[2] = {0, 0};
    std::size_t column[2] = {0, 0};
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        auto end = text.find('\n');
        auto line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

        auto body = line.substr(leading_blanks(line));
        const bool prefixed = body.starts_with("C:") || body.starts_with("S:") ||
                              (!body.empty() && (body.front() == '>' || body.front() == '<'));
        if (!prefixed) {
            if (body.empty() || body.front() == '#') continue;
            // An unprefixed, indented line continues the previous one: RFC
            // examples break long lines "for editorial clarity".
            if (leading_blanks(line) > 0 && !result.chunks.empty() &&
                literal_left[result.chunks.back().dir == Direction::ClientToServer ? 0 : 1] == 0) {
                auto& previous = result.chunks.back();
                previous.bytes.resize(previous.bytes.size() - 2);
                previous.bytes += ' ';
                previous.bytes.append(body);
                previous.bytes += "\r\n";
                auto d = previous.dir == Direction::ClientToServer ? 0 : 1;
                if (auto n = literal_announced(body)) {
                    literal_left[d] = *n;
                    column[d] = 0;
                }
                continue;
            }
            result.error = TranscriptError{
                number, "expected a line starting with \"C:\", \"S:\", \">\" or \"<\""};
            return result;
        }

        Direction dir;
        if (body.front() == 'C' || body.front() == '>') {
            dir = Direction::ClientToServer;
        } else {
            dir = Direction::ServerToClient;
        }
        body.remove_prefix(body.front() == '>' || body.front() == '<' ? 1 : 2);
        auto d = dir == Direction::ClientToServer ? 0 : 1;
        std::size_t blanks = leading_blanks(body);
        if (literal_left[d] > 0) {
            body.remove_prefix(std::min(blanks, std::max<std::size_t>(column[d], 1)));
        } else {
            column[d] = blanks;
            body.remove_prefix(blanks);
        }
        TranscriptChunk chunk;
        chunk.dir = dir;
        chunk.bytes.assign(body);
        chunk.bytes += "\r\n";
        chunk.line = number;
        if (literal_left[d] > 0) {
            literal_left[d] -= std::min<std::uint64_t>(literal_left[d], chunk.bytes.size());
        } else if (auto n = literal_announced(body)) {
            literal_left[d] = *n;
        }
        result.chunks.push_back(std::move(chunk));
    }
    return result;
}

}  // namespace mailscope::sim
