// NOTIFY (RFC 5465) in the codec and the decoding engine: NOTIFY SET and
// NONE read into typed event groups and written back byte for byte; the
// forms RFC 5465 5, 6.1 and 8 forbid do not parse, each saying why; the
// engine asks for the capability and lets the server send STATUS, LIST
// and EXPUNGE unasked only while a NOTIFY SET is in force; BADEVENT and
// NOTIFICATIONOVERFLOW read as codes; the RFC's examples decode cleanly.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/imap/sections.hpp"
#include "sim/imap/session.hpp"
#include "tests/sim/clean_vectors.hpp"
#include "tests/sim/imap_parsed.hpp"
#include "tests/sim/observer.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using NotifyFilter = imap::NotifyEventGroup::Filter;
using NotifyKind = imap::NotifyEvent::Kind;

namespace {

const imap::NotifyArgs& notify_args(const imap::Command& command) {
    return std::get<imap::NotifyArgs>(command.typed);
}

// Parsed and written back: the same octets. Built again from its typed
// arguments, the same octets too where the verb and the fetch attributes
// are in the writer's upper case and no string needs a literal.
imap::Command notify_round_trip(std::string_view bytes, bool canonical = true) {
    const auto command = test::parsed_command(bytes);
    CHECK(imap::serialize(command) == bytes);
    const auto built = imap::make_command(command.tag, imap::Verb::Notify, command.typed);
    if (canonical) CHECK(imap::serialize(built) == bytes);
    CHECK(test::parsed_command(imap::serialize(built)).typed.index() == command.typed.index());
    return command;
}

std::string notify_error(std::string_view bytes) {
    return test::command_error(bytes).message;
}

// A session logged in and with INBOX selected (3 messages), NOTIFY listed.
void notify_selected(test::Observer<imap::ImapSession, sim::Protocol::Imap>& o) {
    o.server("* PREAUTH [CAPABILITY IMAP4rev1 NOTIFY] ready\r\n");
    o.client("s1 SELECT INBOX\r\n");
    o.server("* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\ns1 OK [READ-WRITE] done\r\n");
}

}  // namespace

TEST_CASE("NOTIFY SET reads its event groups and writes them back byte for byte (RFC 5465 8)") {
    const auto command = notify_round_trip(
        "b NOTIFY set status (selected (MessageNew (UID BODY.PEEK[HEADER.FIELDS (from to "
        "subject)]) MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))\r\n");
    CHECK(command.verb == imap::Verb::Notify);
    const auto& args = notify_args(command);
    CHECK(args.replaces);
    CHECK(args.status_word == "status");
    REQUIRE(args.groups.size() == 2);
    const auto& selected = args.groups[0];
    CHECK(selected.filter == NotifyFilter::Selected);
    CHECK(selected.selected());
    REQUIRE(selected.events.size() == 2);
    CHECK(selected.events[0].kind == NotifyKind::MessageNew);
    REQUIRE(selected.events[0].fetch_atts);
    REQUIRE(selected.events[0].fetch_atts->size() == 2);
    CHECK((*selected.events[0].fetch_atts)[0].kind == imap::FetchAtt::Kind::Uid);
    CHECK((*selected.events[0].fetch_atts)[1].kind == imap::FetchAtt::Kind::BodySection);
    CHECK((*selected.events[0].fetch_atts)[1].peek);
    CHECK(selected.events[1].kind == NotifyKind::MessageExpunge);
    const auto& subtree = args.groups[1];
    CHECK(subtree.filter == NotifyFilter::Subtree);
    CHECK(subtree.mailboxes == std::vector<std::string>{"Lists"});
    CHECK_FALSE(subtree.mailbox_list);
    CHECK(subtree.has(NotifyKind::MessageNew));
    CHECK_FALSE(subtree.has(NotifyKind::FlagChange));

    const auto mixed = notify_round_trip(
        "a notify set (selected (Messagenew (uid flags) messageExpunge)) (personal (MessageNew "
        "FlagChange MessageExpunge))\r\n",
        false);
    CHECK(notify_args(mixed).groups[0].events[0].kind == NotifyKind::MessageNew);
    CHECK(notify_args(mixed).groups[1].filter == NotifyFilter::Personal);
    CHECK(notify_args(mixed).groups[1].has(NotifyKind::FlagChange));

    const auto lists = notify_round_trip(
        "c NOTIFY SET (mailboxes (INBOX \"a b\" {3}\r\nx]y) (MessageNew MessageExpunge)) "
        "(selected-delayed NONE) (inboxes (MailboxName SubscriptionChange "
        "MailboxMetadataChange ServerMetadataChange)) (subscribed (XFuture))\r\n",
        false);
    const auto& groups = notify_args(lists).groups;
    REQUIRE(groups.size() == 4);
    CHECK(groups[0].mailbox_list);
    CHECK(groups[0].mailboxes == std::vector<std::string>{"INBOX", "a b", "x]y"});
    // The writer sends "x]y" as an atom, which ASTRING-CHAR allows (RFC 3501 9).
    CHECK(imap::serialize(imap::make_command("c", imap::Verb::Notify, lists.typed))
              .starts_with("c NOTIFY SET (mailboxes (INBOX \"a b\" x]y) (MessageNew"));
    CHECK(groups[1].filter == NotifyFilter::SelectedDelayed);
    CHECK(groups[1].none_word == "NONE");
    CHECK(groups[1].events.empty());
    CHECK(groups[2].events[3].kind == NotifyKind::ServerMetadataChange);
    CHECK(groups[3].events[0].kind == NotifyKind::Other);
    CHECK(groups[3].events[0].name == "XFuture");

    const auto none = notify_round_trip("d NOTIFY None\r\n");
    CHECK_FALSE(notify_args(none).replaces);
    CHECK(notify_args(none).groups.empty());
    CHECK(imap::notify_event_name(NotifyKind::SubscriptionChange) == "SubscriptionChange");
}

TEST_CASE("NOTIFY forms that break RFC 5465 5, 6.1 or 8 do not parse, and say why") {
    CHECK(notify_error("a NOTIFY SET (personal (MessageNew))\r\n")
              .find("MessageNew without MessageExpunge") != std::string::npos);
    CHECK(notify_error("a NOTIFY SET (personal (MessageNew))\r\n").find("RFC 5465 5") !=
          std::string::npos);
    CHECK(notify_error("a NOTIFY SET (personal (MessageExpunge))\r\n")
              .find("MessageExpunge without MessageNew") != std::string::npos);
    CHECK(notify_error("a NOTIFY SET (personal (FlagChange))\r\n")
              .find("FlagChange needs MessageNew and MessageExpunge") != std::string::npos);
    CHECK(notify_error("a NOTIFY SET (inboxes (AnnotationChange MessageNew))\r\n")
              .find("RFC 5465 5") != std::string::npos);
    // RFC 5465 6.1: one of SELECTED and SELECTED-DELAYED, message events only.
    CHECK(notify_error("a NOTIFY SET (selected (MessageNew MessageExpunge)) (selected-delayed "
                       "(MessageNew MessageExpunge))\r\n")
              .find("RFC 5465 6.1") != std::string::npos);
    CHECK(notify_error("a NOTIFY SET (selected NONE) (selected NONE)\r\n").find("RFC 5465 6.1") !=
          std::string::npos);
    CHECK(notify_error("a NOTIFY SET (selected (MailboxName))\r\n").find("no message event") !=
          std::string::npos);
    // RFC 5465 8: fetch attributes for the selected mailbox only.
    CHECK(notify_error("a NOTIFY SET (personal (MessageNew (UID) MessageExpunge))\r\n")
              .find("selected mailbox only") != std::string::npos);
    CHECK(notify_error("a NOTIFY SET (selected (MessageExpunge (UID) MessageNew))\r\n")
              .find("only MessageNew takes") != std::string::npos);
    // RFC 5465 8: the events in parentheses, as the RFC's own 3.1 example does not.
    CHECK(notify_error("a NOTIFY SET (subtree Lists MessageNew)\r\n").find("in parentheses") !=
          std::string::npos);
    CHECK(notify_error("a NOTIFY SET (everything (MailboxName))\r\n").find("no mailbox filter") !=
          std::string::npos);
    CHECK(notify_error("a NOTIFY SET (subtree (MailboxName))\r\n").find("needs its events") !=
          std::string::npos);
    CHECK(notify_error("a NOTIFY SET (mailboxes)\r\n").find("needs a mailbox") !=
          std::string::npos);
    CHECK(notify_error("a NOTIFY SET (personal ())\r\n").find("in parentheses") !=
          std::string::npos);
    CHECK(notify_error("a NOTIFY SET\r\n").find("at least one event group") != std::string::npos);
    CHECK(notify_error("a NOTIFY SET STATUS\r\n").find("at least one event group") !=
          std::string::npos);
    CHECK(notify_error("a NOTIFY NONE (personal (MailboxName))\r\n").find("too many") !=
          std::string::npos);
    CHECK(notify_error("a NOTIFY\r\n").find("SET or NONE") != std::string::npos);
    CHECK(notify_error("a NOTIFY SET personal\r\n").find("in parentheses") != std::string::npos);
}

TEST_CASE("the engine asks for NOTIFY (RFC 5465 3.1), in the authenticated and selected states") {
    SUBCASE("not listed") {
        test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
        o.server("* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n");
        o.client("a1 NOTIFY NONE\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 5465 3.1"});
        CHECK(test::has_violation_rule(o.trace, "NOTIFY belongs to an extension"));
    }
    SUBCASE("listed") {
        test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
        o.server("* PREAUTH [CAPABILITY IMAP4rev1 NOTIFY] ready\r\n");
        o.client("a1 NOTIFY NONE\r\n");
        o.server("a1 OK done\r\n");
        CHECK(test::violations(o.trace).empty());
    }
    SUBCASE("before login") {
        test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
        o.server("* OK [CAPABILITY IMAP4rev1 NOTIFY] ready\r\n");
        o.client("a1 NOTIFY NONE\r\n");
        CHECK(test::violations(o.trace).size() == 1);
    }
}

TEST_CASE("STATUS, LIST and EXPUNGE come unasked only while a NOTIFY SET is in force") {
    test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
    notify_selected(o);
    // Before NOTIFY: each is a broken rule of RFC 3501.
    o.server("* STATUS misc (MESSAGES 4)\r\n");
    o.server("* 3 EXPUNGE\r\n");
    o.server("* LIST () \"/\" NewBox\r\n");
    CHECK(test::violation_sections(o.trace) ==
          std::vector<std::string>{"RFC 3501 7.2.4", "RFC 3501 7.4.1", "RFC 3501 7.2.2"});

    o.client(
        "n1 NOTIFY SET STATUS (selected (MessageNew MessageExpunge)) (personal (MessageNew "
        "MessageExpunge MailboxName))\r\n");
    o.server("* STATUS misc (MESSAGES 4 UIDNEXT 5 UIDVALIDITY 9)\r\n");
    o.server("n1 OK done\r\n");
    CHECK(test::links_to(o.trace, "* STATUS misc (MESSAGES 4 UIDNEXT", "n1"));
    const auto before = test::violations(o.trace).size();
    o.server("* STATUS misc (MESSAGES 5 UIDNEXT 6)\r\n");
    o.server("* 2 EXPUNGE\r\n");
    o.server("* LIST () \"/\" OtherBox\r\n");
    o.server("* 2 EXISTS\r\n");
    CHECK(test::violations(o.trace).size() == before);
    const auto* notified = test::first_raw(o.trace, "* STATUS misc (MESSAGES 5");
    REQUIRE(notified);
    CHECK(notified->section == "RFC 5465 5.2");

    o.client("n2 NOTIFY NONE\r\n");
    o.server("n2 OK done\r\n");
    o.server("* STATUS misc (MESSAGES 6)\r\n");
    o.server("* 2 EXPUNGE\r\n");
    CHECK(test::violations(o.trace).size() == before + 2);
}

TEST_CASE("SELECTED-DELAYED keeps EXPUNGE for a command; a failed NOTIFY changes nothing") {
    test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
    notify_selected(o);
    o.client("n1 NOTIFY SET (selected-delayed (MessageNew MessageExpunge))\r\n");
    o.server("n1 OK done\r\n");
    o.server("* 3 EXPUNGE\r\n");
    CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 3501 7.4.1"});
    // Nor may it come while a FETCH by message number is in progress.
    o.client("f1 FETCH 1:* (FLAGS)\r\n");
    o.server("* 1 FETCH (FLAGS ())\r\n* 1 EXPUNGE\r\nf1 OK done\r\n");
    CHECK(test::violation_sections(o.trace) ==
          std::vector<std::string>{"RFC 3501 7.4.1", "RFC 3501 7.4.1"});
    o.client("n2 NOTIFY SET (selected (MessageNew MessageExpunge))\r\n");
    o.server("n2 NO [BADEVENT (MessageNew MessageExpunge FlagChange)] not here\r\n");
    o.server("* 1 EXPUNGE\r\n");
    CHECK(test::violations(o.trace).size() == 3);
}

TEST_CASE("SELECTED MessageExpunge lets EXPUNGE come even during a FETCH (RFC 5465 6.1.1)") {
    test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
    notify_selected(o);
    o.client("n1 NOTIFY SET (selected (MessageNew (UID) MessageExpunge))\r\n");
    o.server("n1 OK done\r\n");
    o.client("f1 FETCH 1:* (FLAGS)\r\n");
    o.server("* 1 FETCH (FLAGS ())\r\n* 3 EXPUNGE\r\n* 2 FETCH (FLAGS ())\r\nf1 OK done\r\n");
    o.client("s1 STORE 1 +FLAGS (\\Seen)\r\n");
    o.server("* 2 EXPUNGE\r\n* 1 FETCH (FLAGS (\\Seen))\r\ns1 OK done\r\n");
    CHECK(test::violations(o.trace).empty());
}

TEST_CASE("BADEVENT lists events and NOTIFICATIONOVERFLOW ends the notifications (RFC 5465 5.8)") {
    const auto refused = test::parsed_response(
        "n1 NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName)] no such event\r\n");
    REQUIRE(refused.code);
    CHECK(refused.code->name == "BADEVENT");
    CHECK(refused.code->list ==
          std::vector<std::string>{"MessageNew", "MessageExpunge", "FlagChange", "MailboxName"});
    CHECK(imap::response_section(refused) == "RFC 5465 3.1");
    const auto built =
        imap::make_status("n1", imap::Status::No,
                          imap::make_code_list("BADEVENT", {"MessageNew", "FlagChange"}), "no");
    CHECK(imap::serialize(built) == "n1 NO [BADEVENT (MessageNew FlagChange)] no\r\n");

    const auto overflow = test::parsed_response("* OK [NOTIFICATIONOVERFLOW] too many\r\n");
    REQUIRE(overflow.code);
    CHECK(imap::response_section(overflow) == "RFC 5465 5.8");

    test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
    notify_selected(o);
    o.client(
        "n1 NOTIFY SET (selected (MessageNew MessageExpunge)) (personal (MessageNew "
        "MessageExpunge))\r\n");
    o.server("n1 OK done\r\n");
    o.server("* STATUS misc (MESSAGES 5)\r\n");
    CHECK(test::violations(o.trace).empty());
    o.server("* OK [NOTIFICATIONOVERFLOW] too many\r\n");
    o.server("* STATUS misc (MESSAGES 6)\r\n");
    CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 3501 7.2.4"});
}

TEST_CASE("the RFC 5465 examples decode cleanly") {
    test::check_decodes_cleanly(
        "rfc5465_notify",
        {"* OK [CAPABILITY IMAP4rev1 NOTIFY",
         "* STATUS Lists/Lemonade (UIDVALIDITY 4 UIDNEXT 10000", "* 127 ", "* LIST (", "* 99 ",
         "* STATUS Lists/Lemonade (HIGHESTMODSEQ", "* 444 ", "* STATUS Lists/Lemonade (UIDNEXT",
         "* STATUS misc (UIDNEXT", "* OK [NOTIFICATIONOVERFLOW]"});

    test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
    for (const auto& chunk : test::transcript_chunks("imap/rfc5465_notify.txt"))
        o.session.feed(chunk.dir, chunk.bytes);
    CHECK(test::links_to(o.trace, "* STATUS Lists/Im2000", "b"));
    const auto* renamed = test::first_raw(o.trace, "* LIST () \"/\" \"NewMailbox\" (");
    REQUIRE(renamed);
    CHECK(renamed->section == "RFC 5465 5.4");
    const auto* overflow = test::first_raw(o.trace, "* OK [NOTIFICATIONOVERFLOW]");
    REQUIRE(overflow);
    CHECK(overflow->section == "RFC 5465 5.8");
}
