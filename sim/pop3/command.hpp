// POP3 client commands: parse and serialize (RFC 1939 4-7, RFC 2449 5 CAPA,
// RFC 2595 4 STLS, RFC 5034 4 AUTH, and LAST from RFC 1725, which RFC 1939
// removed).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/pop3/states.hpp"

namespace mailscope::pop3 {

enum class Verb : std::uint8_t {
    User,
    Pass,
    Apop,
    Stat,
    List,
    Retr,
    Dele,
    Noop,
    Rset,
    Quit,
    Top,
    Uidl,
    Capa,
    Stls,
    Last,
    Auth,
    Unknown,
};

std::string_view verb_name(Verb verb);        // "RETR"...
Verb verb_from_name(std::string_view name);   // case-insensitive; Unknown otherwise
std::string_view command_section(Verb verb);  // "RFC 1939 7" for USER
// What the command asks for, in a few words a learner can read.
std::string_view command_purpose(Verb verb);

struct Command {
    Verb verb = Verb::Unknown;
    std::string keyword;            // as sent, upper-cased
    std::vector<std::string> args;  // PASS has one: the rest of the line
};

struct CommandParse {
    std::optional<Command> command;
    std::string keyword;  // upper-cased, when one could be read
    std::string error;    // why the line is not a valid command
};

// One command line without its CRLF.
CommandParse parse_command(std::string_view line);
// The line with its CRLF.
std::string serialize(const Command& command);
Command make_command(Verb verb, std::vector<std::string> args = {});

// Does a +OK to this command carry a multi-line body ending in "." (RFC
// 1939 3)? LIST and UIDL only without an argument; AUTH without an argument
// lists the mechanisms (a common extension of RFC 5034).
bool reply_is_multiline(const Command& command);

// Is the command valid in the state (RFC 1939 4, 5; RFC 2449 5)? CAPA is
// valid in both, STLS and AUTH only before authentication.
bool command_allowed(Verb verb, State state);

// A message number or line count: decimal digits that fit 32 bits.
std::optional<std::uint32_t> parse_number(std::string_view text);

}  // namespace mailscope::pop3
