#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "app/decode_command.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::app {

// `mailscope decode CAPTURE`: lists the TCP sessions on mail ports in a
// pcap or pcapng file, then prints each one's annotated trace as a
// transcript of the same exchange would print it (or only session
// `options.session`). Returns 0, 1 when a session does not parse as its
// protocol or the capture holds no session to decode, 2 when the file
// cannot be read.
int run_decode_capture(const DecodeOptions& options);

// One session of a capture as `mailscope gui --capture` lists it.
struct CapturedSession {
    std::string label;  // "#1 client → server IMAP: 12 events, complete"
    std::unique_ptr<sim::SessionTrace> trace;
};

// The capture's sessions that decode to events (implicit TLS ones do not),
// decoded as run_decode_capture() does but printing nothing; the sentence
// saying why there is none otherwise (it also goes to stderr).
std::variant<std::vector<CapturedSession>, std::string> capture_sessions(
    const DecodeOptions& options);

}  // namespace mailscope::app
