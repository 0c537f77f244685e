// Assignments: the file a teacher writes, read strictly with the line of each
// mistake, and the steps a session did, judged on its typed events.
#include <doctest/doctest.h>

#include <string>
#include <variant>
#include <vector>

#include "server_mock/assignment.hpp"
#include "server_mock/assignment_loader.hpp"
#include "server_mock/class_report.hpp"
#include "tests/server_mock/imap_server_harness.hpp"
#include "tests/server_mock/pop3_server_harness.hpp"
#include "tests/server_mock/smtp_server_harness.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

Assignment loaded(const std::string& yaml) {
    auto result = load_assignment_text(yaml, "lab.yaml");
    if (auto* error = std::get_if<sim::Said>(&result)) FAIL(sim::render(*error, sim::Language::En));
    return std::get<Assignment>(std::move(result));
}

std::string error_of(const std::string& yaml) {
    auto result = load_assignment_text(yaml, "lab.yaml");
    REQUIRE(std::holds_alternative<sim::Said>(result));
    return sim::render(std::get<sim::Said>(result), sim::Language::En);
}

std::vector<bool> steps_done(const Assignment& assignment, const sim::SessionTrace& trace) {
    StepTracker tracker(assignment);
    for (const auto& event : trace.events())
        tracker.observe(event);
    return tracker.done();
}

const std::string kLab = R"(title: {ru: "Лабораторная 2", en: "Lab 2"}
steps:
  - id: login-literal
    text: {ru: "Войти, передав пароль литералом", en: "Log in with the password sent as a literal"}
    command: login
    literal: true
    result: OK
  - id: append-flag
    command: APPEND
    contains: '\seen'
  - id: search
    command: SEARCH
  - id: expunge
    command: EXPUNGE
)";

}  // namespace

TEST_CASE("the example assignment is read with its steps, protocol and results") {
    auto result =
        load_assignment_file(MAILSCOPE_SOURCE_DIR "/docs/assignments/imap-client-lab.yaml");
    REQUIRE(std::holds_alternative<Assignment>(result));
    const auto& lab = std::get<Assignment>(result);
    CHECK(lab.title.en == "Lab 2: an IMAP client");
    CHECK(lab.title.ru == "Лабораторная 2: клиент IMAP");
    REQUIRE(lab.steps.size() == 4);
    CHECK(lab.steps[0].id == "login-literal");
    CHECK(lab.steps[0].command == "LOGIN");
    CHECK(lab.steps[0].literal);
    CHECK(lab.steps[0].result == sim::ReplyStatus::Ok);
    CHECK(lab.steps[1].contains == "\\Seen");
    CHECK(lab.steps[1].text.en == "Append a message with the \\Seen flag");
    CHECK_FALSE(lab.steps[2].result);
    CHECK(lab.steps[3].protocol == sim::Protocol::Imap);
}

TEST_CASE("assignment results are protocol-aware: IMAP words, POP3 words, SMTP codes and classes") {
    const auto lab = loaded(R"(title: {ru: "т", en: "t"}
protocol: smtp
steps:
  - {id: mail, command: MAIL, result: 250}
  - {id: rcpt, command: RCPT, result: 5xx}
  - {id: retr, protocol: pop3, command: RETR, result: +ok}
  - {id: fetch, protocol: IMAP, command: FETCH, result: no}
)");
    CHECK(lab.steps[0].protocol == sim::Protocol::Smtp);
    CHECK(lab.steps[0].reply_code == 250);
    CHECK(lab.steps[0].result == sim::ReplyStatus::Positive);
    CHECK(lab.steps[1].reply_code == 0);
    CHECK(lab.steps[1].result == sim::ReplyStatus::PermanentNegative);
    CHECK(lab.steps[2].protocol == sim::Protocol::Pop3);
    CHECK(lab.steps[2].result == sim::ReplyStatus::PlusOk);
    CHECK(lab.steps[3].result == sim::ReplyStatus::No);
    CHECK(step_requirement(lab.steps[0], sim::Language::En) == "the MAIL command, answered 250");
    CHECK(step_requirement(lab.steps[2], sim::Language::Ru) == "команда RETR, ответ сервера +OK");
}

TEST_CASE("assignment loader errors name the file and the line of the mistake") {
    const std::string head = "title: {ru: \"т\", en: \"t\"}\nsteps:\n";
    CHECK(error_of(head + "  - id: a\n    command: LOGIN\n    colour: red\n") ==
          "lab.yaml:5: unknown field \"colour\" in a step; the fields allowed there are id, text, "
          "protocol, command, literal, contains, result.");
    CHECK(error_of(head + "  - {id: a, command: LOGIN}\n  - {id: b, command: NOOP}\n"
                          "  - {id: a, command: SELECT}\n") ==
          "lab.yaml:5: the step id \"a\" is given twice (first on line 3).");
    CHECK(error_of("title: {ru: \"т\"}\nsteps:\n  - {id: a, command: LOGIN}\n") ==
          "lab.yaml:1: the title has no English text (en).");
    CHECK(error_of(head + "  - id: a\n    text: {en: \"Log in\"}\n    command: LOGIN\n") ==
          "lab.yaml:4: the step's text has no Russian text (ru).");
    CHECK(error_of(head + "  - {id: a, command: LOGON}\n") ==
          "lab.yaml:3: \"LOGON\" is not a command of imap.");
    CHECK(error_of(head + "  - {id: a, protocol: pop3, command: RETR, literal: true}\n") ==
          "lab.yaml:3: only IMAP commands carry literals.");
    CHECK(error_of(head + "  - {id: a, protocol: pop3, command: RETR, result: OK}\n") ==
          "lab.yaml:3: \"OK\" is no POP3 result; write +OK or -ERR.");
    CHECK(error_of(head + "  - {id: a, protocol: smtp, command: MAIL, result: 25x}\n") ==
          "lab.yaml:3: \"25x\" is no SMTP result; write a reply code such as 250, or a class: "
          "2xx, 3xx, 4xx or 5xx.");
    CHECK(error_of(head + "  - {id: \"a b\", command: LOGIN}\n") ==
          "lab.yaml:3: the step id \"a b\" may hold only letters, digits, \".\", \"-\" and \"_\".");
    CHECK(error_of(head + "  - {id: a, command: UID LOGIN}\n") ==
          "lab.yaml:3: \"UID LOGIN\" is not a command of imap.");
    CHECK(error_of(head + "  - {id: a}\n") ==
          "lab.yaml:3: a step needs a \"command\": the verb the client sends.");
    CHECK(error_of("title: {ru: \"т\", en: \"t\"}\nprotocol: nntp\nsteps: []\n") ==
          "lab.yaml:2: \"nntp\" is not a protocol of mailscope; write imap, pop3 or smtp.");
    CHECK(error_of("title: {ru: \"т\", en: \"t\"}\nsteps: []\n") ==
          "lab.yaml:2: an assignment needs a \"steps\" list with at least one step.");
    CHECK(error_of("title: [\n").starts_with("lab.yaml:2: this is not valid YAML"));
    auto missing = load_assignment_file("/nonexistent/lab.yaml");
    REQUIRE(std::holds_alternative<sim::Said>(missing));
    CHECK(sim::render(std::get<sim::Said>(missing), sim::Language::En)
              .starts_with("/nonexistent/lab.yaml: the assignment cannot be read"));
}

TEST_CASE_FIXTURE(FilledStore,
                  "an IMAP session's steps are judged on its events, literals included") {
    const auto lab = loaded(kLab);
    Client c{store};
    // A plain LOGIN carries no literal, a failed one is not accepted.
    CHECK(c.send("a1 LOGIN alice {5}\r\n").starts_with("+ "));
    CHECK(c.send("wrong\r\n").starts_with("a1 NO"));
    CHECK(steps_done(lab, c.trace) == std::vector<bool>{false, false, false, false});
    CHECK(c.send("a2 LOGIN alice {10}\r\n").starts_with("+ "));
    CHECK(c.send("wonderland\r\n").starts_with("a2 OK"));
    CHECK(c.send("a3 SELECT INBOX\r\n").find("a3 OK") != std::string::npos);
    // The flag is on the command's line; the literal's octets are not searched.
    CHECK(c.send("a4 APPEND INBOX {7+}\r\n\\Seen\r\n\r\n").find("a4 OK") != std::string::npos);
    CHECK(steps_done(lab, c.trace) == std::vector<bool>{true, false, false, false});
    CHECK(c.send("a5 APPEND INBOX (\\SEEN) {5+}\r\nhello\r\n").find("a5 OK") != std::string::npos);
    // UID SEARCH is a SEARCH too; a step that names the UID form wants it.
    const auto uid = loaded(R"(title: {ru: "т", en: "t"}
steps: [{id: uid, command: uid  search}, {id: fetch, command: FETCH}]
)");
    CHECK(uid.steps[0].command == "UID SEARCH");
    CHECK(c.send("a6 SEARCH ALL\r\n").find("a6 OK") != std::string::npos);
    CHECK(steps_done(uid, c.trace) == std::vector<bool>{false, false});
    CHECK(c.send("a7 UID SEARCH ALL\r\n").find("a7 OK") != std::string::npos);
    CHECK(c.send("a8 UID FETCH 1 FLAGS\r\n").find("a8 OK") != std::string::npos);
    CHECK(steps_done(uid, c.trace) == std::vector<bool>{true, true});
    CHECK(steps_done(lab, c.trace) == std::vector<bool>{true, true, true, false});
}

TEST_CASE_FIXTURE(FilledStore,
                  "a command not answered yet counts only for steps that ask no answer") {
    const auto lab = loaded(R"(title: {ru: "т", en: "t"}
steps:
  - {id: any, command: LOGIN, literal: true}
  - {id: accepted, command: LOGIN, literal: true, result: OK}
)");
    Client c{store};
    CHECK(c.send("a1 LOGIN alice {10}\r\n").starts_with("+ "));
    CHECK(steps_done(lab, c.trace) == std::vector<bool>{true, false});
    c.send("wonderland\r\n");
    CHECK(steps_done(lab, c.trace) == std::vector<bool>{true, true});
}

TEST_CASE_FIXTURE(FilledStore, "POP3 and SMTP steps are judged on their replies") {
    const auto lab = loaded(R"(title: {ru: "т", en: "t"}
steps:
  - {id: retr, protocol: pop3, command: RETR, result: +OK}
  - {id: retr-missing, protocol: pop3, command: RETR, result: -ERR}
  - {id: mail, protocol: smtp, command: MAIL, contains: "<bob@", result: 250}
  - {id: data, protocol: smtp, command: DATA, result: 2xx}
  - {id: login, command: LOGIN}
)");
    PopClient pop{store};
    pop.login();
    CHECK(pop.send("RETR 1\r\n").starts_with("+OK"));
    CHECK(steps_done(lab, pop.trace) == std::vector<bool>{true, false, false, false, false});
    CHECK(pop.send("RETR 99\r\n").starts_with("-ERR"));
    CHECK(steps_done(lab, pop.trace) == std::vector<bool>{true, true, false, false, false});

    SmtpClient smtp{store};
    smtp.ehlo();
    CHECK(smtp.send("MAIL FROM:<bob@example.org>\r\n").starts_with("250"));
    CHECK(smtp.send("RCPT TO:<alice@mailscope.test>\r\n").starts_with("250"));
    CHECK(smtp.send("DATA\r\n").starts_with("354"));
    // The 354 only asks for the message: DATA is done when the message is taken.
    CHECK(steps_done(lab, smtp.trace) == std::vector<bool>{false, false, true, false, false});
    CHECK(smtp.send("Subject: hi\r\n\r\nhello\r\n.\r\n").starts_with("250"));
    CHECK(steps_done(lab, smtp.trace) == std::vector<bool>{false, false, true, true, false});
}

TEST_CASE_FIXTURE(FilledStore,
                  "a student's progress adds up over sessions in the CSV and the page") {
    ClassReport report(sim::Language::En, loaded(kLab));
    const auto session = [&](const std::vector<std::string>& lines) {
        Client c{store};
        SessionTally tally(report.assignment());
        for (const auto& line : lines)
            c.send(line);
        for (const auto& event : c.trace.events())
            tally.observe(event);
        return tally;
    };
    report.add(
        "alice",
        session({"a1 LOGIN alice wonderland\r\n", "a2 SELECT INBOX\r\n", "a3 SEARCH ALL\r\n"}),
        1'700'000'000, 1'700'000'010);
    report.add("alice",
               session({"b1 LOGIN alice {10}\r\n", "wonderland\r\n", "b2 SELECT INBOX\r\n",
                        "b3 SEARCH UNSEEN\r\n"}),
               1'700'000'100, 1'700'000'110);
    report.add("bob", session({"c1 LOGIN bob builder\r\n"}), 1'700'000'000, 1'700'000'001);
    CHECK(report.csv() ==
          "student,sessions,commands,violations,violations_by_rule,first_seen,last_seen,"
          "steps_done,steps_missing\r\n"
          "alice,2,6,0,,2023-11-14T22:13:20Z,2023-11-14T22:15:10Z,2/4,append-flag; expunge\r\n"
          "bob,1,1,0,,2023-11-14T22:13:20Z,2023-11-14T22:13:21Z,0/4,"
          "login-literal; append-flag; search; expunge\r\n");
    const std::string page = report.student_page("alice");
    CHECK(page.find("<h2>Assignment: Lab 2</h2>") != std::string::npos);
    CHECK(page.find("2 of 4 step(s) done.") != std::string::npos);
    CHECK(page.find("<tr id=\"step-search\"><td>search</td><td>the SEARCH command</td>"
                    "<td class=\"done\">done in session 1</td></tr>") != std::string::npos);
    CHECK(page.find("<tr id=\"step-login-literal\"><td>login-literal</td><td>Log in with the "
                    "password sent as a literal<br><small>the LOGIN command, carrying a literal, "
                    "answered OK</small></td><td class=\"done\">done in session 2</td></tr>") !=
          std::string::npos);
    CHECK(page.find("<td class=\"missing\">not done</td>") != std::string::npos);
    ClassReport russian(sim::Language::Ru, loaded(kLab));
    const std::string nobody = russian.student_page("nobody");
    CHECK(nobody.find("Задание: Лабораторная 2") != std::string::npos);
    CHECK(nobody.find("Войти, передав пароль литералом") != std::string::npos);
    CHECK(nobody.find("не выполнен") != std::string::npos);
    CHECK(nobody.find("Выполнено шагов: 0 из 4.") != std::string::npos);
}

TEST_CASE("without an assignment the class CSV keeps its columns") {
    ClassReport report;
    report.add("alice", SessionTally(report.assignment()), 1'700'000'000, 1'700'000'010);
    CHECK(report.csv() ==
          "student,sessions,commands,violations,violations_by_rule,first_seen,last_seen\r\n"
          "alice,1,0,0,,2023-11-14T22:13:20Z,2023-11-14T22:13:30Z\r\n");
}
