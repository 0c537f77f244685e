// mailscope: one executable, thin subcommands over the layers.
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/decode_command.hpp"
#include "app/serve_command.hpp"
#include "server_mock/fault_injection.hpp"

int main(int argc, char** argv) {
    CLI::App cli{
        "mailscope: a teaching simulator and live visualizer for IMAP4rev1, POP3 and SMTP"};
    cli.require_subcommand(0, 1);

    mailscope::app::DecodeOptions decode;
    auto* decode_cmd =
        cli.add_subcommand("decode", "Annotate an IMAP transcript written as C:/S: (or >/<) lines");
    decode_cmd->add_option("FILE", decode.file, "the transcript")->required();
    decode_cmd->add_flag("--json", decode.json, "print the trace as JSON Lines");
    decode_cmd->add_flag("--reveal-secrets", decode.reveal_secrets,
                         "show passwords and SASL payloads instead of masking them");

    mailscope::app::ServeOptions serve;
    std::vector<std::string> fault_texts;
    double autologout_seconds = 30 * 60;
    auto* serve_cmd = cli.add_subcommand(
        "serve",
        "Run the mock mail server for real clients (loopback unless an address says otherwise)");
    serve_cmd->add_option("--imap", serve.imap,
                          "IMAP listener [ADDR:]PORT with STARTTLS (default 127.0.0.1:1143)");
    serve_cmd->add_option("--imaps", serve.imaps,
                          "IMAP over implicit TLS [ADDR:]PORT (default 127.0.0.1:1993)");
    serve_cmd->add_option("--user", serve.users, "add a user NAME:PASSWORD (repeatable)");
    serve_cmd->add_option("--users", serve.users_file, "a file of NAME:PASSWORD lines");
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
                          "write each session's transcript, JSON Lines and violation report here");
    serve_cmd->add_option("--cert", serve.cert,
                          "TLS certificate (PEM); default: a self-signed one made on first run");
    serve_cmd->add_option("--key", serve.key, "TLS private key (PEM)");
    serve_cmd->add_flag("--login-disabled", serve.config.login_disabled_without_tls,
                        "refuse LOGIN and plaintext SASL until STARTTLS (LOGINDISABLED)");
    serve_cmd->add_flag("--anonymous", serve.config.anonymous, "allow a read-only anonymous login");
    serve_cmd
        ->add_option("--autologout", autologout_seconds,
                     "seconds of inactivity before * BYE (RFC 3501 asks for at least 1800)")
        ->check(CLI::PositiveNumber);
    serve_cmd->add_option("--fault", fault_texts,
                          "inject a fault, e.g. delay:FETCH:2000ms, split:*, no:SELECT, "
                          "bye:FETCH:p=0.5 (repeatable; see docs/faults.md)");
    serve_cmd->add_option("--fault-seed", serve.config.fault_seed, "seed for probabilistic faults");

    CLI11_PARSE(cli, argc, argv);

    if (*serve_cmd) {
        for (const auto& text : fault_texts) {
            auto rule = mailscope::server::parse_fault_rule(text);
            if (auto* error = std::get_if<std::string>(&rule)) {
                std::cerr << fmt::format("mailscope serve: --fault {}: {}\n", text, *error);
                return 1;
            }
            serve.config.faults.push_back(std::get<mailscope::server::FaultRule>(rule));
        }
        if (autologout_seconds < 30 * 60) {
            std::cout << fmt::format(
                "note: autologout after {} s is shorter than the 30 minutes RFC 3501 5.4 "
                "requires; fine for a demo\n",
                autologout_seconds);
        }
        serve.config.autologout = static_cast<std::int64_t>(autologout_seconds * 1e6);
        return mailscope::app::run_serve(serve);
    }

    if (*decode_cmd) {
        decode.colour = isatty(STDOUT_FILENO) != 0;
        return mailscope::app::run_decode(decode);
    }
    std::cout << cli.help();
    return 0;
}
