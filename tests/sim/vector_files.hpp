// The text of a file under tests/vectors/, read whole; a missing file fails
// the test that asks for it.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace mailscope::test {

// `path` is relative to tests/vectors/, e.g. "imap/rfc3501_section8.txt".
inline std::string read_vector_file(const std::string& path) {
    std::ifstream in(std::string(MAILSCOPE_TEST_DATA) + "/vectors/" + path, std::ios::binary);
    REQUIRE_MESSAGE(in, "missing test vector: tests/vectors/" << path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace mailscope::test
