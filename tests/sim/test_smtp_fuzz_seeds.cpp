// The SMTP fuzzer's properties (tests/fuzz/smtp_fuzz_checks.hpp) on the RFC
// 5321 scenarios and on every input fuzz_smtp found, so a finding stays a
// regression test.
#include <doctest/doctest.h>

#include <string>

#include "tests/fuzz/smtp_fuzz_checks.hpp"
#include "tests/sim/fuzz_regressions.hpp"
#include "tests/sim/smtp_vectors.hpp"

using namespace mailscope;

namespace {

// One chunk of the fuzzer's input format per piece of at most 128 octets.
std::string as_fuzz_input(const std::vector<smtp::testing::WireLine>& lines) {
    std::string input;
    for (const auto& line : lines) {
        const bool server = line.dir == sim::Direction::ServerToClient;
        for (std::size_t at = 0; at < line.bytes.size(); at += 128) {
            const std::string piece = line.bytes.substr(at, 128);
            input.push_back(static_cast<char>(((piece.size() - 1) << 1) | (server ? 1 : 0)));
            input += piece;
        }
    }
    return input;
}

}  // namespace

TEST_CASE("smtp fuzz properties hold on the RFC 5321 scenarios") {
    for (const auto& name : smtp::testing::scenario_names()) {
        CAPTURE(name);
        const auto lines = smtp::testing::load_scenario(name);
        REQUIRE_FALSE(lines.empty());
        CHECK(fuzz::check_smtp_bytes(as_fuzz_input(lines)) == "");
    }
}

TEST_CASE("smtp fuzz properties hold on the saved fuzz_smtp findings") {
    // The first one: a 421 in the middle of the message data, whose reply
    // event was read through a reference the trace had already moved.
    for (const auto& input : fuzz::testing::regression_inputs("smtp")) {
        CAPTURE(input.name);
        CHECK(fuzz::check_smtp_bytes(input.bytes) == "");
    }
}
