#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "server_mock/maildir_store.hpp"
#include "tests/server_mock/data_dir.hpp"
#include "tests/support/scratch_dir.hpp"

using namespace mailscope::server;
namespace fs = std::filesystem;

namespace {

const InternalDate kDate = *make_internal_date(2024, 3, 1, 12, 0, 0, -300);

void configure(MailStore& store) {
    REQUIRE_FALSE(store.add_user("alice", "wonderland").has_value());
    REQUIRE_FALSE(store.add_user("bob", "builder").has_value());
    NamespaceConfig config;
    config.shared.push_back(NamespaceDefinition{"#news.", '.'});
    REQUIRE_FALSE(store.set_namespaces(config).has_value());
}

FlagSet flags_of(std::initializer_list<const char*> names) {
    FlagSet flags;
    for (const char* name : names)
        REQUIRE_FALSE(flags.add_name(name).has_value());
    return flags;
}

// Everything a client could observe about a store, in one comparable string.
std::string describe(const MailStore& store) {
    std::map<std::string, std::string> by_name;
    for (const auto& [id, mailbox] : store.mailboxes()) {
        std::string& out = by_name[mailbox.owner + "|" + mailbox.name];
        out += mailbox.owner + "|" + mailbox.name + "|" +
               (mailbox.selectable ? "sel|" + std::to_string(mailbox.uidvalidity) : "nosel") + "|" +
               std::to_string(mailbox.uidnext);
        for (const auto& [identifier, rights] : mailbox.acl)
            out += "|" + identifier + "=" + rights.letters();
        out += "\n";
        for (const Message& m : mailbox.messages) {
            out += "  " + std::to_string(m.uid) + " " + format_imap_date_time(m.internal_date) +
                   " " + std::to_string(m.size()) + " " + *m.octets.get();
            for (const auto& f : m.flags.names())
                out += " " + f;
            out += "\n";
        }
    }
    std::string out;
    for (const auto& [name, text] : by_name)
        out += text;
    for (const auto& user : store.users().names()) {
        for (const auto& name : store.subscriptions(user))
            out += user + " subscribes " + name + "\n";
    }
    return out + "next " + std::to_string(store.next_uidvalidity());
}

}  // namespace

TEST_CASE("a data directory round-trips mailboxes, UIDs, flags and subscriptions") {
    mailscope::test::ScratchDir dir("roundtrip");
    std::string before;
    {
        testing::StoreOnDisk store(500, configure, dir.path);
        const MailboxId inbox = store.find("alice", "INBOX")->id;
        REQUIRE(
            store.append(inbox, "Subject: one\r\n\r\nfirst\r\n", flags_of({"\\Seen"}), kDate).ok());
        REQUIRE(store
                    .append(inbox, "Subject: two\r\n\r\nsecond\r\n",
                            flags_of({"$Important", "\\Flagged"}), kDate)
                    .ok());
        REQUIRE(
            store.append(inbox, "Subject: three\r\n\r\nthird\r\n", flags_of({"\\Deleted"}), kDate)
                .ok());
        REQUIRE(store.expunge(inbox).ok());  // UID 3 is gone; UIDNEXT stays 4
        REQUIRE(store.store_flags(inbox, {1}, FlagOperation::Add, flags_of({"\\Answered"})).ok());
        REQUIRE(store.create_mailbox("alice", "Archive/2024").ok());
        REQUIRE(store.copy(inbox, {2}, store.find("alice", "Archive/2024")->id).ok());
        REQUIRE(store.create_mailbox("alice", "&BBIERQQ+BDQETwRJBDgENQ-/&BCAEMAQxBD4EQgQw-").ok());
        REQUIRE(store.rename_mailbox("alice", "Archive", "Old").ok());
        REQUIRE(store.provision_mailbox("bob", "#news.comp.mail").ok());
        REQUIRE(store.grant(store.find("bob", "#news.comp.mail")->id, "alice", Right::Write).ok());
        REQUIRE(store
                    .set_acl("alice", "Old/2024", "bob",
                             {RightsChange::Mode::Add, Right::Lookup | Right::Read})
                    .ok());
        REQUIRE(store.subscribe("alice", "Old/2024").ok());
        REQUIRE(store.subscribe("alice", "Not/There").ok());
        REQUIRE(store.create_mailbox("alice", "Gone").ok());
        REQUIRE(store.delete_mailbox("alice", "Gone").ok());
        before = describe(store);
    }
    CHECK(fs::exists(dir.path / "users/alice/mail/_Old/_2024/cur"));
    CHECK(fs::exists(dir.path / "shared/%23news%2E/_comp/_mail/mailscope-uidlist"));
    CHECK_FALSE(fs::exists(dir.path / "users/alice/mail/_Gone"));

    testing::StoreOnDisk reloaded(1, configure, dir.path);
    CHECK(describe(reloaded) == before);
    const Mailbox* inbox = reloaded.find("alice", "INBOX");
    CHECK(inbox->uidnext == 4);
    CHECK(reloaded.append(inbox->id, "Subject: four\r\n\r\n", {}, kDate).value() == 4);
    CHECK_FALSE(reloaded.find("alice", "Old")->selectable);
    // A re-created name still gets a UIDVALIDITY never used before.
    REQUIRE(reloaded.create_mailbox("alice", "Gone").ok());
    CHECK(reloaded.find("alice", "Gone")->uidvalidity > inbox->uidvalidity);
}

TEST_CASE("a crash leaves nothing half-written behind") {
    mailscope::test::ScratchDir dir("crash");
    {
        testing::StoreOnDisk store(7, configure, dir.path);
        REQUIRE(store.append(store.find("alice", "INBOX")->id, "Subject: kept\r\n\r\n", {}, kDate)
                    .ok());
    }
    const fs::path inbox = dir.path / "users/alice/mail/_INBOX";
    // A message written to tmp/ but never renamed into cur/: the client was
    // never told it was stored.
    std::ofstream(inbox / "tmp" / "2.1709312400-0500:2,") << "Subject: lost\r\n\r\n";
    std::ofstream(inbox / "mailscope-uidlist.tmp") << "garbage";
    // A message another program delivered into new/.
    std::ofstream(inbox / "new" / "1709312400.M1P1.host") << "Subject: delivered\r\n\r\n";

    const testing::StoreOnDisk reloaded(1, configure, dir.path);
    const Mailbox* loaded = reloaded.find("alice", "INBOX");
    REQUIRE(loaded->messages.size() == 2);
    CHECK(*loaded->messages[0].octets == "Subject: kept\r\n\r\n");
    CHECK(loaded->messages[1].uid == 2);
    CHECK(*loaded->messages[1].octets == "Subject: delivered\r\n\r\n");
    CHECK(loaded->uidnext == 3);
    CHECK(fs::is_empty(inbox / "tmp"));
    CHECK(fs::is_empty(inbox / "new"));
}

TEST_CASE("a directory that is not a data directory is refused") {
    mailscope::test::ScratchDir dir("foreign");
    fs::create_directories(dir.path);
    std::ofstream(dir.path / "notes.txt") << "hello";
    MailStore store(1);
    configure(store);
    auto backend = attach_data_dir(store, dir.path);
    REQUIRE_FALSE(backend.ok());
    CHECK(backend.error().message.find("neither empty") != std::string::npos);
}

TEST_CASE("maildir file names carry UID, date, zone and flags") {
    Message message;
    message.uid = 42;
    message.internal_date = kDate;
    message.flags = flags_of({"\\Seen", "\\Deleted", "$Work"});
    CHECK(maildir_file_name(message, {"$Other", "$Work"}) ==
          "42." + std::to_string(kDate.utc_seconds) + "-0500:2,STb");
}
