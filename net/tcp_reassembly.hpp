// TcpReassembler: the byte streams of the TCP connections in a packet
// capture, put back in order, for the connections to mail ports.
//
// Segments come in capture order, which is not always the order of the
// stream: they arrive out of order, are sent again, overlap. Each direction
// delivers its octets once, in stream order, as soon as nothing before them
// is missing; the two directions of a conversation are interleaved in the
// order their octets became deliverable, which is the order a decoder needs
// to pair commands with replies: while one direction waits for a hole, the
// other waits with it. Octets waiting behind a hole are held, up
// to a limit per direction: past it, or at the end of the capture, the hole
// can never be filled and the conversation stops there, since an engine fed
// a stream with octets missing would only report nonsense.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "net/capture_packets.hpp"
#include "sim/core/protocol.hpp"

namespace mailscope::transport {

struct StreamChunk {
    sim::Direction dir = sim::Direction::ClientToServer;
    std::string bytes;
    // The capture's packet (from 1) whose octets start the chunk.
    std::uint64_t packet = 0;
};

// Octets of one direction the capture never had.
struct StreamGap {
    sim::Direction dir = sim::Direction::ClientToServer;
    std::uint64_t offset = 0;   // octets of `dir` delivered before the hole
    std::uint64_t missing = 0;  // the size of the hole
    std::uint64_t dropped = 0;  // octets held behind it, both directions, given up
};

struct TcpConversation {
    TcpEndpoint client;
    TcpEndpoint server;
    std::vector<StreamChunk> chunks;   // both directions, in delivery order
    std::uint64_t octets[2] = {0, 0};  // delivered, by sim::direction_index
    bool saw_syn = false;              // the capture holds the connection's start
    bool closed = false;               // both FINs, or a RST
    bool reset = false;
    std::optional<StreamGap> gap;  // nothing after it was delivered

    bool complete() const { return saw_syn && closed && !gap; }
};

struct ReassemblyOptions {
    // A connection is kept when one end has one of these ports; that end is
    // the server unless the capture shows which side sent the SYN.
    std::set<std::uint16_t> server_ports;
    // Octets held per direction behind a hole before it is given up.
    std::size_t max_held = std::size_t{4} << 20;
};

class TcpReassembler {
  public:
    explicit TcpReassembler(ReassemblyOptions options);

    // One segment of the capture; `packet` is its number there, from 1.
    void add(const TcpSegment& segment, std::uint64_t packet);
    // The capture is over: octets still held behind a hole are given up.
    void finish();

    // In the order their first packet appears in the capture.
    const std::vector<TcpConversation>& conversations() const { return m_conversations; }

  private:
    struct Direction {
        bool started = false;
        std::optional<std::uint32_t> syn_seq;  // the SYN's number, when captured
        std::uint32_t next_seq = 0;            // of the octet at `delivered`
        std::uint64_t delivered = 0;
        std::optional<std::uint64_t> fin_at;
        std::map<std::uint64_t, StreamChunk> held;  // by stream offset
        std::size_t held_bytes = 0;

        bool ended() const { return fin_at && delivered >= *fin_at; }
    };
    struct Tracked {
        std::size_t index = 0;  // in m_conversations
        Direction dirs[2];
    };
    using Key = std::pair<TcpEndpoint, TcpEndpoint>;  // client, server

    Tracked* find_or_open(const TcpSegment& segment, sim::Direction& dir);
    void take(Tracked& tracked, sim::Direction dir, std::uint64_t offset, std::string_view bytes,
              std::uint64_t packet);
    static bool waits_on_hole(const Direction& stream);
    // Delivers what is held and now in order, in both directions.
    void drain(Tracked& tracked);
    void deliver(Tracked& tracked, sim::Direction dir, std::string_view bytes,
                 std::uint64_t packet);
    void give_up(Tracked& tracked, sim::Direction dir);

    ReassemblyOptions m_options;
    std::map<Key, Tracked> m_tracked;
    std::vector<TcpConversation> m_conversations;
};

}  // namespace mailscope::transport
