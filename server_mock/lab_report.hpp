// Lab report: what a teacher reads after a student's client talked to the
// mock server. It lists the client's protocol violations, each with the RFC
// section it breaks and the line of the numbered transcript that follows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/language.hpp"
#include "sim/core/trace.hpp"
#include "sim/core/transcript.hpp"

namespace mailscope::server {

// Builds a report while the session runs: events go in as the trace appends
// them, so it needs none of the trace kept in memory. The line numbers are
// those of the session's "C:"/"S:" transcript (sim::TranscriptText), which is
// what the report prints after the findings.
class ViolationReport {
  public:
    // Findings beyond this many are counted, not kept: a client that breaks
    // a rule a million times must not grow the server.
    static constexpr std::size_t kMaxFindings = 1000;

    // `keep_transcript`: also keep the numbered transcript for report().
    explicit ViolationReport(bool keep_transcript = false,
                             sim::Language language = sim::Language::En)
        : m_keep_transcript(keep_transcript), m_language(language) {}

    void add(const sim::TraceEvent& event);
    // The same for a writer that renders the transcript anyway: `text` is
    // what `transcript`, fed the same events from the start, made of this one.
    void add_rendered(const sim::TraceEvent& event, std::string_view text,
                      const sim::TranscriptText& transcript);

    // The summary line and the findings, without the transcript.
    std::string findings(std::string_view label) const;
    // The whole report; needs `keep_transcript`.
    std::string report(std::string_view label) const;
    std::size_t violations() const { return m_violations; }
    std::size_t lines() const { return m_line; }

    // One transcript line as the report prints it: numbered, control
    // characters escaped, long lines cut.
    static std::string numbered_line(std::size_t number, std::string_view line);
    static void append_numbered_line(std::string& out, std::size_t number, std::string_view line);

  private:
    void keep_lines(std::string_view text);

    struct Finding {
        std::size_t line = 0;  // 0: before any client line
        std::string text;
        // The client octet the rule is about, when no line holds it yet: an
        // engine reports a broken line end before the line's own event.
        std::optional<std::uint64_t> awaits_offset;
    };

    bool m_keep_transcript;
    sim::Language m_language;
    sim::TranscriptText m_text;
    std::string m_transcript;
    std::string m_open_line;  // the transcript's last line while it may go on
    std::size_t m_kept_lines = 0;
    std::vector<Finding> m_findings;
    std::size_t m_awaiting = 0;      // findings whose line is not known yet
    std::uint64_t m_client_end = 0;  // client octets the numbered lines cover
    std::size_t m_violations = 0;
    // What the server noted about its own answers, bounded like the findings.
    std::vector<std::string> m_server_notes;
    std::size_t m_notes = 0;
    std::size_t m_line = 0;
    std::size_t m_last_client_line = 0;
};

// A plain-text report: a summary line, the client's violations ("line 12:
// RFC 3501 6.2.3: LOGIN is not valid..."), then the numbered transcript the
// line numbers refer to ("12 C: a1 LOGIN ..."). Server-side violations are
// not the student's and are left out; what the server noted about its own
// answers (a stored NUL sent as 0x80, an injected fault) follows the findings.
std::string violation_report(const sim::SessionTrace& trace,
                             sim::Language language = sim::Language::En);

}  // namespace mailscope::server
