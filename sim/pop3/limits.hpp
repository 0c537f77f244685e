// Limits: the bounds that keep POP3 framing memory-safe on hostile input.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mailscope::pop3 {

struct Limits {
    // RFC 2449 4: a command line is at most 255 octets, CRLF included.
    std::size_t max_command_line = 255;
    // RFC 2449 4: the first line of a reply (the greeting too) is at most 512
    // octets, CRLF included.
    std::size_t max_reply_line = 512;
    // A client line answering a SASL challenge (RFC 5034 4 allows more than
    // a command line for it).
    std::size_t max_sasl_line = 8192;
    // Octets of one multi-line reply's data the client role keeps; the rest
    // is counted and dropped.
    std::uint64_t max_multiline_size = 128ull << 20;
    // Commands sent and not answered yet (RFC 2449 6.6 PIPELINING).
    std::size_t max_outstanding = 256;
};

}  // namespace mailscope::pop3
