// The view models over POP3 and SMTP traces built by hand, event by event,
// as the engines write them (the contract of sim/pop3 and sim/smtp): no
// tags, +OK/-ERR or three-digit replies linked to their commands, message
// bodies as literals, the protocols' own state tables.
#include <doctest/doctest.h>

#include <string>

#include "gui/sequence_figure.hpp"
#include "gui/theme.hpp"
#include "gui/view_model/display_index.hpp"
#include "gui/view_model/protocol_states.hpp"
#include "gui/view_model/row_text.hpp"
#include "gui/view_model/state_timeline.hpp"
#include "gui/view_model/trace_index.hpp"
#include "sim/pop3/states.hpp"
#include "sim/smtp/states.hpp"

using namespace mailscope;
using namespace mailscope::gui;

namespace {

class TraceBuilder {
  public:
    explicit TraceBuilder(sim::Protocol protocol) : trace(protocol, "hand-built") {}

    std::uint64_t command(std::string line, std::string name, std::string section,
                          bool redacted = false) {
        sim::TraceEvent event = base(sim::Direction::ClientToServer, sim::EventKind::Command);
        event.raw = line + "\r\n";
        event.name = std::move(name);
        event.summary = std::move(line);
        event.section = std::move(section);
        event.redacted = redacted;
        return trace.append(std::move(event));
    }

    std::uint64_t reply(sim::EventKind kind, std::string raw, std::string status,
                        std::optional<std::uint64_t> answers, std::string section) {
        sim::TraceEvent event = base(sim::Direction::ServerToClient, kind);
        event.raw = std::move(raw);
        // "+OK" and "-ERR", or an SMTP code.
        if (status == "+OK") {
            event.status = sim::ReplyStatus::PlusOk;
        } else if (status == "-ERR") {
            event.status = sim::ReplyStatus::MinusErr;
        } else {
            event.reply_code = static_cast<std::uint16_t>(std::stoi(status));
            event.status = sim::smtp_status(event.reply_code);
        }
        event.section = std::move(section);
        if (answers) {
            event.link = sim::Link::Answers;
            event.link_seq = answers;
        }
        return trace.append(std::move(event));
    }

    std::uint64_t body(sim::Direction dir, std::string raw, std::uint64_t size,
                       std::uint64_t carrier) {
        sim::TraceEvent event = base(dir, sim::EventKind::Literal);
        event.raw = std::move(raw);
        event.literal = sim::LiteralInfo{size, false, false};
        event.link_seq = carrier;
        return trace.append(std::move(event));
    }

    std::uint64_t transition(sim::StateId from, sim::StateId to, int number, std::string cause) {
        sim::TraceEvent event =
            base(sim::Direction::ServerToClient, sim::EventKind::StateTransition);
        event.transition = sim::StateChange{from, to, number, cause, sim::verbatim(cause)};
        event.summary = std::move(cause);
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

std::size_t state_of(pop3::State state) {
    return static_cast<std::size_t>(state);
}
std::size_t state_of(smtp::State state) {
    return static_cast<std::size_t>(state);
}

}  // namespace

TEST_CASE("a POP3 session: +OK and -ERR, the RFC 1939 states, RETR's body as a message") {
    using pop3::State;
    TraceBuilder b(sim::Protocol::Pop3);
    const auto greeting =
        b.reply(sim::EventKind::Untagged, "+OK POP3 server ready\r\n", "+OK", {}, "RFC 1939 4");
    b.transition(State::Connecting, State::Authorization, 1, "+OK greeting");
    const auto user = b.command("USER alice", "USER", "RFC 1939 7");
    const auto user_ok =
        b.reply(sim::EventKind::Tagged, "+OK send PASS\r\n", "+OK", user, "RFC 1939 7");
    const auto pass = b.command("PASS ***", "PASS", "RFC 1939 7", true);
    b.reply(sim::EventKind::Tagged, "+OK maildrop has 2 messages\r\n", "+OK", pass, "RFC 1939 7");
    const auto logged_in =
        b.transition(State::Authorization, State::Transaction, 2, "PASS accepted");
    const auto retr = b.command("RETR 1", "RETR", "RFC 1939 5");
    const auto retr_ok =
        b.reply(sim::EventKind::Tagged, "+OK 25 octets\r\n", "+OK", retr, "RFC 1939 5");
    const auto body = b.body(sim::Direction::ServerToClient,
                             "Subject: hi\r\n\r\n..leading dot\r\n.\r\n", 25, retr_ok);
    const auto dele = b.command("DELE 9", "DELE", "RFC 1939 5");
    const auto refused =
        b.reply(sim::EventKind::Tagged, "-ERR no such message\r\n", "-ERR", dele, "RFC 1939 5");
    const sim::SessionTrace& trace = b.trace;

    TraceIndex index;
    index.sync(trace);
    CHECK(index.kind(greeting) == RowKind::Untagged);
    CHECK(index.kind(user_ok) == RowKind::TaggedOk);
    CHECK(index.kind(refused) == RowKind::TaggedBad);
    CHECK(index.kind(body) == RowKind::Literal);
    CHECK(index.lane(body) == Lane::Server);
    CHECK(index.command_of(user_ok) == user);
    CHECK(index.command_of(refused) == dele);
    CHECK(index.completion_of(retr) == retr_ok);

    CHECK(theme::kind_label(RowKind::TaggedOk, sim::Protocol::Pop3) == Text::KindPop3Ok);
    CHECK(theme::kind_label(RowKind::TaggedBad, sim::Protocol::Pop3) == Text::KindPop3Err);
    CHECK(theme::kind_label(RowKind::Untagged, sim::Protocol::Pop3) == Text::KindGreeting);
    CHECK(theme::kind_label(RowKind::TaggedOk, sim::Protocol::Imap) == Text::KindTaggedOk);
    CHECK_FALSE(theme::kind_used(RowKind::Flags, sim::Protocol::Pop3));
    CHECK_FALSE(theme::kind_used(RowKind::TaggedNo, sim::Protocol::Pop3));
    CHECK(theme::kind_used(RowKind::TaggedNo, sim::Protocol::Imap));

    StateTimeline states;
    states.sync(trace);
    const StateAtCursor start = states.at(trace, greeting);
    CHECK(start.name == "Connection Established");
    CHECK(start.state == state_of(State::Connecting));
    const StateAtCursor in_transaction = states.at(trace, refused);
    CHECK(in_transaction.name == "TRANSACTION");
    CHECK(in_transaction.state == state_of(State::Transaction));
    CHECK(in_transaction.transition_seq == logged_in);
    REQUIRE(in_transaction.edge);
    const TransitionInfo& edge =
        protocol_states(sim::Protocol::Pop3).transitions[*in_transaction.edge];
    CHECK(edge.number == 2);
    CHECK(edge.from == state_of(State::Authorization));
    CHECK(edge.section == "RFC 1939 4");

    CHECK(row_text(trace.at(retr_ok), sim::Language::En) == "+OK 25 octets");
    CHECK(row_text(trace.at(pass), sim::Language::En) == "PASS ***");

    DisplayIndex display;
    display.sync(trace);
    display.toggle_expanded(body);
    display.sync(trace);
    CHECK(display.line_text(body, 1) == "Subject: hi");
    CHECK(display.line_text(body, 3) == "..leading dot");

    SequenceOptions options;
    const SequenceFigure figure = sequence_figure(trace, options);
    bool message_label = false;
    for (const FigureShape& shape : figure.shapes) {
        if (const auto* text = std::get_if<FigureText>(&shape)) {
            message_label |= text->text == "25 octets of message: Subject: hi";
            CHECK(text->text.find('{') == std::string::npos);
        }
    }
    CHECK(message_label);
}

TEST_CASE("an SMTP session: reply classes by their first digit, the RFC 5321 states") {
    using smtp::State;
    TraceBuilder b(sim::Protocol::Smtp);
    const auto greeting =
        b.reply(sim::EventKind::Untagged, "220 mail.example ESMTP\r\n", "220", {}, "RFC 5321 3.1");
    b.transition(State::Connecting, State::Ready, 1, "220 greeting");
    const auto ehlo = b.command("EHLO client.example", "EHLO", "RFC 5321 4.1.1.1");
    const auto ehlo_ok =
        b.reply(sim::EventKind::Tagged, "250-mail.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n",
                "250", ehlo, "RFC 5321 4.1.1.1");
    b.transition(State::Ready, State::Greeted, 3, "250 after EHLO");
    const auto mail = b.command("MAIL FROM:<a@example>", "MAIL", "RFC 5321 4.1.1.2");
    b.reply(sim::EventKind::Tagged, "250 2.1.0 Ok\r\n", "250", mail, "RFC 5321 4.1.1.2");
    const auto to_mail = b.transition(State::Greeted, State::Mail, 4, "250 after MAIL FROM");
    const auto rcpt = b.command("RCPT TO:<far@elsewhere>", "RCPT", "RFC 5321 4.1.1.3");
    const auto relay = b.reply(sim::EventKind::Tagged, "550 5.7.1 relaying denied\r\n", "550", rcpt,
                               "RFC 5321 4.1.1.3");
    const auto rcpt2 = b.command("RCPT TO:<b@example>", "RCPT", "RFC 5321 4.1.1.3");
    const auto busy = b.reply(sim::EventKind::Tagged, "452 4.5.3 too many recipients\r\n", "452",
                              rcpt2, "RFC 5321 4.1.1.3");
    const auto data = b.command("DATA", "DATA", "RFC 5321 4.1.1.4");
    const auto go_on = b.reply(sim::EventKind::Continuation, "354 End data with .\r\n", "354", data,
                               "RFC 5321 4.1.1.4");
    const sim::SessionTrace& trace = b.trace;

    TraceIndex index;
    index.sync(trace);
    CHECK(index.kind(greeting) == RowKind::Untagged);
    CHECK(index.kind(ehlo_ok) == RowKind::TaggedOk);
    CHECK(index.kind(relay) == RowKind::TaggedBad);
    CHECK(index.kind(busy) == RowKind::TaggedNo);
    CHECK(index.kind(go_on) == RowKind::Continuation);
    CHECK(index.command_of(relay) == rcpt);
    CHECK(index.command_of(busy) == rcpt2);
    // Four distinct colours for the four reply classes.
    CHECK(theme::kind_color(index.kind(ehlo_ok)) != theme::kind_color(index.kind(busy)));
    CHECK(theme::kind_color(index.kind(busy)) != theme::kind_color(index.kind(relay)));
    CHECK(theme::kind_color(index.kind(go_on)) != theme::kind_color(index.kind(ehlo_ok)));
    CHECK(theme::kind_label(RowKind::TaggedNo, sim::Protocol::Smtp) == Text::KindSmtp4xx);
    CHECK(theme::kind_label(RowKind::TaggedBad, sim::Protocol::Smtp) == Text::KindSmtp5xx);
    CHECK(theme::kind_label(RowKind::Continuation, sim::Protocol::Smtp) == Text::KindSmtp3xx);
    CHECK(row_text(trace.at(ehlo_ok), sim::Language::En) == "250-mail.example");

    StateTimeline states;
    states.sync(trace);
    const StateAtCursor at_end = states.at(trace, go_on);
    CHECK(at_end.name == "Mail");
    CHECK(at_end.state == state_of(State::Mail));
    CHECK(at_end.transition_seq == to_mail);
    REQUIRE(at_end.edge);
    CHECK(protocol_states(sim::Protocol::Smtp).transitions[*at_end.edge].number == 4);
    const StateAtCursor greeted = states.at(trace, mail - 1);
    CHECK(greeted.state == state_of(State::Greeted));

    // A refusing greeting reads like IMAP's BYE.
    TraceBuilder refused(sim::Protocol::Smtp);
    const auto no_service =
        refused.reply(sim::EventKind::Untagged, "554 no service\r\n", "554", {}, "RFC 5321 3.1");
    TraceIndex refused_index;
    refused_index.sync(refused.trace);
    CHECK(refused_index.kind(no_service) == RowKind::Bye);
}

TEST_CASE("every POP3 and SMTP transition of the engines' tables has its edge") {
    for (const auto& transition : pop3::transitions) {
        const auto from = state_index(sim::Protocol::Pop3, pop3::state_name(transition.from));
        const auto to = state_index(sim::Protocol::Pop3, pop3::state_name(transition.to));
        REQUIRE(from);
        REQUIRE(to);
        const auto edge = transition_index(sim::Protocol::Pop3, *from, *to);
        REQUIRE(edge);
        CHECK(protocol_states(sim::Protocol::Pop3).transitions[*edge].number == transition.number);
    }
    for (const auto& transition : smtp::transitions) {
        const auto from = state_index(sim::Protocol::Smtp, smtp::state_name(transition.from));
        const auto to = state_index(sim::Protocol::Smtp, smtp::state_name(transition.to));
        REQUIRE(from);
        REQUIRE(to);
        const auto edge = transition_index(sim::Protocol::Smtp, *from, *to);
        REQUIRE(edge);
        CHECK(protocol_states(sim::Protocol::Smtp).transitions[*edge].number == transition.number);
    }
}
