// LiveSession: the GUI as a client of a real server over TCP. The server here
// is the lab (the mock server on 127.0.0.1, a port of its own).
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "gui/lab_server.hpp"
#include "gui/live_session.hpp"
#include "sim/core/transcript.hpp"
#include "tests/support/said_text.hpp"

using namespace mailscope;
using namespace mailscope::gui;

namespace {

std::unique_ptr<LabServer> start_lab() {
    auto made = LabServer::start(
        "127.0.0.1:0", std::string(MAILSCOPE_SOURCE_DIR) + "/server_mock/fixtures/classroom.yaml");
    if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
    return std::move(std::get<std::unique_ptr<LabServer>>(made));
}

std::unique_ptr<LiveSession> start_live(LiveOptions options) {
    auto made = LiveSession::start(std::move(options));
    if (auto* error = std::get_if<sim::Said>(&made)) FAIL(test::english(*error));
    return std::move(std::get<std::unique_ptr<LiveSession>>(made));
}

// Drains until `done` holds, for at most five seconds.
template <typename Done>
bool drain_until(LiveSession& live, Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        live.drain();
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

}  // namespace

TEST_CASE("a live session logs in, selects INBOX, and never shows the password") {
    auto lab = start_lab();
    LiveOptions options;
    options.host = "127.0.0.1";
    options.port = lab->port();
    options.user = "alice";
    options.password = "wonderland";
    auto live = start_live(options);

    REQUIRE(drain_until(*live, [&] { return live->state() == imap::State::Authenticated; }));
    CHECK(live->status().phase == LivePhase::Connected);
    CHECK_FALSE(live->status().tls);
    CHECK(live_status_text(live->status(), sim::Language::En) == "connected, no TLS");

    CHECK_FALSE(live->send("SELECT INBOX", ""));
    REQUIRE(drain_until(*live, [&] { return live->state() == imap::State::Selected; }));
    const std::string text = sim::export_text(live->trace());
    CHECK(text.find("SELECT INBOX") != std::string::npos);
    CHECK(text.find("OK [READ-WRITE]") != std::string::npos);
    CHECK(text.find("wonderland") == std::string::npos);
    for (std::size_t i = 0; i < live->trace().size(); ++i) {
        CHECK(live->trace().at(i).seq == i);
    }

    // Sending returns at once; why a line was not sent comes with a later drain.
    CHECK_FALSE(live->send("FETCH", ""));
    REQUIRE(drain_until(*live, [&] { return !sim::is_empty(live->send_error()); }));
    const auto sent = live->trace().size();
    CHECK(test::english(live->send("   ", "").value()) == "Type a command first.");
    CHECK_FALSE(live->send("NOOP", ""));
    CHECK(sim::is_empty(live->send_error()));
    REQUIRE(drain_until(*live, [&] { return live->trace().size() > sent + 1; }));
    CHECK(sim::is_empty(live->send_error()));

    live->close();
    REQUIRE(drain_until(*live, [&] { return live->status().phase == LivePhase::Closed; }));
    CHECK_FALSE(live->send("NOOP", ""));
    REQUIRE(drain_until(*live, [&] { return !sim::is_empty(live->send_error()); }));
    CHECK(test::english(live->send_error()) == "the connection is not open");
    CHECK(test::russian(live->send_error()) == "соединение не открыто");
}

TEST_CASE("a live POP3 session with the lab's POP3 server: both sides see the session") {
    auto made = LabServer::start(
        LabAddresses{{}, "127.0.0.1:0", {}},
        std::string(MAILSCOPE_SOURCE_DIR) + "/server_mock/fixtures/classroom.yaml");
    if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
    auto& lab = *std::get<std::unique_ptr<LabServer>>(made);
    LiveOptions options;
    options.protocol = sim::Protocol::Pop3;
    options.host = "127.0.0.1";
    options.port = lab.port(sim::Protocol::Pop3);
    options.user = "alice";
    options.password = "wonderland";
    auto live = start_live(options);

    REQUIRE(drain_until(*live, [&] { return live->state() == pop3::State::Transaction; }));
    CHECK_FALSE(live->send("STAT", ""));
    // The STAT command, then its "+OK count size" reply.
    REQUIRE(drain_until(*live, [&] {
        bool stat_sent = false;
        for (const auto& event : live->trace().events()) {
            if (event.raw.starts_with("STAT")) stat_sent = true;
            if (stat_sent && event.raw.starts_with("+OK ")) return true;
        }
        return false;
    }));
    CHECK(sim::is_empty(live->send_error()));
    live->close();
    REQUIRE(drain_until(*live, [&] { return live->status().phase == LivePhase::Closed; }));

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline &&
           (lab.sessions().empty() || !lab.sessions()[0].closed)) {
        lab.drain();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(lab.sessions().size() == 1);
    CHECK(lab.sessions()[0].protocol == sim::Protocol::Pop3);
    CHECK(lab.sessions()[0].user == "alice");
    CHECK(lab.sessions()[0].closed);
}

TEST_CASE("a live session refuses a password in clear to another machine") {
    LiveOptions options;
    options.host = "mail.example.org";
    options.user = "alice";
    options.password = "wonderland";
    auto made = LiveSession::start(options);
    REQUIRE(std::holds_alternative<sim::Said>(made));
    CHECK(test::english(std::get<sim::Said>(made)).find("in clear") != std::string::npos);
    CHECK(test::russian(std::get<sim::Said>(made)).find("открытым текстом") != std::string::npos);

    options.mode = LiveMode::Imaps;
    options.tls.insecure = true;
    options.tls.ca_file = "ca.pem";
    made = LiveSession::start(options);
    REQUIRE(std::holds_alternative<sim::Said>(made));
    CHECK(test::english(std::get<sim::Said>(made)).find("contradict") != std::string::npos);
}

TEST_CASE("a live session to a closed port says it failed") {
    LiveOptions options;
    options.host = "127.0.0.1";
    options.port = 1;
    options.timeout = std::chrono::milliseconds(2000);
    auto live = start_live(options);
    REQUIRE(drain_until(*live, [&] { return live->status().phase == LivePhase::Failed; }));
    CHECK(live_status_text(live->status(), sim::Language::En).starts_with("failed: "));
    CHECK_FALSE(live->send("NOOP", ""));
    REQUIRE(drain_until(*live, [&] { return !sim::is_empty(live->send_error()); }));
}

TEST_CASE("the status of an insecure TLS session says so loudly") {
    LiveStatus status;
    status.phase = LivePhase::Connected;
    status.tls = true;
    status.insecure = true;
    status.detail = sim::verbatim("TLSv1.3");
    CHECK(live_status_text(status, sim::Language::En).starts_with("INSECURE TLS"));
    CHECK(live_status_text(status, sim::Language::Ru).starts_with("НЕБЕЗОПАСНЫЙ TLS"));
}

TEST_CASE("the connect dialog's fields become live options") {
    ConnectForm form;
    CHECK(std::holds_alternative<sim::Said>(live_options_from_form(form)));
    std::snprintf(form.host.data(), form.host.size(), "%s", "imap.example.org");
    form.mode = 1;
    std::snprintf(form.user.data(), form.user.size(), "%s", "alice");
    CHECK(test::english(std::get<sim::Said>(live_options_from_form(form))).find("password") !=
          std::string::npos);
    std::snprintf(form.password.data(), form.password.size(), "%s", "wonderland");
    form.insecure = true;
    const auto options = std::get<LiveOptions>(live_options_from_form(form));
    CHECK(options.host == "imap.example.org");
    CHECK(options.mode == LiveMode::StartTls);
    CHECK(options.user == "alice");
    CHECK(options.password == "wonderland");
    CHECK(options.tls.insecure);
    CHECK_FALSE(options.tls.ca_file);
    form.port = 70000;
    CHECK(std::holds_alternative<sim::Said>(live_options_from_form(form)));
}

TEST_CASE("the connect dialog with an OAuth token: the command's output, never the password") {
    ConnectForm form;
    std::snprintf(form.host.data(), form.host.size(), "%s", "imap.gmail.com");
    form.mode = 2;
    form.credential = 1;
    std::snprintf(form.password.data(), form.password.size(), "%s", "typed before");
    std::snprintf(form.token_command.data(), form.token_command.size(), "%s",
                  "printf 'ya29.from-the-command\\n'");
    CHECK(test::english(std::get<sim::Said>(live_options_from_form(form))).find("user") !=
          std::string::npos);
    std::snprintf(form.user.data(), form.user.size(), "%s", "alice@gmail.com");
    form.oauth_mechanism = 1;
    const auto options = std::get<LiveOptions>(live_options_from_form(form));
    CHECK(options.oauth_token == "ya29.from-the-command");
    CHECK(options.oauth_mechanism == sim::OAuthMechanism::XOAuth2);
    CHECK(options.password.empty());
    std::snprintf(form.token_command.data(), form.token_command.size(), "%s", "exit 1");
    CHECK(test::english(std::get<sim::Said>(live_options_from_form(form)))
              .starts_with("the token command exit failed"));
}
