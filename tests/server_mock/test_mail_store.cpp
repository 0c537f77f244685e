#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>

#include "server_mock/mail_store.hpp"
#include "server_mock/mailbox_name.hpp"

using namespace mailscope::server;

namespace {

const InternalDate kDate = *make_internal_date(2024, 1, 15, 9, 30, 0, 60);

MailStore make_store() {
    MailStore store(100);
    REQUIRE_FALSE(store.add_user("alice", "wonderland").has_value());
    REQUIRE_FALSE(store.add_user("bob", "builder").has_value());
    return store;
}

MailboxId inbox_of(const MailStore& store, const char* user) {
    const Mailbox* inbox = store.find(user, "INBOX");
    REQUIRE(inbox != nullptr);
    return inbox->id;
}

std::vector<std::string> names_of(const std::vector<ListEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries)
        out.push_back(e.name);
    return out;
}

Uid add_message(MailStore& store, MailboxId mailbox, const char* subject, FlagSet flags = {}) {
    auto uid = store.append(mailbox, std::string("Subject: ") + subject + "\r\n\r\nbody\r\n",
                            std::move(flags), kDate);
    REQUIRE(uid.ok());
    return uid.value();
}

}  // namespace

TEST_CASE("list_match follows RFC 3501 6.3.8 wildcards") {
    using Pair = std::pair<const char*, const char*>;
    for (const auto& [pattern, name] : {Pair{"*", "a/b/c"}, Pair{"%", "a"}, Pair{"a/%", "a/b"},
                                        Pair{"a*c", "a/b/c"}, Pair{"a%c", "abc"}, Pair{"", ""}}) {
        const std::string shown = pattern;
        CAPTURE(shown);
        CHECK(list_match(pattern, name, '/'));
    }
    for (const auto& [pattern, name] :
         {Pair{"%", "a/b"}, Pair{"a/%", "a/b/c"}, Pair{"a%c", "a/c"}, Pair{"abc", "abd"}}) {
        const std::string shown = pattern;
        CAPTURE(shown);
        CHECK_FALSE(list_match(pattern, name, '/'));
    }
    CHECK(list_match("#news.%", "#news.comp", '.'));
    CHECK_FALSE(list_match("#news.%", "#news.comp.mail", '.'));
    // Modified UTF-7 is matched by character: "П*" finds "Проекты", "%ы"
    // ends in "ы", and an encoded "/" does not exist to stop "%".
    CHECK(list_match("&BB8-*", "&BB8EQAQ+BDUEOgRCBEs-", '/'));
    CHECK(list_match("%&BEs-", "&BB8EQAQ+BDUEOgRCBEs-", '/'));
    CHECK_FALSE(list_match("&BB8-%", "&BB8EQAQ+BDUEOgRCBEs-/a", '/'));
    CHECK(list_match("R&-*", "R&-D", '/'));
    // A pathological pattern stays cheap: dynamic programming, no backtracking.
    const std::string pattern(200, '*');
    CHECK_FALSE(list_match(pattern + "b", std::string(900, 'a'), '/'));
}

TEST_CASE("LIST reference joining (RFC 3501 6.3.8 examples)") {
    CHECK(join_list_reference("~smith/Mail/", "foo.*", '/') == "~smith/Mail/foo.*");
    CHECK(join_list_reference("archive/", "%", '/') == "archive/%");
    CHECK(join_list_reference("#news.", "comp.mail.*", '/') == "#news.comp.mail.*");
    CHECK(join_list_reference("~smith/Mail/", "/usr/doc/foo", '/') == "/usr/doc/foo");
    CHECK(join_list_reference("archive/", "~fred/Mail/*", '/') == "~fred/Mail/*");
}

TEST_CASE("mailbox names are validated in wire form") {
    CHECK_FALSE(mailbox_name_error("Archive/2024", '/').has_value());
    CHECK_FALSE(mailbox_name_error("&BBIERQQ+BDQETwRJBDgENQ-", '/').has_value());
    CHECK_FALSE(mailbox_name_error("Tom &- Jerry", '/').has_value());
    CHECK(mailbox_name_error("", '/').has_value());
    CHECK(mailbox_name_error("a//b", '/').has_value());
    CHECK(mailbox_name_error("a/", '/').has_value());
    CHECK(mailbox_name_error("caf\xc3\xa9", '/').has_value());
    CHECK(mailbox_name_error("a&b", '/').has_value());
    CHECK(mailbox_name_error("a&AB-", '/').has_value());
    CHECK(mailbox_name_error("what*", '/').has_value());
    CHECK(canonical_mailbox_name("inbox/Sub", '/') == "INBOX/Sub");
}

TEST_CASE("INBOX is case-insensitive, always exists and cannot be deleted") {
    MailStore store = make_store();
    CHECK(store.find("alice", "inbox") == store.find("alice", "INBOX"));
    CHECK(store.find("alice", "InBoX") != nullptr);
    const auto created = store.create_mailbox("alice", "Inbox");
    REQUIRE_FALSE(created.ok());
    CHECK(created.error().kind == StoreErrorKind::AlreadyExists);
    const auto deleted = store.delete_mailbox("alice", "inbox");
    REQUIRE_FALSE(deleted.ok());
    CHECK(deleted.error().kind == StoreErrorKind::NotPermitted);
    CHECK(names_of(store.list("alice", "", "inbox")) == std::vector<std::string>{"INBOX"});
}

TEST_CASE("CREATE makes superior levels \\Noselect; DELETE follows RFC 3501 6.3.4") {
    MailStore store = make_store();
    REQUIRE(store.create_mailbox("alice", "foo/bar/zap").ok());
    const Mailbox* foo = store.find("alice", "foo");
    REQUIRE(foo != nullptr);
    CHECK_FALSE(foo->selectable);
    CHECK(store.find("alice", "foo/bar") != nullptr);

    auto entries = store.list("alice", "", "*");
    CHECK(names_of(entries) == std::vector<std::string>{"INBOX", "foo", "foo/bar", "foo/bar/zap"});
    CHECK(entries[1].attributes() == std::vector<std::string>{"\\Noselect", "\\HasChildren"});
    CHECK(entries[3].attributes() == std::vector<std::string>{"\\HasNoChildren"});
    CHECK(names_of(store.list("alice", "foo/", "%")) == std::vector<std::string>{"foo/bar"});

    // A \Noselect level with inferiors cannot be deleted.
    auto refused = store.delete_mailbox("alice", "foo");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == StoreErrorKind::HasInferiors);

    // A real mailbox with inferiors loses its messages and becomes \Noselect.
    REQUIRE(store.create_mailbox("alice", "foo/bar").ok());  // the level becomes real
    const MailboxId bar = store.find("alice", "foo/bar")->id;
    add_message(store, bar, "x");
    REQUIRE(store.delete_mailbox("alice", "foo/bar").ok());
    const Mailbox* after = store.find("alice", "foo/bar");
    REQUIRE(after != nullptr);
    CHECK_FALSE(after->selectable);
    CHECK(after->messages.empty());

    REQUIRE(store.delete_mailbox("alice", "foo/bar/zap").ok());
    CHECK(store.find("alice", "foo/bar/zap") == nullptr);
    REQUIRE(store.delete_mailbox("alice", "foo/bar").ok());
    REQUIRE(store.delete_mailbox("alice", "foo").ok());
    CHECK(names_of(store.list("alice", "", "*")) == std::vector<std::string>{"INBOX"});
    CHECK(store.delete_mailbox("alice", "nope").error().kind == StoreErrorKind::NoSuchMailbox);
}

TEST_CASE("UIDVALIDITY is deterministic and changes when a name is re-created") {
    MailStore store = make_store();
    CHECK(store.find("alice", "INBOX")->uidvalidity == 100);
    CHECK(store.find("bob", "INBOX")->uidvalidity == 101);
    REQUIRE(store.create_mailbox("alice", "Work").ok());
    const std::uint32_t first = store.find("alice", "Work")->uidvalidity;
    REQUIRE(store.delete_mailbox("alice", "Work").ok());
    REQUIRE(store.create_mailbox("alice", "Work").ok());
    CHECK(store.find("alice", "Work")->uidvalidity != first);
}

TEST_CASE("RENAME moves inferiors; RENAME INBOX moves the messages only") {
    MailStore store = make_store();
    REQUIRE(store.create_mailbox("alice", "a/b").ok());
    const MailboxId a_b = store.find("alice", "a/b")->id;
    REQUIRE(store.rename_mailbox("alice", "a", "x/y").ok());
    CHECK(store.find("alice", "a") == nullptr);
    CHECK(store.find("alice", "x/y/b") != nullptr);
    CHECK(store.find("alice", "x/y/b")->id == a_b);
    CHECK_FALSE(store.find("alice", "x")->selectable);
    CHECK(store.rename_mailbox("alice", "x", "x/y/z").error().kind == StoreErrorKind::InvalidName);
    CHECK(store.rename_mailbox("alice", "x/y", "INBOX").error().kind ==
          StoreErrorKind::AlreadyExists);

    const MailboxId inbox = inbox_of(store, "alice");
    add_message(store, inbox, "one", [] {
        FlagSet f;
        f.set(SystemFlag::Seen, true);
        return f;
    }());
    add_message(store, inbox, "two");
    REQUIRE(store.create_mailbox("alice", "INBOX/child").ok());
    REQUIRE(store.rename_mailbox("alice", "INBOX", "Old").ok());
    const Mailbox* old = store.find("alice", "Old");
    REQUIRE(old != nullptr);
    CHECK(old->messages.size() == 2);
    CHECK(old->messages[0].flags.has(SystemFlag::Seen));
    const Mailbox* fresh = store.find("alice", "INBOX");
    CHECK(fresh->id == inbox);
    CHECK(fresh->messages.empty());
    CHECK(fresh->uidnext == 3);
    CHECK(store.find("alice", "INBOX/child") != nullptr);
}

TEST_CASE("UIDs only grow, across expunge") {
    MailStore store = make_store();
    const MailboxId inbox = inbox_of(store, "alice");
    FlagSet deleted;
    deleted.set(SystemFlag::Deleted, true);
    CHECK(add_message(store, inbox, "1") == 1);
    CHECK(add_message(store, inbox, "2", deleted) == 2);
    CHECK(add_message(store, inbox, "3", deleted) == 3);
    auto gone = store.expunge(inbox, std::vector<Uid>{3});
    REQUIRE(gone.ok());
    CHECK(gone.value() == std::vector<Uid>{3});
    gone = store.expunge(inbox);
    CHECK(gone.value() == std::vector<Uid>{2});
    CHECK(add_message(store, inbox, "4") == 4);
    CHECK(store.mailbox(inbox)->sequence_of(4) == 2u);
}

TEST_CASE("STORE, COPY and MOVE") {
    MailStore store = make_store();
    const MailboxId inbox = inbox_of(store, "alice");
    REQUIRE(store.create_mailbox("alice", "Archive").ok());
    const MailboxId archive = store.find("alice", "Archive")->id;
    add_message(store, inbox, "1");
    add_message(store, inbox, "2");
    add_message(store, inbox, "3");

    FlagSet flags;
    REQUIRE_FALSE(flags.add_name("\\Flagged").has_value());
    REQUIRE_FALSE(flags.add_name("$Important").has_value());
    CHECK(flags.add_name("\\Recent").has_value());
    CHECK(flags.add_name("\\Bogus").has_value());
    CHECK(flags.add_name("bad(keyword").has_value());
    auto updates = store.store_flags(inbox, {1, 2, 99}, FlagOperation::Add, flags);
    REQUIRE(updates.ok());
    REQUIRE(updates.value().size() == 2);
    CHECK(updates.value()[0].changed);
    CHECK(store.mailbox(inbox)->keywords == std::vector<std::string>{"$Important"});
    updates = store.store_flags(inbox, {1}, FlagOperation::Add, flags);
    CHECK_FALSE(updates.value()[0].changed);
    FlagSet flagged;
    flagged.set(SystemFlag::Flagged, true);
    updates = store.store_flags(inbox, {1}, FlagOperation::Remove, flagged);
    CHECK(updates.value()[0].flags.names() == std::vector<std::string>{"$Important"});

    auto copied = store.copy(inbox, {3, 1, 42}, archive);
    REQUIRE(copied.ok());
    CHECK(copied.value().source == std::vector<Uid>{1, 3});
    CHECK(copied.value().destination == std::vector<Uid>{1, 2});
    CHECK(copied.value().destination_uidvalidity == store.mailbox(archive)->uidvalidity);
    CHECK(store.mailbox(archive)->messages[0].flags.has_keyword("$important"));
    CHECK(store.mailbox(archive)->messages[0].octets == store.mailbox(inbox)->messages[0].octets);

    auto moved = store.move(inbox, {2}, archive);
    REQUIRE(moved.ok());
    CHECK(moved.value().destination == std::vector<Uid>{3});
    CHECK(store.mailbox(inbox)->find(2) == nullptr);
    CHECK(store.mailbox(archive)->messages.size() == 3);
}

TEST_CASE("keywords per mailbox are bounded") {
    MailStore store = make_store();
    const MailboxId inbox = inbox_of(store, "alice");
    add_message(store, inbox, "1");
    for (std::size_t i = 0; i < kMaxKeywordsPerMailbox; ++i) {
        FlagSet one;
        one.add_keyword("k" + std::to_string(i));
        REQUIRE(store.store_flags(inbox, {1}, FlagOperation::Add, one).ok());
    }
    FlagSet extra;
    extra.add_keyword("one-too-many");
    const auto refused = store.store_flags(inbox, {1}, FlagOperation::Add, extra);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == StoreErrorKind::LimitReached);
}

TEST_CASE("\\Recent goes to exactly one session") {
    MailStore store = make_store();
    const MailboxId inbox = inbox_of(store, "alice");
    add_message(store, inbox, "before anyone looked");

    const SessionId first = store.open_session();
    const SessionId second = store.open_session();
    CHECK(store.status("alice", "INBOX", second).value().recent == 1);

    store.watch(first, inbox, true);
    CHECK(store.claim_recent(inbox, first) == std::vector<Uid>{1});
    store.watch(second, inbox, true);
    CHECK(store.claim_recent(inbox, second).empty());
    CHECK(store.status("alice", "INBOX", second).value().recent == 0);
    CHECK(store.status("alice", "INBOX", first).value().recent == 1);

    // A message arriving while both have it selected is recent for the first.
    const Uid uid = add_message(store, inbox, "while selected");
    const Message* message = store.mailbox(inbox)->find(uid);
    CHECK(MailStore::is_recent(*message, first));
    CHECK_FALSE(MailStore::is_recent(*message, second));

    // An EXAMINE-only watcher never takes \Recent away.
    store.unwatch(first);
    store.unwatch(second);
    const SessionId examiner = store.open_session();
    store.watch(examiner, inbox, false);
    const Uid later = add_message(store, inbox, "nobody selected");
    CHECK(store.mailbox(inbox)->find(later)->recent_pending);
    const SessionId third = store.open_session();
    store.watch(third, inbox, true);
    CHECK(store.claim_recent(inbox, third) == std::vector<Uid>{later});
}

TEST_CASE("the change log feeds each session and trims itself") {
    MailStore store = make_store();
    const MailboxId inbox = inbox_of(store, "alice");
    CHECK(store.change_log().retained() == 0);  // nobody listening, nothing kept

    const SessionId a = store.open_session();
    const SessionId b = store.open_session();
    FlagSet seen;
    seen.set(SystemFlag::Seen, true);
    const Uid uid = add_message(store, inbox, "hello");
    REQUIRE(store.store_flags(inbox, {uid}, FlagOperation::Add, seen, a).ok());
    FlagSet deleted;
    deleted.set(SystemFlag::Deleted, true);
    REQUIRE(store.store_flags(inbox, {uid}, FlagOperation::Add, deleted, a).ok());
    REQUIRE(store.expunge(inbox, {}, a).ok());

    auto changes = store.pending_changes(b);
    REQUIRE(changes.size() == 4);
    CHECK(changes[0].kind == ChangeKind::Appended);
    CHECK(changes[1].kind == ChangeKind::FlagsChanged);
    CHECK(changes[1].by == a);
    CHECK(changes[1].flags.has(SystemFlag::Seen));
    CHECK(changes[3].kind == ChangeKind::Expunged);
    CHECK(changes[3].uid == uid);

    // b reports up to the flag change only (say it is in the middle of a FETCH).
    store.acknowledge(b, changes[1].modseq);
    CHECK(store.pending_changes(b).size() == 2);
    store.acknowledge(a, store.change_log().last());
    CHECK(store.change_log().retained() == 2);
    store.close_session(b);
    CHECK(store.change_log().retained() == 0);

    // 300 sessions that are up to date keep nothing.
    std::vector<SessionId> many;
    for (int i = 0; i < 300; ++i)
        many.push_back(store.open_session());
    add_message(store, inbox, "to everyone");
    CHECK(store.change_log().retained() == 1);
    for (const SessionId s : many)
        store.acknowledge(s, store.change_log().last());
    CHECK(store.change_log().retained() == 1);  // a has not acknowledged yet
    store.acknowledge(a, store.change_log().last());
    CHECK(store.change_log().retained() == 0);
}

TEST_CASE("subscriptions are independent of existence; LSUB marks implied levels") {
    MailStore store = make_store();
    REQUIRE(store.subscribe("alice", "Lists/ietf").ok());
    REQUIRE(store.subscribe("alice", "inbox").ok());
    CHECK(store.subscriptions("alice") == std::set<std::string>{"INBOX", "Lists/ietf"});
    auto entries = store.lsub("alice", "", "%");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].name == "INBOX");
    CHECK(entries[1].name == "Lists");
    CHECK(entries[1].noselect);
    CHECK(store.lsub("alice", "", "*").size() == 2);
    REQUIRE(store.unsubscribe("alice", "Lists/ietf").ok());
    CHECK(store.unsubscribe("alice", "Lists/ietf").error().kind == StoreErrorKind::NoSuchMailbox);
}

TEST_CASE("shared and other users' namespaces") {
    MailStore store = make_store();
    NamespaceConfig config;
    config.other_users = NamespaceDefinition{"#users/", '/'};
    config.shared.push_back(NamespaceDefinition{"#news.", '.'});
    REQUIRE_FALSE(store.set_namespaces(config).has_value());
    // Nobody creates in a shared namespace by default: the server provisions it.
    CHECK(store.create_mailbox("alice", "#news.comp.mail.imap").error().kind ==
          StoreErrorKind::NoPermission);
    REQUIRE(store.provision_mailbox("alice", "#news.comp.mail.imap").ok());
    const Mailbox* imap = store.find("bob", "#news.comp.mail.imap");
    REQUIRE(imap != nullptr);
    CHECK(imap->delimiter == '.');
    CHECK_FALSE(store.find("bob", "#news.comp")->selectable);
    CHECK(names_of(store.list("bob", "#news.", "%")) == std::vector<std::string>{"#news.comp"});
    CHECK(store.find("alice", "#users/bob/INBOX") == store.find("bob", "INBOX"));
    // bob's mailboxes are his until he shares one (RFC 4314 4: LIST needs "l").
    CHECK(store.list("alice", "", "#users/%").empty());
    REQUIRE(store.grant(store.find("bob", "INBOX")->id, "alice", Right::Lookup).ok());
    CHECK(names_of(store.list("alice", "", "#users/%")) == std::vector<std::string>{"#users/bob"});
    CHECK(store.list("alice", "", "#users/%")[0].noselect);
    CHECK(store.find("alice", "#nowhere/x") == nullptr);
    CHECK(store.create_mailbox("alice", "#news.a/b").error().kind == StoreErrorKind::InvalidName);

    NamespaceConfig bad;
    bad.shared.push_back(NamespaceDefinition{"news", '.'});
    CHECK(store.set_namespaces(bad).has_value());
}

TEST_CASE("internal dates print and parse in IMAP and RFC 5322 forms") {
    CHECK(format_imap_date_time(kDate) == "15-Jan-2024 09:30:00 +0100");
    CHECK(format_rfc5322_date(kDate) == "Mon, 15 Jan 2024 09:30:00 +0100");
    CHECK(parse_date_time("15-Jan-2024 09:30:00 +0100") == kDate);
    CHECK(parse_date_time("\" 5-Feb-2024 00:00:00 -0500\"").has_value());
    CHECK(format_imap_date_time(*parse_date_time(" 5-Feb-2024 00:00:00 -0500")) ==
          " 5-Feb-2024 00:00:00 -0500");
    CHECK(parse_date_time("2024-01-15T08:30:00Z") == InternalDate{kDate.utc_seconds, 0});
    CHECK_FALSE(parse_date_time("31-Feb-2024 00:00:00 +0000").has_value());
    CHECK_FALSE(parse_date_time("yesterday").has_value());
    CHECK(parse_asctime("Mon Jan 15 08:30:00 2024") == InternalDate{kDate.utc_seconds, 0});
}

TEST_CASE("finding a message by UID with a position that no longer matches") {
    Mailbox mailbox;
    for (Uid uid : {3u, 5u, 9u}) {
        Message message;
        message.uid = uid;
        mailbox.messages.push_back(message);
    }
    CHECK(mailbox.find(5, 1) == &mailbox.messages[1]);
    // After an expunge a session's numbers run ahead of the store's.
    CHECK(mailbox.find(9, 3) == &mailbox.messages[2]);
    CHECK(mailbox.find(9, 0) == &mailbox.messages[2]);
    CHECK(mailbox.find(4, 1) == nullptr);
    CHECK(mailbox.find(10, 7) == nullptr);
}
