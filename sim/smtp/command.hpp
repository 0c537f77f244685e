// SMTP commands (RFC 5321 4.1): parsing one command line and writing one.
//
// Paths follow RFC 5321 4.1.2, including the source route of RFC 821
// ("<@a,@b:user@c>"), which must still be accepted and whose route is ignored
// (RFC 5321 4.1.1.3 and appendix C), and the null reverse-path "<>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/catalogue.hpp"

#include "sim/smtp/verbs.hpp"

namespace mailscope::smtp {

struct Path {
    std::vector<std::string> route;  // source-route domains, without the "@"
    std::string local_part;          // as written (a quoted string keeps its quotes)
    std::string domain;              // a domain or an address literal "[...]"
    bool null() const { return local_part.empty() && domain.empty(); }
    // "user@domain"; empty for "<>"; "Postmaster" alone when it has no domain.
    std::string mailbox() const;
};

struct Parameter {
    std::string keyword;  // upper case
    std::optional<std::string> value;
};

struct Command {
    Verb verb = Verb::Unknown;
    std::string name;          // the verb as sent, upper case
    std::string argument;      // the text after the verb (HELO domain, VRFY string, ...)
    std::optional<Path> path;  // MAIL FROM / RCPT TO
    std::vector<Parameter> parameters;
    std::string mechanism;                        // AUTH, upper case
    std::optional<std::string> initial_response;  // AUTH: "=" stands for an empty one
    // Lenient readings the engine reports as violations ("MAIL FROM: <a@b>").
    std::vector<sim::Said> warnings;

    const Parameter* parameter(std::string_view keyword) const;
};

struct ParsedCommand {
    std::optional<Command> command;
    Verb verb = Verb::Unknown;  // known even when the arguments do not parse
    std::string error;          // why not, for a 501 reply and the trace
    sim::Said said;             // `error` as a phrase, for every language

    void fail(sim::Said why) {
        error = sim::render(why, sim::Language::En);
        said = std::move(why);
    }
};

// One command line without its CRLF.
ParsedCommand parse_command(std::string_view line);
// "<@a,@b:user@c>" or "<>" after "FROM:" / "TO:"; the rest of the text is
// returned in `rest`.
struct ParsedPath {
    std::optional<Path> path;
    std::string error;
    sim::Said said;  // `error` as a phrase
    std::string_view rest;

    void fail(sim::Said why) {
        error = sim::render(why, sim::Language::En);
        said = std::move(why);
    }
};
ParsedPath parse_path(std::string_view text, bool allow_null, bool allow_postmaster);

// The command line with its CRLF.
std::string serialize(const Command& command);
std::string serialize(const Path& path);

}  // namespace mailscope::smtp
