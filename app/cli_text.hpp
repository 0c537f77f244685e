// The lines a command writes for its user, in the command's language.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "sim/core/catalogue.hpp"

namespace mailscope::app {

template <typename... Args>
std::string cli_say(sim::Language language, sim::Phrase phrase, Args&&... args) {
    return sim::render(sim::say(phrase, std::forward<Args>(args)...), language);
}

// "mailscope serve: sentence" and a newline, for the error stream.
inline std::string cli_error(sim::Language language, std::string_view command,
                             const sim::Said& said) {
    return cli_say(language, sim::Phrase::CliLine, command, said) + "\n";
}

template <typename... Args>
std::string cli_error(sim::Language language, std::string_view command, sim::Phrase phrase,
                      Args&&... args) {
    return cli_error(language, command, sim::say(phrase, std::forward<Args>(args)...));
}

}  // namespace mailscope::app
