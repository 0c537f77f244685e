// Fault injection: rules that make the mock server misbehave on purpose, so
// a learner can watch a client cope with a slow, broken or hostile server.
//
// Text form (command line, lesson YAML), fields separated by ':':
//
//   ACTION[:VERB[@N]][:OPTION]...
//
//   ACTION  delay        hold the answer back (needs a duration: 2000ms, 3s)
//           defer        run the command, but hold its tagged completion back
//                        until the client's next command has completed, so
//                        the completions arrive out of order (RFC 3501 5.5);
//                        commands that depend on each other still complete
//                        in order. The duration (default 1000ms) is how long
//                        the completion waits for a next command at most
//           split        write the answer in several pieces at random octets
//           unsolicited  send an untagged response before the answer; the
//                        second field is the response instead of a verb:
//                        "EXISTS", "EXPUNGE n", "FETCH FLAGS" or "FETCH FLAGS n"
//           no | bad     answer NO / BAD instead of executing the command
//           bye          send * BYE and close instead of answering
//           cut          close in the middle of the answer's first literal
//           stall        stop reading and answering for good
//   VERB    a command name (FETCH, LOGIN...) or * for any; UID FETCH is FETCH
//   @N      only the Nth matching command (1 is the first); default every one
//   OPTION  p=0.5        fire with this probability (seeded, so reproducible)
//           user=alice   only in sessions logged in as this user
//           after=NOOP   for unsolicited: the verb it precedes
//           2000ms / 3s  the delay; for defer, the longest wait
//
// Examples: delay:FETCH:2000ms  split:*  no:SELECT  bad:LOGIN@2
//           bye:FETCH:p=0.5  unsolicited:EXPUNGE 1:after=NOOP  stall:IDLE
//           defer:FETCH@2  defer:SEARCH:500ms
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/catalogue.hpp"
#include "sim/core/connection_handler.hpp"

namespace mailscope::server {

enum class FaultAction : std::uint8_t {
    Delay,
    Defer,
    Split,
    Unsolicited,
    No,
    Bad,
    Bye,
    Cut,
    Stall
};

// How long a deferred completion waits for the client's next command when
// the rule names no duration: long enough for a pipelined command to
// arrive, short enough that a client waiting for the answer is not stuck.
inline constexpr transport::Micros kDefaultDeferLimit = 1'000'000;

std::string_view fault_action_name(FaultAction action);

struct FaultRule {
    FaultAction action = FaultAction::Delay;
    std::string verb = "*";       // uppercase command name, or "*"
    std::string user;             // empty: any session
    std::uint32_t nth = 0;        // 0: every matching command
    double probability = 1.0;     // 0..1
    transport::Micros delay = 0;  // Delay: the delay; Defer: the longest wait
    std::string untagged;         // Unsolicited: "EXISTS", "EXPUNGE 3", "FETCH FLAGS 2"

    std::string to_string() const;  // the text form
};

// One rule, or a sentence saying what is wrong with the text.
std::variant<FaultRule, sim::Said> parse_fault_rule(std::string_view text);
// Several rules separated by ',' or ';' (a command-line option).
std::variant<std::vector<FaultRule>, sim::Said> parse_fault_rules(std::string_view text);

// Decides which rules fire for each command of one session. Counts are per
// session, and the generator is seeded, so a lesson misbehaves the same way
// every time.
class FaultInjector {
  public:
    FaultInjector(std::vector<FaultRule> rules, std::uint64_t seed);

    // The rules that fire for this command, in rule order.
    std::vector<FaultRule> fire(std::string_view verb, std::string_view user);
    // A value in [0, bound) from the same generator (split points).
    std::uint64_t next_below(std::uint64_t bound);
    bool empty() const { return m_rules.empty(); }

  private:
    std::uint64_t next();

    std::vector<FaultRule> m_rules;
    std::vector<std::uint32_t> m_counts;
    std::uint64_t m_state;
};

}  // namespace mailscope::server
