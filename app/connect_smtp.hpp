// `mailscope connect smtp://...`: a real SMTP session, every exchange
// annotated by the SMTP engine (client role).
#pragma once

#include "app/connect_command.hpp"
#include "net/net_client.hpp"

namespace mailscope::app {

// Greets with EHLO, upgrades with STARTTLS when asked, authenticates with
// AUTH PLAIN when the URL names a user, then sends the lines typed (or of
// --script) as commands; after a 354 the lines up to "." are the message,
// dot-stuffed by the engine. Returns 0 unless the connection or TLS failed.
int run_connect_smtp(const ConnectOptions& options, const transport::ServerUrl& url);

}  // namespace mailscope::app
