// mailscope: one executable, thin subcommands over the layers.
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

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

constexpr const char* kLanguageHelp =
    "ru or en (default: the locale's, from LC_ALL, LC_MESSAGES or LANG)";

// --lang: the language of everything the command writes for a person.
void add_language_option(CLI::App& command, mailscope::sim::Language& language, const char* what) {
    language = mailscope::sim::language_from_locale();
    command
        .add_option_function<std::string>(
            "--lang",
            [&language](const std::string& name) {
                language = mailscope::sim::language_from_name(name).value_or(language);
            },
            fmt::format("language of {}: {}", what, kLanguageHelp))
        ->check(CLI::IsMember({"ru", "en"}));
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"mailscope: a teaching simulator and live visualizer for IMAP4rev1, POP3 and SMTP",
                 "mailscope"};
    cli.require_subcommand(0, 1);

    mailscope::app::DecodeOptions decode;
    auto* decode_cmd =
        cli.add_subcommand("decode",
                           "Annotate an IMAP, POP3 or SMTP transcript written as C:/S: (or >/<) "
                           "lines");
    decode_cmd->add_option("FILE", decode.file, "the transcript")->required();
    decode_cmd->add_flag("--json", decode.json, "print the trace as JSON Lines");
    std::string decode_protocol;
    decode_cmd
        ->add_option("--protocol", decode_protocol,
                     "imap, pop3 or smtp (default: told by the server's first line)")
        ->check(CLI::IsMember({"imap", "pop3", "smtp"}, CLI::ignore_case));
    decode_cmd->add_flag("--reveal-secrets", decode.reveal_secrets,
                         "show passwords and SASL payloads instead of masking them");
    decode_cmd->add_option("--html", decode.html,
                           "also write a handout: one self-contained HTML page for A4 paper");
    decode_cmd->add_option("--mermaid", decode.mermaid,
                           "also write the exchange as a Mermaid sequence diagram");
    add_language_option(*decode_cmd, decode.language, "the annotations");

    mailscope::app::ServeOptions serve;
    std::vector<std::string> fault_texts;
    double autologout_seconds = 30 * 60;
    double handshake_timeout_seconds = 30;
    auto* serve_cmd = cli.add_subcommand(
        "serve",
        "Run the mock mail server for real clients (loopback unless an address says otherwise)");
    serve_cmd->add_option("--imap", serve.imap,
                          "IMAP listener [ADDR:]PORT with STARTTLS (default 127.0.0.1:1143)");
    serve_cmd->add_option("--imaps", serve.imaps,
                          "IMAP over implicit TLS [ADDR:]PORT (default 127.0.0.1:1993)");
    serve_cmd->add_option("--smtp", serve.smtp,
                          "SMTP listener [ADDR:]PORT with STARTTLS; delivers to local users' "
                          "INBOX, never relays");
    serve_cmd->add_option("--smtps", serve.smtps, "SMTP over implicit TLS [ADDR:]PORT");
    serve_cmd->add_option("--pop3", serve.pop3,
                          "POP3 listener [ADDR:]PORT with STLS; the maildrop is each user's INBOX");
    serve_cmd->add_option("--pop3s", serve.pop3s, "POP3 over implicit TLS [ADDR:]PORT");
    serve_cmd->add_option("--user", serve.users, "add a user NAME:PASSWORD (repeatable)");
    serve_cmd->add_option("--users", serve.users_file,
                          "a file of NAME:PASSWORD lines and \"acl USER MAILBOX IDENTIFIER "
                          "RIGHTS\" grants (RFC 4314)");
    auto* fixture =
        serve_cmd->add_option("--fixture", serve.fixture,
                              "starting store from a YAML fixture (default: the classroom one)");
    auto* mbox = serve_cmd->add_option("--mbox", serve.mbox,
                                       "starting store: an mbox file into the first user's INBOX");
    auto* maildir = serve_cmd->add_option("--maildir", serve.maildir,
                                          "starting store: a Maildir into the first user's INBOX");
    fixture->excludes(mbox)->excludes(maildir);
    mbox->excludes(maildir);
    serve_cmd->add_option("--data-dir", serve.data_dir,
                          "keep the store on disk (Maildir) so a restart loses nothing");
    serve_cmd->add_option("--trace-dir", serve.trace_dir,
                          "write each session's transcript, JSON Lines and violation report here, "
                          "as the session runs");
    auto* class_report =
        serve_cmd->add_option("--class-report", serve.class_report,
                              "FILE.csv: one row per student (login name): sessions, commands, the "
                              "rules their clients broke by RFC section, first and last seen; "
                              "rewritten as each session ends. With --trace-dir also a page per "
                              "student (FILE-students/NAME.html) with each session's report");
    serve_cmd
        ->add_option("--assignment", serve.assignment,
                     "FILE.yaml: the steps each student's client is to carry out (see README, "
                     "--assignment); the class report gains steps_done and steps_missing, "
                     "each student's page lists every step and the session that did it")
        ->needs(class_report);
    serve_cmd
        ->add_option("--trace-window", serve.trace_window,
                     "events of each session kept in memory (default 256, at most 256 KiB); "
                     "the full trace goes only to --trace-dir")
        ->check(CLI::Range(std::size_t{16}, std::size_t{10'000'000}));
    serve_cmd->add_option("--cert", serve.cert,
                          "TLS certificate (PEM); default: a self-signed one made on first run");
    serve_cmd->add_option("--key", serve.key, "TLS private key (PEM)");
    serve_cmd->add_option("--quota-storage", serve.quota.storage_kib,
                          "STORAGE limit of each user's quota root, in KiB (RFC 9208 5.1); "
                          "default: none, until the user's SETQUOTA");
    serve_cmd->add_option("--quota-messages", serve.quota.messages,
                          "MESSAGE limit of each user's quota root (RFC 9208 5.2); default: none");
    serve_cmd->add_flag("--login-disabled", serve.config.login_disabled_without_tls,
                        "refuse LOGIN and plaintext SASL until STARTTLS (LOGINDISABLED)");
    serve_cmd->add_flag("--anonymous", serve.config.anonymous, "allow a read-only anonymous login");
    serve_cmd->add_flag("--imap4rev2-only", serve.config.imap4rev2_only,
                        "speak IMAP4rev2 (RFC 9051) only: CAPABILITY lists IMAP4rev2 without "
                        "IMAP4rev1, and its rules hold from the greeting on");
    serve_cmd
        ->add_option("--autologout", autologout_seconds,
                     "seconds of inactivity before an IMAP (* BYE) or POP3 session is closed "
                     "(RFC 3501 asks for at least 1800, RFC 1939 for 600)")
        ->check(CLI::PositiveNumber);
    serve_cmd
        ->add_option("--max-connections", serve.limits.max_connections,
                     "sessions open at once; more are refused at the greeting (IMAP * BYE, "
                     "POP3 -ERR, SMTP 421)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    serve_cmd
        ->add_option("--output-buffer", serve.limits.output_bound,
                     "stop reading a client while this much output waits unread for it, and "
                     "resume when it has read it (e.g. 1M)")
        ->capture_default_str()
        ->transform(CLI::AsSizeValue(false));
    serve_cmd
        ->add_option("--max-session-output", serve.limits.session_output_cap,
                     "close a session whose unsent output passes this, with IMAP * BYE, "
                     "POP3 -ERR or SMTP 421 (e.g. 64M)")
        ->capture_default_str()
        ->transform(CLI::AsSizeValue(false));
    serve_cmd
        ->add_option("--max-total-output", serve.limits.total_output_cap,
                     "the same for the unsent output of all sessions together; the session "
                     "that passes it is closed (e.g. 256M)")
        ->capture_default_str()
        ->transform(CLI::AsSizeValue(false));
    serve_cmd
        ->add_option("--handshake-timeout", handshake_timeout_seconds,
                     "seconds a TLS handshake may take (implicit TLS, or after STARTTLS or STLS) "
                     "before the connection is closed")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    serve_cmd->add_option("--fault", fault_texts,
                          "inject a fault, e.g. delay:FETCH:2000ms, defer:FETCH, split:*, "
                          "no:SELECT, bye:FETCH:p=0.5 (repeatable; see docs/faults.md)");
    serve_cmd->add_option("--fault-seed", serve.config.fault_seed, "seed for probabilistic faults");
    add_language_option(*serve_cmd, serve.language, "the session reports and the class report");

#ifdef MAILSCOPE_WITH_GUI
    mailscope::app::GuiCommandOptions gui;
    auto* gui_cmd = cli.add_subcommand(
        "gui", "Open the GUI on a lesson (default: the first) against the embedded mock server");
    mailscope::app::add_gui_options(*gui_cmd, gui);
#endif

    mailscope::app::LessonListOptions lesson_list;
    mailscope::app::LessonRunOptions lesson_run;
    bool lesson_no_colour = false;
    std::size_t lesson_step = 0;
    auto* lesson_cmd = cli.add_subcommand("lesson", "List and play the lessons in a terminal");
    lesson_cmd->require_subcommand(1);
    auto* lesson_list_cmd = lesson_cmd->add_subcommand("list", "List the lessons");
    lesson_list_cmd->add_option("--lang", lesson_list.lang, kLanguageHelp)
        ->check(CLI::IsMember({"ru", "en"}));
    auto* lesson_run_cmd = lesson_cmd->add_subcommand("run", "Play a lesson step by step");
    lesson_run_cmd->add_option("LESSON", lesson_run.lesson, "a lesson id or a lesson file")
        ->required();
    lesson_run_cmd->add_option("--lang", lesson_run.lang, kLanguageHelp)
        ->check(CLI::IsMember({"ru", "en"}));
    lesson_run_cmd->add_option("--step", lesson_step, "start at step N (earlier steps run unseen)")
        ->check(CLI::PositiveNumber);
    lesson_run_cmd->add_flag("--check", lesson_run.check,
                             "run without pauses; exit 1 if any expectation fails");
    lesson_run_cmd->add_flag("--no-color", lesson_no_colour, "no ANSI colours");
    std::size_t lesson_last_step = 0;
    lesson_run_cmd
        ->add_option("--last-step", lesson_last_step, "stop after step N (default: the last)")
        ->check(CLI::PositiveNumber);
    lesson_run_cmd->add_option(
        "--html", lesson_run.html,
        "write the steps played as a handout: one self-contained HTML page for A4 paper");
    lesson_run_cmd->add_option("--mermaid", lesson_run.mermaid,
                               "write the steps played as a Mermaid sequence diagram");

    mailscope::app::ConnectOptions connect;
    auto* connect_cmd = cli.add_subcommand(
        "connect", "Talk to a real IMAP, POP3 or SMTP server with every exchange annotated");
    connect_cmd
        ->add_option("URL", connect.url,
                     "[user@]host[:port] after imap:// imaps:// pop3:// pop3s:// smtp:// "
                     "smtps:// or submission://")
        ->required();
    connect_cmd->add_flag(
        "--starttls", connect.starttls,
        "upgrade a plain session to TLS (STARTTLS, STLS) before any credential is sent");
    connect_cmd->add_flag("--allow-plaintext-login", connect.allow_plaintext_login,
                          "allow a password in clear to a host that is not this machine");
    connect_cmd->add_option("--ca-file", connect.ca_file,
                            "trust this CA (PEM) instead of the system's");
    connect_cmd->add_flag("--insecure", connect.insecure,
                          "do not verify the server's certificate (announced loudly)");
    connect_cmd
        ->add_option("--timeout", connect.timeout_seconds,
                     "seconds allowed for connecting and for each awaited answer")
        ->check(CLI::PositiveNumber);
    connect_cmd->add_option("--script", connect.script,
                            "run the commands of FILE (one per line) without a terminal");
    connect_cmd->add_option("--transcript", connect.transcript,
                            "write the session to FILE (.jsonl: JSON Lines, else C:/S: text)");
    connect_cmd->add_flag("--reveal-secrets", connect.reveal_secrets,
                          "show passwords and SASL payloads instead of masking them");
    add_language_option(*connect_cmd, connect.language, "the annotations");

    mailscope::app::ProxyOptions proxy;
    auto* proxy_cmd = cli.add_subcommand(
        "proxy", "Relay real IMAP, POP3 or SMTP clients to a real server and show every exchange");
    proxy_cmd->add_option("--listen", proxy.listen,
                          "[ADDR:]PORT for clients (default 127.0.0.1:1143)");
    proxy_cmd
        ->add_option("--upstream", proxy.upstream,
                     "imap[s]://, pop3[s]://, smtp[s]:// or submission:// host[:port]")
        ->required();
    proxy_cmd
        ->add_option("--protocol", proxy.protocol,
                     "imap, pop3 or smtp; default: the one --upstream's scheme names (ports "
                     "are not guessed from)")
        ->check(CLI::IsMember({"imap", "pop3", "smtp"}));
    proxy_cmd->add_flag("--upstream-starttls", proxy.upstream_starttls,
                        "with a plain upstream: the proxy negotiates STARTTLS (POP3: STLS) itself");
    proxy_cmd->add_option("--client-tls", proxy.client_tls,
                          "none or implicit (default: implicit when --cert is given)");
    proxy_cmd->add_option("--cert", proxy.cert, "certificate towards the clients (PEM)");
    proxy_cmd->add_option("--key", proxy.key, "private key of --cert (PEM)");
    proxy_cmd->add_option("--ca-file", proxy.ca_file, "trust this CA (PEM) for the upstream");
    proxy_cmd->add_flag("--insecure", proxy.insecure,
                        "do not verify the upstream's certificate (announced loudly)");
    proxy_cmd->add_option("--trace-dir", proxy.trace_dir,
                          "write each session's transcript and JSON Lines here");
    proxy_cmd
        ->add_option("--timeout", proxy.timeout_seconds,
                     "seconds allowed for connecting to the upstream")
        ->check(CLI::PositiveNumber);
    proxy_cmd->add_flag("--reveal-secrets", proxy.reveal_secrets,
                        "show passwords and SASL payloads instead of masking them");
    add_language_option(*proxy_cmd, proxy.language, "the annotations");

    const auto language = mailscope::app::language_of_command_line(argc, argv);
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
