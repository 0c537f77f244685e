// The engine interface, its pull API and the generic client driver with each
// protocol's login script, against the in-process mock servers.
#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "imap_server_harness.hpp"
#include "server_mock/imap_server_session.hpp"
#include "server_mock/pop3_server_session.hpp"
#include "server_mock/smtp_server_session.hpp"
#include "sim/core/client_driver.hpp"
#include "sim/core/client_session.hpp"
#include "sim/core/in_process_link.hpp"
#include "sim/core/transcript.hpp"
#include "sim/imap/session.hpp"
#include "sim/pop3/session.hpp"
#include "sim/smtp/session.hpp"
#include "tests/server_mock/server_session.hpp"
#include "tests/support/said_text.hpp"

using namespace mailscope;

namespace {

std::unique_ptr<sim::Engine> make_client_engine(sim::SessionTrace& trace) {
    switch (trace.protocol()) {
        case sim::Protocol::Imap:
            return std::make_unique<imap::ImapSession>(trace,
                                                       sim::client_role<imap::SessionOptions>());
        case sim::Protocol::Pop3:
            return std::make_unique<pop3::Pop3Session>(trace,
                                                       sim::client_role<pop3::SessionOptions>());
        case sim::Protocol::Smtp:
            return std::make_unique<smtp::SmtpSession>(trace,
                                                       sim::client_role<smtp::SessionOptions>());
    }
    return nullptr;
}

// One client of a protocol on an in-process connection to the mock server.
struct Connection {
    explicit Connection(sim::Protocol protocol, server::ServerConfig server_config = {})
        : config(std::move(server_config)),
          client_trace(protocol, "client"),
          server_trace(protocol, "server") {
        server::testing::fill_store(store);
        server = server::testing::make_server_session(protocol, store, config, server_trace);
        link = std::make_unique<sim::InProcessLink>(*server);
    }

    server::ServerConfig config;
    server::MailStore store;
    sim::SessionTrace client_trace;
    sim::SessionTrace server_trace;
    std::unique_ptr<transport::ConnectionHandler> server;
    std::unique_ptr<sim::InProcessLink> link;
};

// Moves octets both ways until neither side has more to say, through the
// engine interface alone.
void pump(sim::Engine& engine, sim::InProcessLink& link) {
    for (;;) {
        auto out = engine.take_outgoing();
        if (!out.empty()) link.send(out);
        auto in = link.receive();
        if (!in.empty()) engine.receive(in, link.now());
        if (out.empty() && in.empty()) break;
    }
    if (link.server_closed() && !engine.closed()) engine.receive_eof(link.now());
}

// The same for the driver, which also takes the TLS the in-process link
// has already switched on when the server agreed to it.
void pump(sim::ClientDriver& driver, sim::InProcessLink& link) {
    for (;;) {
        auto out = driver.take_outgoing();
        if (!out.empty()) link.send(out);
        const bool tls = driver.take_tls_request();
        if (tls) driver.tls_established({"in-process TLS", ""}, link.now());
        auto in = link.receive();
        if (!in.empty()) driver.receive(in, link.now());
        if (out.empty() && in.empty() && !tls) break;
    }
    if (link.server_closed() && !driver.engine().closed()) driver.receive_eof(link.now());
}

// The connection opens and the driver's login script runs as far as it can.
void start(sim::ClientDriver& driver, Connection& connection) {
    connection.link->open();
    driver.open(std::nullopt, 0);
    pump(driver, *connection.link);
}

struct Exchange {
    sim::Protocol protocol;
    std::vector<std::string> lines;
};

const std::vector<Exchange>& exchanges() {
    static const std::vector<Exchange> all{
        {sim::Protocol::Imap, {"a1 LOGIN alice wonderland", "a2 NOOP", "a3 LOGOUT"}},
        {sim::Protocol::Pop3, {"USER alice", "PASS wonderland", "STAT", "QUIT"}},
        {sim::Protocol::Smtp, {"EHLO client.example", "NOOP", "QUIT"}},
    };
    return all;
}

std::vector<std::uint64_t> pulled(sim::Engine& engine) {
    std::vector<std::uint64_t> seqs;
    while (const sim::TraceEvent* event = engine.next_event())
        seqs.push_back(event->seq);
    return seqs;
}

sim::ClientOptions alice(bool starttls) {
    sim::ClientOptions options;
    options.plan.host = "127.0.0.1";
    options.plan.port = 1;
    options.plan.starttls = starttls;
    options.plan.user = "alice";
    options.plan.password = "wonderland";
    options.plan.plaintext_login_allowed = true;
    return options;
}

server::ServerConfig with_starttls() {
    server::ServerConfig config;
    config.starttls_available = true;
    return config;
}

// Runs alice's login script against a server that offers STARTTLS (STLS),
// once without it and once with it, checks that she is logged in, over TLS
// exactly when she asked, and hands the session on to `then`.
void each_login(sim::Protocol protocol,
                const std::function<void(bool starttls, Connection&, sim::ClientDriver&)>& then) {
    for (bool starttls : {false, true}) {
        CAPTURE(starttls);
        Connection connection(protocol, with_starttls());
        sim::ClientDriver driver(connection.client_trace, alice(starttls));
        start(driver, connection);
        REQUIRE(driver.stage() == sim::DriverStage::Ready);
        CHECK(driver.session().login().tls_active() == starttls);
        CHECK_FALSE(driver.session().login().login_refused());
        then(starttls, connection, driver);
    }
}

}  // namespace

TEST_CASE("one scripted exchange runs through the IMAP, POP3 and SMTP engines alike") {
    for (const auto& exchange : exchanges()) {
        CAPTURE(sim::protocol_name(exchange.protocol));
        Connection connection(exchange.protocol);
        auto engine = make_client_engine(connection.client_trace);
        sim::Engine& client = *engine;
        CHECK(client.protocol() == exchange.protocol);

        connection.link->open();
        pump(client, *connection.link);
        CHECK(client.state_id().protocol() == exchange.protocol);
        CHECK_FALSE(client.closed());
        std::vector<std::uint64_t> seqs = pulled(client);
        CHECK_FALSE(seqs.empty());

        for (const auto& line : exchange.lines) {
            client.send_raw(line + "\r\n", connection.link->now());
            CHECK(client.wants_write());
            pump(client, *connection.link);
            CHECK_FALSE(client.wants_write());
            for (auto seq : pulled(client))
                seqs.push_back(seq);
        }
        CHECK(client.closed());
        CHECK(client.state_id().name() == "Closed");

        // Every event exactly once, in order, none left.
        REQUIRE(seqs.size() == client.trace().size());
        for (std::size_t i = 0; i < seqs.size(); ++i)
            CHECK(seqs[i] == i);
        CHECK(client.next_event() == nullptr);
        CHECK(client.trace().at(seqs.size() - 1).seq == seqs.back());

        // What the client said and heard is the whole exchange, both ways.
        const std::string text = sim::export_text(client.trace());
        for (const auto& line : exchange.lines)
            CHECK(text.find("C: " + line.substr(0, line.find(' '))) != std::string::npos);
        CHECK(text.find("wonderland") == std::string::npos);
    }
}

TEST_CASE("the pull API hands out an event once, and never changes it afterwards") {
    sim::SessionTrace trace(sim::Protocol::Pop3, "pull");
    pop3::Pop3Session session(trace, sim::client_role<pop3::SessionOptions>());
    sim::Engine& engine = session;
    CHECK(engine.next_event() == nullptr);

    engine.receive("+OK ready\r\n", 1);
    const sim::TraceEvent* greeting = engine.next_event();
    REQUIRE(greeting);
    CHECK(greeting->seq == 0);
    CHECK(greeting->raw == "+OK ready\r\n");
    const std::string before = greeting->summary;
    std::vector<const sim::TraceEvent*> rest;
    while (const sim::TraceEvent* event = engine.next_event())
        rest.push_back(event);
    CHECK(engine.next_event() == nullptr);

    // A reply split anywhere: nothing is handed out before it is whole.
    REQUIRE(session.submit_line("CAPA", 2).ok);
    const sim::TraceEvent* command = engine.next_event();
    REQUIRE(command);
    CHECK(command->kind == sim::EventKind::Command);
    engine.receive("+OK capabilities\r\nUSER\r", 3);
    CHECK(engine.next_event() == nullptr);
    engine.receive("\n.\r\n", 4);
    const sim::TraceEvent* reply = engine.next_event();
    REQUIRE(reply);
    CHECK(reply->kind == sim::EventKind::Tagged);
    CHECK(reply->link_seq == command->seq);
    CHECK(greeting->summary == before);
    CHECK(greeting->seq == 0);

    // Events a retention limit forgot before they were taken are passed over.
    sim::SessionTrace short_trace(sim::Protocol::Smtp, "short", sim::TraceRetention{2, 0});
    smtp::SmtpSession smtp(short_trace, sim::client_role<smtp::SessionOptions>());
    smtp.receive("220 hello\r\n", 0);
    REQUIRE(smtp.submit_line("NOOP", 0).ok);
    smtp.receive("250 ok\r\n", 0);
    REQUIRE(smtp.submit_line("NOOP", 0).ok);
    smtp.receive("250 ok\r\n", 0);
    std::vector<std::uint64_t> seqs = pulled(smtp);
    REQUIRE_FALSE(seqs.empty());
    CHECK(seqs.front() == short_trace.first_seq());
    CHECK(seqs.back() + 1 == short_trace.end_seq());
}

TEST_CASE("the POP3 script logs in with USER and PASS, with and without STLS") {
    each_login(sim::Protocol::Pop3, [](bool starttls, Connection& connection, auto& driver) {
        CHECK(driver.engine().state_id() == pop3::State::Transaction);
        const std::string text = sim::export_text(connection.client_trace);
        CHECK((text.find("C: CAPA") != std::string::npos) == starttls);
        CHECK((text.find("C: STLS") != std::string::npos) == starttls);
        if (starttls) CHECK(text.find("C: STLS") < text.find("C: USER alice"));
        CHECK(text.find("wonderland") == std::string::npos);

        driver.queue_line("STAT", connection.link->now());
        driver.end_input(connection.link->now());
        pump(driver, *connection.link);
        CHECK(driver.engine().closed());
        const std::string after = sim::export_text(connection.client_trace);
        CHECK(after.find("C: STAT") < after.find("C: QUIT"));
    });
}

TEST_CASE("the POP3 and SMTP scripts refuse to go on when STLS or STARTTLS is not offered") {
    struct Case {
        sim::Protocol protocol;
        const char* failure;
        const char* login_line;
    };
    for (const Case& c : {Case{sim::Protocol::Pop3, "does not offer STLS", "C: USER"},
                          Case{sim::Protocol::Smtp, "does not offer STARTTLS", "C: AUTH"}}) {
        CAPTURE(sim::protocol_name(c.protocol));
        Connection connection(c.protocol);
        sim::ClientDriver driver(connection.client_trace, alice(true));
        start(driver, connection);
        CHECK(driver.stage() == sim::DriverStage::Failed);
        CHECK(test::english(driver.failure()).find(c.failure) != std::string::npos);
        CHECK(test::russian(driver.failure()).find("сервер не предлагает") != std::string::npos);
        CHECK(sim::export_text(connection.client_trace).find(c.login_line) == std::string::npos);
    }
}

TEST_CASE("the POP3 script: a wrong password") {
    Connection wrong(sim::Protocol::Pop3);
    auto options = alice(false);
    options.plan.password = "not the password";
    sim::ClientDriver driver(wrong.client_trace, options);
    start(driver, wrong);
    REQUIRE(driver.stage() == sim::DriverStage::Ready);
    CHECK(driver.session().login().login_refused());
    const auto notice = driver.take_notice();
    REQUIRE(notice);
    CHECK(test::english(*notice) == "login failed: the session stays in AUTHORIZATION");
    CHECK(test::russian(*notice) == "вход не удался: сеанс остаётся в состоянии AUTHORIZATION");
}

TEST_CASE("the SMTP script says EHLO, STARTTLS and EHLO again when asked, then AUTH PLAIN") {
    each_login(sim::Protocol::Smtp, [](bool starttls, Connection& connection, auto& driver) {
        const std::string text = sim::export_text(connection.client_trace);
        const auto first_ehlo = text.find("C: EHLO mailscope.localhost");
        REQUIRE(first_ehlo != std::string::npos);
        const auto auth = text.find("C: AUTH PLAIN ***");
        REQUIRE(auth != std::string::npos);
        CHECK(text.find("S: 235") > auth);
        if (starttls) {
            const auto upgrade = text.find("C: STARTTLS");
            REQUIRE(upgrade != std::string::npos);
            const auto second_ehlo = text.find("C: EHLO mailscope.localhost", upgrade);
            CHECK(first_ehlo < upgrade);
            CHECK(upgrade < second_ehlo);
            CHECK(second_ehlo < auth);
        } else {
            CHECK(text.find("C: STARTTLS") == std::string::npos);
        }
        CHECK(text.find("d29uZGVybGFuZ") == std::string::npos);

        // A message typed line by line after DATA, then the end of input: QUIT.
        for (const char* line : {"MAIL FROM:<bob@example.org>", "RCPT TO:<alice@localhost>", "DATA",
                                 "Subject: typed", "", ".a dotted line", "."}) {
            driver.queue_line(line, connection.link->now());
            pump(driver, *connection.link);
        }
        driver.end_input(connection.link->now());
        pump(driver, *connection.link);
        for (const auto& run : driver.take_runs())
            CHECK_FALSE(run.refused);
        const std::string after = sim::export_text(connection.client_trace);
        CHECK(after.find("..a dotted line") != std::string::npos);
        CHECK(after.find("S: 250 2.0.0 Ok: delivered") != std::string::npos);
        CHECK(after.find("C: QUIT") != std::string::npos);
        CHECK(driver.engine().closed());
    });
}

TEST_CASE("the IMAP script through the same driver: STARTTLS, LOGIN, typed lines, LOGOUT") {
    Connection connection(sim::Protocol::Imap, with_starttls());
    sim::ClientDriver driver(connection.client_trace, alice(true));
    start(driver, connection);
    REQUIRE(driver.stage() == sim::DriverStage::Ready);
    CHECK(driver.engine().state_id() == imap::State::Authenticated);
    CHECK(driver.session().next_line_label() == "A004");

    CHECK_FALSE(driver.type_line("SELECT INBOX", connection.link->now()));
    pump(driver, *connection.link);
    CHECK(driver.session().state_label() == "Selected INBOX");
    driver.end_input(connection.link->now());
    pump(driver, *connection.link);
    CHECK(driver.engine().closed());
    const std::string text = sim::export_text(connection.client_trace);
    CHECK(text.find("C: A001 CAPABILITY") < text.find("C: A002 STARTTLS"));
    CHECK(text.find("C: A002 STARTTLS") < text.find("C: A003 LOGIN"));
    CHECK(text.find("C: A004 SELECT INBOX") < text.find("C: A005 LOGOUT"));
}
