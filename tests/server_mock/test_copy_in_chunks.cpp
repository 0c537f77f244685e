// COPY and MOVE in chunks (MailStore::begin_copy): with a data directory the
// message files are written ahead by a thread and each chunk joins the
// destination when it is on disk, so other sessions are served in between;
// a failed or abandoned COPY takes back what it added.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "imap_server_harness.hpp"
#include "server_mock/maildir_store.hpp"
#include "tests/server_mock/data_dir.hpp"
#include "tests/support/scratch_dir.hpp"

using namespace mailscope;
using namespace mailscope::server;
namespace fs = std::filesystem;

namespace {

const InternalDate kDate = *make_internal_date(2024, 3, 1, 12, 0, 0, 0);
// Two full chunks and a part of a third.
constexpr std::size_t kMessages = 2 * kCopyChunk + 7;

// alice's INBOX with kMessages messages, kept in `dir` when one is given.
struct Store {
    explicit Store(const fs::path* dir = nullptr) {
        REQUIRE_FALSE(store.add_user("alice", "wonderland").has_value());
        REQUIRE_FALSE(store.add_user("bob", "builder").has_value());
        const MailboxId inbox = store.find("alice", "INBOX")->id;
        for (std::size_t i = 0; i < kMessages; ++i) {
            FlagSet flags;
            if (i % 3 == 0) flags.set(SystemFlag::Seen, true);
            REQUIRE(store
                        .append(inbox, fmt::format("Subject: {}\r\n\r\nbody {}\r\n", i, i),
                                std::move(flags), kDate)
                        .ok());
        }
        REQUIRE(store.create_mailbox("alice", "Archive").ok());
        if (dir) {
            backend = testing::attached_backend(store, *dir);
        }
    }
    ~Store() { store.set_backend(nullptr); }
    MailboxId id(std::string_view name) const { return store.find("alice", name)->id; }
    std::vector<Uid> all_uids(std::string_view name) const {
        std::vector<Uid> uids;
        for (const auto& message : store.find("alice", name)->messages)
            uids.push_back(message.uid);
        return uids;
    }

    MailStore store;
    std::unique_ptr<MaildirBackend> backend;
};

// Steps `job` until it is finished, at most a minute of real time.
CopyProgress step_until(MailStore& store, PendingCopy& job, CopyProgress wanted) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (std::chrono::steady_clock::now() < deadline) {
        auto progress = store.continue_copy(job, kNoSession);
        REQUIRE(progress.ok());
        if (progress.value() == wanted || progress.value() == CopyProgress::Finished) {
            return progress.value();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    FAIL("the copy made no progress for a minute");
    return CopyProgress::Waiting;
}

bool ascending(const Mailbox& mailbox) {
    for (std::size_t i = 1; i < mailbox.messages.size(); ++i) {
        if (mailbox.messages[i - 1].uid >= mailbox.messages[i].uid) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("chunked copy: in memory every chunk goes in the first step") {
    Store s;
    auto job = s.store.begin_copy(s.id("INBOX"), s.all_uids("INBOX"), s.id("Archive"), false);
    REQUIRE(job.ok());
    CHECK(job.value().tickets.empty());
    auto progress = s.store.continue_copy(job.value(), kNoSession);
    REQUIRE(progress.ok());
    CHECK(progress.value() == CopyProgress::Finished);
    const auto& result = job.value().result;
    CHECK(result.source.size() == kMessages);
    CHECK(result.destination.front() == 1);
    CHECK(result.destination.back() == kMessages);
    const Mailbox* archive = s.store.find("alice", "Archive");
    REQUIRE(archive->messages.size() == kMessages);
    CHECK(archive->messages[3].flags.has(SystemFlag::Seen));
    CHECK(archive->uidnext == kMessages + 1);
}

TEST_CASE("chunked copy: with a data directory each chunk joins when it is on disk") {
    test::ScratchDir dir("visible");
    std::size_t archive_size = 0;
    {
        Store s(&dir.path);
        const MailboxId archive = s.id("Archive");
        auto job = s.store.begin_copy(s.id("INBOX"), s.all_uids("INBOX"), archive, false);
        REQUIRE(job.ok());
        CHECK(job.value().tickets.size() == 3);
        // Nothing is visible before the first chunk is on disk.
        CHECK(s.store.mailbox(archive)->messages.empty());
        REQUIRE(step_until(s.store, job.value(), CopyProgress::Advanced) == CopyProgress::Advanced);
        CHECK(s.store.mailbox(archive)->messages.size() == kCopyChunk);
        // Another session delivers meanwhile: its UID follows the first chunk.
        auto between = s.store.append(archive, "Subject: between\r\n\r\n", {}, kDate);
        REQUIRE(between.ok());
        CHECK(between.value() == kCopyChunk + 1);
        REQUIRE(step_until(s.store, job.value(), CopyProgress::Finished) == CopyProgress::Finished);
        const Mailbox* copied = s.store.mailbox(archive);
        CHECK(copied->messages.size() == kMessages + 1);
        CHECK(ascending(*copied));
        CHECK(job.value().result.destination[kCopyChunk] == kCopyChunk + 2);
        archive_size = copied->messages.size();
        CHECK(fs::is_empty(dir.path / "tmp"));
    }
    Store reloaded(&dir.path);
    const Mailbox* archive = reloaded.store.find("alice", "Archive");
    CHECK(archive->messages.size() == archive_size);
    CHECK(archive->uidnext == kMessages + 2);
    CHECK(ascending(*archive));
    CHECK(*archive->messages.back().octets ==
          fmt::format("Subject: {}\r\n\r\nbody {}\r\n", kMessages - 1, kMessages - 1));
}

TEST_CASE("chunked copy: an abandoned COPY takes back its chunks, a MOVE keeps what moved") {
    test::ScratchDir dir("abandon");
    {
        Store s(&dir.path);
        auto job = s.store.begin_copy(s.id("INBOX"), s.all_uids("INBOX"), s.id("Archive"), false);
        REQUIRE(job.ok());
        REQUIRE(step_until(s.store, job.value(), CopyProgress::Advanced) == CopyProgress::Advanced);
        s.store.abandon_copy(job.value(), kNoSession);
        CHECK(s.store.find("alice", "Archive")->messages.empty());
        // The UIDs it spent are never handed out again.
        CHECK(s.store.find("alice", "Archive")->uidnext == kCopyChunk + 1);

        auto move = s.store.begin_copy(s.id("INBOX"), s.all_uids("INBOX"), s.id("Archive"), true);
        REQUIRE(move.ok());
        REQUIRE(step_until(s.store, move.value(), CopyProgress::Advanced) ==
                CopyProgress::Advanced);
        s.store.abandon_copy(move.value(), kNoSession);
        CHECK(s.store.find("alice", "Archive")->messages.size() == kCopyChunk);
        CHECK(s.store.find("alice", "INBOX")->messages.size() == kMessages - kCopyChunk);
    }
    // On disk too: no message in both mailboxes, none lost, nothing staged.
    Store reloaded(&dir.path);
    CHECK(reloaded.store.find("alice", "Archive")->messages.size() == kCopyChunk);
    CHECK(reloaded.store.find("alice", "INBOX")->messages.size() == kMessages - kCopyChunk);
    CHECK(reloaded.store.find("alice", "Archive")->uidnext == kCopyChunk + 1 + kMessages);
}

TEST_CASE("chunked copy: the IMAP session answers when the copy is done, others meanwhile") {
    test::ScratchDir dir("session");
    Store s(&dir.path);
    testing::Client copier(s.store);
    copier.login();
    copier.select();
    testing::Client other(s.store);
    other.login("bob", "builder");
    // The NOOP pipelined after the COPY waits for it (RFC 3501 5.5).
    auto answer = copier.send("C1 COPY 1:* Archive\r\nC2 NOOP\r\n");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    bool others_served = false;
    while (answer.find("C2 OK") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
        if (answer.find("C1 ") == std::string::npos) {
            others_served = other.send("B1 NOOP\r\n") == "B1 OK NOOP completed\r\n";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        copier.link.advance(2000);
        answer += copier.link.receive();
    }
    CHECK(others_served);
    CHECK(answer == fmt::format("C1 OK [COPYUID {} 1:{} 1:{}] COPY completed\r\n"
                                "C2 OK NOOP completed\r\n",
                                s.store.find("alice", "Archive")->uidvalidity, kMessages,
                                kMessages));
    CHECK(s.store.find("alice", "Archive")->messages.size() == kMessages);

    // A client that leaves during a COPY never hears of it: it did not happen.
    testing::Client leaving(s.store);
    leaving.login();
    leaving.select();
    CHECK(leaving.send("L1 COPY 1:* Archive\r\n").empty());
    leaving.link.close_client();
    CHECK(s.store.find("alice", "Archive")->messages.size() == kMessages);
}
