// A full disk: every write the store makes can fail. The client hears a
// temporary failure without any path of the server (IMAP NO [UNAVAILABLE],
// RFC 5530; SMTP 452 4.3.1; POP3 -ERR [SYS/TEMP]), nothing already stored is
// lost and no half-written file stays behind.
//
// The disk is made "full" without root: RLIMIT_FSIZE makes a write past the
// limit fail with EFBIG once SIGXFSZ is ignored, as `mailscope serve` does.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "imap_server_harness.hpp"
#include "pop3_server_harness.hpp"
#include "server_mock/maildir_store.hpp"
#include "smtp_server_harness.hpp"
#include "tests/server_mock/data_dir.hpp"
#include "tests/support/scratch_dir.hpp"

using namespace mailscope;
using namespace mailscope::server;
namespace fs = std::filesystem;

namespace {

const InternalDate kDate = *make_internal_date(2024, 3, 1, 12, 0, 0, 0);
constexpr rlim_t kLimit = 4096;

// While it lives, no file of this process may grow past kLimit octets.
class FileSizeLimit {
  public:
    FileSizeLimit() {
        REQUIRE(::getrlimit(RLIMIT_FSIZE, &m_saved) == 0);
        m_handler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limited = m_saved;
        limited.rlim_cur = kLimit;
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &m_saved);
        std::signal(SIGXFSZ, m_handler);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

  private:
    rlimit m_saved{};
    void (*m_handler)(int) = nullptr;
};

std::string message_of(std::size_t octets) {
    std::string text = "Subject: big\r\n\r\n";
    text.append(octets > text.size() ? octets - text.size() : 0, 'x');
    return text;
}

std::size_t files_in(const fs::path& dir) {
    std::size_t count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        (void)entry;
        ++count;
    }
    return count;
}

std::size_t leftover_temporaries(const fs::path& root) {
    std::size_t count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        const auto name = entry.path().filename().string();
        const bool in_tmp = entry.path().parent_path().filename() == "tmp";
        if (entry.is_regular_file() && (in_tmp || name.ends_with(".tmp"))) ++count;
    }
    return count;
}

struct DiskStore {
    explicit DiskStore(const fs::path& dir) {
        REQUIRE_FALSE(store.add_user("alice", "wonderland").has_value());
        REQUIRE_FALSE(store.add_user("bob", "builder").has_value());
        backend = testing::attached_backend(store, dir);
    }
    MailboxId inbox() const { return store.find("alice", "INBOX")->id; }

    MailStore store;
    std::unique_ptr<MaildirBackend> backend;
};

}  // namespace

TEST_CASE("full disk: a failed write loses nothing, names no path, leaves no file behind") {
    test::ScratchDir dir("store");
    {
        DiskStore disk(dir.path);
        REQUIRE(disk.store.append(disk.inbox(), message_of(100), {}, kDate).ok());
        REQUIRE(disk.store.create_mailbox("alice", "Archive").ok());
        const MailboxId archive = disk.store.find("alice", "Archive")->id;
        REQUIRE(disk.store.append(disk.inbox(), message_of(3 * kLimit), {}, kDate).ok());
        {
            FileSizeLimit limit;
            auto refused = disk.store.append(disk.inbox(), message_of(2 * kLimit), {}, kDate);
            REQUIRE_FALSE(refused.ok());
            CHECK(refused.error().kind == StoreErrorKind::StorageFull);
            CHECK(refused.error().message.find(dir.path.string()) == std::string::npos);
            CHECK(refused.error().message.find('/') == std::string::npos);
            CHECK(refused.error().message.find("File too large") != std::string::npos);
            CHECK(refused.error().detail.find(dir.path.string()) != std::string::npos);
            // COPY writes the big message again: nothing reaches the destination.
            auto copied = disk.store.copy(disk.inbox(), {1, 2}, archive);
            REQUIRE_FALSE(copied.ok());
            CHECK(copied.error().kind == StoreErrorKind::StorageFull);
            CHECK(disk.store.mailbox(archive)->messages.empty());
            // Small writes still succeed.
            CHECK(disk.store.append(disk.inbox(), message_of(200), {}, kDate).ok());
        }
        CHECK(disk.store.mailbox(disk.inbox())->messages.size() == 3);
        CHECK(leftover_temporaries(dir.path) == 0);
        CHECK(files_in(dir.path / "users/alice/mail/_Archive/cur") == 0);
        disk.store.set_backend(nullptr);
    }
    MailStore reloaded;
    REQUIRE_FALSE(reloaded.add_user("alice", "wonderland").has_value());
    REQUIRE_FALSE(reloaded.add_user("bob", "builder").has_value());
    REQUIRE(attach_data_dir(reloaded, dir.path).ok());
    const Mailbox* inbox = reloaded.find("alice", "INBOX");
    REQUIRE(inbox->messages.size() == 3);
    CHECK(inbox->messages[0].size() == 100);
    CHECK(inbox->messages[1].size() == 3 * kLimit);
    CHECK(inbox->messages[2].size() == 200);
    // The refused message spent its UID: UIDs are never reused (RFC 3501 2.3.1.1).
    CHECK(inbox->messages[2].uid == 4);
    CHECK(reloaded.find("alice", "Archive")->messages.empty());
}

TEST_CASE("full disk: temporaries an interrupted write left are removed at start") {
    test::ScratchDir dir("leftovers");
    {
        DiskStore disk(dir.path);
        REQUIRE(disk.store.create_mailbox("alice", "Archive/2024").ok());
        disk.store.set_backend(nullptr);
    }
    const fs::path inbox = dir.path / "users/alice/mail/_INBOX";
    for (const fs::path& stray :
         {dir.path / "mailscope-state.tmp", inbox / "mailscope-uidlist.tmp",
          inbox / "mailscope-keywords.tmp", dir.path / "users/alice/subscriptions.tmp",
          dir.path / "users/alice/mail/_Archive/mailscope-uidlist.tmp",
          inbox / "tmp/7.1709294400+0000:2,"}) {
        std::ofstream(stray) << "half";
    }
    // A file of the user's own that only looks similar stays.
    std::ofstream(dir.path / "notes.tmp") << "mine";
    DiskStore reloaded(dir.path);
    CHECK(leftover_temporaries(dir.path) == 1);
    CHECK(fs::exists(dir.path / "notes.tmp"));
    CHECK(reloaded.store.find("alice", "Archive/2024") != nullptr);
}

TEST_CASE("full disk: IMAP answers NO [UNAVAILABLE] and SMTP 452 4.3.1, without a path") {
    test::ScratchDir dir("servers");
    DiskStore disk(dir.path);
    testing::Client imap(disk.store);
    imap.login();
    imap.select();
    testing::SmtpClient smtp(disk.store);
    smtp.send(
        "EHLO client.example\r\nMAIL FROM:<carol@example.org>\r\n"
        "RCPT TO:<alice@localhost>\r\nDATA\r\n");
    {
        FileSizeLimit limit;
        const std::string big = message_of(2 * kLimit);
        const auto appended =
            imap.send(fmt::format("A1 APPEND INBOX {{{}+}}\r\n{}\r\n", big.size(), big));
        CHECK(appended ==
              "A1 NO [UNAVAILABLE] the server could not write to its disk (File too large); the "
              "change was not made.\r\n");
        CHECK(imap.send("A2 CREATE Fresh\r\n") == "A2 OK CREATE completed\r\n");
        const auto delivered = smtp.send(big + "\r\n.\r\n");
        CHECK(
            delivered.starts_with("452 4.3.1 insufficient system storage: the server could not "
                                  "write to its disk (File too large);"));
        CHECK(delivered.find(dir.path.string()) == std::string::npos);
    }
    CHECK(disk.store.find("alice", "INBOX")->messages.empty());
    // The operator finds the path in the traces.
    bool noted = false;
    for (const auto& event : imap.trace.events())
        noted = noted || event.summary.find(dir.path.string()) != std::string::npos;
    CHECK(noted);
}

namespace {

// A disk that refuses to remove messages.
class RefusingRemoval : public StoreBackend {
  public:
    StoreResult<Done> save_counter(std::uint32_t) override { return Done{}; }
    StoreResult<Done> save_mailbox(const Mailbox&) override { return Done{}; }
    StoreResult<Done> remove_mailbox(const Mailbox&, bool) override { return Done{}; }
    StoreResult<Done> rename_mailbox(const Mailbox&, std::string_view) override { return Done{}; }
    StoreResult<Done> save_message(const Mailbox&, const Message&) override { return Done{}; }
    StoreResult<Done> update_flags(const Mailbox&, const std::vector<FlagRewrite>&) override {
        return Done{};
    }
    StoreResult<Done> remove_messages(const Mailbox&, const std::vector<const Message*>&) override {
        StoreError error = store_error(StoreErrorKind::Storage,
                                       "the server could not write to its disk (Input/output "
                                       "error); the change was not made.");
        error.detail = "could not remove /srv/mail/users/alice/mail/_INBOX/cur/1.x";
        return error;
    }
    StoreResult<Done> save_subscriptions(std::string_view, const std::set<std::string>&) override {
        return Done{};
    }
    StoreResult<Done> save_acl(const Mailbox&) override { return Done{}; }
};

}  // namespace

TEST_CASE("full disk: POP3 QUIT that cannot remove answers -ERR [SYS/TEMP] and keeps the mail") {
    MailStore store;
    testing::fill_store(store);
    RefusingRemoval backend;
    store.set_backend(&backend);
    testing::PopClient pop(store);
    pop.send("USER alice\r\nPASS wonderland\r\nDELE 1\r\n");
    CHECK(pop.send("QUIT\r\n") ==
          "-ERR [SYS/TEMP] some deleted messages not removed: the server could not write to its "
          "disk (Input/output error); the change was not made.\r\n");
    CHECK(store.find("alice", "INBOX")->messages.size() == 3);
    store.set_backend(nullptr);
}
