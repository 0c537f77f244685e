// `mailscope gui`: the window on a lesson against the embedded mock server,
// a one-frame screenshot at a given step, or the step's exchange as an SVG
// for slides (no window needed). `mailscope` with no arguments runs it too
// and falls back to the text lesson when no display can be opened.
#pragma once

#include "gui/app_options.hpp"
#include "sim/core/language.hpp"

namespace CLI {
class App;
}

namespace mailscope::app {

using GuiCommandOptions = gui::AppOptions;

// Exit codes of run_gui_command.
inline constexpr int gui_command_ok = gui::app_exit_ok;
inline constexpr int gui_command_failed = gui::app_exit_failed;
inline constexpr int gui_command_no_display = gui::app_exit_no_display;

// Declares the options of gui::AppOptions on `command` (the `gui` subcommand).
void add_gui_options(CLI::App& command, GuiCommandOptions& options, sim::Language language);

int run_gui_command(const GuiCommandOptions& options);

}  // namespace mailscope::app
