// Limits: the bounds that keep framing and parsing memory-safe on hostile input.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mailscope::imap {

struct Limits {
    std::size_t max_line_length = 64 * 1024;       // octets of one line, literal data excluded
    std::uint64_t max_literal_size = 64ull << 20;  // one literal
    std::size_t max_nesting = 32;                  // parenthesised list depth
    std::size_t max_outstanding = 256;             // commands in flight (used by the session)
    std::size_t max_message_size = 128ull << 20;   // one whole command/response incl. literals
};

}  // namespace mailscope::imap
