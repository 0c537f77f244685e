#include "server_mock/staging_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>

#include "server_mock/disk_error.hpp"

namespace mailscope::server {
namespace fs = std::filesystem;

namespace {

void remove_files(const std::vector<fs::path>& files) {
    for (const auto& file : files)
        ::unlink(file.c_str());
}

// Writes `content` to a new file without syncing it: the batch is synced at once.
std::optional<StoreError> write_file(const fs::path& path, const std::string& content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return disk_error("create", path, errno);
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            ::unlink(path.c_str());
            return disk_error("write", path, error);
        }
        written += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(path.c_str());
        return disk_error("close", path, error);
    }
    return std::nullopt;
}

}  // namespace

StagingWriter::StagingWriter(fs::path dir) : m_dir(std::move(dir)), m_thread([this] { run(); }) {}

StagingWriter::~StagingWriter() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    m_thread.join();
}

StagingWriter::Ticket StagingWriter::submit(
    std::vector<std::shared_ptr<const std::string>> octets) {
    Ticket ticket = 0;
    {
        std::lock_guard lock(m_mutex);
        ticket = m_next++;
        m_queue.push_back(Batch{ticket, std::move(octets)});
    }
    m_changed.notify_all();
    return ticket;
}

std::optional<StoreResult<Done>> StagingWriter::result(Ticket ticket, bool wait) {
    std::unique_lock lock(m_mutex);
    if (wait) m_changed.wait(lock, [&] { return m_done.count(ticket) != 0 || m_stopping; });
    const auto found = m_done.find(ticket);
    if (found == m_done.end()) return std::nullopt;
    if (found->second.error) {
        return std::optional<StoreResult<Done>>(std::in_place, *found->second.error);
    }
    return std::optional<StoreResult<Done>>(std::in_place, Done{});
}

std::vector<fs::path> StagingWriter::files(Ticket ticket) const {
    std::lock_guard lock(m_mutex);
    const auto found = m_done.find(ticket);
    return found == m_done.end() ? std::vector<fs::path>{} : found->second.files;
}

void StagingWriter::forget(Ticket ticket) {
    std::lock_guard lock(m_mutex);
    m_done.erase(ticket);
}

void StagingWriter::drop(Ticket ticket) {
    std::vector<fs::path> leftover;
    {
        std::lock_guard lock(m_mutex);
        const auto found = m_done.find(ticket);
        if (found == m_done.end()) {
            // Still to be written: skipped; being written: removed after.
            std::erase_if(m_queue, [&](const Batch& batch) { return batch.ticket == ticket; });
            if (m_writing == ticket) m_dropped.insert(ticket);
            return;
        }
        leftover = std::move(found->second.files);
        m_done.erase(found);
    }
    remove_files(leftover);
}

void StagingWriter::run() {
    while (true) {
        Batch batch;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
            if (m_stopping) return;
            batch = std::move(m_queue.front());
            m_queue.pop_front();
            m_writing = batch.ticket;
        }
        Outcome outcome = write(batch);
        batch.octets.clear();
        {
            std::lock_guard lock(m_mutex);
            m_writing = 0;
            if (m_dropped.erase(batch.ticket) == 0) {
                m_done.emplace(batch.ticket, std::move(outcome));
                outcome.files.clear();
            }
        }
        remove_files(outcome.files);
        m_changed.notify_all();
    }
}

StagingWriter::Outcome StagingWriter::write(const Batch& batch) const {
    Outcome outcome;
    std::error_code made;
    fs::create_directories(m_dir, made);
    if (made) {
        outcome.error = disk_error("create the directory", m_dir, made.value());
        return outcome;
    }
    for (std::size_t i = 0; i < batch.octets.size(); ++i) {
        fs::path file = m_dir / fmt::format("{}.{}", batch.ticket, i);
        if (auto error = write_file(file, batch.octets[i] ? *batch.octets[i] : std::string())) {
            remove_files(outcome.files);
            outcome.files.clear();
            outcome.error = std::move(error);
            return outcome;
        }
        outcome.files.push_back(std::move(file));
    }
    // One syncfs(2) makes every file of the batch durable where an fsync per
    // file would wait for the disk once per message.
    const int fd = ::open(m_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const int synced = fd < 0 ? -1 : ::syncfs(fd);
    const int error = errno;
    if (fd >= 0) ::close(fd);
    if (synced != 0) {
        remove_files(outcome.files);
        outcome.files.clear();
        outcome.error = disk_error("flush", m_dir, error);
    }
    return outcome;
}

}  // namespace mailscope::server
