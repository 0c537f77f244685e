// Loads the IMAP test vectors of tests/vectors/imap/ (format described at the top of each file).
// A missing or empty file fails the test that asks for it: a loop over no
// vectors would check nothing.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace mailscope::imap::testing {

struct Vector {
    std::string section;  // "RFC 3501 6.3.11"
    std::string bytes;    // the message, CRLFs included
    // The "# state: ..." line above it in its block, if any: the state of
    // the session the message belongs to ("start" before the greeting).
    std::string state;
};

inline std::vector<Vector> load_vectors(const std::string& name) {
    std::ifstream in(std::string(MAILSCOPE_TEST_DATA) + "/vectors/imap/" + name, std::ios::binary);
    REQUIRE_MESSAGE(in, "missing test vectors: tests/vectors/imap/" << name);
    std::vector<Vector> out;
    std::string section;
    std::string state;
    std::string line;
    bool open = false;
    auto close = [&] {
        if (open) out.back().bytes += "\r\n";
        open = false;
    };
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.rfind("..", 0) == 0 && open) {
            out.back().bytes += "\r\n";
            if (line.size() > 2) out.back().bytes += line.substr(3);
            continue;
        }
        close();
        if (line.empty()) continue;
        if (line[0] == '#') {
            if (line.rfind("# RFC", 0) == 0) {
                section = line.substr(2);
                state.clear();
            } else if (line.rfind("# state: ", 0) == 0) {
                state = line.substr(9);
            }
            continue;
        }
        out.push_back({section, line, state});
        open = true;
    }
    close();
    REQUIRE_MESSAGE(!out.empty(), "no vector in tests/vectors/imap/" << name);
    return out;
}

}  // namespace mailscope::imap::testing
