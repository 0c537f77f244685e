// The inputs kept under tests/fuzz/regressions/TARGET/: every finding of a
// fuzz target, one file each, replayed by the unit suite through the checks
// the fuzzer runs. A missing or empty folder fails the test that asks for
// it, so a replay can never pass by checking nothing.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace mailscope::fuzz::testing {

namespace fs = std::filesystem;

// The folder of each fuzz target (tests/fuzz/fuzz_TARGET.cpp).
inline constexpr std::array<std::string_view, 6> fuzz_targets{
    "imap_command", "imap_response", "transcript", "mime", "pop3", "smtp"};

inline fs::path regressions_root() {
    return fs::path(MAILSCOPE_SOURCE_DIR) / "tests" / "fuzz" / "regressions";
}

struct RegressionInput {
    std::string name;  // the file's path, for the failure message
    std::string bytes;
};

inline std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// Every file of the target's folder, in name order; fails the test when the
// folder is missing or holds no file.
inline std::vector<RegressionInput> regression_inputs(std::string_view target) {
    const fs::path dir = regressions_root() / target;
    REQUIRE_MESSAGE(fs::is_directory(dir), dir.string(),
                    " is missing: the fuzz findings of this target are not replayed");
    std::vector<RegressionInput> inputs;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.is_regular_file()) {
            inputs.push_back({entry.path().string(), read_bytes(entry.path())});
        }
    }
    REQUIRE_MESSAGE(!inputs.empty(), dir.string(),
                    " holds no input: the fuzz findings of this target are not replayed");
    std::sort(inputs.begin(), inputs.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    return inputs;
}

// The same for a target that may have no finding yet: no folder, no inputs.
inline std::vector<RegressionInput> regression_inputs_if_any(std::string_view target) {
    if (!fs::exists(regressions_root() / target)) return {};
    return regression_inputs(target);
}

}  // namespace mailscope::fuzz::testing
