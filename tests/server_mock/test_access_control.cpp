// Access control at the store (RFC 4314): the rights letters, who holds what,
// the one check sessions make (MailStore::access), the operations that check
// inside the store, the ACL operations, inheritance, and persistence in a
// data directory.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "server_mock/access_control.hpp"
#include "server_mock/fixture.hpp"
#include "server_mock/mail_store.hpp"
#include "server_mock/maildir_store.hpp"
#include "tests/server_mock/data_dir.hpp"
#include "tests/support/scratch_dir.hpp"

using namespace mailscope::server;
namespace fs = std::filesystem;

namespace {

const InternalDate kDate = *make_internal_date(2024, 1, 15, 9, 30, 0, 60);

Rights letters(std::string_view text) {
    auto rights = parse_rights(text);
    REQUIRE(rights.has_value());
    return *rights;
}

// alice, bob and carol; the other users' namespace "#users/" and the shared
// "#news.": what a store needs before it loads the classroom from disk.
void classroom_users(MailStore& store) {
    REQUIRE_FALSE(store.add_user("alice", "wonderland").has_value());
    REQUIRE_FALSE(store.add_user("bob", "builder").has_value());
    REQUIRE_FALSE(store.add_user("carol", "secret").has_value());
    NamespaceConfig namespaces;
    namespaces.other_users = NamespaceDefinition{"#users/", '/'};
    namespaces.shared.push_back(NamespaceDefinition{"#news.", '.'});
    REQUIRE_FALSE(store.set_namespaces(namespaces).has_value());
}

// The classroom_users() with alice's INBOX (one \Seen message), Private,
// Shared (bob: lr) and Shared/Deep; bob's INBOX; #news.comp.mail.imap with
// the namespace's default ACL.
void classroom_like(MailStore& store) {
    classroom_users(store);
    FlagSet seen;
    seen.set(SystemFlag::Seen, true);
    REQUIRE(store.append(store.inbox_of("alice")->id, "Subject: hers\r\n\r\nx\r\n", seen, kDate));
    REQUIRE(store.create_mailbox("alice", "Private").ok());
    REQUIRE(store.create_mailbox("alice", "Shared").ok());
    REQUIRE(store.set_acl("alice", "Shared", "bob", {RightsChange::Mode::Replace, letters("lr")}));
    REQUIRE(store.create_mailbox("alice", "Shared/Deep").ok());
    REQUIRE(store.provision_mailbox("", "#news.comp.mail.imap").ok());
}

std::vector<std::string> names_of(const std::vector<ListEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& entry : entries)
        out.push_back(entry.name);
    return out;
}

}  // namespace

TEST_CASE("rights letters: parsing, the virtual c and d, modifications") {
    CHECK(letters("lrswipkxtea") == Rights::all());
    CHECK(Rights::all().letters() == "lrswipkxtea");
    CHECK(letters("rl").letters() == "lr");
    // RFC 4314 2.1.1: c is k, d is x, t and e; responses show them back.
    CHECK(letters("c").letters() == "k");
    CHECK(letters("d").letters() == "xte");
    CHECK(letters("lrd").response_letters() == "lrxted");
    CHECK(letters("k").response_letters() == "kc");
    CHECK(letters("").empty());

    std::string error;
    CHECK_FALSE(parse_rights("lrQ", &error).has_value());
    CHECK(error.find("Upper-case") != std::string::npos);
    CHECK_FALSE(parse_rights("lrq", &error).has_value());
    CHECK(error.find("\"q\"") != std::string::npos);
    CHECK_FALSE(parse_rights("l0", &error).has_value());

    const Rights lr = letters("lr");
    CHECK(parse_rights_change("+wi", &error)->apply(lr) == letters("lrwi"));
    CHECK(parse_rights_change("-r", &error)->apply(lr) == letters("l"));
    CHECK(parse_rights_change("s", &error)->apply(lr) == letters("s"));
    CHECK(parse_rights_change("+", &error)->apply(lr) == lr);
    CHECK_FALSE(parse_rights_change("+X", &error).has_value());

    CHECK(identifier_syntax_error("").has_value());
    CHECK(identifier_syntax_error(std::string("bo\0b", 4)).has_value());
    CHECK(identifier_syntax_error("\xff\xfe").has_value());
    CHECK_FALSE(identifier_syntax_error("борис").has_value());
    CHECK(canonical_identifier("AnyOne") == "anyone");
    CHECK(canonical_identifier("Bob") == "Bob");
}

TEST_CASE("flags and the rights that change them (RFC 4314 4)") {
    FlagSet flags;
    for (const char* name : {"\\Seen", "\\Deleted", "\\Flagged", "$Important"})
        REQUIRE_FALSE(flags.add_name(name).has_value());
    CHECK(rights_for_flags(flags) == letters("swt"));
    CHECK(permitted_flags(flags, letters("s")).names() == std::vector<std::string>{"\\Seen"});
    CHECK(permitted_flags(flags, letters("w")).names() ==
          std::vector<std::string>{"\\Flagged", "$Important"});
    FlagSet before;
    REQUIRE_FALSE(before.add_name("\\Deleted").has_value());
    REQUIRE_FALSE(before.add_name("\\Answered").has_value());
    FlagSet replacement;
    REQUIRE_FALSE(replacement.add_name("\\Seen").has_value());
    // FLAGS (\Seen) with only "s" and "w": \Deleted, which needs "t", stays.
    CHECK(
        apply_flag_operation(before, FlagOperation::Replace, replacement, letters("sw")).names() ==
        std::vector<std::string>{"\\Deleted", "\\Seen"});
}

TEST_CASE("who holds which rights") {
    MailStore store(10);
    classroom_like(store);
    const Mailbox& shared = *store.find("alice", "Shared");
    const Mailbox& news = *store.find("bob", "#news.comp.mail.imap");
    CHECK(store.rights("alice", shared) == Rights::all());
    CHECK(store.rights("bob", shared) == letters("lr"));
    CHECK(store.rights("carol", shared).empty());
    CHECK(store.rights("bob", *store.inbox_of("alice")).empty());
    // A shared namespace's mailboxes: lookup and read for everyone, owned by nobody.
    CHECK(store.rights("alice", news) == letters("lr"));
    CHECK(store.rights("anonymous", news) == letters("lr"));
    // Inherited from the parent when created.
    CHECK(store.find("alice", "Shared/Deep")->acl == shared.acl);
    CHECK(store.find("alice", "Private")->acl.empty());
    // "anyone" counts for every login; the anonymous one stays read-only.
    REQUIRE(store.set_acl("alice", "Private", "anyone",
                          {RightsChange::Mode::Replace, letters("lrsw")}));
    const Mailbox& open = *store.find("alice", "Private");
    CHECK(store.rights("carol", open) == letters("lrsw"));
    CHECK(store.rights("anonymous", open) == letters("lr"));
}

TEST_CASE("access: missing and hidden mailboxes read the same, visible ones get NOPERM") {
    MailStore store(10);
    classroom_like(store);
    const auto missing = store.access("bob", "#users/alice/Nowhere", Right::Read);
    const auto hidden = store.access("bob", "#users/alice/Private", Right::Read);
    REQUIRE_FALSE(missing.ok());
    REQUIRE_FALSE(hidden.ok());
    CHECK(hidden.error().kind == StoreErrorKind::NoSuchMailbox);
    CHECK(hidden.error().message == "There is no mailbox named \"#users/alice/Private\"");
    CHECK(missing.error().message == "There is no mailbox named \"#users/alice/Nowhere\"");

    CHECK(store.access("bob", "#users/alice/Shared", Right::Read).ok());
    const auto refused = store.access("bob", "#users/alice/Shared", Right::Insert);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == StoreErrorKind::NoPermission);
    CHECK(refused.error().message.find("\"i\"") != std::string::npos);
    CHECK(store.access("alice", "Private", Rights::all()).ok());
    // Without any right, not even its existence is told.
    CHECK(store.access("carol", "#users/alice/INBOX", {}).error().kind ==
          StoreErrorKind::NoSuchMailbox);
}

TEST_CASE("LIST and LSUB show only what the user may look up") {
    MailStore store(10);
    classroom_like(store);
    CHECK(names_of(store.list("bob", "", "*")) ==
          std::vector<std::string>{"INBOX", "#news.comp", "#news.comp.mail", "#news.comp.mail.imap",
                                   "#users/alice", "#users/alice/Shared",
                                   "#users/alice/Shared/Deep"});
    CHECK(store.list("bob", "", "#users/alice/%")[0].has_children);
    CHECK(store.list("carol", "", "#users/*").empty());
    CHECK(names_of(store.list("alice", "", "#users/%")).empty());
    // With "l" on Shared/Deep only, Shared is a level that implies it (RFC 4314 4).
    REQUIRE(store.delete_acl("alice", "Shared", "bob").ok());
    const auto levels = store.list("bob", "", "#users/alice/%");
    REQUIRE(levels.size() == 1);
    CHECK(levels[0].name == "#users/alice/Shared");
    CHECK(levels[0].noselect);

    REQUIRE(store.subscribe("carol", "#users/alice/Private").ok());
    REQUIRE(store.subscribe("carol", "#users/alice/Shared").ok());
    const auto subscribed = store.lsub("carol", "", "*");
    REQUIRE(subscribed.size() == 2);
    for (const auto& entry : subscribed)
        CHECK_FALSE(entry.exists);
}

TEST_CASE("STATUS, CREATE, DELETE and RENAME check rights inside the store") {
    MailStore store(10);
    classroom_like(store);
    CHECK(store.status("bob", "#users/alice/Shared").ok());
    CHECK(store.status("bob", "#users/alice/INBOX").error().kind == StoreErrorKind::NoSuchMailbox);
    CHECK(store.status("carol", "#users/alice/Shared").error().message ==
          "There is no mailbox named \"#users/alice/Shared\"");

    // CREATE needs "k" on the nearest existing parent, or the owner's root.
    for (const char* name : {"#users/alice/Stolen", "#users/alice/Shared/Sub",
                             "#users/alice/Private", "#news.comp.mail.mine"}) {
        CAPTURE(name);
        CHECK(store.create_mailbox("bob", name).error().kind == StoreErrorKind::NoPermission);
    }
    REQUIRE(store.set_acl("alice", "Shared", "bob", {RightsChange::Mode::Add, letters("k")}));
    REQUIRE(store.create_mailbox("bob", "#users/alice/Shared/Sub").ok());
    const Mailbox* sub = store.find("alice", "Shared/Sub");
    REQUIRE(sub != nullptr);
    CHECK(sub->owner == "alice");
    CHECK(store.rights("bob", *sub) == letters("lrk"));

    // DELETE needs "x"; a hidden mailbox is "missing".
    CHECK(store.delete_mailbox("bob", "#users/alice/Shared").error().kind ==
          StoreErrorKind::NoPermission);
    for (const char* hidden : {"#users/alice/Private", "#users/alice/INBOX"}) {
        CAPTURE(hidden);
        CHECK(store.delete_mailbox("bob", hidden).error().kind == StoreErrorKind::NoSuchMailbox);
    }
    CHECK(store.delete_mailbox("alice", "#news.comp.mail.imap").error().kind ==
          StoreErrorKind::NoPermission);

    // RENAME needs "x" on the source and "k" where it goes.
    CHECK(store.rename_mailbox("bob", "#users/alice/INBOX", "#users/alice/Taken").error().kind ==
          StoreErrorKind::NoSuchMailbox);
    CHECK(store.rename_mailbox("bob", "#users/alice/Shared", "Mine").error().kind ==
          StoreErrorKind::NoPermission);
    CHECK(store.rename_mailbox("alice", "#news.comp.mail.imap", "#news.comp.mail.x").error().kind ==
          StoreErrorKind::NoPermission);
    // The target's existence is not told before "k" on its parent is checked.
    CHECK(store.rename_mailbox("alice", "Private", "#users/bob/INBOX").error().kind ==
          StoreErrorKind::NoPermission);
    CHECK(store.inbox_of("alice")->messages.size() == 1);
    REQUIRE(store.rename_mailbox("alice", "Shared", "Given").ok());
    CHECK(store.rights("bob", *store.find("alice", "Given")) == letters("lrk"));
}

TEST_CASE("SETACL, DELETEACL, GETACL, LISTRIGHTS and MYRIGHTS at the store") {
    MailStore store(10);
    classroom_like(store);
    const auto acl = store.get_acl("alice", "Shared");
    REQUIRE(acl.ok());
    REQUIRE(acl.value().size() == 2);
    CHECK(acl.value()[0].identifier == "alice");
    CHECK(acl.value()[0].rights == Rights::all());
    CHECK(acl.value()[1].identifier == "bob");

    CHECK(store.get_acl("bob", "#users/alice/Shared").error().kind == StoreErrorKind::NoPermission);
    CHECK(store.get_acl("bob", "#users/alice/INBOX").error().kind == StoreErrorKind::NoSuchMailbox);
    const auto news_acl = store.get_acl("alice", "#news.comp.mail.imap");
    CHECK(news_acl.error().kind == StoreErrorKind::NoPermission);

    const RightsChange all{RightsChange::Mode::Replace, Rights::all()};
    CHECK(store.set_acl("bob", "#users/alice/Shared", "bob", all).error().kind ==
          StoreErrorKind::NoPermission);
    CHECK(store.set_acl("alice", "Shared", "alice", all).error().kind ==
          StoreErrorKind::NotPermitted);
    CHECK(store.set_acl("alice", "Shared", "-bob", all).error().kind ==
          StoreErrorKind::NotPermitted);
    CHECK(store.set_acl("alice", "Shared", "mallory", all).error().kind ==
          StoreErrorKind::NotPermitted);
    CHECK(store.set_acl("alice", "Shared", "anonymous", all).error().kind ==
          StoreErrorKind::NotPermitted);
    REQUIRE(
        store.set_acl("alice", "Shared", "anonymous", {RightsChange::Mode::Replace, letters("lr")})
            .ok());
    // Taking every right away removes the entry.
    REQUIRE(store.set_acl("alice", "Shared", "bob", {RightsChange::Mode::Remove, letters("lr")}));
    CHECK_FALSE(store.find("alice", "Shared")->acl.contains("bob"));
    REQUIRE(store.set_acl("alice", "Shared", "carol", {RightsChange::Mode::Add, letters("la")}));
    // carol administers it now, and may grant in turn.
    REQUIRE(store.set_acl("carol", "#users/alice/Shared", "bob",
                          {RightsChange::Mode::Replace, letters("l")}));
    CHECK(store.delete_acl("carol", "#users/alice/Shared", "alice").error().kind ==
          StoreErrorKind::NotPermitted);
    REQUIRE(store.delete_acl("alice", "Shared", "bob").ok());
    REQUIRE(store.delete_acl("alice", "Shared", "bob").ok());

    CHECK(store.list_rights("alice", "Shared", "alice").value().required == Rights::all());
    CHECK(store.list_rights("alice", "Shared", "bob").value().optional == Rights::all());
    CHECK(store.list_rights("alice", "Shared", "anonymous").value().optional == letters("lr"));
    CHECK(store.list_rights("bob", "#users/alice/Shared", "bob").error().kind ==
          StoreErrorKind::NoSuchMailbox);

    CHECK(store.my_rights("carol", "#users/alice/Shared").value() == letters("la"));
    CHECK(store.my_rights("bob", "#users/alice/Shared").error().kind ==
          StoreErrorKind::NoSuchMailbox);
    // Only "i" (a drop box): MYRIGHTS may answer, anything else is NOPERM.
    REQUIRE(store.set_acl("alice", "Private", "bob", {RightsChange::Mode::Replace, letters("i")}));
    CHECK(store.my_rights("bob", "#users/alice/Private").value() == letters("i"));
    CHECK(store.access("bob", "#users/alice/Private", Right::Read).error().kind ==
          StoreErrorKind::NoPermission);
}

TEST_CASE("copies keep only the flags the user may set; STORE leaves the others") {
    MailStore store(10);
    classroom_like(store);
    const MailboxId inbox = store.inbox_of("alice")->id;
    const MailboxId shared = store.find("alice", "Shared")->id;
    FlagSet flags;
    for (const char* name : {"\\Seen", "\\Deleted", "\\Flagged"})
        REQUIRE_FALSE(flags.add_name(name).has_value());
    REQUIRE(store.store_flags(inbox, {1}, FlagOperation::Replace, flags).ok());
    REQUIRE(store.copy(inbox, {1}, shared, kNoSession, letters("lrsi")).ok());
    CHECK(store.find("alice", "Shared")->messages.back().flags.names() ==
          std::vector<std::string>{"\\Seen"});

    FlagSet none;
    const auto updated =
        store.store_flags(inbox, {1}, FlagOperation::Replace, none, kNoSession, letters("t"));
    REQUIRE(updated.ok());
    CHECK(updated.value()[0].flags.names() == std::vector<std::string>{"\\Flagged", "\\Seen"});
}

TEST_CASE("DELETE takes the ACL with the mailbox; a kept level gets the default back") {
    MailStore store(10);
    classroom_like(store);
    REQUIRE(store.delete_mailbox("alice", "Shared").ok());
    const Mailbox* level = store.find("alice", "Shared");
    REQUIRE(level != nullptr);
    CHECK_FALSE(level->selectable);
    CHECK(level->acl.empty());
    CHECK(store.my_rights("bob", "#users/alice/Shared").error().kind ==
          StoreErrorKind::NoSuchMailbox);
}

TEST_CASE("ACLs survive a reload of the data directory") {
    mailscope::test::ScratchDir dir("reload");
    {
        testing::StoreOnDisk store(10, classroom_like, dir.path);
        REQUIRE(
            store.set_acl("alice", "Private", "carol", {RightsChange::Mode::Add, letters("lrs")}));
        REQUIRE(store.create_mailbox("alice", "Private/Child").ok());
        REQUIRE(store.delete_acl("alice", "Shared/Deep", "bob").ok());
        REQUIRE(store.set_acl("alice", "Shared/Deep", "anyone",
                              {RightsChange::Mode::Add, letters("l")}));
        REQUIRE(store.rename_mailbox("alice", "Shared", "Given").ok());
    }
    CHECK(fs::exists(dir.path / "users/alice/mail/_Given/mailscope-acl"));
    CHECK(fs::exists(dir.path / "users/alice/mail/_Private/_Child/mailscope-acl"));
    // The shared mailbox has its namespace's default: no file needed.
    CHECK_FALSE(fs::exists(dir.path / "shared/%23news%2E/_comp/_mail/_imap/mailscope-acl"));

    testing::StoreOnDisk reloaded(1, classroom_users, dir.path);
    CHECK(reloaded.rights("carol", *reloaded.find("alice", "Private")) == letters("lrs"));
    CHECK(reloaded.rights("carol", *reloaded.find("alice", "Private/Child")) == letters("lrs"));
    CHECK(reloaded.rights("bob", *reloaded.find("alice", "Given")) == letters("lr"));
    CHECK(reloaded.rights("bob", *reloaded.find("alice", "Given/Deep")) == letters("l"));
    CHECK(reloaded.rights("bob", *reloaded.inbox_of("alice")).empty());
    CHECK(reloaded.rights("bob", *reloaded.find("bob", "#news.comp.mail.imap")) == letters("lr"));

    // A damaged ACL file is refused with its path, not silently widened.
    reloaded.set_backend(nullptr);
    std::ofstream(dir.path / "users/alice/mail/_Given/mailscope-acl") << "bob lrQ\n";
    MailStore damaged(1);
    REQUIRE_FALSE(damaged.add_user("alice", "wonderland").has_value());
    const auto refused = attach_data_dir(damaged, dir.path);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.find("mailscope-acl") != std::string::npos);
}

TEST_CASE("fixtures set ACLs on mailboxes and defaults on shared namespaces") {
    MailStore store;
    const auto loaded = load_fixture_text(store, R"(
namespaces:
  other_users: {prefix: "#users/", delimiter: "/"}
  shared:
    - prefix: "#public."
      delimiter: "."
      acl: {anyone: l, bob: lrsi}
      mailboxes:
        - name: board
        - name: closed
          acl: {anyone: "", bob: ""}
users:
  - name: alice
    password: a
    mailboxes:
      - name: INBOX
        acl: {Anyone: l}
      - name: Team
        acl: {bob: lrswi}
  - name: bob
    password: b
)",
                                          "test.yaml", ".");
    REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
    CHECK(store.rights("bob", *store.find("alice", "Team")) == letters("lrswi"));
    CHECK(store.rights("bob", *store.inbox_of("alice")) == letters("l"));
    CHECK(store.rights("alice", *store.find("alice", "#public.board")) == letters("l"));
    CHECK(store.rights("bob", *store.find("alice", "#public.board")) == letters("lrsi"));
    CHECK(store.find("alice", "#public.closed")->acl.empty());

    auto error_of = [](std::string_view yaml) {
        MailStore broken;
        const auto result = load_fixture_text(broken, yaml, "bad.yaml", ".");
        REQUIRE_FALSE(result.ok());
        return result.error().message;
    };
    CHECK(error_of("users: [{name: a, password: b, mailboxes: [{name: X, acl: {zed: l}}]}]")
              .find("\"zed\" is neither a user") != std::string::npos);
    CHECK(error_of("users: [{name: a, password: b, mailboxes: [{name: X, acl: {a: l}}]}]")
              .find("owns this mailbox") != std::string::npos);
    CHECK(error_of("users: [{name: a, password: b, mailboxes: [{name: X, acl: {anyone: lQ}}]}]")
              .find("bad.yaml line 1") != std::string::npos);
    CHECK(error_of("users: [{name: a, password: b, mailboxes: [{name: X, acl: [l]}]}]")
              .find("must map identifiers") != std::string::npos);
}

TEST_CASE("the classroom shares alice's Shared with bob and nothing else") {
    MailStore store;
    REQUIRE(load_fixture(store, MAILSCOPE_SOURCE_DIR "/server_mock/fixtures/classroom.yaml").ok());
    std::vector<std::string> granted;
    for (const auto& [id, mailbox] : store.mailboxes()) {
        if (mailbox.owner == "alice" && !store.rights("bob", mailbox).empty())
            granted.push_back(mailbox.name);
        if (mailbox.owner == "bob") CHECK(store.rights("alice", mailbox).empty());
    }
    CHECK(granted == std::vector<std::string>{"Shared"});
    const Mailbox* shared = store.find("alice", "Shared");
    CHECK(store.rights("bob", *shared) == letters("lr"));
    CHECK(shared->messages.size() == 2);
    CHECK(store.rights("bob", *store.find("bob", "#news.comp.mail.imap")) == letters("lr"));
}

TEST_CASE("the POP3 maildrop and SMTP's destination are the user's own INBOX") {
    MailStore store(10);
    classroom_like(store);
    CHECK(store.inbox_of("bob") == store.find("bob", "INBOX"));
    CHECK(store.inbox_of("alice") != store.inbox_of("bob"));
    CHECK(store.inbox_of("#users/alice") == nullptr);
    CHECK(store.inbox_of("mallory") == nullptr);
}
