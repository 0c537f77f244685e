#include "app/gui_command.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli_text.hpp"

#if MAILSCOPE_WITH_GUI
#include "app/decode_capture.hpp"
#include "app/password_prompt.hpp"
#include "gui/app_controller.hpp"
#include "sim/core/language.hpp"
#endif

namespace mailscope::app {

void add_gui_options(CLI::App& command, GuiCommandOptions& options, sim::Language language) {
    const auto describe = [language](sim::Phrase phrase) { return cli_say(language, phrase); };
    command.add_option("--lesson", options.lesson, describe(sim::Phrase::HelpGuiLesson));
    command.add_option("--step", options.step, describe(sim::Phrase::HelpGuiStep));
    command.add_option("--back", options.back, describe(sim::Phrase::HelpGuiBack));
    command.add_option("--lang", options.lang, describe(sim::Phrase::HelpLangInterface))
        ->check(CLI::IsMember({"ru", "en"}));
    command.add_option("--size", options.size, describe(sim::Phrase::HelpGuiSize));
    command.add_option("--screenshot", options.screenshot,
                       describe(sim::Phrase::HelpGuiScreenshot));
    command.add_option("--screen-json", options.screen_json,
                       describe(sim::Phrase::HelpGuiScreenJson));
    command.add_flag("--large-text", options.large_text, describe(sim::Phrase::HelpGuiLargeText));
    command.add_flag("--projector", options.projector, describe(sim::Phrase::HelpGuiProjector));
    command.add_option("--export-svg", options.export_svg, describe(sim::Phrase::HelpGuiExportSvg));
    command.add_option("--export-html", options.export_html,
                       describe(sim::Phrase::HelpGuiExportHtml));
    command.add_option("--export-mermaid", options.export_mermaid,
                       describe(sim::Phrase::HelpGuiExportMermaid));
    command.add_option("--export-png", options.export_png, describe(sim::Phrase::HelpGuiExportPng));
    command.add_option("--transcript", options.transcript,
                       describe(sim::Phrase::HelpGuiTranscript));
    command.add_option("--client", options.client, describe(sim::Phrase::HelpGuiClient));
    command.add_option("--exchanges", options.exchanges, describe(sim::Phrase::HelpGuiExchanges))
        ->check(CLI::IsMember({"sequence", "log", "all-clients"}));
    command.add_flag("--free-play", options.free_play, describe(sim::Phrase::HelpGuiFreePlay));
    command.add_option("--type", options.type, describe(sim::Phrase::HelpGuiType));
    command.add_option("--serve", options.serve, describe(sim::Phrase::HelpGuiServe));
    command.add_option("--serve-pop3", options.serve_pop3, describe(sim::Phrase::HelpGuiServePop3));
    command.add_option("--serve-smtp", options.serve_smtp, describe(sim::Phrase::HelpGuiServeSmtp));
    command.add_option("--trace-dir", options.trace_dir, describe(sim::Phrase::HelpGuiTraceDir));
    command.add_option("--class-report", options.class_report,
                       describe(sim::Phrase::HelpGuiClassReport));
    command.add_flag("--class-table", options.class_table,
                     describe(sim::Phrase::HelpGuiClassTable));
    command.add_option("--assignment", options.assignment,
                       describe(sim::Phrase::HelpGuiAssignment));
    command.add_option("--connect", options.connect, describe(sim::Phrase::HelpGuiConnect));
    command.add_flag("--starttls", options.starttls, describe(sim::Phrase::HelpGuiStarttls));
    command.add_option("--ca-file", options.ca_file, describe(sim::Phrase::HelpGuiCaFile));
    command.add_flag("--insecure", options.insecure, describe(sim::Phrase::HelpGuiInsecure));
    command.add_option("--expand", options.expand, describe(sim::Phrase::HelpGuiExpand));
    command.add_option("--capture", options.capture, describe(sim::Phrase::HelpGuiCapture));
}

#if MAILSCOPE_WITH_GUI

int run_gui_command(const GuiCommandOptions& options) {
    auto made = gui::AppController::create(options);
    if (auto* error = std::get_if<std::string>(&made)) {
        std::cerr << fmt::format("mailscope gui: {}\n", *error);
        return gui_command_failed;
    }
    auto& app = *std::get<std::unique_ptr<gui::AppController>>(made);
    if (!options.capture.empty()) {
        DecodeOptions decode;
        decode.file = options.capture;
        decode.language =
            sim::language_from_name(options.lang).value_or(sim::language_from_locale());
        auto sessions = capture_sessions(decode);
        if (std::holds_alternative<std::string>(sessions)) return gui_command_failed;
        bool first = true;
        for (auto& session : std::get<std::vector<CapturedSession>>(sessions)) {
            app.add_recorded(std::move(session.label), std::move(session.trace), first);
            first = false;
        }
    }
    const auto ask_password = [](const std::string& prompt) {
        auto answer = obtain_password(prompt);
        return gui::PasswordAnswer{std::move(answer.password), std::move(answer.error)};
    };
    return app.run(ask_password);
}

#else

int run_gui_command(const GuiCommandOptions&) {
    std::cerr << cli_error(sim::language_from_locale(), "mailscope gui",
                           sim::Phrase::CliBuiltWithoutGui);
    return gui_command_no_display;
}

#endif

}  // namespace mailscope::app
