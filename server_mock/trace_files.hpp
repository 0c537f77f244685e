// TraceFiles: one lab server session's trace on disk, written as it happens.
//
// DIR/STEM.txt holds the "C:"/"S:" transcript, DIR/STEM.jsonl every event as
// JSON Lines, and DIR/STEM.report.txt the rules the client broke (written
// when the session ends, lab_report.hpp). Events are written as the trace
// appends them and flushed after each step of the connection, so a server
// killed in the middle of a session still leaves the trace up to that
// moment, and the session's memory does not grow with its length. Existing
// files are never overwritten: a name that is taken gets a "-2", "-3"...
#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server_mock/lab_report.hpp"
#include "sim/core/trace.hpp"
#include "sim/core/transcript.hpp"

namespace mailscope::server {

// "20261203T081500": now in UTC, for the names of a run's trace files, so
// that a restarted server or proxy never writes over an earlier run's files.
std::string run_stamp();

class TraceFiles {
  public:
    // Creates the directory and the files; nullptr and `error` set on failure.
    static std::unique_ptr<TraceFiles> create(const std::filesystem::path& dir,
                                              const std::string& stem, std::string& error,
                                              sim::Language language = sim::Language::En);
    ~TraceFiles();
    TraceFiles(const TraceFiles&) = delete;
    TraceFiles& operator=(const TraceFiles&) = delete;

    // The trace's sink: secrets are already masked in the events.
    void add(const sim::TraceEvent& event);
    // Hands what was written to the system.
    void flush();
    // Closes the files and returns what writes the report, which reads the
    // whole transcript back: a server runs it away from the thread that
    // serves its connections, since a long session's transcript takes a
    // while to number. Called once, when the session ends; the report
    // appears whole (renamed into place) when the work has run.
    std::function<void()> close(std::string label);
    // close() and the report written at once.
    void finish(std::string_view label);

    const std::filesystem::path& transcript_path() const { return m_text_path; }
    const std::filesystem::path& events_path() const { return m_events_path; }
    const std::filesystem::path& report_path() const { return m_report_path; }

  private:
    TraceFiles() = default;
    void write(std::FILE* file, std::string_view bytes);
    void abandon();

    std::filesystem::path m_text_path;
    std::filesystem::path m_events_path;
    std::filesystem::path m_report_path;
    std::FILE* m_text = nullptr;
    std::FILE* m_events = nullptr;
    // Their stdio buffers: the default 4 KiB made a write(2) for every few
    // events of a long FETCH.
    std::unique_ptr<char[]> m_text_buffer;
    std::unique_ptr<char[]> m_events_buffer;
    sim::TranscriptText m_transcript;
    ViolationReport m_report;
    sim::Language m_language = sim::Language::En;
    bool m_failed = false;
    bool m_finished = false;
};

}  // namespace mailscope::server
