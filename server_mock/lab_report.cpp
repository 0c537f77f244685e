#include "server_mock/lab_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iterator>

#include "sim/core/event_text.hpp"
#include "sim/core/transcript.hpp"
#include "sim/core/word_scan.hpp"

namespace mailscope::server {

namespace {

// Longest transcript line shown; literal data and hostile lines stay readable.
constexpr std::size_t kMaxShownLine = 200;

bool printable_byte(unsigned char byte) {
    return byte >= 0x20 && byte != 0x7f;
}

// Where the first octet that is not printable is in `text` from `from` on
// (its size if none): a report numbers every line of a transcript that may
// hold hundreds of megabytes of mail.
std::size_t printable_run_end(std::string_view text, std::size_t from) {
    using namespace sim::word_scan;
    return run_end(
        text, from,
        [](std::uint64_t word) { return has_below(word, 0x20) | has_octet(word, 0x7f); },
        [](unsigned char c) { return !printable_byte(c); });
}

void append_printable(std::string& out, std::string_view line) {
    static constexpr char kHex[] = "0123456789abcdef";
    const std::string_view shown = line.substr(0, kMaxShownLine);
    std::size_t plain = 0;
    for (std::size_t i = printable_run_end(shown, 0); i < shown.size();
         i = printable_run_end(shown, i + 1)) {
        const auto byte = static_cast<unsigned char>(shown[i]);
        out.append(shown.substr(plain, i - plain));
        out += "\\x";
        out += kHex[byte >> 4];
        out += kHex[byte & 0xf];
        plain = i + 1;
    }
    out.append(shown.substr(plain));
    if (line.size() > kMaxShownLine)
        fmt::format_to(std::back_inserter(out), " ... ({} octets)", line.size());
}

std::string printable(std::string_view line) {
    std::string out;
    append_printable(out, line);
    return out;
}

}  // namespace

std::string ViolationReport::numbered_line(std::size_t number, std::string_view line) {
    std::string out;
    append_numbered_line(out, number, line);
    return out;
}

void ViolationReport::append_numbered_line(std::string& out, std::size_t number,
                                           std::string_view line) {
    // Transcript lines start "C: " or "S: "; the report keeps the side and
    // escapes what follows.
    std::string_view side = line.substr(0, std::min<std::size_t>(line.size(), 3));
    // The number right-aligned in five columns ("{:>5} "), without a format
    // string per line.
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, number).ptr - digits;
    if (written < 5) out.append(static_cast<std::size_t>(5 - written), ' ');
    out.append(digits, static_cast<std::size_t>(written));
    out += ' ';
    out += side;
    append_printable(out, line.substr(side.size()));
    out += '\n';
}

void ViolationReport::add(const sim::TraceEvent& event) {
    const std::string text = m_text.add(event);
    add_rendered(event, text, m_text);
}

void ViolationReport::add_rendered(const sim::TraceEvent& event, std::string_view text,
                                   const sim::TranscriptText& transcript) {
    if (!text.empty()) {
        // The event's text may go on the line the previous piece of its
        // command left open.
        m_line = transcript.lines();
        if (event.dir == sim::Direction::ClientToServer)
            m_last_client_line = transcript.first_line();
        if (m_keep_transcript) keep_lines(text);
    }
    if (!text.empty() && event.dir == sim::Direction::ClientToServer && event.wire.size > 0) {
        const std::uint64_t end = event.wire.offset + event.wire.size;
        for (auto it = m_findings.rbegin(); m_awaiting > 0 && it != m_findings.rend(); ++it) {
            if (!it->awaits_offset || *it->awaits_offset >= end) continue;
            // Octets skipped without a line of their own keep the line they followed.
            if (*it->awaits_offset >= event.wire.offset) it->line = m_last_client_line;
            it->awaits_offset.reset();
            --m_awaiting;
        }
        m_client_end = std::max(m_client_end, end);
    }
    if (event.kind == sim::EventKind::Note && event.dir == sim::Direction::ServerToClient) {
        ++m_notes;
        if (m_server_notes.size() < kMaxFindings) {
            m_server_notes.push_back(
                "  " + sim::render(sim::say(sim::Phrase::ReportAfterLine, m_line,
                                            printable(sim::event_summary(event, m_language))),
                                   m_language));
        }
        return;
    }
    if (event.kind != sim::EventKind::Violation || !event.violation ||
        event.dir != sim::Direction::ClientToServer) {
        return;
    }
    ++m_violations;
    if (m_findings.size() >= kMaxFindings) return;
    const auto& rule = *event.violation;
    Finding finding;
    // The line that follows is where a rule about octets not yet numbered
    // belongs; until it comes, the last client line stands in.
    finding.line = m_last_client_line;
    if (event.wire.size > 0 && event.wire.offset >= m_client_end) {
        finding.awaits_offset = event.wire.offset;
        ++m_awaiting;
    }
    finding.text = fmt::format(
        "{}: {}{}", rule.section.empty() ? std::string("RFC 3501") : rule.section,
        printable(sim::rule_text(rule, m_language)),
        rule.fatal ? " " + sim::render(sim::say(sim::Phrase::ReportSessionStopped), m_language)
                   : std::string());
    m_findings.push_back(std::move(finding));
}

void ViolationReport::keep_lines(std::string_view text) {
    while (!text.empty()) {
        const auto end = text.find('\n');
        m_open_line.append(text.substr(0, end));
        if (end == std::string_view::npos) return;
        text.remove_prefix(end + 1);
        append_numbered_line(m_transcript, ++m_kept_lines, m_open_line);
        m_open_line.clear();
    }
}

std::string ViolationReport::findings(std::string_view label) const {
    const auto text = [this](sim::Phrase phrase, auto&&... args) {
        return sim::render(sim::say(phrase, std::forward<decltype(args)>(args)...), m_language);
    };
    std::string out;
    const std::string name = label.empty() ? text(sim::Phrase::ReportSession) : std::string(label);
    if (m_violations == 0) {
        out += text(sim::Phrase::ReportNoRuleBroken, name) + "\n";
    } else if (m_violations == 1) {
        out += text(sim::Phrase::ReportOneRuleBroken, name) + "\n";
    } else {
        out += text(sim::Phrase::ReportRulesBroken, name, m_violations) + "\n";
    }
    for (const auto& finding : m_findings) {
        out += fmt::format("  {}: {}\n",
                           finding.line == 0 ? text(sim::Phrase::ReportBeforeAnyCommand)
                                             : text(sim::Phrase::ReportLine, finding.line),
                           finding.text);
    }
    if (m_violations > m_findings.size()) {
        out += "  " + text(sim::Phrase::ReportAndMore, m_violations - m_findings.size()) + "\n";
    }
    if (m_notes > 0) {
        // What the server did that the transcript alone does not show, such
        // as NUL octets of a stored message sent as 0x80.
        out += "\n" + text(sim::Phrase::ReportServerNoted) + "\n";
        for (const auto& note : m_server_notes)
            out += note + "\n";
        if (m_notes > m_server_notes.size()) {
            out += "  " + text(sim::Phrase::ReportAndMore, m_notes - m_server_notes.size()) + "\n";
        }
    }
    return out;
}

std::string ViolationReport::report(std::string_view label) const {
    std::string transcript = m_transcript;
    if (!m_open_line.empty()) transcript += numbered_line(m_kept_lines + 1, m_open_line);
    return findings(label) + "\n" +
           sim::render(sim::say(sim::Phrase::ReportTranscript), m_language) + "\n" + transcript;
}

std::string violation_report(const sim::SessionTrace& trace, sim::Language language) {
    ViolationReport report(true, language);
    for (const auto& event : trace.events())
        report.add(event);
    return report.report(trace.label());
}

}  // namespace mailscope::server
