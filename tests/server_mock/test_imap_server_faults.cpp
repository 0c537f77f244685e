#include <doctest/doctest.h>

#include <algorithm>

#include "imap_server_harness.hpp"
#include "server_mock/lab_report.hpp"
#include "tests/support/russian_text.hpp"
#include "tests/support/said_text.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

FaultRule rule(std::string_view text) {
    auto parsed = parse_fault_rule(text);
    REQUIRE(std::holds_alternative<FaultRule>(parsed));
    return std::get<FaultRule>(parsed);
}

ServerConfig with_faults(std::string_view text) {
    ServerConfig config;
    auto parsed = parse_fault_rules(text);
    REQUIRE(std::holds_alternative<std::vector<FaultRule>>(parsed));
    config.faults = std::get<std::vector<FaultRule>>(parsed);
    return config;
}

// Did the server's trace note `phrase`?
bool noted(const sim::SessionTrace& trace, sim::Phrase phrase) {
    return std::any_of(
        trace.events().begin(), trace.events().end(), [&](const sim::TraceEvent& event) {
            return event.kind == sim::EventKind::Note && event.said && event.said->phrase == phrase;
        });
}

// `first` is in `answer`, and before `second`.
bool comes_before(std::string_view answer, std::string_view first, std::string_view second) {
    const auto at = answer.find(first);
    return at != std::string_view::npos && answer.find(second, at) != std::string_view::npos;
}

}  // namespace

TEST_CASE("fault rules parse from their text form") {
    auto delay = rule("delay:FETCH:2000ms");
    CHECK(delay.action == FaultAction::Delay);
    CHECK(delay.verb == "FETCH");
    CHECK(delay.delay == 2'000'000);
    CHECK(rule("split:*").verb == "*");
    auto bad = rule("bad:LOGIN@2");
    CHECK(bad.nth == 2);
    CHECK(rule("bye:FETCH:p=0.5").probability == doctest::Approx(0.5));
    auto unsolicited = rule("unsolicited:EXPUNGE 1:after=NOOP");
    CHECK(unsolicited.untagged == "EXPUNGE 1");
    CHECK(unsolicited.verb == "NOOP");
    CHECK(rule("stall:IDLE").action == FaultAction::Stall);
    CHECK(rule("no:select:user=alice").user == "alice");
    CHECK(rule("delay:*:3s").to_string() == "delay:*:3000ms");
    for (auto text : {"", "explode:FETCH", "delay:FETCH", "bye:FETCH:p=2", "no:FE TCH",
                      "bad:LOGIN@0", "unsolicited:HELLO", "split:*:after=NOOP", "no:X:color=red"}) {
        CAPTURE(text);
        const auto parsed = parse_fault_rule(text);
        REQUIRE(std::holds_alternative<sim::Said>(parsed));
        // Said in either language, the rule's own words quoted.
        CHECK(test::has_cyrillic(test::russian(std::get<sim::Said>(parsed))));
        CHECK(test::english_sentence_word(test::russian(std::get<sim::Said>(parsed))).empty());
    }
    CHECK(test::english(std::get<sim::Said>(parse_fault_rule("explode:FETCH"))) ==
          "\"explode\" is not a fault action; use delay, defer, split, unsolicited, no, bad, bye, "
          "cut or stall");
    CHECK(std::get<std::vector<FaultRule>>(parse_fault_rules("no:SELECT, split:*")).size() == 2);
}

TEST_CASE_FIXTURE(FilledStore, "fault: delay holds the answer on the virtual clock") {
    Client c(store, with_faults("delay:NOOP:2000ms"));
    CHECK(c.send("a NOOP\r\n").empty());
    c.link.advance(1'999'000);
    CHECK(c.link.receive().empty());
    c.link.advance(1000);
    CHECK(c.link.receive() == "a OK NOOP completed\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "fault: split writes the answer in several pieces") {
    Client c(store, with_faults("split:CAPABILITY"));
    const auto before = c.link.writes();
    auto answer = c.send("a CAPABILITY\r\n");
    CHECK(answer.ends_with("a OK CAPABILITY completed\r\n"));
    CHECK(c.link.writes() - before >= 2);
}

TEST_CASE_FIXTURE(FilledStore, "fault: NO and BAD instead of the command, the Nth time") {
    Client c(store, with_faults("bad:LOGIN@2,no:SELECT"));
    CHECK(c.send("a LOGIN alice nope\r\n").starts_with("a NO [AUTHENTICATIONFAILED]"));
    CHECK(c.send("b LOGIN alice wonderland\r\n") ==
          "b BAD Injected fault: the server rejects this command\r\n");
    CHECK(c.send("c LOGIN alice wonderland\r\n") == "c OK LOGIN completed\r\n");
    CHECK(c.send("d SELECT INBOX\r\n") ==
          "d NO Injected fault: the server refuses this command\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "fault: BYE and close, per user") {
    Client c(store, with_faults("bye:NOOP:user=alice"));
    CHECK(c.send("a NOOP\r\n") == "a OK NOOP completed\r\n");
    c.login();
    CHECK(c.send("b NOOP\r\n") == "* BYE Injected fault: the server hangs up\r\n");
    CHECK(c.link.server_closed());
}

TEST_CASE("fault: probability is seeded and reproducible") {
    auto run = [] {
        MailStore store(100);
        fill_store(store);
        Client c(store, with_faults("no:NOOP:p=0.5"));
        std::string pattern;
        for (int i = 0; i < 20; ++i)
            pattern += c.send("a NOOP\r\n").starts_with("a NO ") ? 'N' : 'o';
        return pattern;
    };
    const auto first = run();
    CHECK(first == run());
    CHECK(first.find('N') != std::string::npos);
    CHECK(first.find('o') != std::string::npos);
}

TEST_CASE_FIXTURE(FilledStore, "fault: unsolicited responses before the answer") {
    Client c(store,
             with_faults("unsolicited:EXPUNGE 1:after=NOOP,unsolicited:FETCH FLAGS 2:after=CHECK"));
    c.login();
    c.select();
    CHECK(c.send("a NOOP\r\n") == "* 1 EXPUNGE\r\na OK NOOP completed\r\n");
    CHECK(c.server.view() == std::vector<Uid>{2, 3});
    CHECK(c.send("b CHECK\r\n") == "* 2 FETCH (FLAGS (\\Recent))\r\nb OK CHECK completed\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "fault: cut closes in the middle of a FETCH literal") {
    Client c(store, with_faults("cut:FETCH"));
    c.login();
    c.select();
    auto answer = c.send("a FETCH 2 BODY.PEEK[]\r\n");
    CHECK(answer.starts_with("* 2 FETCH (BODY[] {55}\r\n"));
    CHECK(answer.size() == std::string("* 2 FETCH (BODY[] {55}\r\n").size() + 27);
    CHECK(c.link.server_closed());
}

TEST_CASE_FIXTURE(FilledStore, "fault: stall stops reading and answering") {
    Client c(store, with_faults("stall:IDLE"));
    c.login();
    c.select();
    CHECK(c.send("a IDLE\r\n").empty());
    CHECK(c.server.reading_paused());
    CHECK(c.send("DONE\r\nb NOOP\r\n").empty());
    CHECK_FALSE(c.server.next_deadline().has_value());
}

TEST_CASE_FIXTURE(FilledStore, "lab report lists the client's violations with transcript lines") {
    Client c(store);
    c.trace.set_label("student 7");
    c.send("a1 SELECT INBOX\r\n");
    c.login();
    auto report = violation_report(c.trace);
    CHECK(report.starts_with("student 7: the client broke 1 protocol rule.\n"));
    CHECK(report.find("  line 2: RFC 3501 3.1: SELECT is not valid in the Not Authenticated "
                      "state\n") != std::string::npos);
    CHECK(report.find("    2 C: a1 SELECT INBOX\n") != std::string::npos);
    CHECK(report.find("    3 S: a1 BAD SELECT is not valid") != std::string::npos);

    Client clean(store);
    clean.login();
    CHECK(violation_report(clean.trace).starts_with("session: the client broke no protocol rule."));
}

TEST_CASE("fault: defer rules parse and print back") {
    auto defer = rule("defer:FETCH@2");
    CHECK(defer.action == FaultAction::Defer);
    CHECK(defer.verb == "FETCH");
    CHECK(defer.nth == 2);
    CHECK(defer.delay == kDefaultDeferLimit);
    CHECK(defer.to_string() == "defer:FETCH@2:1000ms");
    CHECK(rule(defer.to_string()).to_string() == defer.to_string());
    auto bounded = rule("defer:search:500ms:user=alice");
    CHECK(bounded.verb == "SEARCH");
    CHECK(bounded.delay == 500'000);
    CHECK(rule(bounded.to_string()).to_string() == "defer:SEARCH:500ms:user=alice");
    CHECK(rule("defer:*").verb == "*");
    for (auto text : {"defer:FETCH:after=NOOP", "defer:FETCH@0", "defer:FETCH:forever"}) {
        CAPTURE(text);
        CHECK(std::holds_alternative<sim::Said>(parse_fault_rule(text)));
    }
}

TEST_CASE_FIXTURE(FilledStore, "fault: defer sends the next command's completion first") {
    Client c(store, with_faults("defer:FETCH"));
    c.login();
    c.select();
    const auto answer = c.send("a1 FETCH 1:* (FLAGS)\r\na2 NOOP\r\n");
    // The FETCH data goes out as it is made; only the completion waits.
    CHECK(comes_before(answer, "* 3 FETCH (FLAGS", "a2 OK NOOP completed\r\n"));
    CHECK(comes_before(answer, "a2 OK NOOP completed\r\n", "a1 OK FETCH completed\r\n"));
    CHECK(noted(c.trace, sim::Phrase::ServerDeferHeld));
    CHECK(noted(c.trace, sim::Phrase::ServerDeferReleased));
    // The server's own engine takes completions by tag: no rule is broken.
    for (const auto& event : c.trace.events())
        CHECK(event.kind != sim::EventKind::Violation);
}

TEST_CASE_FIXTURE(FilledStore, "fault: a deferred completion goes out when no command follows") {
    Client c(store, with_faults("defer:NOOP:500ms"));
    c.login();
    CHECK(c.send("a NOOP\r\n").empty());
    c.link.advance(499'000);
    CHECK(c.link.receive().empty());
    c.link.advance(1000);
    CHECK(c.link.receive() == "a OK NOOP completed\r\n");
    CHECK(noted(c.trace, sim::Phrase::ServerDeferTimedOut));
}

TEST_CASE_FIXTURE(FilledStore, "fault: a deferred completion goes out before LOGOUT's BYE") {
    Client c(store, with_faults("defer:NOOP"));
    c.login();
    CHECK(c.send("a NOOP\r\n").empty());
    const auto answer = c.send("b LOGOUT\r\n");
    CHECK(answer.starts_with("a OK NOOP completed\r\n* BYE"));
    CHECK(noted(c.trace, sim::Phrase::ServerDeferOrderStateChange));
}

TEST_CASE_FIXTURE(FilledStore, "fault: defer keeps the order of commands that depend on it") {
    Client c(store, with_faults("defer:FETCH,defer:NOOP"));
    c.login();
    c.select();
    SUBCASE("a command that changes the state runs after the completion") {
        const auto answer = c.send("b1 FETCH 1 (FLAGS)\r\nb2 EXAMINE Archive\r\n");
        CHECK(comes_before(answer, "b1 OK FETCH completed\r\n", "* 0 EXISTS"));
        CHECK(comes_before(answer, "* 0 EXISTS", "b2 OK [READ-ONLY]"));
        CHECK(noted(c.trace, sim::Phrase::ServerDeferOrderStateChange));
    }
    SUBCASE("sequence numbers after a command that may have sent EXPUNGE") {
        const auto answer = c.send("c1 NOOP\r\nc2 FETCH 2 (FLAGS)\r\n");
        CHECK(answer.starts_with("c1 OK NOOP completed\r\n* 2 FETCH"));
        CHECK(noted(c.trace, sim::Phrase::ServerDeferOrderSequenceNumbers));
    }
    SUBCASE("a STORE of flags a FETCH read") {
        const auto answer = c.send("d1 FETCH 1 (FLAGS)\r\nd2 STORE 1 +FLAGS (\\Flagged)\r\n");
        CHECK(comes_before(answer, "d1 OK FETCH completed\r\n", "\\Flagged"));
        CHECK(answer.ends_with("d2 OK STORE completed\r\n"));
        CHECK(noted(c.trace, sim::Phrase::ServerDeferOrderSameMessages));
    }
}

TEST_CASE_FIXTURE(FilledStore, "fault: a command that changes the state is never deferred") {
    Client c(store, with_faults("defer:SELECT"));
    c.login();
    CHECK(c.send("s SELECT INBOX\r\n").find("s OK [READ-WRITE]") != std::string::npos);
    CHECK(noted(c.trace, sim::Phrase::ServerDeferNotForStateChange));
}

TEST_CASE_FIXTURE(FilledStore, "fault: no EXPUNGE while a deferred FETCH is still in progress") {
    Client a(store, with_faults("defer:FETCH"));
    Client b(store);
    a.login();
    b.login();
    a.select();
    b.select();
    CHECK(b.send("x1 STORE 1 +FLAGS (\\Deleted)\r\nx2 EXPUNGE\r\n")
              .ends_with("x2 OK EXPUNGE completed\r\n"));
    const auto answer = a.send("f1 FETCH 2 (FLAGS)\r\nf2 NOOP\r\n");
    CHECK(comes_before(answer, "f2 OK NOOP completed\r\n", "f1 OK FETCH completed\r\n"));
    CHECK(answer.find("EXPUNGE") == std::string::npos);
    CHECK(a.send("f3 NOOP\r\n").find("* 1 EXPUNGE\r\n") != std::string::npos);
}
