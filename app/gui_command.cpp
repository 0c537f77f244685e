#include "app/gui_command.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>

#if MAILSCOPE_WITH_GUI
#include "app/cli_text.hpp"
#include "app/password_prompt.hpp"
#include "gui/app_controller.hpp"
#endif

namespace mailscope::app {

void add_gui_options(CLI::App& command, GuiCommandOptions& options) {
    command.add_option("--lesson", options.lesson,
                       "the lesson: an id or a lesson file (default: the first lesson)");
    command.add_option("--step", options.step, "run this many steps before showing");
    command.add_option("--back", options.back,
                       "after --step, undo this many steps (shows step back's exact replay)");
    command
        .add_option("--lang", options.lang,
                    "language of the interface and lesson: ru or en (default: the locale's, "
                    "from LC_ALL, LC_MESSAGES or LANG)")
        ->check(CLI::IsMember({"ru", "en"}));
    command.add_option("--size", options.size, "window size WxH (default 1600x1000)");
    command.add_option("--screenshot", options.screenshot,
                       "draw one frame, save it as a PNG file and exit (uses Xvfb without a "
                       "display)");
    command.add_option("--screen-json", options.screen_json,
                       "with --screenshot: also write what the frame shows as JSON (the state "
                       "filled in the diagram, the exchange rows and the last one's text, the "
                       "lesson step and its question)");
    command.add_flag("--large-text", options.large_text, "large fonts and widgets");
    command.add_flag("--projector", options.projector,
                     "projector preset: large text, high contrast, no timeline or composer");
    command.add_option("--export-svg", options.export_svg,
                       "write the exchange so far as a sequence diagram SVG and exit");
    command.add_option("--export-html", options.export_html,
                       "write the exchange so far as a handout (one self-contained HTML page "
                       "for A4 paper: state path, mailbox changes, annotated exchanges) and exit");
    command.add_option("--export-mermaid", options.export_mermaid,
                       "write the exchange so far as a Mermaid sequence diagram and exit");
    command.add_option("--export-png", options.export_png,
                       "write the exchange so far as a sequence diagram PNG and exit (uses Xvfb "
                       "without a display)");
    command.add_option("--transcript", options.transcript,
                       "when the window closes (or the screenshot is saved), write the session "
                       "shown: FILE.jsonl as JSON Lines, anything else as C:/S: text; "
                       "credentials stay masked");
    command.add_option("--client", options.client, "the client shown in a multi-client lesson");
    command
        .add_option("--exchanges", options.exchanges,
                    "the Exchanges tab shown first: sequence, log, or all-clients (a lesson's "
                    "clients or the lab's connections side by side on one time axis)")
        ->check(CLI::IsMember({"sequence", "log", "all-clients"}));
    command.add_flag("--free-play", options.free_play,
                     "start in free play: type IMAP commands against the classroom mail");
    command.add_option("--type", options.type,
                       "a free-play command sent before the window opens (repeatable)");
    command.add_option("--serve", options.serve,
                       "[ADDR:]PORT: run the mock IMAP server on TCP in the window's process; "
                       "each connection is listed in the Session menu");
    command.add_option("--serve-pop3", options.serve_pop3,
                       "[ADDR:]PORT: run the mock POP3 server there too, on the lab's mail");
    command.add_option("--serve-smtp", options.serve_smtp,
                       "[ADDR:]PORT: run the mock SMTP server there too, on the lab's mail");
    command.add_option("--trace-dir", options.trace_dir,
                       "DIR: write each lab session's transcript, events (JSON Lines) and "
                       "violation report there as it happens (passwords masked)");
    command.add_option("--class-report", options.class_report,
                       "FILE.csv: keep the lab's class report there, as serve --class-report "
                       "does (with --trace-dir also a page per student)");
    command.add_flag("--class-table", options.class_table,
                     "with --serve: open the class table (a row per student) at start; the "
                     "Session menu opens it too");
    command.add_option("--assignment", options.assignment,
                       "FILE.yaml: with --class-report, the steps each student's client is to "
                       "carry out, as serve --assignment");
    command.add_option(
        "--connect", options.connect,
        "[USER@]HOST[:PORT] after imap:// imaps:// pop3:// pop3s:// smtp:// smtps:// "
        "or submission://: open a live session to a real server (the password "
        "from MAILSCOPE_PASSWORD or asked for)");
    command.add_flag(
        "--starttls", options.starttls,
        "with a plain --connect: upgrade to TLS (STARTTLS, STLS) before any credential");
    command.add_option("--ca-file", options.ca_file, "with --connect: trust this CA (PEM)");
    command.add_flag("--insecure", options.insecure,
                     "with --connect: do not verify the certificate (shown in red)");
    command.add_option("--expand", options.expand,
                       "show this literal event expanded, raw and decoded (repeatable)");
}

#if MAILSCOPE_WITH_GUI

int run_gui_command(const GuiCommandOptions& options) {
    auto made = gui::AppController::create(options);
    if (auto* error = std::get_if<std::string>(&made)) {
        std::cerr << fmt::format("mailscope gui: {}\n", *error);
        return gui_command_failed;
    }
    const auto ask_password = [](const std::string& prompt) {
        auto answer = obtain_password(prompt);
        return gui::PasswordAnswer{std::move(answer.password), std::move(answer.error)};
    };
    return std::get<std::unique_ptr<gui::AppController>>(made)->run(ask_password);
}

#else

int run_gui_command(const GuiCommandOptions&) {
    std::cerr << cli_error(sim::language_from_locale(), "mailscope gui",
                           sim::Phrase::CliBuiltWithoutGui);
    return gui_command_no_display;
}

#endif

}  // namespace mailscope::app
