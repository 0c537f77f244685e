// A teacher who serves the lab with --lang ru hands back reports in Russian:
// the session report and the student's page speak the chosen language, the
// transcript they quote stays as it went over the wire.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "imap_server_harness.hpp"
#include "server_mock/class_report.hpp"
#include "server_mock/lab_report.hpp"
#include "sim/core/in_process_link.hpp"
#include "tests/server_mock/server_session.hpp"

using namespace mailscope;
using namespace mailscope::server;

namespace {

// The report of an IMAP session in which the client asks for a mailbox
// before logging in (RFC 3501 3.1), in `language`.
std::string wrong_state_report(sim::Language language) {
    MailStore store;
    testing::fill_store(store);
    ServerConfig config;
    sim::SessionTrace trace(sim::Protocol::Imap, "");
    auto server = testing::make_server_session(sim::Protocol::Imap, store, config, trace);
    sim::InProcessLink link(*server);
    link.open();
    link.receive();
    link.send("a1 SELECT INBOX\r\n");
    link.receive();
    return violation_report(trace, language);
}

}  // namespace

TEST_CASE("a session report in Russian keeps the wire as it was") {
    const std::string en = wrong_state_report(sim::Language::En);
    CHECK(en.starts_with("session: the client broke 1 protocol rule.\n  line 2: RFC 3501 3.1: "));
    CHECK(en.find("\nTranscript:\n") != std::string::npos);

    const std::string ru = wrong_state_report(sim::Language::Ru);
    CHECK(ru.starts_with(
        "сеанс: клиент нарушил одно правило протокола.\n  строка 2: RFC 3501 3.1: "));
    CHECK(ru.find("\nПротокол сеанса:\n") != std::string::npos);
    CHECK(ru.find("    2 C: a1 SELECT INBOX\n") != std::string::npos);
    CHECK(ru.find("Transcript") == std::string::npos);
}

TEST_CASE("a student's page in Russian") {
    SessionTally tally;
    sim::TraceEvent command;
    command.kind = sim::EventKind::Command;
    command.dir = sim::Direction::ClientToServer;
    tally.observe(command);
    ClassReport classes(sim::Language::Ru);
    classes.add("masha", tally, 1'700'000'000, 1'700'000'010);
    const std::string page = classes.student_page("masha");
    CHECK(page.find("<html lang=\"ru\">") != std::string::npos);
    CHECK(page.find("Сеансов: 1, команд: 1, нарушений правил: 0") != std::string::npos);
    CHECK(page.find("<h2>Сеанс 1: с 2023-11-14T22:13:20Z до 2023-11-14T22:13:30Z</h2>") !=
          std::string::npos);
    CHECK(page.find("session(s)") == std::string::npos);
    CHECK(classes.student_page("nobody").find("Сеансов нет.") != std::string::npos);
    CHECK(ClassReport().student_page("nobody").find("<html lang=\"en\">") != std::string::npos);
}
