// The command line's own mistakes (an unknown option, a missing argument, a
// value out of range) told in the user's language, and that language found
// before the parser has read --lang.
#pragma once

#include <CLI/CLI.hpp>

#include "sim/core/language.hpp"

namespace mailscope::app {

// --lang ru / --lang=ru anywhere on the line, else the locale's.
sim::Language language_of_command_line(int argc, const char* const* argv);

// Prints what went wrong and how to see the options; gives the exit code.
// --help and --version print as usual.
int report_parse_error(CLI::App& app, const CLI::ParseError& error, sim::Language language);

}  // namespace mailscope::app
