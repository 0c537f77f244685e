// StagingWriter: writes message files ahead of need on a thread of its own.
//
// Making one file durable costs an fsync, a few milliseconds on a busy disk;
// a COPY of 25,000 messages done one fsync at a time on the server's only
// thread froze every session for the whole copy. The writer takes a batch of
// message octets, writes each to a file of its own in a staging directory
// and makes the whole batch durable with one syncfs(2), while the event loop
// goes on serving everyone. The store then moves the files into place with a
// rename each (MaildirBackend::save_staged), so a message becomes visible
// only once it is on disk.
//
// The writer touches nothing but the staging directory and the octets it was
// given (immutable, shared with the store); everything else stays on the
// caller's thread. Files it leaves behind (a crash, a stop) are removed when
// the data directory is next loaded.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server_mock/store_result.hpp"

namespace mailscope::server {

class StagingWriter {
  public:
    using Ticket = std::uint64_t;

    explicit StagingWriter(std::filesystem::path dir);
    ~StagingWriter();
    StagingWriter(const StagingWriter&) = delete;
    StagingWriter& operator=(const StagingWriter&) = delete;

    const std::filesystem::path& dir() const { return m_dir; }

    // Queues a batch; the files are written in order, batch after batch.
    Ticket submit(std::vector<std::shared_ptr<const std::string>> octets);
    // Nothing while the batch is being written; then Done (its files are
    // durable) or why it failed (its files are gone). With `wait`, blocks
    // until then.
    std::optional<StoreResult<Done>> result(Ticket ticket, bool wait);
    // The durable files of a finished batch, in submission order. The caller
    // moves them away, then calls forget().
    std::vector<std::filesystem::path> files(Ticket ticket) const;
    void forget(Ticket ticket);
    // The batch is not wanted any more: its files are removed, now or when
    // the writer gets to it.
    void drop(Ticket ticket);

  private:
    struct Batch {
        Ticket ticket = 0;
        std::vector<std::shared_ptr<const std::string>> octets;
    };
    struct Outcome {
        std::optional<StoreError> error;
        std::vector<std::filesystem::path> files;
    };

    void run();
    Outcome write(const Batch& batch) const;

    std::filesystem::path m_dir;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Batch> m_queue;
    std::map<Ticket, Outcome> m_done;
    std::set<Ticket> m_dropped;
    Ticket m_writing = 0;  // the batch the thread is on, 0 when idle
    Ticket m_next = 1;
    bool m_stopping = false;
    std::thread m_thread;
};

}  // namespace mailscope::server
