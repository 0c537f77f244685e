#include "server_mock/class_report.hpp"

#include <fmt/format.h>

#include <ctime>
#include <fstream>
#include <system_error>

namespace mailscope::server {

namespace {

constexpr std::string_view kNoLogin = "(no login)";

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes
// doubled. A login name is the student's own text, so it is quoted as needed.
std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

std::string utc(std::int64_t seconds) {
    const std::time_t time = static_cast<std::time_t>(seconds);
    std::tm parts{};
    gmtime_r(&time, &parts);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", parts.tm_year + 1900,
                       parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec);
}

}  // namespace

void SessionTally::observe(const sim::TraceEvent& event) {
    // A command with literals comes as pieces: it counts once, at its first.
    if (event.kind == sim::EventKind::Command && event.dir == sim::Direction::ClientToServer &&
        (!event.piece || event.piece->index == 0)) {
        ++m_commands;
    }
    if (event.kind == sim::EventKind::Violation && event.dir == sim::Direction::ClientToServer) {
        ++m_violations[event.section.empty() ? std::string("?") : event.section];
    }
}

void ClassReport::add(const std::string& user, const SessionTally& tally, std::int64_t started,
                      std::int64_t ended) {
    Student& student = m_students[user.empty() ? std::string(kNoLogin) : user];
    if (student.sessions == 0 || started < student.first_seen) student.first_seen = started;
    if (student.sessions == 0 || ended > student.last_seen) student.last_seen = ended;
    ++student.sessions;
    student.commands += tally.commands();
    for (const auto& [section, count] : tally.violations())
        student.violations[section] += count;
}

std::string ClassReport::csv() const {
    std::string out =
        "student,sessions,commands,violations,violations_by_rule,first_seen,last_seen\r\n";
    for (const auto& [name, student] : m_students) {
        std::size_t total = 0;
        std::string by_rule;
        for (const auto& [section, count] : student.violations) {
            total += count;
            by_rule += fmt::format("{}{}: {}", by_rule.empty() ? "" : "; ", section, count);
        }
        out += fmt::format("{},{},{},{},{},{},{}\r\n", csv_field(name), student.sessions,
                           student.commands, total, csv_field(by_rule), utc(student.first_seen),
                           utc(student.last_seen));
    }
    return out;
}

bool ClassReport::write(const std::filesystem::path& file, std::string& error) const {
    const std::filesystem::path partial = file.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        out << csv();
        if (!out.flush()) {
            error = fmt::format("the class report {} cannot be written", partial.string());
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(partial, file, ec);
    if (ec) {
        error =
            fmt::format("the class report {} cannot be written: {}", file.string(), ec.message());
        return false;
    }
    return true;
}

}  // namespace mailscope::server
