#pragma once

#include "app/decode_command.hpp"

namespace mailscope::app {

// `mailscope decode CAPTURE`: lists the TCP sessions on mail ports in a
// pcap or pcapng file, then prints each one's annotated trace as a
// transcript of the same exchange would print it (or only session
// `options.session`). Returns 0, 1 when a session does not parse as its
// protocol or the capture holds no session to decode, 2 when the file
// cannot be read.
int run_decode_capture(const DecodeOptions& options);

}  // namespace mailscope::app
