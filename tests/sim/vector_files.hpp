// The text of a file under tests/vectors/, read whole; a missing file fails
// the test that asks for it.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/core/transcript.hpp"

namespace mailscope::test {

// `path` is relative to tests/vectors/, e.g. "imap/rfc3501_section8.txt".
inline std::string read_vector_file(const std::string& path) {
    std::ifstream in(std::string(MAILSCOPE_TEST_DATA) + "/vectors/" + path, std::ios::binary);
    REQUIRE_MESSAGE(in, "missing test vector: tests/vectors/" << path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The chunks of the text transcript at `path`, which must parse.
inline std::vector<sim::TranscriptChunk> transcript_chunks(const std::string& path) {
    auto parsed = sim::parse_text_transcript(read_vector_file(path));
    REQUIRE_FALSE(parsed.error);
    return parsed.chunks;
}

}  // namespace mailscope::test
