#include "sim/core/handout.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "sim/core/catalogue.hpp"
#include "sim/core/event_text.hpp"
#include "sim/core/protocol.hpp"
#include "sim/text/html_escape.hpp"
#include "sim/text/utf8.hpp"

namespace mailscope::sim {

namespace {

using text::html_escaped;

// The events of a part, in order.
template <typename Visit>
void for_each_event(const HandoutPart& part, Visit visit) {
    const SessionTrace& trace = *part.trace;
    if (trace.empty()) return;
    const std::uint64_t first = std::max(part.first, trace.first_seq());
    const std::uint64_t end = trace.end_seq() - 1;
    const std::uint64_t last = std::min(part.through.value_or(end), end);
    for (std::uint64_t seq = first; seq <= last; ++seq)
        visit(trace.at(seq));
}

// Wire text for reading: the line end dropped, other control octets and
// bytes that are not UTF-8 written as \xNN, line breaks inside (a literal's
// message) kept as `newline`, cut after `max` octets.
std::string readable(std::string_view raw, std::size_t max, std::string_view newline) {
    while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r'))
        raw.remove_suffix(1);
    std::string out;
    std::size_t pos = 0;
    while (pos < raw.size() && out.size() < max) {
        if (raw[pos] == '\r' && pos + 1 < raw.size() && raw[pos + 1] == '\n') {
            out += newline;
            pos += 2;
            continue;
        }
        const text::Utf8Step step = text::decode_utf8_at(raw, pos);
        if (!step.valid || step.code_point < 0x20 || step.code_point == 0x7F) {
            out += fmt::format("\\x{:02X}", static_cast<unsigned char>(raw[pos]));
            pos += 1;
            continue;
        }
        out.append(raw.substr(pos, step.length));
        pos += step.length;
    }
    if (pos < raw.size()) out += "…";
    return out;
}

bool on_the_wire(const TraceEvent& event) {
    switch (event.kind) {
        case EventKind::Command:
        case EventKind::Untagged:
        case EventKind::Tagged:
        case EventKind::Continuation:
        case EventKind::Literal:
            return true;
        default:
            return false;
    }
}

std::string transition_text(const StateChange& change, Language language) {
    return render(say(Phrase::HandoutTransition, change.number, state_label(change.from, language),
                      state_label(change.to, language), cause_text(change, language)),
                  language);
}

// What the meaning column says of an event: its summary, or for the engine's
// own events what they are about.
std::string meaning(const TraceEvent& event, Language language) {
    if (event.transition) return transition_text(*event.transition, language);
    if (event.violation) {
        return render(say(Phrase::HandoutViolation, event.violation->section,
                          rule_text(*event.violation, language)),
                      language);
    }
    if (event.kind == EventKind::Literal && event.literal) {
        return render(say(Phrase::HandoutLiteral, event.literal->size), language);
    }
    return event_summary(event, language);
}

const char* row_class(const TraceEvent& event) {
    switch (event.kind) {
        case EventKind::Command:
            return "command";
        case EventKind::Untagged:
            return "untagged";
        case EventKind::Tagged:
            return event.status == ReplyStatus::Ok ? "ok" : "refused";
        case EventKind::Continuation:
            return "continuation";
        case EventKind::Literal:
            return "literal";
        case EventKind::StateTransition:
            return "transition";
        case EventKind::FlagChange:
        case EventKind::Renumbering:
            return "change";
        case EventKind::Violation:
            return "violation";
        case EventKind::Note:
            return "note";
    }
    return "note";
}

constexpr std::string_view page_style = R"(<style>
@page { size: A4; margin: 14mm 12mm; }
body { font: 10.5pt/1.4 "DejaVu Sans", Arial, sans-serif; color: #111; margin: 1.5em auto;
       max-width: 190mm; }
h1 { font-size: 16pt; margin: 0 0 .3em; }
h2 { font-size: 13pt; margin: 1.2em 0 .4em; border-bottom: 1px solid #999; }
h3 { font-size: 11pt; margin: 1em 0 .3em; }
.meta, footer { color: #444; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border-bottom: 1px solid #ddd; padding: 2px 4px; vertical-align: top;
         text-align: left; }
th { background: #eee; }
col.n { width: 3.2em; } col.side { width: 4.6em; } col.wire { width: 52%; }
tr { page-break-inside: avoid; break-inside: avoid; }
.wire { font: 9pt "DejaVu Sans Mono", "Courier New", monospace; white-space: pre-wrap;
        overflow-wrap: anywhere; }
.section { color: #555; font-size: 8.5pt; }
tr.command .wire { color: #1c4fb0; } tr.ok .wire { color: #17733a; }
tr.refused .wire { color: #b3261e; } tr.untagged .wire { color: #5b3a99; }
tr.continuation .wire { color: #0b7285; } tr.literal .wire { color: #6b4f1d; }
tr.transition td { background: #fff1e0; } tr.violation td { background: #fde3e1; }
tr.change td { background: #fff8d6; } tr.note td { color: #555; }
ol, ul { margin: .2em 0 .2em 1.4em; padding: 0; }
</style>
)";

void html_part(std::string& out, const HandoutPart& part, Language language) {
    const SessionTrace& trace = *part.trace;
    std::vector<const TraceEvent*> transitions;
    std::vector<const TraceEvent*> changes;
    std::vector<const TraceEvent*> violations;
    std::uint64_t first_seen = 0;
    std::uint64_t last_seen = 0;
    bool any = false;
    for_each_event(part, [&](const TraceEvent& event) {
        if (!any) first_seen = event.seq;
        any = true;
        last_seen = event.seq;
        if (event.transition) transitions.push_back(&event);
        if (event.kind == EventKind::FlagChange || event.kind == EventKind::Renumbering)
            changes.push_back(&event);
        if (event.violation) violations.push_back(&event);
    });
    const std::string who = part.client.empty() ? trace.label() : part.client;
    out += fmt::format("<h2>{}</h2>\n", html_escaped(who));
    out += fmt::format(
        "<p class=\"meta\">{}</p>\n",
        html_escaped(render(say(Phrase::HandoutEvents, std::string(protocol_name(trace.protocol())),
                                first_seen, last_seen, trace.size()),
                            language)));

    out +=
        fmt::format("<h3>{}</h3>\n", html_escaped(render(say(Phrase::HandoutStatePath), language)));
    if (transitions.empty()) {
        out += fmt::format("<p>{}</p>\n",
                           html_escaped(render(say(Phrase::HandoutNoTransition), language)));
    } else {
        out += "<ol>\n";
        for (const TraceEvent* event : transitions) {
            out += fmt::format("<li>{} <span class=\"section\">#{} {}</span></li>\n",
                               html_escaped(transition_text(*event->transition, language)),
                               event->seq, html_escaped(event->section));
        }
        out += "</ol>\n";
    }

    out += fmt::format("<h3>{}</h3>\n",
                       html_escaped(render(say(Phrase::HandoutMailboxChanges), language)));
    if (changes.empty()) {
        out += fmt::format("<p>{}</p>\n",
                           html_escaped(render(say(Phrase::HandoutNoChange), language)));
    } else {
        out += "<ul>\n";
        for (const TraceEvent* event : changes) {
            out += fmt::format("<li>#{} {}</li>\n", event->seq,
                               html_escaped(event_summary(*event, language)));
        }
        out += "</ul>\n";
    }

    out += fmt::format(
        "<h3>{}</h3>\n",
        html_escaped(render(say(Phrase::HandoutRulesBroken, violations.size()), language)));
    if (!violations.empty()) {
        out += "<ul>\n";
        for (const TraceEvent* event : violations) {
            out += fmt::format("<li>#{} <b>{}</b>: {}</li>\n", event->seq,
                               html_escaped(event->violation->section),
                               html_escaped(rule_text(*event->violation, language)));
        }
        out += "</ul>\n";
    }

    out +=
        fmt::format("<h3>{}</h3>\n", html_escaped(render(say(Phrase::HandoutExchanges), language)));
    out +=
        "<table>\n<colgroup><col class=\"n\"><col class=\"side\"><col "
        "class=\"wire\"><col></colgroup>\n";
    out += fmt::format("<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
                       html_escaped(render(say(Phrase::HandoutColumnEvent), language)),
                       html_escaped(render(say(Phrase::HandoutColumnSide), language)),
                       html_escaped(render(say(Phrase::HandoutColumnWire), language)),
                       html_escaped(render(say(Phrase::HandoutColumnMeaning), language)));
    const std::string client = render(say(Phrase::HandoutClient), language);
    const std::string server = render(say(Phrase::HandoutServer), language);
    for_each_event(part, [&](const TraceEvent& event) {
        const bool wire = on_the_wire(event);
        const std::string side = !wire                                    ? std::string()
                                 : event.dir == Direction::ClientToServer ? client + " →"
                                                                          : "← " + server;
        const std::string said = meaning(event, language);
        const std::string text = wire ? readable(event.raw, handout_max_wire, "\n") : std::string();
        out += fmt::format(
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td class=\"wire\">{}</td><td>{}{}</td></tr>\n",
            row_class(event), event.seq, html_escaped(side), html_escaped(text),
            said == text ? std::string() : html_escaped(said),
            event.section.empty()
                ? std::string()
                : fmt::format(" <span class=\"section\">{}</span>", html_escaped(event.section)));
    });
    out += "</table>\n";
}

// Mermaid reads ';' and '#' as syntax and '<' '>' as markup in a message:
// its entity codes keep them text.
std::string mermaid_escaped(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case ';':
                out += "#59;";
                break;
            case '#':
                out += "#35;";
                break;
            case '<':
                out += "#lt;";
                break;
            case '>':
                out += "#gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

constexpr std::size_t mermaid_max_line = 140;

}  // namespace

std::string handout_html(std::span<const HandoutPart> parts, const HandoutOptions& options) {
    const Language language = options.language;
    std::string out = fmt::format(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta "
        "charset=\"utf-8\">\n<title>{}</title>\n",
        language == Language::Ru ? "ru" : "en", html_escaped(options.title));
    out += page_style;
    out += "</head>\n<body>\n";
    out += fmt::format("<h1>{}</h1>\n", html_escaped(options.title));
    for (const HandoutPart& part : parts) {
        if (part.trace) html_part(out, part, language);
    }
    out += fmt::format("<footer><p>{}</p></footer>\n</body>\n</html>\n",
                       html_escaped(render(say(Phrase::HandoutFooter), language)));
    return out;
}

std::string handout_mermaid(std::span<const HandoutPart> parts, const HandoutOptions& options) {
    const Language language = options.language;
    std::string out = "sequenceDiagram\n";
    if (!options.title.empty())
        out += fmt::format("    title {}\n", mermaid_escaped(readable(options.title, 200, " ")));
    const std::string server = render(say(Phrase::HandoutServer), language);
    const std::string client = render(say(Phrase::HandoutClient), language);
    // One participant per client, however many parts its events come in.
    std::vector<std::string> clients;
    std::vector<std::string> names;  // each part's participant
    for (const HandoutPart& part : parts) {
        const auto known = std::find(clients.begin(), clients.end(), part.client);
        const std::size_t index = static_cast<std::size_t>(known - clients.begin());
        names.push_back(fmt::format("C{}", index + 1));
        if (known != clients.end()) continue;
        clients.push_back(part.client);
        const std::string who = part.client.empty() ? client : client + " " + part.client;
        out += fmt::format("    participant {} as {}\n", names.back(),
                           mermaid_escaped(readable(who, 80, " ")));
    }
    out += fmt::format("    participant S as {}\n", mermaid_escaped(server));
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (!parts[i].trace) continue;
        const std::string& c = names[i];
        for_each_event(parts[i], [&](const TraceEvent& event) {
            if (on_the_wire(event)) {
                const std::string text = event.kind == EventKind::Literal
                                             ? meaning(event, language)
                                             : readable(event.raw, mermaid_max_line, " ⏎ ");
                out += event.dir == Direction::ClientToServer
                           ? fmt::format("    {}->>S: {}\n", c, mermaid_escaped(text))
                           : fmt::format("    S-->>{}: {}\n", c, mermaid_escaped(text));
            } else if (event.transition) {
                out += fmt::format(
                    "    Note over {},S: {}\n", c,
                    mermaid_escaped(readable(transition_text(*event.transition, language),
                                             mermaid_max_line, " ")));
            } else if (event.violation) {
                out += fmt::format(
                    "    Note over {},S: ⚠ {}\n", c,
                    mermaid_escaped(readable(meaning(event, language), mermaid_max_line, " ")));
            }
        });
    }
    return out;
}

}  // namespace mailscope::sim
