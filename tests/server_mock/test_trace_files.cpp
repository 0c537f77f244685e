#include "server_mock/trace_files.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

namespace fs = std::filesystem;
using mailscope::server::TraceFiles;

namespace {

struct ScratchDir {
    fs::path path = fs::temp_directory_path() /
                    ("mailscope-trace-files-" + std::to_string(std::random_device{}()));
    ScratchDir() { fs::create_directories(path); }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// Lets the process open exactly one more descriptor until it goes out of
// scope: open() takes the lowest free number, so a limit just above it
// allows that one and refuses the next.
class OneDescriptorLeft {
  public:
    OneDescriptorLeft() {
        getrlimit(RLIMIT_NOFILE, &m_saved);
        const int lowest_free = ::open("/dev/null", O_RDONLY);
        REQUIRE(lowest_free >= 0);
        ::close(lowest_free);
        rlimit tight = m_saved;
        tight.rlim_cur = static_cast<rlim_t>(lowest_free) + 1;
        REQUIRE(setrlimit(RLIMIT_NOFILE, &tight) == 0);
    }
    ~OneDescriptorLeft() { setrlimit(RLIMIT_NOFILE, &m_saved); }
    OneDescriptorLeft(const OneDescriptorLeft&) = delete;
    OneDescriptorLeft& operator=(const OneDescriptorLeft&) = delete;

  private:
    rlimit m_saved{};
};

std::size_t files_in(const fs::path& dir) {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir))
        ++count;
    return count;
}

}  // namespace

TEST_CASE("trace files: a set that cannot be opened whole leaves no file and no report") {
    ScratchDir dir;
    std::string error;
    std::unique_ptr<TraceFiles> files;
    {
        OneDescriptorLeft limit;
        files = TraceFiles::create(dir.path, "imap-20261203T000000-00001", error);
    }
    CHECK(files == nullptr);
    CHECK(error.find("imap-20261203T000000-00001.txt") != std::string::npos);
    CHECK(files_in(dir.path) == 0);
}

TEST_CASE("trace files: a finished set holds the transcript, the events and the report") {
    ScratchDir dir;
    std::string error;
    auto files = TraceFiles::create(dir.path, "pop3-20261203T000000-00002", error);
    REQUIRE(files != nullptr);
    files->finish("pop3 #2");
    CHECK(fs::exists(files->transcript_path()));
    CHECK(fs::exists(files->events_path()));
    CHECK(fs::exists(files->report_path()));
    CHECK(files_in(dir.path) == 3);
}
