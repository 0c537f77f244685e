// Test support: a directory of one test case's own under the system's
// temporary directory, empty when the test starts and removed, with all it
// holds, when the test ends. The process id keeps parallel runs apart; the
// label, which each test case picks, keeps the cases of one run apart.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace mailscope::test {

struct ScratchDir {
    std::filesystem::path path;

    explicit ScratchDir(std::string_view label)
        : path(std::filesystem::temp_directory_path() /
               ("mailscope-test-" + std::to_string(::getpid()) + "-" + std::string(label))) {
        std::filesystem::remove_all(path);
    }
    ~ScratchDir() { std::filesystem::remove_all(path); }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
};

}  // namespace mailscope::test
