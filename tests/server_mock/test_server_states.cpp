// The mock server refuses every command outside the states the RFCs give
// it (tests/sim/imap_state_rules.hpp), with BAD, and accepts it inside them.
#include <doctest/doctest.h>

#include <string>

#include "imap_server_harness.hpp"
#include "sim/imap/states.hpp"
#include "tests/sim/imap_state_rules.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

// A fresh session brought to `state`, then sent "t1 LINE"; what it answered.
std::string answer_in(imap::State state, std::string_view line) {
    MailStore store(100);
    fill_store(store);
    Client c(store);
    if (state != imap::State::NotAuthenticated) c.login();
    if (state == imap::State::Selected) c.select();
    return c.send("t1 " + std::string(line) + "\r\n");
}

}  // namespace

TEST_CASE("mock server: every command is refused with BAD exactly outside its states") {
    for (const auto state :
         {imap::State::NotAuthenticated, imap::State::Authenticated, imap::State::Selected}) {
        for (const auto& rule : imap::test::state_rules) {
            CAPTURE(rule.example);
            CAPTURE(imap::state_name(state));
            const std::string answer = answer_in(state, rule.example);
            const std::string refusal = "t1 BAD " + std::string(imap::verb_name(rule.verb)) +
                                        " is not valid in the " +
                                        std::string(imap::state_name(state)) + " state\r\n";
            if (imap::test::rule_allows(rule, state)) {
                CHECK(answer.find(" is not valid in the ") == std::string::npos);
                CHECK_FALSE(answer.empty());
            } else {
                CHECK(answer == refusal);
            }
        }
        for (const auto line : imap::test::uid_examples) {
            CAPTURE(line);
            CAPTURE(imap::state_name(state));
            const bool refused =
                answer_in(state, line).find(" is not valid in the ") != std::string::npos;
            CHECK(refused == (state != imap::State::Selected));
        }
    }
}

TEST_CASE(
    "mock server: ENABLE is answered in Authenticated and refused once a mailbox is selected") {
    MailStore store(100);
    fill_store(store);
    Client c(store);
    c.login();
    CHECK(c.send("e1 ENABLE CONDSTORE\r\n") == "* ENABLED\r\ne1 OK ENABLE completed\r\n");
    c.select();
    CHECK(c.send("e2 ENABLE CONDSTORE\r\n") ==
          "e2 BAD ENABLE is not valid in the Selected state\r\n");
}
