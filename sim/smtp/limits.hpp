// Limits: the bounds that keep the SMTP engine memory-safe on hostile input.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mailscope::smtp {

struct Limits {
    // RFC 5321 4.5.3.1.4: a command line is at most 512 octets with its CRLF.
    std::size_t max_command_line = 512;
    // RFC 4954 4: AUTH lines and SASL responses may reach 12288 octets.
    std::size_t max_auth_line = 12288;
    // RFC 5321 4.5.3.1.5: a reply line is at most 512 octets with its CRLF.
    std::size_t max_reply_line = 512;
    // Lines of one multi-line reply (an EHLO reply has a dozen).
    std::size_t max_reply_lines = 256;
    // RFC 5321 4.5.3.1.6: a line of message content is at most 1000 octets.
    std::size_t max_text_line = 1000;
    // Content octets kept for one message; the rest is counted and dropped
    // (the server sets it to its SIZE, RFC 1870).
    std::uint64_t max_message_size = 64ull << 20;
    // Client octets held while a reply decides how to read them (DATA, AUTH,
    // STARTTLS): a client that keeps sending loses them past this bound.
    std::size_t max_held_bytes = 64 * 1024;
    std::size_t max_outstanding = 1024;
};

}  // namespace mailscope::smtp
