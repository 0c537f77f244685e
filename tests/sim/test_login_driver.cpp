// LoginDriver: greeting, STARTTLS when asked, LOGIN, driven byte by byte
// through a client-role engine with the server's lines written here.
#include <doctest/doctest.h>

#include <string>

#include "sim/core/transcript.hpp"
#include "sim/imap/login_driver.hpp"
#include "tests/support/said_text.hpp"

using namespace mailscope;
using namespace mailscope::imap;
using sim::LoginPhase;
using sim::LoginPlan;
using sim::TlsReport;

namespace {

struct Client {
    sim::SessionTrace trace{sim::Protocol::Imap, "login driver"};
    ImapSession session{trace, SessionOptions{Role::Client, false, {}, 1u << 20}};
    LoginDriver driver;

    explicit Client(LoginPlan plan) : driver(session, std::move(plan)) {}

    // The server's bytes in; what the client puts on the wire out.
    std::string server_says(std::string_view bytes) {
        session.receive(bytes);
        while (auto received = session.next_response())
            driver.on_response(received->response);
        return session.take_outgoing();
    }

    // In the transcript or in a note (notes are not part of the C:/S: text).
    bool trace_has(std::string_view text) const {
        for (const sim::TraceEvent& event : trace.events()) {
            if (event.summary.find(text) != std::string::npos) return true;
        }
        return sim::export_text(trace).find(text) != std::string::npos;
    }
};

LoginPlan alice_plan(bool starttls) {
    LoginPlan plan;
    plan.host = "127.0.0.1";
    plan.port = 143;
    plan.starttls = starttls;
    plan.user = "alice";
    plan.password = "wonderland";
    return plan;
}

}  // namespace

TEST_CASE("STARTTLS: CAPABILITY, STARTTLS, the handshake, and only then LOGIN") {
    Client client(alice_plan(true));
    client.driver.start(std::nullopt);
    CHECK(client.trace_has("connected to 127.0.0.1:143"));
    CHECK(client.driver.phase() == LoginPhase::Greeting);

    CHECK(client.server_says("* OK IMAP4rev1 ready\r\n") == "A001 CAPABILITY\r\n");
    CHECK(client.driver.phase() == LoginPhase::Capability);
    CHECK(client.server_says("* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\nA001 OK done\r\n") ==
          "A002 STARTTLS\r\n");
    CHECK(client.server_says("A002 OK begin TLS now\r\n").empty());
    CHECK(client.driver.phase() == LoginPhase::TlsHandshake);
    CHECK(client.driver.take_tls_request());
    CHECK_FALSE(client.driver.take_tls_request());
    CHECK_FALSE(client.driver.tls_active());

    client.driver.on_tls_established({"TLSv1.3 TLS_AES_256_GCM_SHA384", ""});
    CHECK(client.driver.tls_active());
    CHECK(client.trace_has(
        "TLS established: TLSv1.3 TLS_AES_256_GCM_SHA384; certificate verified for 127.0.0.1"));
    const std::string login = client.session.take_outgoing();
    CHECK(login.starts_with("A003 LOGIN alice "));
    CHECK(login.find("wonderland") != std::string::npos);
    CHECK(client.driver.phase() == LoginPhase::Login);

    CHECK(client.server_says("A003 OK LOGIN completed\r\n").empty());
    CHECK(client.driver.ready());
    CHECK_FALSE(client.driver.login_refused());
    CHECK(client.session.state() == State::Authenticated);
    CHECK_FALSE(client.trace_has("wonderland"));
}

TEST_CASE("STARTTLS asked for but not offered: nothing but CAPABILITY goes out") {
    Client client(alice_plan(true));
    client.driver.start(std::nullopt);
    client.server_says("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
    CHECK(client.server_says("* CAPABILITY IMAP4rev1\r\nA001 OK done\r\n").empty());
    CHECK(client.driver.phase() == LoginPhase::Failed);
    CHECK(test::english(client.driver.failure()).find("does not offer STARTTLS") !=
          std::string::npos);
    CHECK_FALSE(client.driver.take_tls_request());
}

TEST_CASE("STARTTLS after a PREAUTH greeting is impossible") {
    Client client(alice_plan(true));
    client.driver.start(std::nullopt);
    CHECK(client.server_says("* PREAUTH welcome back\r\n").empty());
    CHECK(client.driver.phase() == LoginPhase::Failed);
    CHECK(test::english(client.driver.failure()).find("RFC 3501 6.2.1") != std::string::npos);
}

TEST_CASE("a refused STARTTLS fails before any credentials") {
    Client client(alice_plan(true));
    client.driver.start(std::nullopt);
    client.server_says("* OK ready\r\n");
    client.server_says("* CAPABILITY IMAP4rev1 STARTTLS\r\nA001 OK done\r\n");
    CHECK(client.server_says("A002 NO not now\r\n").empty());
    CHECK(client.driver.phase() == LoginPhase::Failed);
    CHECK(test::english(client.driver.failure()) ==
          "the server refused STARTTLS; nothing more is sent");
}

TEST_CASE("no LOGIN in clear unless the plan allows it") {
    Client refused(alice_plan(false));
    refused.driver.start(std::nullopt);
    CHECK(refused.server_says("* OK ready\r\n").empty());
    CHECK(refused.driver.phase() == LoginPhase::Failed);
    CHECK(test::english(refused.driver.failure()) ==
          "logging in to 127.0.0.1 would send the password in clear");

    LoginPlan plan = alice_plan(false);
    plan.plaintext_login_allowed = true;
    int own_tags = 0;
    plan.next_tag = [&] { return "x" + std::to_string(++own_tags); };
    Client allowed(plan);
    allowed.driver.start(std::nullopt);
    CHECK(allowed.server_says("* OK ready\r\n").starts_with("x1 LOGIN alice "));
    CHECK(allowed.server_says("x1 NO [AUTHENTICATIONFAILED] wrong\r\n").empty());
    CHECK(allowed.driver.ready());
    CHECK(allowed.driver.login_refused());
    CHECK(allowed.session.state() == State::NotAuthenticated);
}

TEST_CASE(
    "imaps: the implicit TLS is noted, loudly when not verified, and LOGIN follows the "
    "greeting") {
    LoginPlan plan = alice_plan(false);
    plan.insecure = true;
    Client client(plan);
    client.driver.start(TlsReport{"TLSv1.3 X", "certificate verify failed (self-signed)"});
    CHECK(client.driver.tls_active());
    CHECK(
        client.trace_has("certificate NOT verified (insecure), and it would have failed: "
                         "certificate verify failed (self-signed)"));
    CHECK(client.server_says("* OK ready\r\n").starts_with("A001 LOGIN alice "));
}

TEST_CASE(
    "without a user the person logs in; a BYE greeting ends it; a typed STARTTLS asks for "
    "TLS") {
    LoginPlan plan;
    plan.host = "localhost";
    Client client(plan);
    client.driver.start(std::nullopt);
    CHECK(client.server_says("* OK ready\r\n").empty());
    CHECK(client.driver.ready());
    const auto sent = client.session.submit(make_command("t1", Verb::Starttls));
    REQUIRE(sent.tag);
    client.driver.watch_starttls(*sent.tag);
    client.session.take_outgoing();
    client.server_says("t1 OK go ahead\r\n");
    CHECK(client.driver.take_tls_request());
    CHECK(client.driver.ready());

    Client rejected(plan);
    rejected.driver.start(std::nullopt);
    CHECK(rejected.server_says("* BYE too busy\r\n").empty());
    CHECK(rejected.driver.phase() == LoginPhase::Rejected);
}

TEST_CASE("no LOGIN goes out while the server lists LOGINDISABLED") {
    // RFC 3501 6.2.3: "A client implementation MUST NOT send a LOGIN command
    // if the LOGINDISABLED capability is advertised."
    LoginPlan plan = alice_plan(false);
    plan.plaintext_login_allowed = true;
    Client client(plan);
    client.driver.start(std::nullopt);
    CHECK(
        client.server_says("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n").empty());
    CHECK(client.driver.phase() == LoginPhase::Failed);
    CHECK(test::english(client.driver.failure()).find("LOGINDISABLED") != std::string::npos);
    CHECK_FALSE(client.trace_has("wonderland"));
}
