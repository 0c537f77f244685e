// `mailscope connect pop3://...` and `pop3s://...`: a real POP3 session with
// every exchange annotated, driven by the client-role POP3 engine.
#pragma once

#include <string_view>

#include "app/connect_command.hpp"

namespace mailscope::app {

// pop3:// or pop3s:// (any case)?
bool is_pop3_url(std::string_view url);

// Same options and exit codes as the IMAP connect: USER/PASS after the
// greeting (after STLS with --starttls), then one command per input line;
// QUIT at the end of the input.
int run_connect_pop3(const ConnectOptions& options);

}  // namespace mailscope::app
