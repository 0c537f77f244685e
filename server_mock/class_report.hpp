// ClassReport: what each student did with the lab server, one row per login
// name, for a teacher's gradebook: sessions, commands, the rules their clients
// broke (by the RFC section that states each) and when they were first and
// last seen. Built from each session's events as they are handed out, so the
// report costs a few counters per session whatever the trace keeps.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server_mock/assignment.hpp"
#include "sim/core/language.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::server {

// One session's counts, fed every event its trace hands out, and with an
// assignment (which must outlive the tally) the steps the session did.
class SessionTally {
  public:
    SessionTally() = default;
    explicit SessionTally(const Assignment* assignment);

    void observe(const sim::TraceEvent& event);
    std::size_t commands() const { return m_commands; }
    const std::map<std::string, std::size_t>& violations() const { return m_violations; }
    // steps_done()[i]: the session did the assignment's step i; empty without one.
    std::vector<bool> steps_done() const;

  private:
    std::size_t m_commands = 0;
    std::map<std::string, std::size_t> m_violations;  // RFC section -> client violations
    std::optional<StepTracker> m_steps;
};

// One student's line of the table, as plain data (the CSV, the window).
struct ClassRow {
    std::string student;    // the login name, "(no login)" for sessions nobody logged in to
    bool logged_in = true;  // false for the "(no login)" row
    std::size_t sessions = 0;
    std::size_t commands = 0;
    std::size_t violations = 0;
    std::map<std::string, std::size_t> violations_by_rule;  // RFC section -> count
    std::int64_t first_seen = 0;                            // seconds since the epoch
    std::int64_t last_seen = 0;
    // With an assignment: steps done of so many, and the ids of those not done.
    std::size_t steps_done = 0;
    std::size_t steps = 0;
    std::vector<std::string> steps_missing;
};

class ClassReport {
  public:
    // A session's report beyond this size is cut in a student's page (the
    // whole of it stays in its .report.txt).
    static constexpr std::size_t kMaxReportShown = 256u << 10;
    // Sessions listed on a student's page; later ones are counted.
    static constexpr std::size_t kMaxSessionsListed = 200;

    // `language`: of the students' pages (the CSV's header is for programs).
    // With an `assignment`, each student's progress through its steps is
    // kept across their sessions.
    explicit ClassReport(sim::Language language = sim::Language::En,
                         std::optional<Assignment> assignment = std::nullopt)
        : m_language(language), m_assignment(std::move(assignment)) {}

    // What each session's tally is to follow; null without one.
    const Assignment* assignment() const { return m_assignment ? &*m_assignment : nullptr; }

    // A session that ended: `user` is the login name, empty when nobody
    // logged in; times are seconds since the epoch; `report` the session's
    // violation report with its numbered transcript (TraceFiles), if written.
    void add(const std::string& user, const SessionTally& tally, std::int64_t started,
             std::int64_t ended, const std::filesystem::path& report = {});
    // "student,sessions,commands,violations,violations_by_rule,first_seen,last_seen",
    // then a row per student by name; a session without a login counts under
    // "(no login)". Times in UTC, ISO 8601. With an assignment two more
    // columns: "steps_done" ("2/4") and "steps_missing", the ids of the steps
    // not done yet, "; " between them.
    std::string csv() const;
    // A row per student by name, what csv() writes.
    std::vector<ClassRow> rows() const;
    // Replaces `file` with csv() at once (a reader never sees half a file);
    // false and `error` set when it cannot.
    bool write(const std::filesystem::path& file, std::string& error) const;

    // A page a teacher can hand back to `user`: each session with its counts
    // and its report (the rules broken, with RFC sections and transcript
    // lines, then the numbered transcript), in one self-contained HTML file.
    // With an assignment, every step first, done or not and in which session.
    std::string student_page(const std::string& user) const;
    // Writes student_page() to DIR/NAME.html, NAME the login name with
    // anything but letters, digits, ".", "-" and "_" made "_"; gives its path.
    std::filesystem::path write_student_page(const std::filesystem::path& dir,
                                             const std::string& user, std::string& error) const;

    // Where the students' pages go next to the table `file`: class.csv,
    // class-students/alice.html.
    static std::filesystem::path pages_dir(const std::filesystem::path& file);
    // After add(): rewrites the table `file` and, `with_page`, `user`'s page
    // in pages_dir(file). Gives a sentence for each that could not be written.
    std::vector<std::string> publish(const std::filesystem::path& file, const std::string& user,
                                     bool with_page) const;

  private:
    std::string steps_table(const std::vector<std::size_t>& done_in) const;

    sim::Language m_language;
    std::optional<Assignment> m_assignment;
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
        // Per step of the assignment: the number of the session that first
        // did it, 0 while none has.
        std::vector<std::size_t> step_done_in;
    };
    std::map<std::string, Student> m_students;
};

}  // namespace mailscope::server
