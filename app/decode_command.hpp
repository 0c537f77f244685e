#pragma once

#include <string>

namespace mailscope::app {

struct DecodeOptions {
    std::string file;
    bool json = false;
    bool colour = false;
    bool reveal_secrets = false;
};

// `mailscope decode FILE`: prints the annotated trace of a text transcript.
// Returns the process exit code: 0 when the transcript parsed, 1 when it is
// malformed (a message on stderr gives file:line and the reason), 2 when the
// file cannot be read.
int run_decode(const DecodeOptions& options);

}  // namespace mailscope::app
