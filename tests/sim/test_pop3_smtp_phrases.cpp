// What the POP3 and SMTP engines say goes through the catalogue: wrong
// exchanges give violations, summaries and causes whose Russian is Russian,
// and the phrases of pop3.def, smtp.def and server.def keep their
// placeholders in step.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/catalogue.hpp"
#include "sim/pop3/session.hpp"
#include "sim/pop3/verbs.hpp"
#include "sim/smtp/session.hpp"
#include "tests/support/russian_text.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace mailscope::test;

namespace {

void check_russian(const sim::Said& said, std::string_view what) {
    const auto ru = sim::render(said, sim::Language::Ru);
    CAPTURE(what);
    CAPTURE(ru);
    CAPTURE(sim::render(said, sim::Language::En));
    CHECK(said.phrase != sim::Phrase::Verbatim);
    CHECK(has_cyrillic(ru));
    CHECK(english_sentence_word(ru).empty());
}

// Every violation, every summary kept as a phrase and every cause of a
// transition reads as Russian; returns how many violations there were.
std::size_t check_trace(const sim::SessionTrace& trace) {
    std::size_t rules = 0;
    for (const auto& event : trace.events()) {
        if (event.violation) {
            ++rules;
            check_russian(event.violation->said, "rule");
        }
        if (event.transition) check_russian(event.transition->said, "cause");
        if (event.said) check_russian(*event.said, "summary");
    }
    return rules;
}

bool has_rule(const sim::SessionTrace& trace, sim::Phrase phrase) {
    for (const auto* event : violations(trace)) {
        if (event->violation->said.phrase == phrase) return true;
    }
    return false;
}

struct Pop3 {
    sim::SessionTrace trace{sim::Protocol::Pop3};
    pop3::Pop3Session session{trace};
    void c(std::string_view bytes) { session.feed(C, bytes); }
    void s(std::string_view bytes) { session.feed(S, bytes); }
};

struct Smtp {
    sim::SessionTrace trace{sim::Protocol::Smtp};
    smtp::SmtpSession session{trace};
    void c(std::string_view bytes) { session.feed(C, bytes); }
    void s(std::string_view bytes) { session.feed(S, bytes); }
};

}  // namespace

TEST_CASE("pop3 phrases: a command in the wrong state, in Russian") {
    Pop3 pop;
    pop.s("+OK POP3 ready\r\n");
    pop.c("STAT\r\n");
    pop.s("-ERR [AUTH] no\r\n");
    pop.c("USER bob\r\n");
    pop.s("+OK\r\n");
    pop.c("PASS\r\n");
    pop.s("-ERR [SYS/PERM] no\r\n");
    CHECK(has_rule(pop.trace, sim::Phrase::NotValidInState));
    CHECK(has_rule(pop.trace, sim::Phrase::Pop3SyntaxError));
    CHECK(check_trace(pop.trace) >= 2);
}

TEST_CASE("pop3 phrases: an over-long line and a disconnect in a line, in Russian") {
    Pop3 pop;
    pop.s("+OK POP3 ready\r\n");
    pop.c("NOOP " + std::string(600, 'x') + "\r\n");
    pop.s("-ERR [SYS/TEMP] no\r\n");
    pop.c("USER bob\r\n");
    pop.s("+OK\r\n");
    pop.c("PASS secret\r\n");
    pop.s("+OK\r\n");
    pop.c("RETR 1\r\n");
    pop.s("+OK 120 octets\r\nSubject: x\r\n\r\nhello\r\n");
    pop.session.feed_eof(S);
    CHECK(has_rule(pop.trace, sim::Phrase::Pop3CommandLineTooLong));
    CHECK(has_rule(pop.trace, sim::Phrase::Pop3MultilineUnended));
    check_trace(pop.trace);

    Pop3 cut;
    cut.s("+OK POP3 ready\r\n");
    cut.c("USER bob\r\n");
    cut.s("+OK\r\n");
    cut.c("RE");
    cut.session.feed_eof(C);
    CHECK(has_rule(cut.trace, sim::Phrase::Pop3ClientClosedMidLine));
    CHECK(check_trace(cut.trace) == 1);
}

TEST_CASE("smtp phrases: a command in the wrong state and an over-long line, in Russian") {
    Smtp smtp;
    smtp.s("220 mx ready\r\n");
    smtp.c("RCPT TO:<bob@example.org>\r\n");
    smtp.s("503 5.5.1 no\r\n");
    smtp.c("NOOP " + std::string(600, 'x') + "\r\n");
    smtp.s("500 5.5.2 no\r\n");
    smtp.c("MAIL FROM: <al@example.org>\r\n");
    smtp.s("503 5.5.1 no\r\n");
    smtp.c("HELO\r\n");
    smtp.s("501 5.5.4 no\r\n");
    CHECK(has_rule(smtp.trace, sim::Phrase::NotValidInState));
    CHECK(has_rule(smtp.trace, sim::Phrase::SmtpCommandLineTooLong));
    CHECK(has_rule(smtp.trace, sim::Phrase::SmtpSpaceAfterKeyword));
    CHECK(has_rule(smtp.trace, sim::Phrase::SmtpSyntaxError));
    CHECK(check_trace(smtp.trace) >= 4);
}

TEST_CASE("smtp phrases: a disconnect in the middle of the data, in Russian") {
    Smtp smtp;
    smtp.s("220 mx ready\r\n");
    smtp.c("EHLO client.example.org\r\n");
    smtp.s("250 mx\r\n");
    smtp.c("MAIL FROM:<al@example.org>\r\n");
    smtp.s("250 ok\r\n");
    smtp.c("RCPT TO:<bob@example.org>\r\n");
    smtp.s("250 ok\r\n");
    smtp.c("DATA\r\n");
    smtp.s("354 go\r\n");
    smtp.c("Subject: x\r\n\r\nhello\r\n");
    smtp.session.feed_eof(C);
    CHECK(has_rule(smtp.trace, sim::Phrase::SmtpClientClosedMidData));
    CHECK(check_trace(smtp.trace) == 1);
    CHECK(smtp.session.state() == smtp::State::Closed);
}

TEST_CASE("pop3 phrases: each command's purpose is a phrase of its own, in Russian too") {
    std::set<sim::Phrase> purposes;
    for (std::size_t i = 0; i < pop3::verb_count; ++i) {
        const auto verb = static_cast<pop3::Verb>(i);
        CAPTURE(pop3::verb_name(verb));
        const sim::Phrase purpose = pop3::verb_info(verb).purpose;
        CHECK(sim::phrase_id(purpose).starts_with("Pop3Purpose"));
        CHECK(purposes.insert(purpose).second);
        CHECK(has_cyrillic(sim::phrase_format(purpose, sim::Language::Ru)));
    }
}

TEST_CASE("pop3, smtp and server phrases: both languages take the same arguments") {
    std::size_t checked = 0;
    for (const auto phrase : sim::all_phrases()) {
        const auto id = sim::phrase_id(phrase);
        if (!id.starts_with("Pop3") && !id.starts_with("Smtp") && !id.starts_with("Server"))
            continue;
        const auto en = sim::phrase_format(phrase, sim::Language::En);
        const auto ru = sim::phrase_format(phrase, sim::Language::Ru);
        CAPTURE(id);
        CAPTURE(ru);
        CHECK(argument_numbers(en) == argument_numbers(ru));
        // Only a frame around wire text may read the same in both.
        if (en != ru) {
            CHECK(has_cyrillic(ru));
            CHECK(english_sentence_word(ru).empty());
        }
        ++checked;
    }
    CHECK(checked > 100);
}
