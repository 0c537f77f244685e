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
    // A session that ended: `user` is the login name, empty when nobody
    // logged in; times are seconds since the epoch.
    void add(const std::string& user, const SessionTally& tally, std::int64_t started,
             std::int64_t ended);
    // "student,sessions,commands,violations,violations_by_rule,first_seen,last_seen",
    // then a row per student by name; a session without a login counts under
    // "(no login)". Times in UTC, ISO 8601.
    std::string csv() const;
    // Replaces `file` with csv() at once (a reader never sees half a file);
    // false and `error` set when it cannot.
    bool write(const std::filesystem::path& file, std::string& error) const;

  private:
    struct Student {
        std::size_t sessions = 0;
        std::size_t commands = 0;
        std::map<std::string, std::size_t> violations;
        std::int64_t first_seen = 0;
        std::int64_t last_seen = 0;
    };
    std::map<std::string, Student> m_students;
};

}  // namespace mailscope::server
