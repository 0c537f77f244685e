// Loads the SMTP scenarios of tests/vectors/smtp/ ("C: " / "S: " lines, the
// text after the prefix exactly as sent, "#" comments). A missing or empty
// file fails the test that asks for it.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "sim/core/trace.hpp"

namespace mailscope::smtp::testing {

struct WireLine {
    sim::Direction dir = sim::Direction::ClientToServer;
    std::string bytes;  // with its CRLF
};

inline std::vector<WireLine> load_scenario(const std::string& name) {
    std::ifstream in(std::string(MAILSCOPE_TEST_DATA) + "/vectors/smtp/" + name, std::ios::binary);
    REQUIRE_MESSAGE(in, "missing test scenario: tests/vectors/smtp/" << name);
    std::vector<WireLine> out;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.front() == '#') continue;
        if (line.size() < 2 || (line[0] != 'C' && line[0] != 'S') || line[1] != ':') continue;
        WireLine wire;
        wire.dir = line[0] == 'C' ? sim::Direction::ClientToServer : sim::Direction::ServerToClient;
        wire.bytes = (line.size() > 3 ? line.substr(3) : std::string()) + "\r\n";
        out.push_back(std::move(wire));
    }
    REQUIRE_MESSAGE(!out.empty(), "no line in tests/vectors/smtp/" << name);
    return out;
}

inline const std::vector<std::string>& scenario_names() {
    static const std::vector<std::string> names{
        "rfc5321_d1_typical.txt", "rfc5321_d2_aborted.txt", "rfc5321_d3_relay_step1.txt",
        "rfc5321_d3_relay_step2.txt", "rfc5321_d4_verify.txt"};
    return names;
}

}  // namespace mailscope::smtp::testing
