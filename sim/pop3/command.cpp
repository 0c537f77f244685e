#include "sim/pop3/command.hpp"
#include "sim/core/ascii.hpp"

#include <fmt/format.h>

#include <utility>

namespace mailscope::pop3 {

using sim::Phrase;
using sim::say;

namespace {

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
std::optional<sim::Said> check_arguments(const Command& command) {
    if (command.verb == Verb::Unknown) return std::nullopt;
    const auto& expected = verb_info(command.verb).arguments;
    const auto count = command.args.size();
    const auto name = verb_name(command.verb);
    if (count < expected.required || count > expected.allowed) {
        if (expected.required == expected.allowed) {
            if (expected.required == 0) return say(Phrase::Pop3TakesNoArgument, name);
            return expected.required == 1
                       ? say(Phrase::Pop3TakesOneArgument, name)
                       : say(Phrase::Pop3TakesArguments, name, expected.required);
        }
        return say(Phrase::Pop3TakesArgumentRange, name, expected.required, expected.allowed);
    }
    for (std::size_t i = 0; i < count && i < expected.kinds.size(); ++i) {
        const auto& arg = command.args[i];
        switch (expected.kinds[i]) {
            case Argument::Word:
            case Argument::Rest:
                break;
            case Argument::MessageNumber:
            case Argument::LineCount: {
                const auto value = parse_number(arg);
                if (!value) return say(Phrase::Pop3NotA32BitNumber, arg);
                if (*value == 0 && expected.kinds[i] == Argument::MessageNumber) {
                    return say(Phrase::Pop3MessageNumbersStartAt1);
                }
                break;
            }
            case Argument::Digest:
                if (!is_hex_digest(arg)) {
                    return say(Phrase::Pop3ApopDigestForm);
                }
                break;
        }
    }
    return std::nullopt;
}

}  // namespace

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
            result.fail(octet == 0 ? say(Phrase::Pop3NulInLine)
                                   : say(Phrase::Pop3ControlOctetInLine,
                                         fmt::format("0x{:02x}", static_cast<unsigned>(octet))));
            break;
        }
    }
    const auto space = line.find(' ');
    const auto keyword = line.substr(0, space);
    result.keyword = ascii::upper(keyword.substr(0, 8));
    if (!result.error.empty()) return result;
    if (keyword.empty()) {
        result.fail(say(Phrase::Pop3EmptyLine));
        return result;
    }
    for (char c : keyword) {
        const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (!letter) {
            result.fail(say(Phrase::Pop3KeywordLetters));
            return result;
        }
    }
    if (keyword.size() < 3 || keyword.size() > 4) {
        result.fail(say(Phrase::Pop3KeywordLength));
        return result;
    }
    Command command;
    command.keyword = ascii::upper(keyword);
    command.verb = verb_from_name(command.keyword);
    std::string_view rest =
        space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    if (verb_info(command.verb).arguments.kinds[0] == Argument::Rest) {
        // RFC 1939 7: PASS has one argument, and a server may take spaces in it
        // as part of the password.
        if (!rest.empty()) command.args.emplace_back(rest);
    } else {
        command.args = split_words(rest);
    }
    if (auto error = check_arguments(command)) {
        result.fail(std::move(*error));
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
    switch (verb_info(command.verb).reply) {
        case ReplyForm::SingleLine:
            return false;
        case ReplyForm::MultiLineWithoutArgument:
            return command.args.empty();
        case ReplyForm::MultiLine:
        case ReplyForm::Message:
            return true;
    }
    return false;
}

}  // namespace mailscope::pop3
