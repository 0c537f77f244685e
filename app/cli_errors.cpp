#include "app/cli_errors.hpp"

#include <iostream>
#include <string>
#include <string_view>

#include "app/cli_text.hpp"

namespace mailscope::app {

namespace {

// The parser's sentences carry the names and values; ours say what they
// mean. Texts after "A: " or around " requires " are the parser's fixed
// wording (CLI11 2.x, CLI/Error.hpp).
std::string after(std::string_view text, std::string_view marker) {
    const auto at = text.find(marker);
    return std::string(at == std::string_view::npos ? text : text.substr(at + marker.size()));
}

std::string before(std::string_view text, std::string_view marker) {
    return std::string(text.substr(0, text.find(marker)));
}

// "2.500000" as "2.5", "16.000000" as "16".
std::string plain_number(std::string text) {
    if (text.find('.') == std::string::npos) return text;
    while (text.ends_with('0'))
        text.pop_back();
    if (text.ends_with('.')) text.pop_back();
    return text;
}

// The validators' own sentences: IsMember's "V not in {a,b}" and Range's
// "Value V not in range MIN to MAX" (PositiveNumber and NonNegativeNumber
// are ranges up to the largest double). Read with plain searches: the value
// is whatever the user typed, of any length.
sim::Said explain_rejected_value(const std::string& option, const std::string& why) {
    constexpr std::string_view kNotIn = " not in {";
    constexpr std::string_view kValue = "Value ";
    constexpr std::string_view kRange = " not in range ";
    constexpr std::string_view kTo = " to ";
    if (const auto at = why.rfind(kNotIn); at != std::string::npos && why.ends_with('}')) {
        std::string choices = why.substr(at + kNotIn.size());
        choices.pop_back();
        for (std::size_t comma = choices.find(','); comma != std::string::npos;
             comma = choices.find(',', comma + 2))
            choices.replace(comma, 1, ", ");
        return sim::say(sim::Phrase::CliValueNotOneOf, option, why.substr(0, at), choices);
    }
    const auto range = why.rfind(kRange);
    const auto to = range == std::string::npos ? range : why.find(kTo, range + kRange.size());
    if (why.starts_with(kValue) && to != std::string::npos) {
        const std::string value = why.substr(kValue.size(), range - kValue.size());
        const std::string low = why.substr(range + kRange.size(), to - range - kRange.size());
        const std::string high = why.substr(to + kTo.size());
        if (high.size() > 30)
            return sim::say(sim::Phrase::CliValueNotAcceptedNumber, option, value);
        return sim::say(sim::Phrase::CliValueOutOfRange, option, value, plain_number(low),
                        plain_number(high));
    }
    return sim::say(sim::Phrase::CliValueRejected, option, why);
}

sim::Said explain(const CLI::ParseError& error) {
    const std::string_view text = error.what();
    if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr &&
        text.ends_with(" is required")) {
        return sim::say(sim::Phrase::CliArgumentRequired, before(text, " is required"));
    }
    if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
        return sim::say(sim::Phrase::CliArgumentsNotExpected, after(text, ": "));
    }
    if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr &&
        text.find(": ") != std::string_view::npos) {
        return explain_rejected_value(before(text, ": "), after(text, ": "));
    }
    if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr) {
        return sim::say(sim::Phrase::CliCannotConvert, after(text, "Could not convert: "));
    }
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
        return sim::say(sim::Phrase::CliValueCount, std::string(text));
    }
    if (dynamic_cast<const CLI::RequiresError*>(&error) != nullptr &&
        text.find(" requires ") != std::string_view::npos) {
        return sim::say(sim::Phrase::CliOptionRequires, before(text, " requires "),
                        after(text, " requires "));
    }
    if (dynamic_cast<const CLI::ExcludesError*>(&error) != nullptr &&
        text.find(" excludes ") != std::string_view::npos) {
        return sim::say(sim::Phrase::CliOptionExcludes, before(text, " excludes "),
                        after(text, " excludes "));
    }
    return sim::say(sim::Phrase::CliBadCommandLine, std::string(text));
}

}  // namespace

sim::Language language_of_command_line(int argc, const char* const* argv) {
    auto language = sim::language_from_locale();
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        std::string_view name;
        if (arg == "--lang" && i + 1 < argc) {
            name = argv[i + 1];
        } else if (arg.starts_with("--lang=")) {
            name = arg.substr(7);
        }
        if (auto named = sim::language_from_name(name)) language = *named;
    }
    return language;
}

int report_parse_error(CLI::App& app, const CLI::ParseError& error, sim::Language language) {
    if (dynamic_cast<const CLI::Success*>(&error) != nullptr ||
        dynamic_cast<const CLI::CallForHelp*>(&error) != nullptr ||
        dynamic_cast<const CLI::CallForAllHelp*>(&error) != nullptr ||
        dynamic_cast<const CLI::CallForVersion*>(&error) != nullptr) {
        return app.exit(error);
    }
    // The subcommand the mistake is in, for its own --help.
    std::string command = app.get_name();
    for (const auto* sub : app.get_subcommands()) {
        command += " " + sub->get_name();
        for (const auto* inner : sub->get_subcommands())
            command += " " + inner->get_name();
    }
    std::cerr << cli_error(language, command, explain(error))
              << cli_say(language, sim::Phrase::CliSeeHelp, command) << "\n";
    return error.get_exit_code();
}

}  // namespace mailscope::app
