// Replays the fuzz seed corpus (the RFC vectors) and every saved fuzz
// finding through the properties the fuzzers check, so the checks run in
// every ordinary build, without clang or libFuzzer.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/fuzz/fuzz_checks.hpp"
#include "tests/sim/imap_vectors.hpp"

namespace {

namespace fs = std::filesystem;
using mailscope::imap::test::load_vectors;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// tests/fuzz/regressions/<target>/: inputs that once broke a property.
template <typename Check>
void replay_regressions(const std::string& target, Check check) {
    fs::path dir = fs::path(MAILSCOPE_SOURCE_DIR) / "tests" / "fuzz" / "regressions" / target;
    if (!fs::is_directory(dir)) return;
    for (const auto& entry : fs::directory_iterator(dir)) {
        INFO(entry.path().string());
        CHECK(check(read_file(entry.path())) == "");
    }
}

}  // namespace

TEST_CASE("fuzz seeds: client commands") {
    std::string all;
    for (const auto& vector : load_vectors("rfc3501_commands.txt")) {
        INFO(vector.section << ": " << vector.bytes);
        CHECK(mailscope::fuzz::check_command_bytes(vector.bytes) == "");
        all += vector.bytes;
    }
    CHECK(mailscope::fuzz::check_command_bytes(all) == "");
    replay_regressions("imap_command", mailscope::fuzz::check_command_bytes);
}

TEST_CASE("fuzz seeds: server responses") {
    std::string all;
    for (const auto& vector : load_vectors("rfc3501_responses.txt")) {
        INFO(vector.section << ": " << vector.bytes);
        CHECK(mailscope::fuzz::check_response_bytes(vector.bytes) == "");
        all += vector.bytes;
    }
    CHECK(mailscope::fuzz::check_response_bytes(all) == "");
    replay_regressions("imap_response", mailscope::fuzz::check_response_bytes);
}

TEST_CASE("fuzz seeds: transcripts and MIME messages") {
    fs::path vectors = fs::path(MAILSCOPE_TEST_DATA) / "vectors";
    CHECK(mailscope::fuzz::check_transcript(read_file(vectors / "imap" / "rfc3501_section8.txt")) ==
          "");
    for (const auto& entry : fs::directory_iterator(vectors / "mime")) {
        INFO(entry.path().string());
        CHECK(mailscope::fuzz::check_mime(read_file(entry.path())) == "");
    }
    replay_regressions("transcript", mailscope::fuzz::check_transcript);
    replay_regressions("mime", mailscope::fuzz::check_mime);
}

TEST_CASE("fuzz checks catch what they are meant to catch") {
    // A hostile line longer than the small limits, and a literal that never ends.
    std::string long_line = "a1 LOGIN " + std::string(4000, 'x') + "\r\n";
    CHECK(mailscope::fuzz::check_command_bytes(long_line) == "");
    CHECK(mailscope::fuzz::check_response_bytes("* 1 FETCH (BODY[] {5000}\r\nabc") == "");
    CHECK(
        mailscope::fuzz::describe(mailscope::imap::FramerEvent{mailscope::imap::Frame{}}) !=
        mailscope::fuzz::describe(mailscope::imap::FramerEvent{mailscope::imap::LiteralAwaited{}}));
}
