#include "server_mock/trace_files.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
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

namespace {

std::string file_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

mailscope::sim::TraceEvent server_line(std::string raw) {
    mailscope::sim::TraceEvent event;
    event.dir = mailscope::sim::Direction::ServerToClient;
    event.kind = mailscope::sim::EventKind::Untagged;
    event.raw = std::move(raw);
    return event;
}

}  // namespace

TEST_CASE("trace files: the report numbers every transcript line, across its read blocks") {
    ScratchDir dir;
    std::string error;
    auto files = TraceFiles::create(dir.path, "imap-20261207T000000-00003", error);
    REQUIRE(files != nullptr);
    // Lines of every length up to 3000 octets, about 3 MiB in all: many end
    // or straddle the report writer's 1 MiB blocks; one control character
    // and one line longer than a report shows.
    std::mt19937 random(7);
    std::uniform_int_distribution<std::size_t> length(0, 3000);
    for (int i = 0; i < 2000; ++i) {
        std::string line = "* " + std::to_string(i) + " ";
        line.append(length(random), static_cast<char>('a' + i % 26));
        if (i == 17) line += '\x01';
        files->add(server_line(line + "\r\n"));
    }
    auto report = files->close("imap #3");
    CHECK_FALSE(fs::exists(files->report_path()));
    report();
    REQUIRE(fs::exists(files->report_path()));
    CHECK_FALSE(fs::exists(files->report_path().string() + ".part"));

    std::string expected;
    std::istringstream transcript(file_text(files->transcript_path()));
    std::size_t number = 0;
    for (std::string line; std::getline(transcript, line);)
        mailscope::server::ViolationReport::append_numbered_line(expected, ++number, line);
    CHECK(number == 2000);
    const std::string written = file_text(files->report_path());
    REQUIRE(written.size() > expected.size());
    CHECK(written.substr(written.size() - expected.size()) == expected);
    CHECK(written.find("\\x01") != std::string::npos);
    CHECK(written.find(" 2000 S: * 1999 ") != std::string::npos);
}
