// The protocols mailscope speaks and the two directions of a connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailscope::sim {

enum class Protocol : std::uint8_t { Imap, Pop3, Smtp };

// Who put the bytes on the wire. Internal events (a state transition, a
// renumbering) carry the direction of the message that caused them.
enum class Direction : std::uint8_t { ClientToServer, ServerToClient };

// 0 for the client's stream, 1 for the server's: what is kept per direction
// is kept in arrays of two.
constexpr std::size_t direction_index(Direction dir) {
    return dir == Direction::ClientToServer ? 0 : 1;
}

constexpr std::string_view protocol_name(Protocol protocol) {
    switch (protocol) {
        case Protocol::Imap:
            return "imap";
        case Protocol::Pop3:
            return "pop3";
        case Protocol::Smtp:
            return "smtp";
    }
    return "imap";
}

}  // namespace mailscope::sim
