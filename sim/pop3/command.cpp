#include "sim/pop3/command.hpp"
#include "sim/core/ascii.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace mailscope::pop3 {

namespace {

struct VerbInfo {
    Verb verb;
    std::string_view name;
    std::string_view section;
    std::string_view purpose;
};

constexpr std::array<VerbInfo, 16> kVerbs{{
    {Verb::User, "USER", "RFC 1939 7", "names the mailbox to log in to"},
    {Verb::Pass, "PASS", "RFC 1939 7", "gives the password for the USER just named"},
    {Verb::Apop, "APOP", "RFC 1939 7", "logs in with an MD5 digest of the greeting's timestamp"},
    {Verb::Stat, "STAT", "RFC 1939 5", "asks for the message count and the maildrop size"},
    {Verb::List, "LIST", "RFC 1939 5", "asks for message sizes (a scan listing)"},
    {Verb::Retr, "RETR", "RFC 1939 5", "retrieves a whole message"},
    {Verb::Dele, "DELE", "RFC 1939 5", "marks a message for deletion at QUIT"},
    {Verb::Noop, "NOOP", "RFC 1939 5", "does nothing; keeps the connection alive"},
    {Verb::Rset, "RSET", "RFC 1939 5", "unmarks every message marked for deletion"},
    {Verb::Quit, "QUIT", "RFC 1939 6", "ends the session; in TRANSACTION the deletions happen"},
    {Verb::Top, "TOP", "RFC 1939 7", "retrieves the headers and the first lines of a message"},
    {Verb::Uidl, "UIDL", "RFC 1939 7", "asks for unique-ids that stay the same across sessions"},
    {Verb::Capa, "CAPA", "RFC 2449 5", "asks which extensions the server offers"},
    {Verb::Stls, "STLS", "RFC 2595 4", "asks to start TLS on this connection"},
    {Verb::Last, "LAST", "RFC 1725 5",
     "obsolete: RFC 1725 asked for the highest message accessed; RFC 1939 removed it"},
    {Verb::Auth, "AUTH", "RFC 5034 4", "logs in with a SASL mechanism"},
}};

const VerbInfo* info_of(Verb verb) {
    for (const auto& info : kVerbs) {
        if (info.verb == verb) return &info;
    }
    return nullptr;
}

bool is_hex_digest(std::string_view text) {
    if (text.size() != 32) return false;
    for (char c : text) {
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex) return false;
    }
    return true;
}

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> words;
    std::size_t at = 0;
    while (at < text.size()) {
        while (at < text.size() && text[at] == ' ')
            ++at;
        if (at >= text.size()) break;
        auto end = text.find(' ', at);
        if (end == std::string_view::npos) end = text.size();
        words.emplace_back(text.substr(at, end - at));
        at = end;
    }
    return words;
}

// Checks the arguments of a known verb; returns why they are wrong.
std::optional<std::string> check_arguments(const Command& command) {
    const auto count = command.args.size();
    const auto name = verb_name(command.verb);
    auto want = [&](std::size_t low, std::size_t high) -> std::optional<std::string> {
        if (count >= low && count <= high) return std::nullopt;
        if (low == high) {
            return low == 0 ? fmt::format("{} takes no argument", name)
                            : fmt::format("{} takes {} argument{}", name, low, low == 1 ? "" : "s");
        }
        return fmt::format("{} takes {} to {} arguments", name, low, high);
    };
    auto number = [&](std::size_t index, bool zero_ok) -> std::optional<std::string> {
        auto value = parse_number(command.args[index]);
        if (!value) {
            return fmt::format("\"{}\" is not a number that fits 32 bits", command.args[index]);
        }
        if (!zero_ok && *value == 0) return std::string("message numbers start at 1");
        return std::nullopt;
    };
    switch (command.verb) {
        case Verb::User:
        case Verb::Pass:
            return want(1, 1);
        case Verb::Apop:
            if (auto error = want(2, 2)) return error;
            if (!is_hex_digest(command.args[1])) {
                return std::string("the APOP digest is 32 hexadecimal digits (RFC 1939 7)");
            }
            return std::nullopt;
        case Verb::Stat:
        case Verb::Noop:
        case Verb::Rset:
        case Verb::Quit:
        case Verb::Capa:
        case Verb::Stls:
        case Verb::Last:
            return want(0, 0);
        case Verb::List:
        case Verb::Uidl:
            if (auto error = want(0, 1)) return error;
            return count == 1 ? number(0, false) : std::nullopt;
        case Verb::Retr:
        case Verb::Dele:
            if (auto error = want(1, 1)) return error;
            return number(0, false);
        case Verb::Top:
            if (auto error = want(2, 2)) return error;
            if (auto error = number(0, false)) return error;
            return number(1, true);
        case Verb::Auth:
            return want(0, 2);
        case Verb::Unknown:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

std::string_view verb_name(Verb verb) {
    if (const auto* info = info_of(verb)) return info->name;
    return "?";
}

Verb verb_from_name(std::string_view name) {
    const auto wanted = ascii::upper(name);
    for (const auto& info : kVerbs) {
        if (info.name == wanted) return info.verb;
    }
    return Verb::Unknown;
}

std::string_view command_section(Verb verb) {
    if (const auto* info = info_of(verb)) return info->section;
    return "RFC 1939 3";
}

std::string_view command_purpose(Verb verb) {
    if (const auto* info = info_of(verb)) return info->purpose;
    return "a command this engine does not know";
}

std::optional<std::uint32_t> parse_number(std::string_view text) {
    if (text.empty() || text.size() > 10) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > 0xffffffffull) return std::nullopt;
    return static_cast<std::uint32_t>(value);
}

CommandParse parse_command(std::string_view line) {
    CommandParse result;
    for (char c : line) {
        const auto octet = static_cast<unsigned char>(c);
        if (octet < 0x20 || octet == 0x7f) {
            result.error = octet == 0 ? "a NUL octet in a command line"
                                      : fmt::format("control octet 0x{:02x} in a command line",
                                                    static_cast<unsigned>(octet));
            break;
        }
    }
    const auto space = line.find(' ');
    const auto keyword = line.substr(0, space);
    result.keyword = ascii::upper(keyword.substr(0, 8));
    if (!result.error.empty()) return result;
    if (keyword.empty()) {
        result.error = "an empty command line";
        return result;
    }
    for (char c : keyword) {
        const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (!letter) {
            result.error = "a command keyword is made of letters (RFC 1939 3)";
            return result;
        }
    }
    if (keyword.size() < 3 || keyword.size() > 4) {
        result.error = "a command keyword is three or four letters (RFC 1939 3)";
        return result;
    }
    Command command;
    command.keyword = ascii::upper(keyword);
    command.verb = verb_from_name(command.keyword);
    std::string_view rest =
        space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    if (command.verb == Verb::Pass) {
        // RFC 1939 7: PASS has one argument, and a server may take spaces in it
        // as part of the password.
        if (!rest.empty()) command.args.emplace_back(rest);
    } else {
        command.args = split_words(rest);
    }
    if (auto error = check_arguments(command)) {
        result.error = *error;
        return result;
    }
    result.command = std::move(command);
    return result;
}

std::string serialize(const Command& command) {
    std::string out =
        command.verb == Verb::Unknown ? command.keyword : std::string(verb_name(command.verb));
    for (const auto& arg : command.args) {
        out += ' ';
        out += arg;
    }
    out += "\r\n";
    return out;
}

Command make_command(Verb verb, std::vector<std::string> args) {
    Command command;
    command.verb = verb;
    command.keyword = std::string(verb_name(verb));
    command.args = std::move(args);
    return command;
}

bool reply_is_multiline(const Command& command) {
    switch (command.verb) {
        case Verb::List:
        case Verb::Uidl:
        case Verb::Auth:
            return command.args.empty();
        case Verb::Retr:
        case Verb::Top:
        case Verb::Capa:
            return true;
        default:
            return false;
    }
}

bool command_allowed(Verb verb, State state) {
    switch (verb) {
        case Verb::User:
        case Verb::Pass:
        case Verb::Apop:
        case Verb::Stls:
        case Verb::Auth:
            return state == State::Authorization;
        case Verb::Quit:
        case Verb::Capa:
        case Verb::Unknown:
            return state == State::Authorization || state == State::Transaction;
        case Verb::Stat:
        case Verb::List:
        case Verb::Retr:
        case Verb::Dele:
        case Verb::Noop:
        case Verb::Rset:
        case Verb::Top:
        case Verb::Uidl:
        case Verb::Last:
            return state == State::Transaction;
    }
    return false;
}

}  // namespace mailscope::pop3
