// Replays the fuzz seed corpus (the RFC vectors) and every saved fuzz
// finding through the properties the fuzzers check, so the checks run in
// every ordinary build, without clang or libFuzzer.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_checks.hpp"
#include "tests/sim/fuzz_regressions.hpp"
#include "tests/sim/imap_vectors.hpp"

namespace {

namespace fs = std::filesystem;
using mailscope::fuzz::testing::read_bytes;
using mailscope::fuzz::testing::RegressionInput;
using mailscope::imap::testing::load_vectors;

template <typename Check>
void replay(const std::vector<RegressionInput>& inputs, Check check) {
    for (const auto& input : inputs) {
        INFO(input.name);
        CHECK(check(input.bytes) == "");
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
    replay(mailscope::fuzz::testing::regression_inputs("imap_command"),
           mailscope::fuzz::check_command_bytes);
}

TEST_CASE("fuzz seeds: server responses") {
    std::string all;
    for (const auto& vector : load_vectors("rfc3501_responses.txt")) {
        INFO(vector.section << ": " << vector.bytes);
        CHECK(mailscope::fuzz::check_response_bytes(vector.bytes) == "");
        all += vector.bytes;
    }
    CHECK(mailscope::fuzz::check_response_bytes(all) == "");
    replay(mailscope::fuzz::testing::regression_inputs_if_any("imap_response"),
           mailscope::fuzz::check_response_bytes);
}

TEST_CASE("fuzz seeds: transcripts and MIME messages") {
    fs::path vectors = fs::path(MAILSCOPE_TEST_DATA) / "vectors";
    CHECK(mailscope::fuzz::check_transcript(
              read_bytes(vectors / "imap" / "rfc3501_section8.txt")) == "");
    std::size_t messages = 0;
    for (const auto& entry : fs::directory_iterator(vectors / "mime")) {
        INFO(entry.path().string());
        CHECK(mailscope::fuzz::check_mime(read_bytes(entry.path())) == "");
        ++messages;
    }
    CHECK(messages > 0);
    replay(mailscope::fuzz::testing::regression_inputs_if_any("transcript"),
           mailscope::fuzz::check_transcript);
    replay(mailscope::fuzz::testing::regression_inputs_if_any("mime"), mailscope::fuzz::check_mime);
}

TEST_CASE("fuzz checks catch what they are meant to catch") {
    // A hostile line longer than the small limits, and a literal that never ends.
    std::string long_line = "a1 LOGIN " + std::string(4000, 'x') + "\r\n";
    CHECK(mailscope::fuzz::check_command_bytes(long_line) == "");
    CHECK(mailscope::fuzz::check_response_bytes("* 1 FETCH (BODY[] {5000}\r\nabc") == "");
    CHECK(
        mailscope::fuzz::describe(mailscope::imap::FramerEvent{mailscope::imap::Frame{}}) !=
        mailscope::fuzz::describe(mailscope::imap::FramerEvent{mailscope::imap::LiteralAwaited{}}));
    // A parser that peeks at the octet after its input is caught.
    const auto peeking = [](std::string_view bytes, const mailscope::imap::Limits&) {
        mailscope::imap::CommandParse parsed;
        parsed.error = mailscope::imap::ParseError{0, std::string(1, bytes.data()[bytes.size()])};
        return parsed;
    };
    CHECK(mailscope::fuzz::check_reads_only_its_input(
              "a1 ", mailscope::fuzz::small_limits(), peeking,
              [](auto& parsed) { return parsed.command ? &*parsed.command : nullptr; },
              "command") != "");
}

TEST_CASE("fuzz regressions: every folder belongs to a fuzz target and holds its findings") {
    const fs::path root = mailscope::fuzz::testing::regressions_root();
    REQUIRE(fs::is_directory(root));
    std::size_t inputs = 0;
    for (const auto& entry : fs::directory_iterator(root)) {
        const std::string name = entry.path().filename().string();
        INFO(entry.path().string());
        // An input under a misspelt folder would never be replayed.
        CHECK(std::find(mailscope::fuzz::testing::fuzz_targets.begin(),
                        mailscope::fuzz::testing::fuzz_targets.end(),
                        name) != mailscope::fuzz::testing::fuzz_targets.end());
        inputs += mailscope::fuzz::testing::regression_inputs(name).size();
    }
    // The findings of fuzz_imap_command (2), fuzz_pop3 (1) and fuzz_smtp (1).
    CHECK(inputs >= 4);
}

TEST_CASE("fuzz regressions: a command cut off after its tag is an error at its end") {
    // The 8 octets of finding 1 end right after the space that follows the
    // tag; the parser once looked at the octet after them.
    const auto inputs = mailscope::fuzz::testing::regression_inputs("imap_command");
    const auto cut = std::find_if(inputs.begin(), inputs.end(),
                                  [](const auto& input) { return input.bytes == "A44A654 "; });
    REQUIRE(cut != inputs.end());
    const auto parsed = mailscope::imap::parse_command(cut->bytes);
    REQUIRE(parsed.error);
    CHECK(parsed.error->offset == 8);
    CHECK(parsed.error->message == "expected a command name after the tag");
}

TEST_CASE("fuzz regressions: literal sizes keep their leading zeros") {
    // Finding 2: RFC 3501's number = 1*DIGIT allows "{05}", and serialize()
    // promises the exact wire form.
    const auto inputs = mailscope::fuzz::testing::regression_inputs("imap_command");
    const auto zeros = std::find_if(inputs.begin(), inputs.end(), [](const auto& input) {
        return input.bytes.find("{05}") != std::string::npos;
    });
    REQUIRE(zeros != inputs.end());
    const auto parsed = mailscope::imap::parse_command(zeros->bytes);
    REQUIRE(parsed.command);
    CHECK(mailscope::imap::serialize(*parsed.command) == zeros->bytes);
}
