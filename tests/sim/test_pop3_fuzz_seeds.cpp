// The POP3 fuzzer's properties (tests/fuzz/pop3_fuzz_checks.hpp) on the RFC
// exchanges and on inputs the fuzzer found or that aim at the limits, so a
// finding stays a regression test.
#include <doctest/doctest.h>

#include <string>

#include "pop3_vectors.hpp"
#include "tests/fuzz/pop3_fuzz_checks.hpp"
#include "tests/sim/fuzz_regressions.hpp"

using namespace mailscope;
using namespace std::string_literals;

TEST_CASE("pop3 fuzz properties hold on the RFC exchanges") {
    for (const auto& exchange : pop3::testing::load_exchanges("rfc1939_exchanges.txt")) {
        std::string input =
            "S: +OK ready <1.1@x>\r\nC: USER a\r\nS: +OK\r\nC: PASS b\r\nS: +OK\r\n";
        if (exchange.start == "start") input.clear();
        if (exchange.start == "AUTHORIZATION") input = "S: +OK ready\r\n";
        for (const auto& line : exchange.lines) {
            input +=
                (line.dir == sim::Direction::ClientToServer ? "C: " : "S: ") + line.text + "\r\n";
        }
        CAPTURE(exchange.section);
        CHECK(fuzz::check_pop3_bytes(input).empty());
    }
}

TEST_CASE("pop3 fuzz properties hold on hostile inputs") {
    const std::string inputs[] = {
        "",
        "S: +OK\r\nC: PASS\0secret\r\n"s,
        "S: +OK\r\nC: pass  two words\r\nC: PASSsecret\r\n",
        "S: +OK\r\nC: AUTH PLAIN\r\nS: + \r\nC: c2VjcmV0\r\nS: + more\r\nC: *\r\nS: -ERR\r\n",
        "S: +OK\r\nC: AUTH  PLAIN  c2VjcmV0\r\nS: -ERR\r\nC: auth plain x y\r\n",
        "S: +OK\r\nC: USER a\r\nC: PASS b\r\nC: RETR 1\r\nS: +OK\r\nS: +OK\r\nS: +OK\r\n" +
            std::string(5000, 'x') + "\r\n",
        "S: +OK\r\nC: " + std::string(3000, 'A') + "\r\nC: LIST 99999999999\r\n",
        "S: " + std::string(3000, '+') + "\nS: .\r\nC: QUIT\r\nS: +OK\r\nS: +OK late\r\n",
        "C: CAPA\r\nS: +OK\r\nS: +OK\r\nTOP\r\n.\r\nC: \r\n\r\n.\n",
    };
    for (const auto& input : inputs) {
        CAPTURE(input.substr(0, 80));
        CHECK(fuzz::check_pop3_bytes(input) == "");
    }
}

TEST_CASE("pop3 fuzz properties hold on the saved fuzz_pop3 findings") {
    // The first one: a trailing space after AUTH's one argument was counted
    // as a word, so the check took the line for an unmasked initial response.
    for (const auto& input : fuzz::testing::regression_inputs("pop3")) {
        CAPTURE(input.name);
        CHECK(fuzz::check_pop3_bytes(input.bytes) == "");
    }
}
