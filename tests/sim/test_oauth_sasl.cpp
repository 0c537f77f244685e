// XOAUTH2 and OAUTHBEARER (RFC 7628): the messages a client builds and a
// server reads, the error challenge shown decoded, and each protocol's
// login script logging in with a token, the token masked in the trace.
#include <doctest/doctest.h>

#include <string>

#include "sim/core/oauth_sasl.hpp"
#include "sim/core/transcript.hpp"
#include "sim/imap/login_driver.hpp"
#include "sim/pop3/login_driver.hpp"
#include "sim/smtp/login_driver.hpp"
#include "sim/text/base64.hpp"

using namespace mailscope;
using sim::OAuthMechanism;

namespace {

constexpr std::string_view kOAuthToken = "ya29.a0AfB_byC-token";

std::string decoded(const std::string& base64) {
    return text::base64_decode_strict(base64).value_or("(not base64)");
}

sim::LoginPlan oauth_plan(std::uint16_t port) {
    sim::LoginPlan plan;
    plan.host = "127.0.0.1";
    plan.port = port;
    plan.user = "alice@example.org";
    plan.oauth_token = std::string(kOAuthToken);
    plan.plaintext_login_allowed = true;  // loopback
    return plan;
}

// A challenge as Gmail sends it (RFC 7628 3.2.2's members).
const std::string kGmailChallenge = text::base64_encode(
    R"({"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"})");

bool in_trace(const sim::SessionTrace& trace, std::string_view text) {
    for (const auto& event : trace.events()) {
        if (event.summary.find(text) != std::string::npos) return true;
    }
    return sim::export_jsonl(trace).find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("OAuth SASL messages: built by the client, read back by the server") {
    CHECK(decoded(sim::oauth_initial_response(OAuthMechanism::XOAuth2, "alice", "T", "h", 1)) ==
          "user=alice\x01"
          "auth=Bearer T\x01\x01");
    // RFC 7628 4.1's example shape; "," and "=" in the authzid are escaped.
    CHECK(decoded(sim::oauth_initial_response(OAuthMechanism::OAuthBearer, "a,b=c", "T",
                                              "server.example.com", 143)) ==
          "n,a=a=2Cb=3Dc,\x01host=server.example.com\x01port=143\x01"
          "auth=Bearer T\x01\x01");
    for (const auto mechanism : {OAuthMechanism::XOAuth2, OAuthMechanism::OAuthBearer}) {
        std::string error;
        const auto read = sim::parse_oauth_response(
            mechanism,
            decoded(sim::oauth_initial_response(mechanism, "a,b=c", kOAuthToken, "h", 993)),
            &error);
        REQUIRE(read.has_value());
        CHECK(read->user == "a,b=c");
        CHECK(read->token == kOAuthToken);
    }
    std::string error;
    CHECK_FALSE(
        sim::parse_oauth_response(OAuthMechanism::XOAuth2, "auth=Bearer T\x01\x01", &error));
    CHECK(error == "the message names no user");
    CHECK_FALSE(sim::parse_oauth_response(OAuthMechanism::OAuthBearer,
                                          "n,a=x=41,\x01"
                                          "auth=Bearer T\x01\x01",
                                          &error));
    CHECK(error == "the authzid has an '=' that is neither =2C nor =3D");
    CHECK_FALSE(
        sim::parse_oauth_response(OAuthMechanism::OAuthBearer, "n,,\x01host=h\x01\x01", &error));
    CHECK(error == "the message has no auth=Bearer token");
    CHECK(sim::oauth_mechanism_from_name("xoauth2") == OAuthMechanism::XOAuth2);
    CHECK_FALSE(sim::oauth_mechanism_from_name("PLAIN"));
}

TEST_CASE("OAuth error challenges are shown decoded, status first") {
    CHECK(sim::describe_oauth_challenge(kGmailChallenge) ==
          "status 401, schemes Bearer, scope https://mail.google.com/");
    CHECK(decoded(sim::oauth_error_challenge("s")) ==
          R"({"status":"invalid_token","schemes":"bearer","scope":"s"})");
    CHECK(sim::describe_oauth_challenge(text::base64_encode("not json\x01")) == "not json\\x01");
    CHECK_FALSE(sim::describe_oauth_challenge("not base64!"));
    // A C1 control (CSI) is escaped, not handed to the terminal.
    CHECK(sim::describe_oauth_challenge(text::base64_encode("{\"status\":\"\u009b2J\"}")) ==
          "status \\u009b2J");
}

TEST_CASE("IMAP login script with a token: CAPABILITY, then AUTHENTICATE with SASL-IR") {
    sim::SessionTrace trace{sim::Protocol::Imap, "oauth"};
    imap::ImapSession session{trace, imap::SessionOptions{imap::Role::Client, false, {}, 1u << 20}};
    imap::LoginDriver driver(session, oauth_plan(143));
    auto server_says = [&](std::string_view bytes) {
        session.receive(bytes);
        while (auto received = session.next_response())
            driver.on_response(received->response);
        return session.take_outgoing();
    };
    driver.start(std::nullopt);
    CHECK(server_says("* OK ready\r\n") == "A001 CAPABILITY\r\n");
    const auto authenticate = server_says(
        "* CAPABILITY IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER SASL-IR\r\nA001 OK done\r\n");
    const auto expected = sim::oauth_initial_response(
        OAuthMechanism::OAuthBearer, "alice@example.org", kOAuthToken, "127.0.0.1", 143);
    CHECK(authenticate == "A002 AUTHENTICATE OAUTHBEARER " + expected + "\r\n");
    // Refused: the challenge is noted decoded and answered with ^A.
    CHECK(server_says("+ " + kGmailChallenge + "\r\n") == "AQ==\r\n");
    CHECK(in_trace(trace, "status 401, schemes Bearer, scope https://mail.google.com/"));
    // A second challenge is not answered again: the exchange is cancelled.
    CHECK(server_says("+ " + kGmailChallenge + "\r\n") == "*\r\n");
    CHECK(server_says("A002 NO [AUTHENTICATIONFAILED] no\r\n").empty());
    CHECK(driver.ready());
    CHECK(driver.login_refused());
    CHECK_FALSE(in_trace(trace, kOAuthToken));
    CHECK_FALSE(in_trace(trace, expected));
}

TEST_CASE("IMAP login script with a token: no SASL-IR, XOAUTH2 only, greeting capabilities") {
    sim::SessionTrace trace{sim::Protocol::Imap, "oauth"};
    imap::ImapSession session{trace, imap::SessionOptions{imap::Role::Client, false, {}, 1u << 20}};
    imap::LoginDriver driver(session, oauth_plan(143));
    auto server_says = [&](std::string_view bytes) {
        session.receive(bytes);
        while (auto received = session.next_response())
            driver.on_response(received->response);
        return session.take_outgoing();
    };
    driver.start(std::nullopt);
    CHECK(server_says("* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2] ready\r\n") ==
          "A001 AUTHENTICATE XOAUTH2\r\n");
    const auto token_line = server_says("+ \r\n");
    CHECK(token_line == sim::oauth_initial_response(OAuthMechanism::XOAuth2, "alice@example.org",
                                                    kOAuthToken, "", 0) +
                            "\r\n");
    CHECK(server_says("A001 OK done\r\n").empty());
    CHECK_FALSE(driver.login_refused());
    CHECK_FALSE(in_trace(trace, kOAuthToken));
}

TEST_CASE("IMAP login script with a token: a server that offers neither mechanism") {
    sim::SessionTrace trace{sim::Protocol::Imap, "oauth"};
    imap::ImapSession session{trace, imap::SessionOptions{imap::Role::Client, false, {}, 1u << 20}};
    imap::LoginDriver driver(session, oauth_plan(143));
    driver.start(std::nullopt);
    session.receive("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n");
    while (auto received = session.next_response())
        driver.on_response(received->response);
    CHECK(session.take_outgoing().empty());
    CHECK(driver.phase() == sim::LoginPhase::Failed);
    CHECK(sim::render(driver.failure(), sim::Language::En)
              .starts_with("127.0.0.1 offers neither OAUTHBEARER nor XOAUTH2 in CAPABILITY"));
}

TEST_CASE("POP3 login script with a token: CAPA, AUTH with the token after \"+\" past 255 octets") {
    sim::SessionTrace trace{sim::Protocol::Pop3, "oauth"};
    pop3::SessionOptions options;
    options.role = pop3::Role::Client;
    pop3::Pop3Session session{trace, options};
    auto plan = oauth_plan(110);
    plan.oauth_token = std::string(300, 'x');
    pop3::LoginDriver driver(session, plan);
    auto server_says = [&](std::string_view bytes) {
        session.receive(bytes);
        while (auto received = session.next_reply())
            driver.on_reply(*received);
        return session.take_outgoing();
    };
    driver.start(std::nullopt);
    CHECK(server_says("+OK ready\r\n") == "CAPA\r\n");
    CHECK(server_says("+OK\r\nUSER\r\nSASL PLAIN XOAUTH2\r\n.\r\n") == "AUTH XOAUTH2\r\n");
    CHECK(server_says("+ \r\n") == sim::oauth_initial_response(OAuthMechanism::XOAuth2,
                                                               "alice@example.org",
                                                               *plan.oauth_token, "", 0) +
                                       "\r\n");
    CHECK(server_says("+ " + kGmailChallenge + "\r\n") == "\r\n");
    CHECK(in_trace(trace, "scope https://mail.google.com/"));
    CHECK(server_says("-ERR [AUTH] no\r\n").empty());
    CHECK(driver.login_refused());
    CHECK_FALSE(in_trace(trace, *plan.oauth_token));
}

TEST_CASE("SMTP login script with a token: EHLO, AUTH OAUTHBEARER with the initial response") {
    sim::SessionTrace trace{sim::Protocol::Smtp, "oauth"};
    smtp::SessionOptions options;
    options.role = smtp::Role::Client;
    smtp::SmtpSession session{trace, options};
    smtp::LoginDriver driver(session, oauth_plan(587));
    auto server_says = [&](std::string_view bytes) {
        session.receive(bytes);
        while (auto received = session.next_reply())
            driver.on_reply(*received);
        return session.take_outgoing();
    };
    driver.start(std::nullopt);
    CHECK(server_says("220 mx ESMTP\r\n") == "EHLO mailscope.localhost\r\n");
    const auto expected = sim::oauth_initial_response(
        OAuthMechanism::OAuthBearer, "alice@example.org", kOAuthToken, "127.0.0.1", 587);
    CHECK(server_says("250-mx\r\n250 AUTH PLAIN XOAUTH2 OAUTHBEARER\r\n") ==
          "AUTH OAUTHBEARER " + expected + "\r\n");
    CHECK(server_says("235 2.7.0 ok\r\n").empty());
    CHECK(driver.ready());
    CHECK_FALSE(driver.login_refused());
    CHECK_FALSE(in_trace(trace, kOAuthToken));
}
