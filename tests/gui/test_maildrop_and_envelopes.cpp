// The POP3 maildrop and the SMTP envelopes as their clients know them,
// folded from commands and the replies linked to them, at any cursor.
#include <doctest/doctest.h>

#include <string>

#include "gui/view_model/envelope_snapshot.hpp"
#include "gui/view_model/maildrop_snapshot.hpp"
#include "gui/view_model/truth_beside.hpp"
#include "lessons/lesson_loader.hpp"
#include "lessons/lesson_runner.hpp"

using namespace mailscope;
using namespace mailscope::gui;

namespace {

class Exchange {
  public:
    explicit Exchange(sim::Protocol protocol) : trace(protocol, "hand-built") {}

    // A command and its reply; the reply's seq.
    std::uint64_t ask(const std::string& line, const std::string& reply) {
        sim::TraceEvent command = base(sim::Direction::ClientToServer, sim::EventKind::Command);
        command.raw = line + "\r\n";
        command.name = line.substr(0, line.find(' '));
        const auto asked = trace.append(std::move(command));
        return answer(asked, reply);
    }

    std::uint64_t answer(std::uint64_t asked, const std::string& reply) {
        sim::TraceEvent event = base(sim::Direction::ServerToClient, sim::EventKind::Tagged);
        event.raw = reply;
        if (trace.protocol() == sim::Protocol::Smtp) {
            event.reply_code = static_cast<std::uint16_t>(std::stoi(reply.substr(0, 3)));
            event.status = sim::smtp_status(event.reply_code);
            if (event.reply_code == 354) event.kind = sim::EventKind::Continuation;
        } else {
            event.status =
                reply.rfind("+OK", 0) == 0 ? sim::ReplyStatus::PlusOk : sim::ReplyStatus::MinusErr;
        }
        event.link = sim::Link::Answers;
        event.link_seq = asked;
        return trace.append(std::move(event));
    }

    std::uint64_t content(std::uint64_t data_command, std::uint64_t octets) {
        sim::TraceEvent event = base(sim::Direction::ClientToServer, sim::EventKind::Literal);
        event.name = "DATA";
        event.raw = "Subject: hi\r\n\r\nhello\r\n.\r\n";
        event.literal = sim::LiteralInfo{octets, false, false};
        event.link = sim::Link::Answers;
        event.link_seq = data_command;
        return trace.append(std::move(event));
    }

    sim::SessionTrace trace;

  private:
    sim::TraceEvent base(sim::Direction dir, sim::EventKind kind) const {
        sim::TraceEvent event;
        event.protocol = trace.protocol();
        event.dir = dir;
        event.kind = kind;
        return event;
    }
};

lessons::Lesson load(const char* relative) {
    const std::string path = std::string(MAILSCOPE_SOURCE_DIR) + "/lessons/" + relative;
    auto result = lessons::load_lesson_file(path);
    if (result.error) FAIL(lessons::to_string(*result.error));
    return std::move(*result.lesson);
}

}  // namespace

TEST_CASE("the maildrop: STAT, LIST and UIDL fill it; DELE marks, RSET unmarks") {
    Exchange pop(sim::Protocol::Pop3);
    const auto stat = pop.ask("STAT", "+OK 3 600\r\n");
    const auto list = pop.ask("LIST", "+OK 3 messages\r\n1 100\r\n2 200\r\n3 300\r\n.\r\n");
    const auto uidl = pop.ask("UIDL 2", "+OK 2 1700000000.2\r\n");
    const auto dele = pop.ask("DELE 1", "+OK message 1 deleted\r\n");
    const auto refused = pop.ask("DELE 9", "-ERR no such message\r\n");
    const auto retr = pop.ask("RETR 3", "+OK 300 octets\r\n");
    const auto rset = pop.ask("RSET", "+OK\r\n");
    MaildropTimeline timeline;

    const MaildropSnapshot& before = timeline.at(pop.trace, stat - 1);
    CHECK_FALSE(before.count);
    CHECK(before.messages.empty());

    const MaildropSnapshot& counted = timeline.at(pop.trace, stat);
    CHECK(counted.count == 3u);
    CHECK(counted.total_size == 600u);
    REQUIRE(counted.messages.size() == 3);
    CHECK_FALSE(counted.messages[1].size);

    const MaildropSnapshot& listed = timeline.at(pop.trace, uidl);
    CHECK(listed.messages[0].size == 100u);
    CHECK(listed.messages[2].size == 300u);
    CHECK(listed.messages[1].uidl == "1700000000.2");
    CHECK_FALSE(listed.messages[0].uidl);
    CHECK(listed.changed == std::vector<std::uint32_t>{2});

    const MaildropSnapshot& marked = timeline.at(pop.trace, refused);
    CHECK(marked.count == 3u);  // DELE 9 refused, no STAT since
    CHECK(marked.messages[0].deleted);
    CHECK(marked.deleted_count() == 1);
    CHECK(marked.messages.size() == 3);  // -ERR to DELE 9 adds nothing

    const MaildropSnapshot& undone = timeline.at(pop.trace, rset);
    CHECK_FALSE(undone.messages[0].deleted);
    CHECK(undone.messages[2].retrieved);
    CHECK(undone.changed == std::vector<std::uint32_t>{1});

    // Back in time: the mark is there again, and before LIST no sizes.
    CHECK(timeline.at(pop.trace, retr).messages[0].deleted);
    CHECK(timeline.at(pop.trace, dele).messages[0].deleted);
    CHECK_FALSE(timeline.at(pop.trace, list - 1).messages[0].size);
    CHECK(timeline.latest(pop.trace).deleted_count() == 0);
}

TEST_CASE("a STAT after DELE counts fewer messages, and every number stays") {
    Exchange pop(sim::Protocol::Pop3);
    pop.ask("LIST", "+OK\r\n1 10\r\n2 20\r\n3 30\r\n.\r\n");
    pop.ask("DELE 1", "+OK\r\n");
    const auto stat = pop.ask("STAT", "+OK 2 50\r\n");
    MaildropTimeline timeline;
    const MaildropSnapshot& snapshot = timeline.at(pop.trace, stat);
    CHECK(snapshot.count == 2u);
    REQUIRE(snapshot.messages.size() == 3);
    CHECK(snapshot.messages[2].size == 30u);
    CHECK(snapshot.messages[0].deleted);
}

TEST_CASE("the maildrop after QUIT: the marked messages are gone") {
    Exchange pop(sim::Protocol::Pop3);
    pop.ask("STAT", "+OK 2 30\r\n");
    pop.ask("DELE 2", "+OK\r\n");
    const auto quit = pop.ask("QUIT", "+OK bye, 1 message deleted\r\n");
    MaildropTimeline timeline;
    CHECK_FALSE(timeline.at(pop.trace, quit - 1).updated);
    const MaildropSnapshot& after = timeline.at(pop.trace, quit);
    CHECK(after.updated);
    CHECK(after.messages[1].deleted);
}

TEST_CASE(
    "the maildrop of the POP3 lesson, with the store's truth where the client has not asked") {
    lessons::LessonRunner runner(load("pop3/01-pop3-session.yaml"));
    runner.jump_to(4);  // logged in, nothing asked
    const StoreTruth truth = truth_of(runner.store(), runner.server_session(0));
    REQUIRE(truth.rows.size() == 3);
    CHECK(truth.rows[0].subject == "Lunch on Friday?");

    MaildropTimeline timeline;
    const sim::SessionTrace& trace = runner.client_trace(0);
    const MaildropSnapshot& unknown = timeline.at(trace, trace.size() - 1);
    CHECK(unknown.messages.empty());
    MailboxShown shown = pop3_shown(unknown, &truth);
    CHECK(shown.view == "pop3");
    CHECK(shown.rows == 3);
    CHECK(shown.greyed_rows == 3);

    runner.jump_to(7);  // STAT, LIST, UIDL
    MaildropTimeline again;
    const sim::SessionTrace& later = runner.client_trace(0);
    const MaildropSnapshot& known = again.at(later, later.size() - 1);
    REQUIRE(known.messages.size() == 3);
    CHECK(known.count == 3u);
    CHECK(known.messages[1].size == truth.rows[1].size);
    CHECK(known.messages[1].uidl == server_uidl(truth, truth.rows[1]));
    shown = pop3_shown(known, &truth);
    CHECK(shown.greyed_rows == 0);

    runner.jump_to(12);  // DELE 1, then RSET
    MaildropTimeline reset;
    const sim::SessionTrace& undone = runner.client_trace(0);
    CHECK(reset.at(undone, undone.size() - 1).deleted_count() == 0);
    bool marked_on_the_way = false;
    for (std::uint64_t cursor = 0; cursor < undone.size(); ++cursor)
        marked_on_the_way |= reset.at(undone, cursor).deleted_count() == 1;
    CHECK(marked_on_the_way);
}

TEST_CASE("an SMTP transaction: MAIL FROM, recipients accepted and refused, DATA, queued") {
    Exchange smtp(sim::Protocol::Smtp);
    const auto ehlo = smtp.ask("EHLO client.example", "250 mail.example\r\n");
    const auto mail = smtp.ask("MAIL FROM:<bob@example.org>", "250 2.1.0 OK\r\n");
    const auto alice = smtp.ask("RCPT TO:<alice@example.org>", "250 2.1.5 OK\r\n");
    const auto nobody = smtp.ask("RCPT TO:<nobody@example.org>", "550 5.1.1 no such user\r\n");
    sim::TraceEvent data;
    data.protocol = sim::Protocol::Smtp;
    data.kind = sim::EventKind::Command;
    data.raw = "DATA\r\n";
    data.name = "DATA";
    const auto data_command = smtp.trace.append(data);
    const auto go_on = smtp.answer(data_command, "354 go ahead\r\n");
    const auto content = smtp.content(data_command, 21);
    const auto queued = smtp.answer(data_command, "250 2.0.0 queued as 1\r\n");
    EnvelopeTimeline timeline;

    CHECK(timeline.at(smtp.trace, ehlo).transactions.empty());
    const EnvelopeSnapshot& opened = timeline.at(smtp.trace, mail);
    REQUIRE(opened.current());
    CHECK(opened.current()->mail_from.path == "bob@example.org");
    CHECK(opened.current()->mail_from.code == 250);
    CHECK(opened.current()->end == TransactionEnd::Open);

    const EnvelopeSnapshot& recipients = timeline.at(smtp.trace, nobody);
    REQUIRE(recipients.current()->recipients.size() == 2);
    CHECK(recipients.current()->recipients[0].accepted());
    CHECK(recipients.current()->recipients[1].code == 550);
    CHECK_FALSE(recipients.current()->recipients[1].accepted());
    CHECK(timeline.at(smtp.trace, alice).current()->recipients.size() == 1);

    CHECK(timeline.at(smtp.trace, go_on).current()->data_code == 354u);
    CHECK_FALSE(timeline.at(smtp.trace, go_on).current()->data_octets);
    CHECK(timeline.at(smtp.trace, content).current()->data_octets == 21u);
    const EnvelopeSnapshot& done = timeline.at(smtp.trace, queued);
    CHECK(done.current()->end == TransactionEnd::Queued);
    CHECK(done.current()->final_code == 250);
    CHECK(smtp_shown(done).rows == 5);

    // Back before the content: still open.
    CHECK(timeline.at(smtp.trace, go_on).current()->end == TransactionEnd::Open);
}

TEST_CASE("SMTP: a refused MAIL FROM, a RSET and a session that ends mid-transaction") {
    Exchange smtp(sim::Protocol::Smtp);
    smtp.ask("MAIL FROM:<>", "503 5.5.1 EHLO first\r\n");
    smtp.ask("EHLO client.example", "250 mail.example\r\n");
    smtp.ask("MAIL FROM:<bob@example.org>", "250 OK\r\n");
    const auto rset = smtp.ask("RSET", "250 OK\r\n");
    smtp.ask("MAIL FROM:<carol@example.org>", "250 OK\r\n");
    const auto quit = smtp.ask("QUIT", "221 bye\r\n");
    EnvelopeTimeline timeline;
    const EnvelopeSnapshot& reset = timeline.at(smtp.trace, rset);
    REQUIRE(reset.transactions.size() == 2);
    CHECK(reset.transactions[0].end == TransactionEnd::Refused);
    CHECK(reset.transactions[0].mail_from.path.empty());
    CHECK(reset.transactions[0].mail_from.code == 503);
    CHECK(reset.transactions[1].end == TransactionEnd::Reset);
    const EnvelopeSnapshot& ended = timeline.at(smtp.trace, quit);
    REQUIRE(ended.transactions.size() == 3);
    CHECK(ended.transactions[2].end == TransactionEnd::Aborted);
    CHECK(timeline.at(smtp.trace, quit - 1).transactions[2].end == TransactionEnd::Open);
}

TEST_CASE("the SMTP lesson's transactions, step by step") {
    lessons::LessonRunner runner(load("smtp/01-smtp-session.yaml"));
    runner.jump_to(9);  // the message content was sent and queued
    const sim::SessionTrace& trace = runner.client_trace(0);
    EnvelopeTimeline timeline;
    const EnvelopeSnapshot& snapshot = timeline.at(trace, trace.size() - 1);
    REQUIRE(snapshot.transactions.size() == 2);
    CHECK(snapshot.transactions[0].end == TransactionEnd::Refused);  // MAIL before EHLO
    const Transaction& sent = snapshot.transactions[1];
    CHECK(sent.mail_from.path == "bob@example.org");
    CHECK(sent.end == TransactionEnd::Queued);
    CHECK(sent.final_code == 250);
    REQUIRE(sent.recipients.size() == 4);
    CHECK_FALSE(sent.recipients[0].accepted());  // relaying elsewhere is refused
    CHECK(sent.recipients[1].accepted());
    REQUIRE(sent.data_octets);
    CHECK(*sent.data_octets > 100);
    CHECK(timeline.latest(trace).transactions.size() == 2);
}
