// The class report: one row per student from each session's events, with
// the rules their clients broke by RFC section, as a gradebook imports it.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "server_mock/class_report.hpp"

using namespace mailscope;
using namespace mailscope::server;

namespace {

sim::TraceEvent class_event(sim::EventKind kind, sim::Direction dir, std::string section = {}) {
    sim::TraceEvent event;
    event.kind = kind;
    event.dir = dir;
    event.section = std::move(section);
    return event;
}

}  // namespace

TEST_CASE("a session's tally counts commands once and only the client's violations") {
    SessionTally tally;
    using enum sim::EventKind;
    constexpr auto client = sim::Direction::ClientToServer;
    constexpr auto server = sim::Direction::ServerToClient;
    tally.observe(class_event(Command, client));
    // A command with a literal: its first piece counts, the rest do not.
    sim::TraceEvent first = class_event(Command, client);
    first.piece = sim::CommandPiece{0, true, std::nullopt};
    sim::TraceEvent rest = class_event(Command, client);
    rest.piece = sim::CommandPiece{1, false, std::nullopt};
    tally.observe(first);
    tally.observe(rest);
    tally.observe(class_event(Tagged, server));
    tally.observe(class_event(Violation, client, "RFC 3501 4.3"));
    tally.observe(class_event(Violation, client, "RFC 3501 4.3"));
    tally.observe(class_event(Violation, client, "RFC 3501 9"));
    tally.observe(class_event(Violation, server, "RFC 3501 7.4.1"));
    CHECK(tally.commands() == 2);
    CHECK(tally.violations() ==
          std::map<std::string, std::size_t>{{"RFC 3501 4.3", 2}, {"RFC 3501 9", 1}});
}

TEST_CASE("the class CSV has a row per student, sessions merged, names quoted as RFC 4180 asks") {
    SessionTally clean;
    clean.observe(class_event(sim::EventKind::Command, sim::Direction::ClientToServer));
    SessionTally broken = clean;
    broken.observe(
        class_event(sim::EventKind::Violation, sim::Direction::ClientToServer, "RFC 3501 4.3"));
    ClassReport report;
    report.add("bob", broken, 1'700'000'100, 1'700'000'200);
    report.add("alice", clean, 1'700'000'050, 1'700'000'060);
    report.add("bob", clean, 1'700'000'000, 1'700'000'010);
    report.add("", clean, 1'700'000'000, 1'700'000'001);
    report.add("eve,\"x\"", broken, 1'700'000'000, 1'700'000'001);
    CHECK(report.csv() ==
          "student,sessions,commands,violations,violations_by_rule,first_seen,last_seen\r\n"
          "(no login),1,1,0,,2023-11-14T22:13:20Z,2023-11-14T22:13:21Z\r\n"
          "alice,1,1,0,,2023-11-14T22:14:10Z,2023-11-14T22:14:20Z\r\n"
          "bob,2,2,1,RFC 3501 4.3: 1,2023-11-14T22:13:20Z,2023-11-14T22:16:40Z\r\n"
          "\"eve,\"\"x\"\"\",1,1,1,RFC 3501 4.3: 1,2023-11-14T22:13:20Z,2023-11-14T22:13:21Z\r\n");
}

TEST_CASE("a student's page shows each session's report, escaped, under a safe file name") {
    const auto dir = std::filesystem::temp_directory_path() / "mailscope-class-report-test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto report = dir / "session.report.txt";
    {
        std::ofstream out(report);
        out << "1 violation\n    3 C: a1 LOGIN <script>\n";
    }
    SessionTally tally;
    tally.observe(class_event(sim::EventKind::Command, sim::Direction::ClientToServer));
    tally.observe(
        class_event(sim::EventKind::Violation, sim::Direction::ClientToServer, "RFC 3501 9"));
    ClassReport classes;
    classes.add("../eve", tally, 1'700'000'000, 1'700'000'010, report);
    const std::string page = classes.student_page("../eve");
    CHECK(page.find("<h1>../eve</h1>") != std::string::npos);
    CHECK(page.find("C: a1 LOGIN &lt;script&gt;") != std::string::npos);
    CHECK(page.find("<script>") == std::string::npos);
    CHECK(page.find("1 command(s), 1 broken rule(s)") != std::string::npos);
    std::string error;
    const auto written = classes.write_student_page(dir / "pages", "../eve", error);
    CHECK(error.empty());
    CHECK(written == dir / "pages" / ".._eve.html");
    CHECK(std::filesystem::exists(written));
    CHECK(classes.student_page("nobody").find("No sessions.") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("the class table's rows are what the CSV writes") {
    ClassReport report;
    SessionTally tally;
    report.add("bob", tally, 1700000000, 1700000060);
    report.add("alice", tally, 1700000100, 1700000200);
    report.add("alice", tally, 1700000300, 1700000400);
    const auto rows = report.rows();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].student == "alice");
    CHECK(rows[0].sessions == 2);
    CHECK(rows[0].first_seen == 1700000100);
    CHECK(rows[0].last_seen == 1700000400);
    CHECK(rows[1].student == "bob");
    CHECK(rows[0].steps == 0);
    CHECK(report.csv().find("\r\nalice,2,0,0,,") != std::string::npos);
}
