// Loads the POP3 exchanges of tests/vectors/pop3/ (format at the top of the file).
// A missing or empty file fails the test that asks for it.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "sim/core/trace.hpp"

namespace mailscope::pop3::testing {

struct ExchangeLine {
    sim::Direction dir = sim::Direction::ClientToServer;
    std::string text;  // without CRLF
};

struct Exchange {
    std::string section;  // "RFC 1939 7"
    std::string start;    // "start", "AUTHORIZATION" or "TRANSACTION"
    std::string end;      // the state name after the exchange; empty: as it started
    std::vector<ExchangeLine> lines;
};

inline std::vector<Exchange> load_exchanges(const std::string& name) {
    std::ifstream in(std::string(MAILSCOPE_TEST_DATA) + "/vectors/pop3/" + name, std::ios::binary);
    REQUIRE_MESSAGE(in, "missing test vectors: tests/vectors/pop3/" << name);
    std::vector<Exchange> out;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.rfind("# RFC", 0) == 0) {
            out.push_back({line.substr(2), "start", "", {}});
        } else if (line.rfind("# state: ", 0) == 0 && !out.empty()) {
            out.back().start = line.substr(9);
        } else if (line.rfind("# end: ", 0) == 0 && !out.empty()) {
            out.back().end = line.substr(7);
        } else if ((line.rfind("C: ", 0) == 0 || line.rfind("S: ", 0) == 0) && !out.empty()) {
            out.back().lines.push_back(
                {line[0] == 'C' ? sim::Direction::ClientToServer : sim::Direction::ServerToClient,
                 line.substr(3)});
        }
    }
    REQUIRE_MESSAGE(!out.empty(), "no exchange in tests/vectors/pop3/" << name);
    return out;
}

// What an observer must have seen for an exchange to start in `start`: a
// greeting for AUTHORIZATION, and a login after it for TRANSACTION.
inline std::vector<ExchangeLine> prelude(const std::string& start) {
    constexpr auto C = sim::Direction::ClientToServer;
    constexpr auto S = sim::Direction::ServerToClient;
    if (start == "start") return {};
    if (start == "AUTHORIZATION") return {{S, "+OK ready"}};
    REQUIRE_MESSAGE(start == "TRANSACTION", "unknown starting state " << start);
    return {{S, "+OK ready"},
            {C, "USER mrose"},
            {S, "+OK"},
            {C, "PASS tanstaaf"},
            {S, "+OK logged in"}};
}

}  // namespace mailscope::pop3::testing
