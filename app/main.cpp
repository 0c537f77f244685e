// mailscope: one executable, thin subcommands over the layers.
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/decode_command.hpp"

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

    CLI11_PARSE(cli, argc, argv);

    if (*decode_cmd) {
        decode.colour = isatty(STDOUT_FILENO) != 0;
        return mailscope::app::run_decode(decode);
    }
    std::cout << cli.help();
    return 0;
}
