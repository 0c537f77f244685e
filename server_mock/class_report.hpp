// ClassReport: what each student did with the lab server, one row per login
// name, for a teacher's gradebook: sessions, commands, the rules their clients
// broke (by the RFC section that states each) and when they were first and
// last seen. Built from each session's events as they are handed out, so the
// report costs a few counters per session whatever the trace keeps.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sim/core/language.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::server {

// One session's counts, fed every event its trace hands out.
class SessionTally {
  public:
    void observe(const sim::TraceEvent& event);
    std::size_t commands() const { return m_commands; }
    const std::map<std::string, std::size_t>& violations() const { return m_violations; }

  private:
    std::size_t m_commands = 0;
    std::map<std::string, std::size_t> m_violations;  // RFC section -> client violations
};

class ClassReport {
  public:
    // A session's report beyond this size is cut in a student's page (the
    // whole of it stays in its .report.txt).
    static constexpr std::size_t kMaxReportShown = 256u << 10;
    // Sessions listed on a student's page; later ones are counted.
    static constexpr std::size_t kMaxSessionsListed = 200;

    // `language`: of the students' pages (the CSV's header is for programs).
    explicit ClassReport(sim::Language language = sim::Language::En) : m_language(language) {}

    // A session that ended: `user` is the login name, empty when nobody
    // logged in; times are seconds since the epoch; `report` the session's
    // violation report with its numbered transcript (TraceFiles), if written.
    void add(const std::string& user, const SessionTally& tally, std::int64_t started,
             std::int64_t ended, const std::filesystem::path& report = {});
    // "student,sessions,commands,violations,violations_by_rule,first_seen,last_seen",
    // then a row per student by name; a session without a login counts under
    // "(no login)". Times in UTC, ISO 8601.
    std::string csv() const;
    // Replaces `file` with csv() at once (a reader never sees half a file);
    // false and `error` set when it cannot.
    bool write(const std::filesystem::path& file, std::string& error) const;

    // A page a teacher can hand back to `user`: each session with its counts
    // and its report (the rules broken, with RFC sections and transcript
    // lines, then the numbered transcript), in one self-contained HTML file.
    std::string student_page(const std::string& user) const;
    // Writes student_page() to DIR/NAME.html, NAME the login name with
    // anything but letters, digits, ".", "-" and "_" made "_"; gives its path.
    std::filesystem::path write_student_page(const std::filesystem::path& dir,
                                             const std::string& user, std::string& error) const;

  private:
    sim::Language m_language;
    struct Session {
        std::int64_t started = 0;
        std::int64_t ended = 0;
        std::size_t commands = 0;
        std::size_t violations = 0;
        std::filesystem::path report;
    };
    struct Student {
        std::size_t sessions = 0;
        std::size_t commands = 0;
        std::map<std::string, std::size_t> violations;
        std::int64_t first_seen = 0;
        std::int64_t last_seen = 0;
        std::vector<Session> listed;  // the first kMaxSessionsListed
    };
    std::map<std::string, Student> m_students;
};

}  // namespace mailscope::server
