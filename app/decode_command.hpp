#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/language.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::app {

struct DecodeOptions {
    std::string file;
    bool json = false;
    bool colour = false;
    bool reveal_secrets = false;
    sim::Language language = sim::Language::En;
    // Unset: told by the server's first line (an IMAP "*", POP3 "+OK"/"-ERR",
    // SMTP three digits).
    std::optional<sim::Protocol> protocol;
    // Handouts of the whole session (sim/core/handout.hpp), written at the
    // end; the events are then all kept in memory until then.
    std::string html;
    std::string mermaid;
    // A packet capture: server ports to decode besides the mail ports, and
    // the one session to decode (numbered from 1 as listed).
    std::vector<std::uint16_t> ports;
    std::optional<std::size_t> session;
};

// `mailscope decode FILE`: prints the annotated trace of a text transcript
// as it reads it, so memory does not grow with the length of the file.
// Returns the process exit code: 0 when the transcript parsed, 1 when it is
// malformed (a message on stderr gives file:line and the reason), 2 when the
// file cannot be read. A packet capture (told by its magic number) is
// decoded by run_decode_capture() (decode_capture.hpp).
int run_decode(const DecodeOptions& options);

}  // namespace mailscope::app
