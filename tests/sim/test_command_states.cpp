// Every command the codecs know, in every state of its protocol, against
// tables written from the RFCs (imap_state_rules.hpp, pop3_state_rules.hpp,
// smtp_state_rules.hpp): first the verb tables themselves, then the
// decoding engines, which flag a command out of its state in the trace
// `mailscope decode` prints, and only then.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "sim/imap/session.hpp"
#include "sim/pop3/session.hpp"
#include "sim/smtp/session.hpp"
#include "tests/sim/imap_state_rules.hpp"
#include "tests/sim/observed_sessions.hpp"
#include "tests/sim/pop3_state_rules.hpp"
#include "tests/sim/smtp_state_rules.hpp"

using namespace mailscope;
using namespace mailscope::test;

namespace {

// The first violation whose rule holds `words`.
std::optional<sim::TraceEvent> violation_saying(const sim::SessionTrace& trace,
                                                std::string_view words) {
    for (const auto* event : violations(trace)) {
        if (event->violation->rule.find(words) != std::string::npos) return *event;
    }
    return std::nullopt;
}

bool has_command(const sim::SessionTrace& trace, std::uint64_t from_seq) {
    for (const auto& event : trace.events()) {
        if (event.seq >= from_seq && event.kind == sim::EventKind::Command) return true;
    }
    return false;
}

// Pairs checked, per protocol, for the closing count.
struct Pairs {
    int table = 0;
    int engine = 0;
};

// ---------------------------------------------------------------------------
// IMAP
// ---------------------------------------------------------------------------

// What the decoding engine did with `line` sent in `state`: the state
// violation it flagged, if any, and whether it read the line as a command.
struct ImapOutcome {
    std::optional<sim::TraceEvent> state_violation;
    bool read = false;
};

ImapOutcome imap_outcome(imap::State state, std::string_view line) {
    ObservedImap observed(state);
    const auto from = observed.trace.size();
    observed.client("t1 " + std::string(line) + "\r\n");
    return {violation_saying(observed.trace, " is not valid in the "),
            has_command(observed.trace, from)};
}

}  // namespace

TEST_CASE("IMAP: the RFC table names every verb of the codec once, with an example of it") {
    std::vector<int> seen(imap::verb_count, 0);
    for (const auto& rule : imap::testing::verb_rules) {
        ++seen.at(static_cast<int>(rule.verb));
        CAPTURE(rule.example);
        const auto parsed = imap::parse_command("t1 " + std::string(rule.example) + "\r\n");
        REQUIRE(parsed.command);
        CHECK(parsed.command->verb == rule.verb);
    }
    for (std::size_t verb = 0; verb < seen.size(); ++verb) {
        CAPTURE(imap::verb_name(static_cast<imap::Verb>(verb)));
        CHECK(seen[verb] == 1);
    }
    for (const auto& rule : imap::testing::uid_rules) {
        CAPTURE(rule.example);
        const auto parsed = imap::parse_command("t1 " + std::string(rule.example) + "\r\n");
        REQUIRE(parsed.command);
        CHECK(parsed.command->uid);
        CHECK(parsed.command->verb == rule.verb);
    }
}

TEST_CASE("IMAP: the verb table says of every verb what the RFCs say") {
    using imap::VerbFlag;
    using imap::testing::Args;
    for (const auto& rule : imap::testing::verb_rules) {
        const auto& info = imap::verb_info(rule.verb);
        CAPTURE(info.name);
        CHECK(info.section == rule.section);
        CHECK(info.extension.capability == rule.capability);
        CHECK(info.extension.section.empty() == rule.capability.empty());
        CHECK(info.extension.in_imap4rev2 ==
              (std::ranges::find(imap::testing::in_imap4rev2, rule.capability) !=
               imap::testing::in_imap4rev2.end()));
        CHECK(info.uid.section == rule.uid_section);
        const auto target = imap::effect_target(info.effect);
        if (rule.edge == 0) {
            CHECK_FALSE(target);
            CHECK_FALSE(imap::changes_state(rule.verb));
        } else {
            // The edge numbered in the RFC's legend leaves every state the
            // verb is valid in for the state the table's effect names.
            REQUIRE(target);
            for (const auto state : imap::all_states) {
                if (!imap::testing::rule_allows(rule, state)) continue;
                CAPTURE(imap::state_name(state));
                const auto edge = imap::find_transition(state, *target);
                REQUIRE(edge);
                CHECK(edge->number == rule.edge);
            }
        }
        CHECK(info.flags.contains(VerbFlag::Literals) ==
              (rule.args == Args::Strings || rule.args == Args::Mailboxes));
        CHECK(info.flags.contains(VerbFlag::MailboxArgument) == (rule.args == Args::Mailboxes));
    }
    // ENABLE's states come from RFC 5161 3.1, not from the state's section.
    for (const auto& info : imap::verbs) {
        CAPTURE(info.name);
        CHECK(info.states_section == (info.verb == imap::Verb::Enable ? "RFC 5161 3.1" : ""));
    }
    for (const auto& rule : imap::testing::uid_rules) {
        const auto parsed = imap::parse_command("t1 " + std::string(rule.example) + "\r\n");
        REQUIRE(parsed.command);
        const auto extension = imap::extension_command(*parsed.command);
        CAPTURE(rule.example);
        CHECK((extension ? extension->capability : std::string_view()) == rule.capability);
    }
}

TEST_CASE("IMAP: every verb is allowed in exactly the states the RFCs give it") {
    Pairs pairs;
    for (const auto& rule : imap::testing::verb_rules) {
        for (const auto state : imap::all_states) {
            CAPTURE(imap::verb_name(rule.verb));
            CAPTURE(imap::state_name(state));
            CHECK(imap::command_allowed(rule.verb, state) ==
                  imap::testing::rule_allows(rule, state));
            ++pairs.table;
        }
    }
    CHECK(pairs.table == 43 * 6);
}

TEST_CASE("IMAP: decoding flags a command exactly when it is out of its state") {
    int pairs = 0;
    for (const auto state : imap::all_states) {
        for (const auto& rule : imap::testing::verb_rules) {
            CAPTURE(rule.example);
            CAPTURE(imap::state_name(state));
            const auto outcome = imap_outcome(state, rule.example);
            ++pairs;
            if (state == imap::State::Closed) {
                // Both sides closed the connection: nothing more is read.
                CHECK_FALSE(outcome.read);
                continue;
            }
            CHECK(outcome.read);
            if (state == imap::State::Connecting) {
                // A transcript that starts without the greeting has no
                // state yet to hold the command against.
                CHECK_FALSE(outcome.state_violation);
                continue;
            }
            CHECK(outcome.state_violation.has_value() != imap::testing::rule_allows(rule, state));
            if (outcome.state_violation) {
                CHECK(outcome.state_violation->violation->rule ==
                      std::string(imap::verb_name(rule.verb)) + " is not valid in the " +
                          std::string(imap::state_name(state)) + " state");
                CHECK(outcome.state_violation->violation->section ==
                      (rule.verb == imap::Verb::Enable ? "RFC 5161 3.1"
                                                       : imap::state_section(state)));
            }
        }
        for (const auto& rule : imap::testing::uid_rules) {
            if (state == imap::State::Connecting || state == imap::State::Closed) continue;
            CAPTURE(rule.example);
            CAPTURE(imap::state_name(state));
            CHECK(imap_outcome(state, rule.example).state_violation.has_value() !=
                  imap::testing::rule_allows(imap::testing::rule_of(rule.verb), state));
        }
    }
    CHECK(pairs == 43 * 6);
}

TEST_CASE("IMAP: ENABLE after SELECT breaks RFC 5161 3.1, before it is fine") {
    const auto selected = imap_outcome(imap::State::Selected, "ENABLE CONDSTORE").state_violation;
    REQUIRE(selected);
    CHECK(selected->violation->section == "RFC 5161 3.1");
    CHECK(selected->section == "RFC 5161 3.1");
    CHECK_FALSE(imap_outcome(imap::State::Authenticated, "ENABLE CONDSTORE").state_violation);

    // Back in Authenticated after CLOSE, a mailbox has been selected: still
    // a client's MUST NOT, though servers need not check it.
    ObservedImap observed(imap::State::Selected);
    observed.client("c1 CLOSE\r\n");
    observed.server("c1 OK CLOSE completed\r\n");
    REQUIRE(observed.session.state() == imap::State::Authenticated);
    observed.client("e1 ENABLE CONDSTORE\r\n");
    const auto found = violations(observed.trace);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->violation->section == "RFC 5161 3.1");
    CHECK(found[0]->violation->rule.find("once they SELECT or EXAMINE") != std::string::npos);
}

// ---------------------------------------------------------------------------
// POP3
// ---------------------------------------------------------------------------

namespace {

// The violation `line` caused in `state`, if any.
std::optional<sim::TraceEvent> pop3_refusal(pop3::State state, std::string_view line) {
    ObservedPop3 observed(state);
    observed.client(std::string(line) + "\r\n");
    const auto found = violations(observed.trace);
    if (found.empty()) return std::nullopt;
    return *found.front();
}

}  // namespace

TEST_CASE("POP3: the RFC table names every keyword of the codec once, with an example of it") {
    std::vector<int> seen(pop3::verb_count, 0);
    for (const auto& rule : pop3::testing::verb_rules) {
        ++seen.at(static_cast<int>(rule.verb));
        CAPTURE(rule.example);
        const auto parsed = pop3::parse_command(rule.example);
        REQUIRE(parsed.command);
        CHECK(parsed.command->verb == rule.verb);
    }
    for (std::size_t verb = 0; verb < seen.size(); ++verb) {
        CAPTURE(pop3::verb_name(static_cast<pop3::Verb>(verb)));
        CHECK(seen[verb] == 1);
    }
}

TEST_CASE("POP3: the verb table says of every keyword what the RFCs say") {
    using pop3::testing::Lines;
    for (const auto& rule : pop3::testing::verb_rules) {
        const auto& info = pop3::verb_info(rule.verb);
        CAPTURE(info.name);
        CHECK(info.section == rule.section);
        const auto command = *pop3::parse_command(rule.example).command;
        auto bare = command;
        bare.args.clear();
        const bool with_argument = !command.args.empty();
        switch (rule.reply) {
            case Lines::One:
                CHECK_FALSE(pop3::reply_is_multiline(command));
                CHECK_FALSE(pop3::reply_is_multiline(bare));
                break;
            case Lines::Many:
            case Lines::Message:
                CHECK(pop3::reply_is_multiline(command));
                break;
            case Lines::ManyWithoutArgument:
                CHECK(pop3::reply_is_multiline(bare));
                CHECK(pop3::reply_is_multiline(command) == !with_argument);
                break;
        }
        CHECK((info.reply == pop3::ReplyForm::Message) == (rule.reply == Lines::Message));
        // PASS's own restriction narrows its state (RFC 1939 7).
        CHECK(info.states_section == (rule.verb == pop3::Verb::Pass ? "RFC 1939 7" : ""));
        CHECK((info.effect == pop3::Effect::LogsIn) == rule.logs_in);
        CHECK((info.effect == pop3::Effect::Quits) == rule.quits);
        if (rule.logs_in) {
            const auto edge =
                pop3::find_transition(pop3::State::Authorization, pop3::State::Transaction);
            REQUIRE(edge);
            CHECK(edge->number == 2);
        }
    }
}

TEST_CASE("POP3: every keyword is allowed in exactly the states the RFCs give it") {
    Pairs pairs;
    for (const auto& rule : pop3::testing::verb_rules) {
        for (const auto state : pop3::all_states) {
            CAPTURE(pop3::verb_name(rule.verb));
            CAPTURE(pop3::state_name(state));
            CHECK(pop3::command_allowed(rule.verb, state) ==
                  pop3::testing::rule_allows(rule, state));
            ++pairs.table;
        }
    }
    CHECK(pairs.table == 17 * 5);
}

TEST_CASE("POP3: decoding flags a command exactly when it is out of its state") {
    using pop3::State;
    int pairs = 0;
    for (const auto state : pop3::all_states) {
        for (const auto& rule : pop3::testing::verb_rules) {
            CAPTURE(rule.example);
            CAPTURE(pop3::state_name(state));
            const auto refusal = pop3_refusal(state, rule.example);
            ++pairs;
            const bool allowed = pop3::testing::rule_allows(rule, state);
            // PASS straight after the greeting breaks its own rule (RFC 1939
            // 7: "immediately after a successful USER command").
            if (rule.verb == pop3::Verb::Pass && state == State::Authorization) {
                REQUIRE(refusal);
                CHECK(refusal->violation->rule ==
                      "PASS must follow a USER command the server accepted");
                CHECK(refusal->violation->section == "RFC 1939 7");
                continue;
            }
            CHECK(refusal.has_value() != allowed);
            if (!refusal) continue;
            const auto& rule_text = refusal->violation->rule;
            const std::string name(pop3::verb_name(rule.verb) == "?" ? "XTND"
                                                                     : pop3::verb_name(rule.verb));
            switch (state) {
                case State::Connecting:
                    CHECK(rule_text == "the client sent a command before the server's greeting");
                    break;
                case State::Authorization:
                case State::Transaction:
                    CHECK(rule_text == name + " is not valid in the " +
                                           std::string(pop3::state_name(state)) + " state");
                    CHECK(refusal->violation->section == (rule.verb == pop3::Verb::Pass
                                                              ? "RFC 1939 7"
                                                              : pop3::state_section(state)));
                    break;
                case State::Update:
                    CHECK(rule_text.starts_with("no command may follow QUIT"));
                    CHECK(refusal->violation->section == "RFC 1939 6");
                    break;
                case State::Closed:
                    CHECK(rule_text.ends_with("octets sent after the session ended"));
                    CHECK(refusal->violation->section == "RFC 1939 6");
                    break;
            }
        }
    }
    CHECK(pairs == 17 * 5);
}

// ---------------------------------------------------------------------------
// SMTP
// ---------------------------------------------------------------------------

namespace {

struct SmtpOutcome {
    std::optional<sim::TraceEvent> violation;
    bool read = false;  // taken as a command
};

SmtpOutcome smtp_outcome(smtp::State state, std::string_view line) {
    ObservedSmtp observed(state);
    const auto from = observed.trace.size();
    observed.client(std::string(line) + "\r\n");
    const auto found = violations(observed.trace);
    return {found.empty() ? std::nullopt : std::optional<sim::TraceEvent>(*found.front()),
            has_command(observed.trace, from)};
}

}  // namespace

TEST_CASE("SMTP: the RFC table names every verb of the codec once, with an example of it") {
    std::vector<int> seen(smtp::verb_count, 0);
    for (const auto& rule : smtp::testing::verb_rules) {
        ++seen.at(static_cast<int>(rule.verb));
        CAPTURE(rule.example);
        const auto parsed = smtp::parse_command(rule.example);
        REQUIRE(parsed.command);
        CHECK(parsed.command->verb == rule.verb);
    }
    for (std::size_t verb = 0; verb < seen.size(); ++verb) {
        CAPTURE(smtp::verb_name(static_cast<smtp::Verb>(verb)));
        CHECK(seen[verb] == 1);
    }
}

TEST_CASE("SMTP: the verb table says of every verb what the RFCs say") {
    for (const auto& rule : smtp::testing::verb_rules) {
        const auto& info = smtp::verb_info(rule.verb);
        CAPTURE(info.name);
        CHECK(info.section == rule.section);
        CHECK(info.intermediate == rule.intermediate);
        CHECK(info.ends_group == rule.last_in_group);
        for (int code = 200; code < 600; ++code) {
            CAPTURE(code);
            CHECK(info.success.contains(code) ==
                  (std::ranges::find(rule.success, code) != rule.success.end()));
        }
    }
}

TEST_CASE("SMTP: every verb is allowed in exactly the places of the command order") {
    Pairs pairs;
    for (const auto& rule : smtp::testing::verb_rules) {
        for (const auto state : smtp::all_states) {
            CAPTURE(smtp::verb_name(rule.verb));
            CAPTURE(smtp::state_name(state));
            const bool expected =
                std::find(rule.states.begin(), rule.states.end(), state) != rule.states.end();
            CHECK(smtp::command_allowed(rule.verb, state) == expected);
            ++pairs.table;
        }
    }
    CHECK(pairs.table == 14 * 8);
}

TEST_CASE("SMTP: decoding flags a command exactly when it is out of the command order") {
    using smtp::State;
    int pairs = 0;
    for (const auto state : smtp::all_states) {
        for (const auto& rule : smtp::testing::verb_rules) {
            CAPTURE(rule.example);
            CAPTURE(smtp::state_name(state));
            const auto outcome = smtp_outcome(state, rule.example);
            ++pairs;
            const bool allowed =
                std::find(rule.states.begin(), rule.states.end(), state) != rule.states.end();
            switch (state) {
                case State::Data:
                    // The line is message content, no command.
                    CHECK_FALSE(outcome.read);
                    CHECK_FALSE(outcome.violation);
                    break;
                case State::Connecting:
                    CHECK(outcome.read);
                    REQUIRE(outcome.violation);
                    CHECK(outcome.violation->violation->section == "RFC 5321 3.1");
                    break;
                case State::Closed:
                    // Both sides closed the connection: nothing more is read.
                    CHECK_FALSE(outcome.read);
                    CHECK_FALSE(outcome.violation);
                    break;
                case State::Quit:
                case State::Ready:
                case State::Greeted:
                case State::Mail:
                case State::Rcpt:
                    CHECK(outcome.read);
                    CHECK(outcome.violation.has_value() != allowed);
                    if (outcome.violation) {
                        CHECK(outcome.violation->violation->section == "RFC 5321 4.1.4");
                        CHECK(outcome.violation->violation->rule.ends_with(
                            " is not valid in the " + std::string(smtp::state_name(state)) +
                            " state"));
                    }
                    break;
            }
        }
    }
    CHECK(pairs == 14 * 8);
}
