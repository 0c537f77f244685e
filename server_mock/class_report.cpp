#include "server_mock/class_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <system_error>

#include "sim/text/html_escape.hpp"

namespace mailscope::server {

namespace {

using text::html_escaped;

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

SessionTally::SessionTally(const Assignment* assignment) {
    if (assignment) m_steps.emplace(*assignment);
}

std::vector<bool> SessionTally::steps_done() const {
    return m_steps ? m_steps->done() : std::vector<bool>();
}

void SessionTally::observe(const sim::TraceEvent& event) {
    if (m_steps) m_steps->observe(event);
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
                      std::int64_t ended, const std::filesystem::path& report) {
    Student& student = m_students[user.empty() ? std::string(kNoLogin) : user];
    if (student.listed.size() < kMaxSessionsListed) {
        std::size_t violations = 0;
        for (const auto& [section, count] : tally.violations())
            violations += count;
        student.listed.push_back({started, ended, tally.commands(), violations, report});
    }
    if (student.sessions == 0 || started < student.first_seen) student.first_seen = started;
    if (student.sessions == 0 || ended > student.last_seen) student.last_seen = ended;
    ++student.sessions;
    if (m_assignment) {
        student.step_done_in.resize(m_assignment->steps.size(), 0);
        const std::vector<bool> done = tally.steps_done();
        for (std::size_t i = 0; i < done.size() && i < student.step_done_in.size(); ++i) {
            if (done[i] && student.step_done_in[i] == 0) student.step_done_in[i] = student.sessions;
        }
    }
    student.commands += tally.commands();
    for (const auto& [section, count] : tally.violations())
        student.violations[section] += count;
}

std::vector<ClassRow> ClassReport::rows() const {
    std::vector<ClassRow> rows;
    for (const auto& [name, student] : m_students) {
        ClassRow row;
        row.student = name;
        row.logged_in = name != kNoLogin;
        row.sessions = student.sessions;
        row.commands = student.commands;
        row.violations_by_rule = student.violations;
        for (const auto& [section, count] : student.violations)
            row.violations += count;
        row.first_seen = student.first_seen;
        row.last_seen = student.last_seen;
        if (m_assignment) {
            row.steps = m_assignment->steps.size();
            for (std::size_t i = 0; i < row.steps; ++i) {
                if (i < student.step_done_in.size() && student.step_done_in[i] != 0) {
                    ++row.steps_done;
                } else {
                    row.steps_missing.push_back(m_assignment->steps[i].id);
                }
            }
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string ClassReport::csv() const {
    std::string out =
        "student,sessions,commands,violations,violations_by_rule,first_seen,last_seen";
    out += m_assignment ? ",steps_done,steps_missing\r\n" : "\r\n";
    for (const ClassRow& row : rows()) {
        std::string by_rule;
        for (const auto& [section, count] : row.violations_by_rule)
            by_rule += fmt::format("{}{}: {}", by_rule.empty() ? "" : "; ", section, count);
        out += fmt::format("{},{},{},{},{},{},{}", csv_field(row.student), row.sessions,
                           row.commands, row.violations, csv_field(by_rule), utc(row.first_seen),
                           utc(row.last_seen));
        if (m_assignment) {
            out += fmt::format(",{}/{},{}", row.steps_done, row.steps,
                               fmt::join(row.steps_missing, "; "));
        }
        out += "\r\n";
    }
    return out;
}

bool ClassReport::write(const std::filesystem::path& file, std::string& error) const {
    const std::filesystem::path partial = file.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        out << csv();
        if (!out.flush()) {
            error = sim::render(sim::say(sim::Phrase::ClassReportCannotWrite, partial.string()),
                                m_language);
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(partial, file, ec);
    if (ec) {
        error = sim::render(
            sim::say(sim::Phrase::ClassReportCannotWriteBecause, file.string(), ec.message()),
            m_language);
        return false;
    }
    return true;
}

std::string ClassReport::student_page(const std::string& user) const {
    const std::string name = user.empty() ? std::string(kNoLogin) : user;
    const auto found = m_students.find(name);
    const auto text = [this](sim::Phrase phrase, auto&&... args) {
        return html_escaped(
            sim::render(sim::say(phrase, std::forward<decltype(args)>(args)...), m_language));
    };
    std::string out = fmt::format(
        "<!DOCTYPE html>\n<html lang=\"{1}\"><head><meta charset=\"utf-8\"><title>{0}</title>\n"
        "<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}"
        "pre{{background:#f6f6f6;padding:1em;white-space:pre-wrap;font-size:90%}}"
        "td,th{{padding:0 1em 0 "
        "0;text-align:left}}.broke{{color:#a00}}.done{{color:#070}}.missing{{color:#a00}}"
        "</style></head>\n"
        "<body><h1>{0}</h1>\n",
        html_escaped(name), sim::language_name(m_language));
    if (found == m_students.end()) {
        return out + steps_table({}) + "<p>" + text(sim::Phrase::ReportNoSessions) +
               "</p></body></html>\n";
    }
    const Student& student = found->second;
    out += steps_table(student.step_done_in);
    std::size_t total = 0;
    for (const auto& [section, count] : student.violations)
        total += count;
    out += "<p>" +
           text(sim::Phrase::ReportStudentTotals, student.sessions, student.commands, total,
                utc(student.first_seen), utc(student.last_seen)) +
           "</p>\n";
    if (!student.violations.empty()) {
        out += fmt::format("<table><tr><th>{}</th><th>{}</th></tr>\n",
                           text(sim::Phrase::ReportRfcSection), text(sim::Phrase::ReportTimes));
        for (const auto& [section, count] : student.violations)
            out += fmt::format("<tr><td class=\"broke\">{}</td><td>{}</td></tr>\n",
                               html_escaped(section), count);
        out += "</table>\n";
    }
    std::size_t number = 0;
    for (const Session& session : student.listed) {
        ++number;
        out += fmt::format(
            "<h2>{}</h2>\n<p>{}</p>\n",
            text(sim::Phrase::ReportSessionHeading, number, utc(session.started),
                 utc(session.ended)),
            text(sim::Phrase::ReportSessionTotals, session.commands, session.violations));
        if (session.report.empty()) continue;
        std::ifstream in(session.report, std::ios::binary);
        std::string report(kMaxReportShown, '\0');
        in.read(report.data(), static_cast<std::streamsize>(report.size()));
        report.resize(static_cast<std::size_t>(in.gcount()));
        const bool cut = in.gcount() == static_cast<std::streamsize>(kMaxReportShown) &&
                         in.peek() != std::ifstream::traits_type::eof();
        out += fmt::format("<pre>{}</pre>\n", html_escaped(report));
        if (cut) {
            out += "<p>" + text(sim::Phrase::ReportGoesOn, session.report.string()) + "</p>\n";
        }
    }
    if (student.sessions > student.listed.size()) {
        out += "<p>" +
               text(sim::Phrase::ReportLaterSessions, student.sessions - student.listed.size()) +
               "</p>\n";
    }
    return out + "</body></html>\n";
}

std::string ClassReport::steps_table(const std::vector<std::size_t>& done_in) const {
    if (!m_assignment) return {};
    const auto text = [this](sim::Phrase phrase, auto&&... args) {
        return html_escaped(
            sim::render(sim::say(phrase, std::forward<decltype(args)>(args)...), m_language));
    };
    const auto& steps = m_assignment->steps;
    const auto done = static_cast<std::size_t>(
        std::count_if(done_in.begin(), done_in.end(), [](std::size_t session) { return session; }));
    std::string out = fmt::format(
        "<h2>{}</h2>\n<p>{}</p>\n<table>\n<tr><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        text(sim::Phrase::ReportAssignment, m_assignment->title.in(m_language)),
        text(sim::Phrase::ReportStepsDone, done, steps.size()), text(sim::Phrase::ReportStep),
        text(sim::Phrase::ReportStepAsks), text(sim::Phrase::ReportStepState));
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const AssignmentStep& step = steps[i];
        const std::size_t session = i < done_in.size() ? done_in[i] : 0;
        std::string asks = html_escaped(step_requirement(step, m_language));
        if (!step.text.empty())
            asks = html_escaped(step.text.in(m_language)) + "<br><small>" + asks + "</small>";
        out += fmt::format(
            "<tr id=\"step-{0}\"><td>{0}</td><td>{1}</td><td class=\"{2}\">{3}</td></tr>\n",
            step.id, asks, session ? "done" : "missing",
            session ? text(sim::Phrase::ReportStepDoneIn, session)
                    : text(sim::Phrase::ReportStepNotDone));
    }
    return out + "</table>\n";
}

std::filesystem::path ClassReport::write_student_page(const std::filesystem::path& dir,
                                                      const std::string& user,
                                                      std::string& error) const {
    std::string stem = user.empty() ? std::string("no-login") : user;
    for (char& c : stem) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!plain) c = '_';
    }
    // "." and ".." name no file of their own.
    if (stem.find_first_not_of('.') == std::string::npos) stem = "_" + stem;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const auto file = dir / (stem + ".html");
    const std::filesystem::path partial = file.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        out << student_page(user);
        if (!out.flush()) {
            error = sim::render(sim::say(sim::Phrase::StudentPageCannotWrite, file.string()),
                                m_language);
            return {};
        }
    }
    std::filesystem::rename(partial, file, ec);
    if (ec) {
        error = sim::render(
            sim::say(sim::Phrase::StudentPageCannotWriteBecause, file.string(), ec.message()),
            m_language);
        return {};
    }
    return file;
}

std::filesystem::path ClassReport::pages_dir(const std::filesystem::path& file) {
    return file.parent_path() / (file.stem().string() + "-students");
}

std::vector<std::string> ClassReport::publish(const std::filesystem::path& file,
                                              const std::string& user, bool with_page) const {
    std::vector<std::string> errors;
    std::string error;
    if (!write(file, error)) errors.push_back(error);
    if (with_page && write_student_page(pages_dir(file), user, error).empty()) {
        errors.push_back(error);
    }
    return errors;
}

}  // namespace mailscope::server
