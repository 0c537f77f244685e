// XOAUTH2 and OAUTHBEARER (RFC 7628) on the mock server, in IMAP, POP3 and
// SMTP: a user's token logs in, a wrong one gets the error challenge and,
// after the client's dummy answer, the protocol's failure; the token never
// reaches the trace.
#include <doctest/doctest.h>

#include <string>

#include "imap_server_harness.hpp"
#include "pop3_server_harness.hpp"
#include "server_mock/bearer_login.hpp"
#include "sim/core/transcript.hpp"
#include "sim/text/base64.hpp"
#include "smtp_server_harness.hpp"

using namespace mailscope;
using namespace mailscope::server;

namespace {

constexpr std::string_view kAliceToken = "ya29.alice-token";

struct TokenStore {
    TokenStore() {
        testing::fill_store(store);
        REQUIRE_FALSE(store.set_oauth_token("alice", std::string(kAliceToken)).has_value());
    }
    MailStore store{100};
};

std::string xoauth2(std::string_view user, std::string_view token) {
    return sim::oauth_initial_response(sim::OAuthMechanism::XOAuth2, user, token, "", 0);
}

std::string oauthbearer(std::string_view user, std::string_view token) {
    return sim::oauth_initial_response(sim::OAuthMechanism::OAuthBearer, user, token,
                                       "mail.example.org", 143);
}

std::string challenge_line(std::string_view prefix) {
    return fmt::format("{}{}\r\n", prefix, sim::oauth_error_challenge(kBearerScope));
}

}  // namespace

TEST_CASE_FIXTURE(TokenStore, "IMAP AUTHENTICATE XOAUTH2 and OAUTHBEARER") {
    SUBCASE("XOAUTH2 with SASL-IR") {
        testing::Client c(store);
        CHECK(c.send("a AUTHENTICATE XOAUTH2 " + xoauth2("alice", kAliceToken) + "\r\n") ==
              "a OK AUTHENTICATE completed\r\n");
        CHECK(c.server.user() == "alice");
        CHECK(sim::export_jsonl(c.trace).find(kAliceToken) == std::string::npos);
        CHECK(sim::export_jsonl(c.trace).find(xoauth2("alice", kAliceToken)) == std::string::npos);
    }
    SUBCASE("OAUTHBEARER after the continuation; no authzid: the token says who") {
        testing::Client c(store);
        CHECK(c.send("a AUTHENTICATE OAUTHBEARER\r\n") == "+ \r\n");
        CHECK(c.send(oauthbearer("", kAliceToken) + "\r\n") == "a OK AUTHENTICATE completed\r\n");
        CHECK(c.server.user() == "alice");
    }
    SUBCASE("a wrong token: the error challenge, the dummy answer, then NO") {
        for (const bool bearer : {false, true}) {
            CAPTURE(bearer);
            testing::Client c(store);
            const auto first =
                bearer ? oauthbearer("alice", "ya29.stolen") : xoauth2("alice", "ya29.stolen");
            CHECK(c.send(fmt::format("a AUTHENTICATE {} {}\r\n", bearer ? "OAUTHBEARER" : "XOAUTH2",
                                     first)) == challenge_line("+ "));
            CHECK(c.send(bearer ? "AQ==\r\n" : "\r\n") ==
                  "a NO [AUTHENTICATIONFAILED] Invalid or expired token\r\n");
            CHECK(c.server.user().empty());
            CHECK(sim::export_jsonl(c.trace).find("ya29.stolen") == std::string::npos);
        }
    }
    SUBCASE("alice's token does not open bob's mailbox") {
        testing::Client c(store);
        CHECK(c.send("a AUTHENTICATE XOAUTH2 " + xoauth2("bob", kAliceToken) + "\r\n") ==
              challenge_line("+ "));
    }
    SUBCASE("malformed messages get BAD and quote nothing of the message") {
        testing::Client c(store);
        const auto no_end = text::base64_encode(
            "user=alice\x01"
            "auth=Bearer ya29.alice-token");
        const auto answer = c.send("a AUTHENTICATE XOAUTH2 " + no_end + "\r\n");
        CHECK(answer == "a BAD XOAUTH2: the message does not end with two ^A octets\r\n");
        const auto basic = text::base64_encode(
            "user=alice\x01"
            "auth=Basic abc\x01\x01");
        CHECK(c.send("b AUTHENTICATE XOAUTH2 " + basic + "\r\n") ==
              "b BAD XOAUTH2: the auth= value is not a Bearer token\r\n");
        CHECK(c.send("c AUTHENTICATE OAUTHBEARER " + text::base64_encode("p=tls-unique,,\x01") +
                     "\r\n") ==
              "c BAD OAUTHBEARER: the GS2 header must start with \"n,\" (no channel binding)\r\n");
    }
    SUBCASE("LOGINDISABLED: a token waits for TLS like a password") {
        ServerConfig config;
        config.login_disabled_without_tls = true;
        config.starttls_available = true;
        testing::Client c(store, config);
        CHECK(c.greeting.find("AUTH=XOAUTH2") == std::string::npos);
        CHECK(c.send("a AUTHENTICATE XOAUTH2 " + xoauth2("alice", kAliceToken) + "\r\n")
                  .starts_with("a NO [PRIVACYREQUIRED]"));
    }
}

TEST_CASE_FIXTURE(TokenStore, "POP3 AUTH XOAUTH2 and OAUTHBEARER") {
    SUBCASE("initial response") {
        testing::PopClient c(store);
        CHECK(c.send("AUTH XOAUTH2 " + xoauth2("alice", kAliceToken) + "\r\n")
                  .starts_with("+OK AUTH XOAUTH2 accepted"));
        CHECK(c.server.engine().state() == pop3::State::Transaction);
        CHECK(sim::export_jsonl(c.trace).find(kAliceToken) == std::string::npos);
    }
    SUBCASE("after the \"+\", as a client does when the line would pass 255 octets") {
        testing::PopClient c(store);
        CHECK(c.send("AUTH OAUTHBEARER\r\n") == "+ \r\n");
        CHECK(c.send(oauthbearer("alice", kAliceToken) + "\r\n")
                  .starts_with("+OK AUTH OAUTHBEARER accepted"));
    }
    SUBCASE("a wrong token") {
        testing::PopClient c(store);
        CHECK(c.send("AUTH OAUTHBEARER " + oauthbearer("alice", "ya29.old") + "\r\n") ==
              challenge_line("+ "));
        CHECK(c.send("AQ==\r\n") == "-ERR [AUTH] invalid or expired token\r\n");
        CHECK(c.server.engine().state() == pop3::State::Authorization);
        CHECK(c.send("AUTH XOAUTH2 " + xoauth2("alice", kAliceToken) + "\r\n").starts_with("+OK"));
    }
}

TEST_CASE_FIXTURE(TokenStore, "SMTP AUTH XOAUTH2 and OAUTHBEARER") {
    SUBCASE("initial response") {
        testing::SmtpClient c(store);
        c.ehlo();
        CHECK(c.send("AUTH OAUTHBEARER " + oauthbearer("alice", kAliceToken) + "\r\n") ==
              "235 2.7.0 authentication successful\r\n");
        CHECK(sim::export_jsonl(c.trace).find(kAliceToken) == std::string::npos);
    }
    SUBCASE("a wrong token: 334 with the challenge, then 535") {
        testing::SmtpClient c(store);
        c.ehlo();
        CHECK(c.send("AUTH XOAUTH2 " + xoauth2("alice", "ya29.old") + "\r\n") ==
              challenge_line("334 "));
        CHECK(c.send("\r\n") ==
              "535 5.7.8 authentication credentials invalid: the token was refused\r\n");
        CHECK(c.send("AUTH XOAUTH2\r\n") == "334 \r\n");
        CHECK(c.send(xoauth2("alice", kAliceToken) + "\r\n") ==
              "235 2.7.0 authentication successful\r\n");
        CHECK(c.violations() == 0);
    }
}
