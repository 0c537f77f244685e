// `mailscope connect pop3://...` and `pop3s://...`: a real POP3 session with
// every exchange annotated, driven by the client-role POP3 engine.
#pragma once

#include "app/connect_command.hpp"
#include "net/net_client.hpp"

namespace mailscope::app {

// Same options and exit codes as the IMAP connect: USER/PASS after the
// greeting (after STLS with --starttls), then one command per input line;
// QUIT at the end of the input.
int run_connect_pop3(const ConnectOptions& options, const transport::ServerUrl& url);

}  // namespace mailscope::app
