#include "sim/core/trace_format.hpp"

#include <fmt/format.h>

#include "sim/core/event_text.hpp"
#include "sim/text/utf8.hpp"

namespace mailscope::sim {

namespace {

const char* colour_of(const TraceEvent& event) {
    switch (event.kind) {
        case EventKind::Command:
            return "\x1b[36m";  // cyan
        case EventKind::Continuation:
            return "\x1b[35m";  // magenta
        case EventKind::Literal:
            return "\x1b[34m";  // blue
        case EventKind::StateTransition:
            return "\x1b[1;33m";
        case EventKind::FlagChange:
            return "\x1b[33m";
        case EventKind::Renumbering:
            return "\x1b[33m";
        case EventKind::Violation:
            return "\x1b[1;31m";
        case EventKind::Note:
            return "\x1b[2m";
        case EventKind::Tagged:
            switch (reply_class(event.status)) {
                case ReplyClass::Success:
                    return "\x1b[32m";
                case ReplyClass::Continue:
                    return "\x1b[35m";
                case ReplyClass::TryLater:
                    return "\x1b[31m";
                default:
                    return "\x1b[1;31m";
            }
        case EventKind::Untagged:
            if (event.status == ReplyStatus::Bye) return "\x1b[1;35m";
            return "\x1b[0m";
    }
    return "";
}

// Control octets, and octets that are not UTF-8 (a literal may end inside
// a character), made visible so a terminal never interprets wire data.
std::string printable(std::string_view text, std::size_t max) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (out.size() >= max) {
            out += "…";
            break;
        }
        auto c = static_cast<unsigned char>(text[i]);
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        if (c == '\n') {
            out += "⏎";
        } else if (c < 0x20 || c == 0x7f) {
            out += fmt::format("\\x{:02x}", c);
        } else if (c >= 0x80) {
            const auto step = text::decode_utf8_at(text, i);
            if (step.valid) {
                out.append(text.substr(i, step.length));
                i += step.length - 1;
            } else {
                out += fmt::format("\\x{:02x}", c);
            }
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace

std::string format_event(const SessionTrace& trace, const TraceEvent& event,
                         const FormatOptions& options) {
    const char* on = options.colour ? colour_of(event) : "";
    const char* off = options.colour ? "\x1b[0m" : "";
    const char* arrow = event.dir == Direction::ClientToServer ? "C→S" : "S→C";
    const Language language = options.language;
    const auto text = [language](Phrase phrase, auto&&... args) {
        return render(say(phrase, std::forward<decltype(args)>(args)...), language);
    };
    std::string line =
        fmt::format("{}#{:<5} {} {:<13}", on, event.seq, arrow, kind_label(event.kind, language));
    switch (event.kind) {
        case EventKind::Command:
        case EventKind::Untagged:
        case EventKind::Tagged:
        case EventKind::Continuation:
            line += options.show_raw ? printable(event.raw, options.max_raw)
                                     : event_summary(event, language);
            if (options.show_raw && event.piece && event.piece->awaits_continuation) {
                line += "  ";
                line += event.piece->announces
                            ? text(Phrase::WaitsForPlusBeforeOctets, event.piece->announces->size)
                            : text(Phrase::WaitsForPlus);
            }
            break;
        case EventKind::Literal:
            if (event.protocol != Protocol::Imap) {
                // POP3 and SMTP carry a message without IMAP's {n}: it runs
                // to the line holding a single dot.
                line += text(Phrase::MessageOctets, event.literal ? event.literal->size : 0);
            } else {
                line += fmt::format(
                    "{}{{{}{}}} {}", event.literal && event.literal->binary ? "~" : "",
                    event.literal ? event.literal->size : 0,
                    event.literal && !event.literal->synchronizing ? "+" : "",
                    text(Phrase::LiteralOctets, event.literal ? event.literal->size : 0));
                if (event.redacted) {
                    line += " " + text(Phrase::Hidden);
                } else if (event.dir == Direction::ClientToServer && options.show_raw) {
                    // A server's literal is shown inside its response; a
                    // client's octets are only in this event.
                    line += ": " + printable(event.raw, options.max_raw);
                }
            }
            break;
        default:
            line += event_summary(event, language);
            break;
    }
    line += off;
    std::string notes;
    const TraceEvent* linked =
        event.link_seq && trace.holds(*event.link_seq) ? &trace.at(*event.link_seq) : nullptr;
    if (event.link_seq && event.kind == EventKind::Tagged) {
        notes += " " + (linked ? text(Phrase::CompletesEvent, linked->seq, linked->name)
                               : text(Phrase::CompletesSeq, *event.link_seq));
    } else if (event.link_seq &&
               (event.kind == EventKind::Untagged || event.kind == EventKind::Continuation)) {
        notes += " " + (linked ? text(Phrase::AnswersEvent, linked->seq, linked->tag, linked->name)
                               : text(Phrase::AnswersSeq, *event.link_seq));
    } else if (event.link_seq && event.dir == Direction::ClientToServer &&
               (event.kind == EventKind::Command || event.kind == EventKind::Literal)) {
        // A later piece of a command, or one of its literals.
        notes += " " + (linked ? text(event.kind == EventKind::Literal ? Phrase::LiteralOfEvent
                                                                       : Phrase::ContinuesEvent,
                                      linked->seq, linked->tag, linked->name)
                               : text(Phrase::ContinuesSeq, *event.link_seq));
    } else if (event.link == Link::Unsolicited && event.kind == EventKind::Untagged) {
        notes += " " + text(Phrase::Unsolicited);
    } else if (event.link == Link::Ambiguous) {
        notes += " " + text(Phrase::Ambiguous);
    }
    if (event.redacted && event.kind != EventKind::Literal)
        notes += " " + text(Phrase::SecretHidden);
    if (options.show_sections && !event.section.empty())
        notes += fmt::format(" [{}]", event.section);
    if (!notes.empty())
        line += fmt::format("{}  ←{}{}", options.colour ? "\x1b[2m" : "", notes, off);
    line += '\n';
    return line;
}

}  // namespace mailscope::sim
