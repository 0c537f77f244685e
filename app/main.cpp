// mailscope: one executable, thin subcommands over the layers.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <string>
#include <utility>

#include "app/cli_errors.hpp"
#include "app/cli_text.hpp"
#include "app/connect_command.hpp"
#include "app/decode_command.hpp"
#ifdef MAILSCOPE_WITH_GUI
#include "app/gui_command.hpp"
#endif
#include "app/lesson_command.hpp"
#include "app/proxy_command.hpp"
#include "app/serve_command.hpp"
#include "lessons/lesson_catalog.hpp"
#include "server_mock/fault_injection.hpp"
#include "sim/core/language.hpp"

namespace {

// --lang: the language of everything the command writes for a person.
void add_language_option(CLI::App& command, mailscope::sim::Language& language,
                         std::string description) {
    language = mailscope::sim::language_from_locale();
    command
        .add_option_function<std::string>(
            "--lang",
            [&language](const std::string& name) {
                language = mailscope::sim::language_from_name(name).value_or(language);
            },
            std::move(description))
        ->check(CLI::IsMember({"ru", "en"}));
}

// CLI11's own words in the help (headings, marks, the --help flag) in
// `language`; subcommands made afterwards share the formatter and copy the
// option group and the help flag.
void translate_help_layout(CLI::App& cli, mailscope::sim::Language language) {
    using mailscope::app::cli_say;
    using mailscope::sim::Phrase;
    auto formatter = cli.get_formatter();
    formatter->label("Usage", cli_say(language, Phrase::HelpLabelUsage));
    formatter->label("OPTIONS", cli_say(language, Phrase::HelpLabelOptionsMark));
    formatter->label("SUBCOMMAND", cli_say(language, Phrase::HelpLabelSubcommandMark));
    formatter->label("SUBCOMMANDS", cli_say(language, Phrase::HelpLabelSubcommandsMark));
    formatter->label("Positionals", cli_say(language, Phrase::HelpLabelPositionals));
    formatter->label("REQUIRED", cli_say(language, Phrase::HelpLabelRequired));
    formatter->label("Needs", cli_say(language, Phrase::HelpLabelNeeds));
    formatter->label("Excludes", cli_say(language, Phrase::HelpLabelExcludes));
    formatter->label("Env", cli_say(language, Phrase::HelpLabelEnv));
    cli.option_defaults()->group(cli_say(language, Phrase::HelpGroupOptions));
    cli.set_help_flag("-h,--help", cli_say(language, Phrase::HelpFlag));
}

}  // namespace

int main(int argc, char** argv) {
    using mailscope::sim::Phrase;
    const auto language = mailscope::app::language_of_command_line(argc, argv);
    const auto describe = [language](Phrase phrase) {
        return mailscope::app::cli_say(language, phrase);
    };
    CLI::App cli{describe(Phrase::HelpMain), "mailscope"};
    translate_help_layout(cli, language);
    cli.require_subcommand(0, 1);

    mailscope::app::DecodeOptions decode;
    auto* decode_cmd = cli.add_subcommand("decode", describe(Phrase::HelpDecode));
    decode_cmd->add_option("FILE", decode.file, describe(Phrase::HelpDecodeFile))->required();
    decode_cmd->add_flag("--json", decode.json, describe(Phrase::HelpDecodeJson));
    std::string decode_protocol;
    decode_cmd->add_option("--protocol", decode_protocol, describe(Phrase::HelpDecodeProtocol))
        ->check(CLI::IsMember({"imap", "pop3", "smtp"}, CLI::ignore_case));
    decode_cmd->add_flag("--reveal-secrets", decode.reveal_secrets,
                         describe(Phrase::HelpRevealSecrets));
    decode_cmd->add_option("--html", decode.html, describe(Phrase::HelpDecodeHtml));
    decode_cmd->add_option("--mermaid", decode.mermaid, describe(Phrase::HelpDecodeMermaid));
    decode_cmd->add_option("--port", decode.ports, describe(Phrase::HelpDecodePort))
        ->check(CLI::Range(1, 65535));
    std::size_t decode_session = 0;
    decode_cmd->add_option("--session", decode_session, describe(Phrase::HelpDecodeSession))
        ->check(CLI::PositiveNumber);
    add_language_option(*decode_cmd, decode.language, describe(Phrase::HelpLangAnnotations));

    mailscope::app::ServeOptions serve;
    std::vector<std::string> fault_texts;
    double autologout_seconds = 30 * 60;
    double handshake_timeout_seconds = 30;
    auto* serve_cmd = cli.add_subcommand("serve", describe(Phrase::HelpServe));
    serve_cmd->add_option("--imap", serve.imap, describe(Phrase::HelpServeImap));
    serve_cmd->add_option("--imaps", serve.imaps, describe(Phrase::HelpServeImaps));
    serve_cmd->add_option("--smtp", serve.smtp, describe(Phrase::HelpServeSmtp));
    serve_cmd->add_option("--smtps", serve.smtps, describe(Phrase::HelpServeSmtps));
    serve_cmd->add_option("--pop3", serve.pop3, describe(Phrase::HelpServePop3));
    serve_cmd->add_option("--pop3s", serve.pop3s, describe(Phrase::HelpServePop3s));
    serve_cmd->add_option("--user", serve.users, describe(Phrase::HelpServeUser));
    serve_cmd->add_option("--users", serve.users_file, describe(Phrase::HelpServeUsers));
    auto* fixture =
        serve_cmd->add_option("--fixture", serve.fixture, describe(Phrase::HelpServeFixture));
    auto* mbox = serve_cmd->add_option("--mbox", serve.mbox, describe(Phrase::HelpServeMbox));
    auto* maildir =
        serve_cmd->add_option("--maildir", serve.maildir, describe(Phrase::HelpServeMaildir));
    fixture->excludes(mbox)->excludes(maildir);
    mbox->excludes(maildir);
    serve_cmd->add_option("--data-dir", serve.data_dir, describe(Phrase::HelpServeDataDir));
    serve_cmd->add_option("--trace-dir", serve.trace_dir, describe(Phrase::HelpServeTraceDir));
    auto* class_report = serve_cmd->add_option("--class-report", serve.class_report,
                                               describe(Phrase::HelpServeClassReport));
    serve_cmd->add_option("--assignment", serve.assignment, describe(Phrase::HelpServeAssignment))
        ->needs(class_report);
    serve_cmd
        ->add_option("--trace-window", serve.trace_window, describe(Phrase::HelpServeTraceWindow))
        ->check(CLI::Range(std::size_t{16}, std::size_t{10'000'000}));
    serve_cmd->add_option("--cert", serve.cert, describe(Phrase::HelpServeCert));
    serve_cmd->add_option("--key", serve.key, describe(Phrase::HelpServeKey));
    serve_cmd->add_option("--quota-storage", serve.quota.storage_kib,
                          describe(Phrase::HelpServeQuotaStorage));
    serve_cmd->add_option("--quota-messages", serve.quota.messages,
                          describe(Phrase::HelpServeQuotaMessages));
    serve_cmd->add_flag("--login-disabled", serve.config.login_disabled_without_tls,
                        describe(Phrase::HelpServeLoginDisabled));
    serve_cmd->add_flag("--anonymous", serve.config.anonymous,
                        describe(Phrase::HelpServeAnonymous));
    serve_cmd->add_flag("--imap4rev2-only", serve.config.imap4rev2_only,
                        describe(Phrase::HelpServeImap4rev2Only));
    serve_cmd->add_option("--autologout", autologout_seconds, describe(Phrase::HelpServeAutologout))
        ->check(CLI::PositiveNumber);
    serve_cmd
        ->add_option("--max-connections", serve.limits.max_connections,
                     describe(Phrase::HelpServeMaxConnections))
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    serve_cmd
        ->add_option("--output-buffer", serve.limits.output_bound,
                     describe(Phrase::HelpServeOutputBuffer))
        ->capture_default_str()
        ->transform(CLI::AsSizeValue(false));
    serve_cmd
        ->add_option("--max-session-output", serve.limits.session_output_cap,
                     describe(Phrase::HelpServeMaxSessionOutput))
        ->capture_default_str()
        ->transform(CLI::AsSizeValue(false));
    serve_cmd
        ->add_option("--max-total-output", serve.limits.total_output_cap,
                     describe(Phrase::HelpServeMaxTotalOutput))
        ->capture_default_str()
        ->transform(CLI::AsSizeValue(false));
    serve_cmd
        ->add_option("--handshake-timeout", handshake_timeout_seconds,
                     describe(Phrase::HelpServeHandshakeTimeout))
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    serve_cmd->add_option("--fault", fault_texts, describe(Phrase::HelpServeFault));
    serve_cmd->add_option("--fault-seed", serve.config.fault_seed,
                          describe(Phrase::HelpServeFaultSeed));
    add_language_option(*serve_cmd, serve.language, describe(Phrase::HelpLangReports));

#ifdef MAILSCOPE_WITH_GUI
    mailscope::app::GuiCommandOptions gui;
    auto* gui_cmd = cli.add_subcommand("gui", describe(Phrase::HelpGui));
    mailscope::app::add_gui_options(*gui_cmd, gui, language);
#endif

    mailscope::app::LessonListOptions lesson_list;
    mailscope::app::LessonRunOptions lesson_run;
    bool lesson_no_colour = false;
    std::size_t lesson_step = 0;
    auto* lesson_cmd = cli.add_subcommand("lesson", describe(Phrase::HelpLesson));
    lesson_cmd->require_subcommand(1);
    auto* lesson_list_cmd = lesson_cmd->add_subcommand("list", describe(Phrase::HelpLessonList));
    lesson_list_cmd->add_option("--lang", lesson_list.lang, describe(Phrase::HelpLangChoice))
        ->check(CLI::IsMember({"ru", "en"}));
    auto* lesson_run_cmd = lesson_cmd->add_subcommand("run", describe(Phrase::HelpLessonRun));
    lesson_run_cmd->add_option("LESSON", lesson_run.lesson, describe(Phrase::HelpLessonRunLesson))
        ->required();
    lesson_run_cmd->add_option("--lang", lesson_run.lang, describe(Phrase::HelpLangChoice))
        ->check(CLI::IsMember({"ru", "en"}));
    lesson_run_cmd->add_option("--step", lesson_step, describe(Phrase::HelpLessonRunStep))
        ->check(CLI::PositiveNumber);
    lesson_run_cmd->add_flag("--check", lesson_run.check, describe(Phrase::HelpLessonRunCheck));
    lesson_run_cmd->add_flag("--no-color", lesson_no_colour,
                             describe(Phrase::HelpLessonRunNoColor));
    std::size_t lesson_last_step = 0;
    lesson_run_cmd
        ->add_option("--last-step", lesson_last_step, describe(Phrase::HelpLessonRunLastStep))
        ->check(CLI::PositiveNumber);
    lesson_run_cmd->add_option("--html", lesson_run.html, describe(Phrase::HelpLessonRunHtml));
    lesson_run_cmd->add_option("--mermaid", lesson_run.mermaid,
                               describe(Phrase::HelpLessonRunMermaid));

    mailscope::app::ConnectOptions connect;
    auto* connect_cmd = cli.add_subcommand("connect", describe(Phrase::HelpConnect));
    connect_cmd->add_option("URL", connect.url, describe(Phrase::HelpConnectUrl))->required();
    connect_cmd->add_flag("--starttls", connect.starttls, describe(Phrase::HelpConnectStarttls));
    connect_cmd->add_flag("--allow-plaintext-login", connect.allow_plaintext_login,
                          describe(Phrase::HelpConnectAllowPlaintextLogin));
    connect_cmd->add_option("--ca-file", connect.ca_file, describe(Phrase::HelpConnectCaFile));
    connect_cmd->add_flag("--insecure", connect.insecure, describe(Phrase::HelpConnectInsecure));
    connect_cmd
        ->add_option("--timeout", connect.timeout_seconds, describe(Phrase::HelpConnectTimeout))
        ->check(CLI::PositiveNumber);
    connect_cmd->add_option("--script", connect.script, describe(Phrase::HelpConnectScript));
    connect_cmd->add_option("--transcript", connect.transcript,
                            describe(Phrase::HelpConnectTranscript));
    connect_cmd->add_option("--keylog", connect.key_log, describe(Phrase::HelpConnectKeyLog));
    connect_cmd->add_flag("--oauth", connect.oauth, describe(Phrase::HelpConnectOAuth));
    connect_cmd->add_option("--oauth-token-command", connect.oauth_token_command,
                            describe(Phrase::HelpConnectOAuthTokenCommand));
    connect_cmd->add_option("--oauth-mechanism", connect.oauth_mechanism,
                            describe(Phrase::HelpConnectOAuthMechanism));
    connect_cmd->add_flag("--reveal-secrets", connect.reveal_secrets,
                          describe(Phrase::HelpRevealSecrets));
    add_language_option(*connect_cmd, connect.language, describe(Phrase::HelpLangAnnotations));

    mailscope::app::ProxyOptions proxy;
    auto* proxy_cmd = cli.add_subcommand("proxy", describe(Phrase::HelpProxy));
    proxy_cmd->add_option("--listen", proxy.listen, describe(Phrase::HelpProxyListen));
    proxy_cmd->add_option("--upstream", proxy.upstream, describe(Phrase::HelpProxyUpstream))
        ->required();
    proxy_cmd->add_option("--protocol", proxy.protocol, describe(Phrase::HelpProxyProtocol))
        ->check(CLI::IsMember({"imap", "pop3", "smtp"}));
    proxy_cmd->add_flag("--upstream-starttls", proxy.upstream_starttls,
                        describe(Phrase::HelpProxyUpstreamStarttls));
    proxy_cmd->add_option("--client-tls", proxy.client_tls, describe(Phrase::HelpProxyClientTls));
    proxy_cmd->add_option("--cert", proxy.cert, describe(Phrase::HelpProxyCert));
    proxy_cmd->add_option("--key", proxy.key, describe(Phrase::HelpProxyKey));
    proxy_cmd->add_option("--ca-file", proxy.ca_file, describe(Phrase::HelpProxyCaFile));
    proxy_cmd->add_flag("--insecure", proxy.insecure, describe(Phrase::HelpProxyInsecure));
    proxy_cmd->add_option("--trace-dir", proxy.trace_dir, describe(Phrase::HelpProxyTraceDir));
    proxy_cmd->add_option("--keylog", proxy.key_log, describe(Phrase::HelpProxyKeyLog));
    proxy_cmd->add_option("--timeout", proxy.timeout_seconds, describe(Phrase::HelpProxyTimeout))
        ->check(CLI::PositiveNumber);
    proxy_cmd
        ->add_option("--idle-timeout", proxy.idle_timeout_seconds,
                     describe(Phrase::HelpProxyIdleTimeout))
        ->check(CLI::PositiveNumber);
    proxy_cmd->add_flag("--reveal-secrets", proxy.reveal_secrets,
                        describe(Phrase::HelpRevealSecrets));
    add_language_option(*proxy_cmd, proxy.language, describe(Phrase::HelpLangAnnotations));

    // CLI11 heads the subcommands with their group's name, and a
    // subcommand's help flag, copied from its parent's, keeps the default
    // group.
    for (auto* parent : {&cli, lesson_cmd}) {
        for (auto* command : parent->get_subcommands([](CLI::App*) { return true; })) {
            command->group(describe(Phrase::HelpGroupSubcommands));
            command->get_help_ptr()->group(describe(Phrase::HelpGroupOptions));
        }
    }

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return mailscope::app::report_parse_error(cli, error, language);
    }

    if (*serve_cmd) {
        for (const auto& text : fault_texts) {
            auto rule = mailscope::server::parse_fault_rule(text);
            if (auto* error = std::get_if<mailscope::sim::Said>(&rule)) {
                std::cerr << mailscope::app::cli_error(serve.language, "mailscope serve",
                                                       mailscope::sim::Phrase::CliLine,
                                                       "--fault " + text, *error);
                return 1;
            }
            serve.config.faults.push_back(std::get<mailscope::server::FaultRule>(rule));
        }
        if (autologout_seconds < 30 * 60) {
            std::cout << mailscope::app::cli_say(serve.language,
                                                 mailscope::sim::Phrase::CliShortAutologout,
                                                 autologout_seconds)
                      << "\n";
        }
        serve.config.autologout = static_cast<std::int64_t>(autologout_seconds * 1e6);
        serve.limits.handshake_timeout = static_cast<std::int64_t>(handshake_timeout_seconds * 1e6);
        // Without the option POP3 keeps its own RFC 1939 default of 10 minutes.
        if (serve_cmd->count("--autologout") > 0)
            serve.config.pop3.autologout = serve.config.autologout;
        return mailscope::app::run_serve(serve);
    }

    if (*lesson_list_cmd) return mailscope::app::run_lesson_list(lesson_list);
    if (*lesson_run_cmd) {
        if (lesson_step > 0) lesson_run.step = lesson_step;
        if (lesson_last_step > 0) lesson_run.last_step = lesson_last_step;
        if (lesson_last_step > 0 && lesson_last_step < std::max<std::size_t>(lesson_step, 1)) {
            std::cerr << mailscope::app::cli_error(language, "mailscope lesson run",
                                                   mailscope::sim::Phrase::CliLastStepBeforeStep,
                                                   lesson_last_step, lesson_step);
            return 2;
        }
        lesson_run.colour = !lesson_no_colour && isatty(STDOUT_FILENO) != 0;
        return mailscope::app::run_lesson(lesson_run);
    }
    if (*connect_cmd) {
        connect.colour = isatty(STDOUT_FILENO) != 0;
        return mailscope::app::run_connect(connect);
    }
    if (*proxy_cmd) {
        proxy.colour = isatty(STDOUT_FILENO) != 0;
        return mailscope::app::run_proxy(proxy);
    }
    if (*decode_cmd) {
        decode.colour = isatty(STDOUT_FILENO) != 0;
        if (!decode_protocol.empty()) {
            const auto name = CLI::detail::to_lower(decode_protocol);
            decode.protocol = name == "pop3"   ? mailscope::sim::Protocol::Pop3
                              : name == "smtp" ? mailscope::sim::Protocol::Smtp
                                               : mailscope::sim::Protocol::Imap;
        }
        if (decode_session > 0) decode.session = decode_session;
        return mailscope::app::run_decode(decode);
    }
#ifdef MAILSCOPE_WITH_GUI
    if (*gui_cmd) return mailscope::app::run_gui_command(gui);
#endif
        // No subcommand: the main job, the first lesson against the embedded mock
        // server in the GUI, or as text when there is no display for it.
#ifdef MAILSCOPE_WITH_GUI
    if (int code = mailscope::app::run_gui_command({});
        code != mailscope::app::gui_command_no_display) {
        return code;
    }
    std::cerr << mailscope::app::cli_error(language, "mailscope",
                                           mailscope::sim::Phrase::CliNoDisplay);
#endif
    auto lessons = mailscope::lessons::find_all_lessons();
    if (lessons.empty()) {
        std::cerr << mailscope::app::cli_say(language, mailscope::sim::Phrase::CliNoLessons,
                                             "mailscope")
                  << "\n";
        std::cout << cli.help();
        return 2;
    }
    mailscope::app::LessonRunOptions first;
    first.lesson = lessons.front().string();
    first.colour = isatty(STDOUT_FILENO) != 0;
    return mailscope::app::run_lesson(first);
}
