#include "server_mock/trace_files.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

#include "sim/core/transcript.hpp"

namespace mailscope::server {

std::string run_stamp() {
    const auto now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%S", &utc);
    return text;
}

namespace fs = std::filesystem;

namespace {

// Per file of a traced session; a server may trace hundreds at once.
constexpr std::size_t kFileBuffer = 64u << 10;

// "x": C11's exclusive mode, so an existing file is never truncated.
std::FILE* create_new(const fs::path& path) {
    return std::fopen(path.c_str(), "wbx");
}

}  // namespace

std::unique_ptr<TraceFiles> TraceFiles::create(const fs::path& dir, const std::string& stem,
                                               std::string& error, sim::Language language) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        error = sim::render(sim::say(sim::Phrase::TraceDirCannotCreate, dir.string(), ec.message()),
                            language);
        return nullptr;
    }
    std::unique_ptr<TraceFiles> files(new TraceFiles());
    files->m_language = language;
    files->m_report = ViolationReport(false, language);
    for (int attempt = 1; attempt <= 1000; ++attempt) {
        const std::string name = attempt == 1 ? stem : fmt::format("{}-{}", stem, attempt);
        files->m_events_path = dir / (name + ".jsonl");
        files->m_text_path = dir / (name + ".txt");
        files->m_report_path = dir / (name + ".report.txt");
        if (fs::exists(files->m_text_path) || fs::exists(files->m_report_path)) continue;
        files->m_events = create_new(files->m_events_path);
        if (!files->m_events) {
            if (errno == EEXIST) continue;
            error = sim::render(sim::say(sim::Phrase::TraceFileCannotWrite,
                                         files->m_events_path.string(), std::strerror(errno)),
                                language);
            return nullptr;
        }
        files->m_text = create_new(files->m_text_path);
        if (!files->m_text) {
            error = sim::render(sim::say(sim::Phrase::TraceFileCannotWrite,
                                         files->m_text_path.string(), std::strerror(errno)),
                                language);
            files->abandon();
            return nullptr;
        }
        files->m_text_buffer = std::make_unique<char[]>(kFileBuffer);
        files->m_events_buffer = std::make_unique<char[]>(kFileBuffer);
        std::setvbuf(files->m_text, files->m_text_buffer.get(), _IOFBF, kFileBuffer);
        std::setvbuf(files->m_events, files->m_events_buffer.get(), _IOFBF, kFileBuffer);
        return files;
    }
    error = sim::render(sim::say(sim::Phrase::TraceNoFreeName, stem, dir.string()), language);
    return nullptr;
}

// A set that could not be made whole leaves nothing behind: no empty
// events file, no report of a session that was never traced.
void TraceFiles::abandon() {
    m_finished = true;
    if (m_events) std::fclose(m_events);
    if (m_text) std::fclose(m_text);
    m_events = m_text = nullptr;
    std::error_code ec;
    fs::remove(m_events_path, ec);
}

TraceFiles::~TraceFiles() {
    if (!m_finished) finish({});
}

void TraceFiles::write(std::FILE* file, std::string_view bytes) {
    if (m_failed || !file || bytes.empty()) return;
    if (std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size()) m_failed = true;
}

void TraceFiles::add(const sim::TraceEvent& event) {
    const std::string text = m_transcript.add(event);
    write(m_text, text);
    std::string line = sim::event_to_json(event);
    line += '\n';
    write(m_events, line);
    m_report.add_rendered(event, text, m_transcript);
}

void TraceFiles::flush() {
    if (m_text && std::fflush(m_text) != 0) m_failed = true;
    if (m_events && std::fflush(m_events) != 0) m_failed = true;
}

namespace {

// The findings, then every line of the transcript numbered. The transcript
// of a long session is hundreds of megabytes: it is read and written in
// large blocks.
void write_report(const ViolationReport& findings, std::string_view label,
                  const fs::path& transcript_path, const fs::path& report_path,
                  sim::Language language) {
    constexpr std::size_t kBlock = 1u << 20;
    // Written under a temporary name and renamed, so a report is either
    // whole or absent.
    const fs::path partial = report_path.string() + ".part";
    std::FILE* report = std::fopen(partial.c_str(), "wb");
    if (!report) return;
    bool written = true;
    std::string text = findings.findings(label) + "\n" +
                       sim::render(sim::say(sim::Phrase::ReportTranscript), language) + "\n";
    const auto put = [&] {
        if (std::fwrite(text.data(), 1, text.size(), report) != text.size()) written = false;
        text.clear();
    };
    if (std::FILE* transcript = std::fopen(transcript_path.c_str(), "rb")) {
        std::vector<char> block(kBlock);
        std::string unfinished;  // a line that goes on in the next block
        std::size_t number = 0;
        std::size_t got;
        while ((got = std::fread(block.data(), 1, block.size(), transcript)) > 0) {
            std::string_view rest(block.data(), got);
            for (auto end = rest.find('\n'); end != std::string_view::npos; end = rest.find('\n')) {
                if (unfinished.empty()) {
                    ViolationReport::append_numbered_line(text, ++number, rest.substr(0, end));
                } else {
                    unfinished.append(rest.substr(0, end));
                    ViolationReport::append_numbered_line(text, ++number, unfinished);
                    unfinished.clear();
                }
                rest.remove_prefix(end + 1);
            }
            unfinished.append(rest);
            if (text.size() >= kBlock) put();
        }
        if (!unfinished.empty()) ViolationReport::append_numbered_line(text, ++number, unfinished);
        if (std::ferror(transcript)) written = false;
        std::fclose(transcript);
    }
    put();
    if (std::fclose(report) != 0) written = false;
    std::error_code ec;
    if (written) fs::rename(partial, report_path, ec);
    if (!written || ec) fs::remove(partial, ec);
}

}  // namespace

std::function<void()> TraceFiles::close(std::string label) {
    if (m_finished) return [] {};
    m_finished = true;
    write(m_text, m_transcript.finish());
    flush();
    if (m_text) std::fclose(m_text);
    if (m_events) std::fclose(m_events);
    m_text = m_events = nullptr;
    auto findings = std::make_shared<const ViolationReport>(std::move(m_report));
    return
        [findings, label = std::move(label), transcript = m_text_path, report = m_report_path,
         language = m_language] { write_report(*findings, label, transcript, report, language); };
}

void TraceFiles::finish(std::string_view label) {
    close(std::string(label))();
}

}  // namespace mailscope::server
