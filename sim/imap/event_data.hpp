// The typed content of IMAP commands and responses that trace events carry
// beside their wire text (TraceEvent::number, mailbox, message, listed...),
// so that views, exporters and lessons read fields instead of parsing `raw`.
#pragma once

#include <string>

#include "sim/core/trace.hpp"
#include "sim/imap/command.hpp"
#include "sim/imap/response.hpp"

namespace mailscope::imap {

// The mailbox a command names, as sent (modified UTF-7); empty for commands
// that name none.
std::string mailbox_named(const Command& command);

// Sets the typed fields of a response's event: its number, its response
// code (text and number), the mailbox of LIST, LSUB, STATUS and ACL data, and
// what a FETCH told about the message.
void add_response_data(sim::TraceEvent& event, const Response& response);

}  // namespace mailscope::imap
