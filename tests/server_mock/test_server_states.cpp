// The mock servers refuse every command outside the states the RFCs give it
// (tests/sim/*_state_rules.hpp), and execute it inside them: IMAP with BAD,
// POP3 with -ERR, SMTP with 503. An IMAP extension whose capability is
// switched off is refused too, and its capability goes from CAPABILITY.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "imap_server_harness.hpp"
#include "pop3_server_harness.hpp"
#include "sim/imap/states.hpp"
#include "smtp_server_harness.hpp"
#include "tests/sim/imap_state_rules.hpp"
#include "tests/sim/pop3_state_rules.hpp"
#include "tests/sim/smtp_state_rules.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

// A fresh session brought to `state`, then sent "t1 LINE"; what it answered.
std::string answer_in(imap::State state, std::string_view line, ServerConfig config = {}) {
    MailStore store(100);
    fill_store(store);
    Client c(store, std::move(config));
    if (state != imap::State::NotAuthenticated) c.login();
    if (state == imap::State::Selected) c.select();
    return c.send("t1 " + std::string(line) + "\r\n");
}

}  // namespace

TEST_CASE("IMAP mock server: every command is refused with BAD exactly outside its states") {
    int pairs = 0;
    for (const auto state :
         {imap::State::NotAuthenticated, imap::State::Authenticated, imap::State::Selected}) {
        for (const auto& rule : imap::testing::verb_rules) {
            CAPTURE(rule.example);
            CAPTURE(imap::state_name(state));
            const std::string answer = answer_in(state, rule.example);
            const std::string refusal = "t1 BAD " + std::string(imap::verb_name(rule.verb)) +
                                        " is not valid in the " +
                                        std::string(imap::state_name(state)) + " state\r\n";
            if (imap::testing::rule_allows(rule, state)) {
                CHECK(answer.find(" is not valid in the ") == std::string::npos);
                CHECK_FALSE(answer.empty());
            } else {
                CHECK(answer == refusal);
            }
            ++pairs;
        }
        for (const auto& rule : imap::testing::uid_rules) {
            CAPTURE(rule.example);
            CAPTURE(imap::state_name(state));
            const bool refused =
                answer_in(state, rule.example).find(" is not valid in the ") != std::string::npos;
            CHECK(refused == (state != imap::State::Selected));
        }
    }
    CHECK(pairs == 43 * 3);
}

TEST_CASE(
    "IMAP mock server: ENABLE is answered in Authenticated and refused once a mailbox is "
    "selected") {
    MailStore store(100);
    fill_store(store);
    Client c(store);
    c.login();
    CHECK(c.send("e1 ENABLE CONDSTORE\r\n") == "* ENABLED CONDSTORE\r\ne1 OK ENABLE completed\r\n");
    c.select();
    CHECK(c.send("e2 ENABLE CONDSTORE\r\n") ==
          "e2 BAD ENABLE is not valid in the Selected state\r\n");
}

TEST_CASE("IMAP mock server: an extension switched off is neither listed nor executed") {
    // The toggles by the capability RFCs give their commands
    // (imap_state_rules.hpp), written down here apart from the server's own.
    struct Toggle {
        std::string_view capability;
        bool CapabilityToggles::*on;
    };
    const Toggle toggles[] = {
        {"MOVE", &CapabilityToggles::move},
        {"IDLE", &CapabilityToggles::idle},
        {"NAMESPACE", &CapabilityToggles::namespaces},
        {"UNSELECT", &CapabilityToggles::unselect},
        {"ID", &CapabilityToggles::id},
        {"ENABLE", &CapabilityToggles::enable},
        {"ACL", &CapabilityToggles::acl},
        {"UIDPLUS", &CapabilityToggles::uidplus},
        {"QUOTA", &CapabilityToggles::quota},
        {"QUOTASET", &CapabilityToggles::quota},
        {"SORT", &CapabilityToggles::sort},
        {"THREAD=", &CapabilityToggles::sort},
        {"CONTEXT=", &CapabilityToggles::contexts},
        {"NOTIFY", &CapabilityToggles::notify},
    };
    auto toggle_of = [&](std::string_view capability) {
        const auto* found =
            std::find_if(std::begin(toggles), std::end(toggles),
                         [&](const Toggle& t) { return t.capability == capability; });
        REQUIRE(found != std::end(toggles));
        return found->on;
    };
    // Selected, or Authenticated for ENABLE: a state each command is valid in.
    auto check = [&](std::string_view capability, imap::Verb verb, std::string_view example) {
        CAPTURE(example);
        const auto state = imap::command_allowed(verb, imap::State::Selected)
                               ? imap::State::Selected
                               : imap::State::Authenticated;
        ServerConfig off;
        off.capabilities.*toggle_of(capability) = false;
        CHECK(answer_in(state, example, off) ==
              "t1 BAD " + std::string(imap::verb_name(verb)) +
                  " is not offered by this server (see CAPABILITY)\r\n");
        CHECK(answer_in(state, example).find("not offered") == std::string::npos);
        const auto listed = answer_in(imap::State::NotAuthenticated, "CAPABILITY", off);
        CHECK(listed.find(" " + std::string(capability) + " ") == std::string::npos);
        CHECK(listed.find(" " + std::string(capability) + "\r\n") == std::string::npos);
    };
    int extensions = 0;
    for (const auto& rule : imap::testing::verb_rules) {
        if (rule.capability.empty()) continue;
        check(rule.capability, rule.verb, rule.example);
        ++extensions;
    }
    for (const auto& rule : imap::testing::uid_rules) {
        if (rule.capability.empty()) continue;
        check(rule.capability, rule.verb, rule.example);
        ++extensions;
    }
    CHECK(extensions == 22);
}

namespace {

// A fresh POP3 session in `state`, then sent "LINE"; what it answered.
std::string pop3_answer_in(pop3::State state, std::string_view line) {
    MailStore store(100);
    fill_store(store);
    PopClient c(store);
    if (state == pop3::State::Transaction) c.login();
    return c.send(std::string(line) + "\r\n");
}

}  // namespace

TEST_CASE("POP3 mock server: every command is refused with -ERR exactly outside its states") {
    int pairs = 0;
    for (const auto state : {pop3::State::Authorization, pop3::State::Transaction}) {
        for (const auto& rule : pop3::testing::verb_rules) {
            CAPTURE(rule.example);
            CAPTURE(pop3::state_name(state));
            const std::string answer = pop3_answer_in(state, rule.example);
            const bool refused = answer.find(" is not valid in the ") != std::string::npos;
            CHECK(refused != pop3::testing::rule_allows(rule, state));
            if (refused) {
                CHECK(answer == "-ERR " + std::string(pop3::verb_name(rule.verb)) +
                                    " is not valid in the " + std::string(pop3::state_name(state)) +
                                    " state\r\n");
            }
            ++pairs;
        }
    }
    CHECK(pairs == 17 * 2);
}

namespace {

// A fresh SMTP session brought through the command order to `state`, then
// sent "LINE"; what it answered.
std::string smtp_answer_in(smtp::State state, std::string_view line) {
    MailStore store(100);
    fill_store(store);
    SmtpClient c(store);
    if (state != smtp::State::Ready) c.ehlo();
    if (state == smtp::State::Mail || state == smtp::State::Rcpt) {
        REQUIRE(c.send("MAIL FROM:<bob@example.org>\r\n").starts_with("250"));
    }
    if (state == smtp::State::Rcpt) {
        REQUIRE(c.send("RCPT TO:<alice@example.org>\r\n").starts_with("250"));
    }
    return c.send(std::string(line) + "\r\n");
}

}  // namespace

TEST_CASE("SMTP mock server: every command is refused with 503 exactly outside the order") {
    using smtp::State;
    int pairs = 0;
    for (const auto state : {State::Ready, State::Greeted, State::Mail, State::Rcpt}) {
        for (const auto& rule : smtp::testing::verb_rules) {
            CAPTURE(rule.example);
            CAPTURE(smtp::state_name(state));
            const std::string answer = smtp_answer_in(state, rule.example);
            const bool allowed =
                std::find(rule.states.begin(), rule.states.end(), state) != rule.states.end();
            // RFC 5321 3.3: DATA after MAIL when every RCPT was refused.
            const bool refused =
                answer.starts_with("503 ") || answer == "554 5.5.1 no valid recipients\r\n";
            CHECK(refused != allowed);
            ++pairs;
        }
    }
    CHECK(pairs == 14 * 4);
}
