// LabServer: the mock IMAP, POP3 and SMTP servers on TCP ports in the GUI
// process; connections reach the UI thread only through drain().
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>

#include "gui/lab_server.hpp"
#include "server_mock/assignment_loader.hpp"
#include "tests/support/loopback_client.hpp"

using namespace mailscope;
using namespace mailscope::gui;
using mailscope::test::LoopbackClient;

namespace {

const std::string classroom =
    std::string(MAILSCOPE_SOURCE_DIR) + "/server_mock/fixtures/classroom.yaml";

std::unique_ptr<LabServer> start_lab(const LabAddresses& addresses) {
    auto made = LabServer::start(addresses, classroom);
    if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
    return std::move(std::get<std::unique_ptr<LabServer>>(made));
}

// Drains until `done` holds, for at most five seconds.
template <typename Done>
bool drain_until(LabServer& lab, Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        lab.drain();
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

bool has_command(const sim::SessionTrace& trace, std::string_view raw_start) {
    return std::any_of(trace.events().begin(), trace.events().end(), [&](const auto& event) {
        return event.kind == sim::EventKind::Command && event.raw.starts_with(raw_start);
    });
}

void check_seq_and_no_password(const sim::SessionTrace& trace) {
    for (std::size_t i = 0; i < trace.size(); ++i) {
        CHECK(trace.at(i).seq == i);
        // The password never reaches the UI's copy.
        CHECK(trace.at(i).raw.find("wonderland") == std::string::npos);
    }
}

}  // namespace

TEST_CASE("a TCP client of the lab shows up with its user, state and events") {
    auto lab = start_lab({"127.0.0.1:0", {}, {}});
    REQUIRE(lab->port() != 0);
    CHECK_FALSE(lab->drain());
    CHECK(lab->sessions().empty());

    LoopbackClient client(lab->port());
    CHECK(client.read_line().starts_with("* OK"));
    client.write("a1 LOGIN alice wonderland\r\n");
    CHECK(client.read_line().starts_with("a1 OK"));

    REQUIRE(drain_until(
        *lab, [&] { return lab->sessions().size() == 1 && lab->sessions()[0].user == "alice"; }));
    const LabSession& session = lab->sessions()[0];
    CHECK(session.protocol == sim::Protocol::Imap);
    CHECK(session.state == imap::State::Authenticated);
    CHECK(session.peer.starts_with("127.0.0.1:"));
    REQUIRE(session.trace);
    CHECK(session.trace->protocol() == sim::Protocol::Imap);
    CHECK(session.trace->size() >= 4);
    check_seq_and_no_password(*session.trace);
    CHECK(lab_session_label(session, sim::Language::En).find("IMAP") != std::string::npos);
    CHECK(lab_session_label(session, sim::Language::En).find("alice") != std::string::npos);

    client.write("a2 LOGOUT\r\n");
    REQUIRE(drain_until(*lab, [&] { return lab->sessions()[0].closed; }));
    CHECK(lab->sessions()[0].state == imap::State::Logout);
    CHECK(lab_session_label(lab->sessions()[0], sim::Language::En).find("closed") !=
          std::string::npos);
    CHECK(lab_session_label(lab->sessions()[0], sim::Language::Ru).find("закрыт") !=
          std::string::npos);
}

TEST_CASE("the lab serves POP3 and SMTP on the same mail, each connection with its protocol") {
    auto lab = start_lab({{}, "127.0.0.1:0", "127.0.0.1:0"});
    REQUIRE(lab->port(sim::Protocol::Pop3) != 0);
    REQUIRE(lab->port(sim::Protocol::Smtp) != 0);
    CHECK(lab->port(sim::Protocol::Imap) == 0);
    CHECK(lab->address().find("pop3 127.0.0.1:") != std::string::npos);
    CHECK(lab->address().find("smtp 127.0.0.1:") != std::string::npos);

    {
        LoopbackClient smtp(lab->port(sim::Protocol::Smtp));
        CHECK(smtp.read_line().starts_with("220 "));
        smtp.write("EHLO student.example\r\n");
        CHECK(smtp.read_until("250 ").starts_with("250 "));
        smtp.write("MAIL FROM:<student@example.org>\r\n");
        CHECK(smtp.read_line().starts_with("250"));
        smtp.write("RCPT TO:<alice@example.org>\r\n");
        CHECK(smtp.read_line().starts_with("250"));
        smtp.write("DATA\r\n");
        CHECK(smtp.read_line().starts_with("354"));
        smtp.write("Subject: from the lab\r\n\r\nHello.\r\n.\r\n");
        CHECK(smtp.read_line().starts_with("250"));
        smtp.write("QUIT\r\n");
        CHECK(smtp.read_line().starts_with("221"));
    }
    REQUIRE(drain_until(*lab,
                        [&] { return lab->sessions().size() == 1 && lab->sessions()[0].closed; }));
    const LabSession& smtp = lab->sessions()[0];
    CHECK(smtp.protocol == sim::Protocol::Smtp);
    CHECK(smtp.trace->protocol() == sim::Protocol::Smtp);
    CHECK(smtp.state == smtp::State::Quit);
    CHECK(has_command(*smtp.trace, "MAIL FROM:<student@example.org>"));
    CHECK(has_command(*smtp.trace, "QUIT"));
    CHECK(lab_session_label(smtp, sim::Language::En).find("SMTP") != std::string::npos);

    LoopbackClient pop3(lab->port(sim::Protocol::Pop3));
    CHECK(pop3.read_line().starts_with("+OK"));
    pop3.write("USER alice\r\n");
    CHECK(pop3.read_line().starts_with("+OK"));
    pop3.write("PASS wonderland\r\n");
    CHECK(pop3.read_line().starts_with("+OK"));
    REQUIRE(drain_until(*lab, [&] {
        return lab->sessions().size() == 2 && lab->sessions()[1].state == pop3::State::Transaction;
    }));
    CHECK(lab->sessions()[1].protocol == sim::Protocol::Pop3);
    CHECK(lab->sessions()[1].user == "alice");
    CHECK(lab_session_label(lab->sessions()[1], sim::Language::En).find("POP3") !=
          std::string::npos);
    // The message SMTP delivered is the last of the maildrop the POP3 session sees.
    pop3.write("STAT\r\n");
    const std::string stat = pop3.read_line();
    REQUIRE(stat.starts_with("+OK "));
    const std::string last = stat.substr(4, stat.find(' ', 4) - 4);
    pop3.write(fmt::format("TOP {} 0\r\n", last));
    CHECK(pop3.read_line().starts_with("+OK"));
    CHECK(pop3.read_until("Subject:") == "Subject: from the lab");
    pop3.write("QUIT\r\n");
    CHECK(pop3.read_until("+OK").starts_with("+OK"));

    REQUIRE(drain_until(*lab, [&] { return lab->sessions()[1].closed; }));
    const LabSession& pop = lab->sessions()[1];
    CHECK(pop.trace->protocol() == sim::Protocol::Pop3);
    CHECK(pop.state == pop3::State::Closed);
    CHECK(has_command(*pop.trace, "USER alice"));
    CHECK(has_command(*pop.trace, fmt::format("TOP {} 0", last)));
    CHECK(has_command(*pop.trace, "QUIT"));
    check_seq_and_no_password(*pop.trace);
}

TEST_CASE("a lab that cannot listen says why") {
    auto made = LabServer::start("not-an-address:1", classroom);
    REQUIRE(std::holds_alternative<std::string>(made));
    CHECK(std::get<std::string>(made).find("cannot listen") != std::string::npos);
    made = LabServer::start(LabAddresses{}, classroom);
    REQUIRE(std::holds_alternative<std::string>(made));
}

TEST_CASE("with a trace directory each lab session leaves its transcript and report there") {
    const auto dir =
        std::filesystem::temp_directory_path() / fmt::format("mailscope-lab-traces-{}", ::getpid());
    std::filesystem::remove_all(dir);
    {
        auto made = LabServer::start({"127.0.0.1:0", {}, "127.0.0.1:0"}, classroom, dir);
        if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
        auto lab = std::move(std::get<std::unique_ptr<LabServer>>(made));
        {
            LoopbackClient client(lab->port());
            CHECK(client.read_line().starts_with("* OK"));
            client.write("a1 LOGIN alice wonderland\r\n");
            CHECK(client.read_line().starts_with("a1 OK"));
            client.write("a2 SELECT INBOX EXTRA\r\n");
            CHECK(client.read_line().starts_with("a2 BAD"));
            client.write("a3 LOGOUT\r\n");
            CHECK(client.read_line().starts_with("* BYE"));
        }
        REQUIRE(drain_until(
            *lab, [&] { return lab->sessions().size() == 1 && lab->sessions()[0].closed; }));
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() == 3);
    const auto read = [](const std::filesystem::path& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    CHECK(files[0].filename().string().starts_with("imap-"));
    CHECK(files[0].extension() == ".jsonl");
    CHECK(files[1].string().ends_with(".report.txt"));
    CHECK(files[2].extension() == ".txt");
    const std::string transcript = read(files[2]);
    CHECK(transcript.find("C: a1 LOGIN alice") != std::string::npos);
    CHECK(transcript.find("C: a3 LOGOUT") != std::string::npos);
    CHECK(read(files[1]).find("a2 SELECT INBOX EXTRA") != std::string::npos);
    for (const auto& file : files)
        CHECK(read(file).find("wonderland") == std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("with a class report and an assignment the lab tells each student's steps") {
    const auto dir =
        std::filesystem::temp_directory_path() / fmt::format("mailscope-lab-class-{}", ::getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto table = dir / "class.csv";
    {
        auto assignment = server::load_assignment_file(std::string(MAILSCOPE_SOURCE_DIR) +
                                                       "/docs/assignments/imap-client-lab.yaml");
        REQUIRE(std::holds_alternative<server::Assignment>(assignment));
        auto made = LabServer::start(
            {"127.0.0.1:0", {}, {}}, classroom, dir / "traces", sim::Language::En,
            LabClassReport{table, std::get<server::Assignment>(std::move(assignment))});
        if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
        auto lab = std::move(std::get<std::unique_ptr<LabServer>>(made));
        {
            LoopbackClient client(lab->port());
            CHECK(client.read_line().starts_with("* OK"));
            client.write("a1 LOGIN alice {10}\r\n");
            CHECK(client.read_line().starts_with("+"));
            client.write("wonderland\r\n");
            CHECK(client.read_line().starts_with("a1 OK"));
            client.write("a2 LOGOUT\r\n");
            CHECK(client.read_line().starts_with("* BYE"));
        }
        REQUIRE(drain_until(
            *lab, [&] { return lab->sessions().size() == 1 && lab->sessions()[0].closed; }));
        // The window's class table has the same row as the file.
        REQUIRE(lab->class_rows().size() == 1);
        const server::ClassRow& row = lab->class_rows()[0];
        CHECK(row.student == "alice");
        CHECK(row.sessions == 1);
        CHECK(row.commands == 2);
        CHECK(row.steps_done == 1);
        CHECK(row.steps == 4);
    }
    const auto read = [](const std::filesystem::path& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const std::string csv = read(table);
    CHECK(
        csv.starts_with("student,sessions,commands,violations,violations_by_rule,first_seen,"
                        "last_seen,steps_done,steps_missing\r\nalice,1,2,0,,"));
    CHECK(csv.find(",1/4,append-flag; search; expunge\r\n") != std::string::npos);
    const std::string page = read(dir / "class-students" / "alice.html");
    CHECK(page.find("done in session 1") != std::string::npos);
    CHECK(page.find("wonderland") == std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("without a class report file the lab still counts the class for the window") {
    auto made = LabServer::start(std::string("127.0.0.1:0"), classroom);
    if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
    auto lab = std::move(std::get<std::unique_ptr<LabServer>>(made));
    for (const char* line : {"a1 LOGIN alice wonderland\r\n", "a1 FETCH 1 FLAGS\r\n"}) {
        LoopbackClient client(lab->port());
        CHECK(client.read_line().starts_with("* OK"));
        client.write(line);
        client.read_line();
        client.write("a2 LOGOUT\r\n");
        CHECK(client.read_line().starts_with("* BYE"));
    }
    REQUIRE(drain_until(*lab, [&] {
        return lab->sessions().size() == 2 && lab->sessions()[0].closed &&
               lab->sessions()[1].closed && lab->class_rows().size() == 2;
    }));
    // Sorted by name: "(no login)" for the session that never logged in,
    // with its command sent in the wrong state counted against it.
    CHECK(lab->class_rows()[0].student == "(no login)");
    CHECK_FALSE(lab->class_rows()[0].logged_in);
    CHECK(lab->class_rows()[0].violations == 1);
    CHECK(lab->class_rows()[1].student == "alice");
    CHECK(lab->class_rows()[1].violations == 0);
}

TEST_CASE("a lab whose class report cannot be written says so before it listens") {
    auto made = LabServer::start({"127.0.0.1:0", {}, {}}, classroom, {}, sim::Language::En,
                                 LabClassReport{"/nonexistent/dir/class.csv", std::nullopt});
    REQUIRE(std::holds_alternative<std::string>(made));
    CHECK(std::get<std::string>(made).starts_with("The lab cannot keep its class report"));
}
