#include "server_mock/lab_report.hpp"

#include <fmt/format.h>

#include <string_view>
#include <vector>

namespace mailscope::server {

namespace {

// Longest transcript line shown; literal data and hostile lines stay readable.
constexpr std::size_t kMaxShownLine = 200;

bool on_the_wire(sim::EventKind kind) {
    return kind == sim::EventKind::Command || kind == sim::EventKind::Untagged ||
           kind == sim::EventKind::Tagged || kind == sim::EventKind::Continuation;
}

std::string printable(std::string_view line) {
    std::string out;
    for (char c : line.substr(0, kMaxShownLine)) {
        const auto byte = static_cast<unsigned char>(c);
        out += (byte < 0x20 || byte == 0x7f) ? fmt::format("\\x{:02x}", byte) : std::string(1, c);
    }
    if (line.size() > kMaxShownLine) out += fmt::format(" ... ({} octets)", line.size());
    return out;
}

}  // namespace

std::string violation_report(const sim::SessionTrace& trace) {
    std::string transcript;
    std::vector<std::string> findings;
    std::vector<std::string> server_notes;
    std::size_t line = 0;
    std::size_t last_client_line = 0;
    for (const auto& event : trace.events()) {
        if (on_the_wire(event.kind) && !event.raw.empty()) {
            const bool client = event.dir == sim::Direction::ClientToServer;
            std::string_view raw = event.raw;
            bool first = true;
            while (!raw.empty()) {
                auto end = raw.find("\r\n");
                std::string_view text = raw.substr(0, end);
                raw.remove_prefix(end == std::string_view::npos ? raw.size() : end + 2);
                ++line;
                if (client && first) last_client_line = line;
                first = false;
                transcript +=
                    fmt::format("{:>5} {}: {}\n", line, client ? "C" : "S", printable(text));
            }
        }
        if (event.kind == sim::EventKind::Note && event.dir == sim::Direction::ServerToClient) {
            server_notes.push_back(
                fmt::format("  after line {}: {}", line, printable(event.summary)));
        }
        if (event.kind == sim::EventKind::Violation && event.violation &&
            event.dir == sim::Direction::ClientToServer) {
            const auto& rule = *event.violation;
            findings.push_back(fmt::format(
                "  {}: {}: {}{}",
                last_client_line == 0 ? std::string("before any command")
                                      : fmt::format("line {}", last_client_line),
                rule.section.empty() ? std::string("RFC 3501") : rule.section, printable(rule.rule),
                rule.fatal ? " (the session could not go on)" : ""));
        }
    }
    std::string report;
    const std::string label = trace.label().empty() ? std::string("session") : trace.label();
    if (findings.empty()) {
        report += fmt::format("{}: the client broke no protocol rule.\n", label);
    } else {
        report += fmt::format("{}: the client broke {} protocol rule{}.\n", label, findings.size(),
                              findings.size() == 1 ? "" : "s");
        for (const auto& finding : findings)
            report += finding + "\n";
    }
    if (!server_notes.empty()) {
        // What the server did that the transcript alone does not show, such
        // as NUL octets of a stored message sent as 0x80.
        report += "\nThe server noted:\n";
        for (const auto& note : server_notes)
            report += note + "\n";
    }
    report += "\nTranscript:\n";
    report += transcript;
    return report;
}

}  // namespace mailscope::server
