// THREAD=REFERENCES (RFC 5256 3) as a pure function: messages described by
// their header fields in, the THREAD response's threads out.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server_mock/base_subject.hpp"
#include "server_mock/thread_references.hpp"
#include "sim/imap/response.hpp"

using namespace mailscope;
using namespace mailscope::server;

namespace {

// A message as THREAD=REFERENCES reads it, from header field values as sent.
ThreadMessage thread_refs_message(std::uint32_t number, std::int64_t sent, std::string_view subject,
                                  std::string_view message_id, std::string_view references = "",
                                  std::string_view in_reply_to = "") {
    const BaseSubject base = base_subject_of(subject);
    const auto own_ids = message_ids(message_id);
    const auto reply_ids = message_ids(in_reply_to);
    return {
        .number = number,
        .message_id = own_ids.empty() ? std::string() : own_ids.front(),
        .references = message_ids(references),
        .in_reply_to = reply_ids.empty() ? std::string() : reply_ids.front(),
        .base_subject = base.text,
        .reply_or_forward = base.reply_or_forward,
        .sent = sent,
    };
}

// The threads of `messages` as a THREAD response writes them, "(1 2)(3)",
// after checking that the response keeps to RFC 5256's grammar.
std::string thread_refs_of(const std::vector<ThreadMessage>& messages) {
    const std::string line = imap::serialize(imap::make_thread(thread_by_references(messages)));
    const auto parsed = imap::parse_response(line);
    INFO(line);
    CHECK_FALSE(parsed.error);
    std::string_view threads = line;
    threads.remove_prefix(std::string_view("* THREAD").size());
    threads.remove_suffix(2);
    if (threads.starts_with(' ')) threads.remove_prefix(1);
    return std::string(threads);
}

}  // namespace

TEST_CASE("message_ids reads msg-ids, quoting undone (RFC 5256 3, RFC 5322 3.6.4)") {
    // RFC 5256 3's own pair: one Message ID, however quoted.
    CHECK(message_ids("<\"01KF8JCEOCBS0045PS\"@xxx.yyy.com>") ==
          std::vector<std::string>{"<01KF8JCEOCBS0045PS@xxx.yyy.com>"});
    CHECK(message_ids("<01KF8JCEOCBS0045PS@xxx.yyy.com>") ==
          std::vector<std::string>{"<01KF8JCEOCBS0045PS@xxx.yyy.com>"});
    CHECK(message_ids("<\"a\\\"b c\"@x> <\"a\".b@x>") ==
          std::vector<std::string>{"<a\"b c@x>", "<a.b@x>"});
    // Unfolded References: ids between comments and blanks, in order; an id
    // inside a comment is no reference.
    CHECK(message_ids("<a@x> (the one <fake@x> quoted)   <b@example.org>\t<c@[192.0.2.1]>") ==
          std::vector<std::string>{"<a@x>", "<b@example.org>", "<c@[192.0.2.1]>"});
    // Not msg-ids: no "@", nothing before it, an empty id-right, no ">".
    CHECK(message_ids("<no-at-sign> <@x> <a@> <a..b@x> <a@x").empty());
    CHECK(message_ids("garbage <ok@x> trailing").size() == 1);
    CHECK(message_ids("").empty());
}

TEST_CASE("a reply or forward is what the base subject's Re:, Fwd: and (fwd) mark") {
    for (const char* reply : {"Re: Plan", "FWD: Plan", "fw: Plan", "[list] Re: Plan", "Plan (fwd)",
                              "[Fwd: Plan]", "Re[2]: Plan"}) {
        const std::string subject = reply;
        CAPTURE(subject);
        CHECK(base_subject_of(reply).reply_or_forward);
        CHECK(base_subject_of(reply).text == "PLAN");
    }
    for (const char* original : {"Plan", "  Plan  ", "[list] Plan", "Reply needed", "Re Plan"}) {
        const std::string subject = original;
        CAPTURE(subject);
        CHECK_FALSE(base_subject_of(original).reply_or_forward);
    }
}

TEST_CASE("REFERENCES: a reply chain, whatever the mailbox order") {
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 200, "Re: Plan", "<b@x>", "<a@x>"),
              thread_refs_message(3, 300, "Re: Plan", "<c@x>", "<a@x> <b@x>"),
          }) == "(1 2 3)");
    // In-Reply-To alone links as well.
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 200, "Re: Plan", "<b@x>", "", "<a@x>"),
              thread_refs_message(3, 300, "Re: Plan", "<c@x>", "", "<b@x>"),
          }) == "(1 2 3)");
    // Replies stored before what they answer.
    CHECK(thread_refs_of({
              thread_refs_message(1, 300, "Re: Plan", "<c@x>", "<a@x> <b@x>"),
              thread_refs_message(2, 200, "Re: Plan", "<b@x>", "<a@x>"),
              thread_refs_message(3, 100, "Plan", "<a@x>"),
          }) == "(3 2 1)");
    // Ids match however quoted, but their case counts.
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<\"01KF8JCEOCBS0045PS\"@xxx.yyy.com>"),
              thread_refs_message(2, 200, "Lunch", "<b@x>", "<01KF8JCEOCBS0045PS@xxx.yyy.com>"),
              thread_refs_message(3, 300, "Budget", "<c@x>", "<01kf8jceocbs0045ps@xxx.yyy.com>"),
          }) == "(1 2)(3)");
    CHECK(thread_refs_of({}).empty());
}

TEST_CASE("REFERENCES: References before In-Reply-To, which stands in for none valid") {
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 200, "Budget", "<b@x>"),
              thread_refs_message(3, 300, "Re: Plan", "<c@x>", "<a@x>", "<b@x>"),
          }) == "(1 3)(2)");
    // References without a valid id: the first id of In-Reply-To, even
    // with an address after it.
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 200, "Budget", "<b@x>"),
              thread_refs_message(3, 300, "Re: Plan", "<c@x>", "lost in transit",
                                  "<b@x> (Bob's message of <bob@x>)"),
          }) == "(1)(2 3)");
}

TEST_CASE("REFERENCES: a parent nobody has is a dummy, shown only through its children") {
    // RFC 5256 4's "((3)(5))": siblings of a parent that is not there.
    CHECK(thread_refs_of({
              thread_refs_message(3, 100, "Re: Plan", "<c@x>", "<gone@x>"),
              thread_refs_message(5, 200, "Re: Lunch", "<e@x>", "<gone@x>"),
          }) == "((3)(5))");
    // With one child a dummy at the top gives way to it.
    CHECK(thread_refs_of({
              thread_refs_message(1, 200, "Re: Plan", "<a@x>", "<gone@x>"),
              thread_refs_message(2, 100, "Lunch", "<b@x>"),
          }) == "(2)(1)");
    // Below the top every dummy gives way to its children.
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 200, "Re: Plan", "<c@x>", "<a@x> <gone@x>"),
          }) == "(1 2)");
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 200, "Re: Plan", "<c@x>", "<a@x> <gone@x>"),
              thread_refs_message(3, 300, "Re: Plan", "<d@x>", "<a@x> <gone@x> <lost@x>"),
          }) == "(1 (2)(3))");
    // Dummies are pruned from the bottom: <top@x> had two children, but
    // <empty@x> lost its only one, 1, whose own last reference is itself (so
    // it is unlinked and linked nowhere); <top@x> keeps one and gives way.
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>", "<top@x> <empty@x> <a@x>"),
              thread_refs_message(2, 200, "Lunch", "<b@x>", "<top@x>"),
          }) == "(1)(2)");
}

TEST_CASE("REFERENCES: a link one list made stays; a message's own last reference wins") {
    // <b@x> is under <a@x> by message 3's list; message 4's list cannot move it.
    CHECK(thread_refs_of({
              thread_refs_message(1, 10, "Alpha", "<a@x>"),
              thread_refs_message(2, 20, "Gamma", "<c@x>"),
              thread_refs_message(3, 30, "Re: Beta", "<x@x>", "<a@x> <b@x>"),
              thread_refs_message(4, 40, "Re: Beta", "<y@x>", "<c@x> <b@x>"),
          }) == "(1 (3)(4))(2)");
    // Once <b@x> is here, its own References put it under <c@x>: the list of
    // message 3 may have been truncated.
    CHECK(thread_refs_of({
              thread_refs_message(1, 10, "Alpha", "<a@x>"),
              thread_refs_message(2, 20, "Gamma", "<c@x>"),
              thread_refs_message(3, 30, "Re: Beta", "<x@x>", "<a@x> <b@x>"),
              thread_refs_message(4, 40, "Beta", "<b@x>", "<c@x>"),
          }) == "(1)(2 4 3)");
}

TEST_CASE("REFERENCES: no link closes a loop") {
    // Each names the other: the first link made stands.
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Loop", "<a@x>", "<b@x>"),
              thread_refs_message(2, 200, "Re: Loop", "<b@x>", "<a@x>"),
          }) == "(2 1)");
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Self", "<a@x>", "<a@x>"),
              thread_refs_message(2, 200, "Twice", "<b@x>", "<p@x> <q@x> <p@x> <b@x>"),
          }) == "(1)(2)");
    // A longer ring: a under c, b under a, and c cannot go under b.
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Ring", "<a@x>", "<c@x>"),
              thread_refs_message(2, 200, "Ring two", "<b@x>", "<a@x>"),
              thread_refs_message(3, 300, "Ring three", "<c@x>", "<b@x>"),
          }) == "(3 1 2)");
}

TEST_CASE("REFERENCES: a duplicate Message-ID belongs to the first message") {
    // 2 is dated first, but 1 comes first in the mailbox: 3 answers 1.
    CHECK(thread_refs_of({
              thread_refs_message(1, 300, "Plan", "<a@x>"),
              thread_refs_message(2, 100, "Other", "<a@x>"),
              thread_refs_message(3, 400, "Re: Plan", "<c@x>", "<a@x>"),
          }) == "(2)(1 3)");
    // A duplicate's references still count.
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 200, "Lunch", "<b@x>"),
              thread_refs_message(3, 300, "Re: Lunch", "<a@x>", "<b@x>"),
          }) == "(1)(2 3)");
}

TEST_CASE("REFERENCES: a message without a valid Message-ID is a thread of its own") {
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 200, "Re: Plan", "", "<a@x>"),
              thread_refs_message(3, 300, "Lunch", ""),
              thread_refs_message(4, 400, "Budget", "not an id"),
              // "<>" is no id either: it does not reach 2 or 3.
              thread_refs_message(5, 500, "Agenda", "<e@x>", "<>"),
          }) == "(1 2)(3)(4)(5)");
}

TEST_CASE("REFERENCES step 5: threads of one base subject merge") {
    // A reply goes under the original, even one sent later.
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Re: Plan", "<b@x>"),
              thread_refs_message(2, 200, "Plan", "<a@x>"),
          }) == "(2 1)");
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 200, "Plan (fwd)", "<b@x>"),
              thread_refs_message(3, 300, "[Fwd: plan]", "<c@x>"),
          }) == "(1 (2)(3))");
    // Two originals, or two replies, become siblings under a dummy; a later
    // reply joins them there.
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 200, "PLAN", "<b@x>"),
          }) == "((1)(2))");
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Re: Plan", "<a@x>"),
              thread_refs_message(2, 200, "Re: Plan", "<b@x>"),
          }) == "((1)(2))");
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 200, "Plan", "<b@x>"),
              thread_refs_message(3, 300, "Re: Plan", "<c@x>"),
          }) == "((1)(2)(3))");
    // The merge goes by date: a reply dated before the second original has
    // already gone under the first when the dummy is made.
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 300, "Plan", "<b@x>"),
              thread_refs_message(3, 200, "Re: Plan", "<c@x>"),
          }) == "((1 3)(2))");
    // A dummy of references gathers the subject: the original goes under it.
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Re: Plan", "<c@x>", "<gone@x>"),
              thread_refs_message(2, 200, "Re: Plan", "<d@x>", "<gone@x>"),
              thread_refs_message(3, 300, "Plan", "<e@x>"),
          }) == "((1)(2)(3))");
    // Only the top of a thread is compared, and an empty subject is none.
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 200, "Lunch", "<b@x>"),
              thread_refs_message(3, 300, "Re: Plan", "<c@x>", "<b@x>"),
              thread_refs_message(4, 400, "", "<d@x>"),
              thread_refs_message(5, 500, "Re:", "<e@x>"),
          }) == "(1)(2 3)(4)(5)");
}

TEST_CASE("REFERENCES step 6: siblings by sent date, ties by mailbox order") {
    CHECK(thread_refs_of({
              thread_refs_message(1, 100, "Plan", "<a@x>"),
              thread_refs_message(2, 500, "Re: Plan", "<b@x>", "", "<a@x>"),
              thread_refs_message(3, 300, "Re: Plan", "<c@x>", "", "<a@x>"),
              thread_refs_message(4, 300, "Re: Plan", "<d@x>", "", "<a@x>"),
              thread_refs_message(5, 200, "Re: Plan", "<e@x>", "", "<a@x>"),
          }) == "(1 (5)(3)(4)(2))");
    // A thread with a dummy on top is dated by its earliest message.
    CHECK(thread_refs_of({
              thread_refs_message(1, 300, "Lunch", "<a@x>"),
              thread_refs_message(2, 400, "Re: Plan", "<b@x>", "<gone@x>"),
              thread_refs_message(3, 200, "Re: Agenda", "<c@x>", "<gone@x>"),
              thread_refs_message(4, 300, "Budget", "<d@x>"),
          }) == "((3)(2))(1)(4)");
}

TEST_CASE("REFERENCES builds the thread shapes of RFC 5256's examples") {
    // RFC 5256 4: 6 answers 3; 4 and 44 answer 6; 23 answers 4; 7 answers
    // 44 and 96 answers 7. Parents come later in the mailbox than some of
    // their replies, as the RFC remarks.
    CHECK(thread_refs_of({
              thread_refs_message(2, 10, "Other", "<m2@x>"),
              thread_refs_message(3, 20, "Topic", "<m3@x>"),
              thread_refs_message(4, 40, "Re: Topic", "<m4@x>", "<m3@x> <m6@x>"),
              thread_refs_message(6, 30, "Re: Topic", "<m6@x>", "<m3@x>"),
              thread_refs_message(7, 70, "Re: Topic", "<m7@x>", "<m3@x> <m6@x> <m44@x>"),
              thread_refs_message(23, 60, "Re: Topic", "<m23@x>", "<m3@x> <m6@x> <m4@x>"),
              thread_refs_message(44, 50, "Re: Topic", "<m44@x>", "<m3@x> <m6@x>"),
              thread_refs_message(96, 80, "Re: Topic", "<m96@x>", "<m3@x> <m6@x> <m44@x> <m7@x>"),
          }) == "(2)(3 6 (4 23)(44 7 96))");
    // From RFC 5256 3's A285: replies to a message not in the results,
    // ordered by date (183 before 182), two of them with replies of their own.
    CHECK(thread_refs_of({
              thread_refs_message(177, 10, "Re: Meeting", "<m177@x>", "<root@x>"),
              thread_refs_message(182, 30, "Re: Meeting", "<m182@x>", "<root@x>"),
              thread_refs_message(183, 20, "Re: Meeting", "<m183@x>", "<root@x>"),
              thread_refs_message(184, 45, "Re: Meeting", "<m184@x>", "<root@x> <m188@x>"),
              thread_refs_message(185, 50, "Re: Meeting", "<m185@x>", "<root@x>"),
              thread_refs_message(186, 52, "Re: Meeting", "<m186@x>", "<root@x> <m185@x>"),
              thread_refs_message(187, 60, "Re: Meeting", "<m187@x>", "<root@x>"),
              thread_refs_message(188, 40, "Re: Meeting", "<m188@x>", "<root@x>"),
              thread_refs_message(189, 55, "Re: Meeting", "<m189@x>", "<root@x> <m188@x>"),
          }) == "((177)(183)(182)(188 (184)(189))(185 186)(187))");
    // And its "((170)(179))" and "(200 202)": originals of one subject under
    // a dummy; a reply that lost its references under its original.
    CHECK(thread_refs_of({
              thread_refs_message(170, 10, "Status", "<m170@x>"),
              thread_refs_message(179, 20, "Status", "<m179@x>"),
              thread_refs_message(200, 30, "Review", "<m200@x>"),
              thread_refs_message(202, 40, "Re: Review", "<m202@x>"),
          }) == "((170)(179))(200 202)");
}
