// POP3 client commands: parse and serialize (RFC 1939 4-7, RFC 2449 5 CAPA,
// RFC 2595 4 STLS, RFC 5034 4 AUTH, and LAST from RFC 1725, which RFC 1939
// removed).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/catalogue.hpp"

#include "sim/pop3/verbs.hpp"

namespace mailscope::pop3 {

struct Command {
    Verb verb = Verb::Unknown;
    std::string keyword;            // as sent, upper-cased
    std::vector<std::string> args;  // PASS has one: the rest of the line
};

struct CommandParse {
    std::optional<Command> command;
    std::string keyword;  // upper-cased, when one could be read
    std::string error;    // why the line is not a valid command
    sim::Said said;       // `error` as a phrase, for every language

    void fail(sim::Said why) {
        error = sim::render(why, sim::Language::En);
        said = std::move(why);
    }
};

// One command line without its CRLF.
CommandParse parse_command(std::string_view line);
// The line with its CRLF.
std::string serialize(const Command& command);
Command make_command(Verb verb, std::vector<std::string> args = {});

// Does a +OK to this command carry a multi-line body ending in "." (RFC
// 1939 3)?
bool reply_is_multiline(const Command& command);

// A message number or line count: decimal digits that fit 32 bits.
std::optional<std::uint32_t> parse_number(std::string_view text);

}  // namespace mailscope::pop3
