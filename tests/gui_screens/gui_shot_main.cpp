// ms_gui_shot: `mailscope gui` on its own, so the screenshot tests run the
// very code of the subcommand without the rest of the command line.
#include <CLI/CLI.hpp>

#include "app/gui_command.hpp"

int main(int argc, char** argv) {
    CLI::App cli{"mailscope gui, for the screenshot tests"};
    mailscope::app::GuiCommandOptions options;
    mailscope::app::add_gui_options(cli, options, mailscope::sim::language_from_locale());
    CLI11_PARSE(cli, argc, argv);
    return mailscope::app::run_gui_command(options);
}
