#include "net/tcp_reassembly.hpp"

#include <algorithm>

namespace mailscope::transport {

namespace {

// The widest receive window a reset may fall in: autotuned windows on
// today's hosts stay below 16 MiB.
constexpr std::int32_t kResetWindow = std::int32_t{1} << 24;

sim::Direction opposite_direction(sim::Direction dir) {
    return dir == sim::Direction::ClientToServer ? sim::Direction::ServerToClient
                                                 : sim::Direction::ClientToServer;
}

}  // namespace

TcpReassembler::TcpReassembler(ReassemblyOptions options) : m_options(std::move(options)) {}

TcpReassembler::Tracked* TcpReassembler::find_or_open(const TcpSegment& segment,
                                                      sim::Direction& dir) {
    const bool opening = segment.syn && !segment.ack;
    auto found = m_tracked.find({segment.source, segment.destination});
    dir = sim::Direction::ClientToServer;
    if (found == m_tracked.end()) {
        found = m_tracked.find({segment.destination, segment.source});
        dir = sim::Direction::ServerToClient;
    }
    if (found != m_tracked.end()) {
        const auto& conversation = m_conversations[found->second.index];
        // The same ports again after the old connection ended, or with
        // another initial number (its end was not captured): a new one. A
        // SYN sent again has the same number.
        const auto& client = found->second.dirs[sim::direction_index(dir)];
        const bool another_start = client.syn_seq && *client.syn_seq != segment.seq;
        const bool reused = opening && (conversation.closed || conversation.gap || another_start);
        if (!reused) return &found->second;
        m_tracked.erase(found);
    }
    const auto is_server = [&](const TcpEndpoint& end) {
        return m_options.server_ports.contains(end.port);
    };
    Key key;
    if (opening) {
        if (!is_server(segment.destination)) return nullptr;
        key = {segment.source, segment.destination};
    } else if (segment.syn) {
        if (!is_server(segment.source)) return nullptr;
        key = {segment.destination, segment.source};
    } else if (segment.payload.empty()) {
        // Bare ACKs, FINs and RSTs of a connection whose data the capture
        // missed open nothing.
        return nullptr;
    } else if (is_server(segment.destination)) {
        key = {segment.source, segment.destination};
    } else if (is_server(segment.source)) {
        key = {segment.destination, segment.source};
    } else {
        return nullptr;
    }
    dir = key.first == segment.source ? sim::Direction::ClientToServer
                                      : sim::Direction::ServerToClient;
    TcpConversation conversation;
    conversation.client = key.first;
    conversation.server = key.second;
    m_conversations.push_back(std::move(conversation));
    auto& tracked = m_tracked[key];
    tracked = Tracked{};
    tracked.index = m_conversations.size() - 1;
    return &tracked;
}

void TcpReassembler::add(const TcpSegment& segment, std::uint64_t packet) {
    sim::Direction dir{};
    auto* tracked = find_or_open(segment, dir);
    if (!tracked) return;
    auto& conversation = m_conversations[tracked->index];
    if (conversation.closed || conversation.gap) return;
    auto& stream = tracked->dirs[sim::direction_index(dir)];
    std::uint32_t seq = segment.seq;
    if (segment.syn) {
        if (dir == sim::Direction::ClientToServer && !segment.ack) conversation.saw_syn = true;
        if (!stream.started) {
            stream.started = true;
            stream.syn_seq = seq;
            stream.next_seq = seq + 1;
        }
        // Data on a SYN (TCP Fast Open) follows the SYN's own number.
        ++seq;
    } else if (!stream.started) {
        // The capture began after this direction's SYN: its stream starts at
        // the first octet it carries. A bare ACK or a keepalive probe (whose
        // number is one before the next octet, RFC 1122 4.2.3.6) says nothing.
        if (segment.payload.empty() && !segment.fin && !segment.rst) return;
        stream.started = true;
        stream.next_seq = seq;
    }
    if (segment.rst) {
        // RFC 5961 3.2: a reset counts only inside the receiver's window. One
        // numbered before the next octet expected is stale (an old
        // connection's, or forged), and the stream goes on.
        const auto distance = static_cast<std::int32_t>(seq - stream.next_seq);
        if (distance < 0 || distance > kResetWindow) return;
        conversation.closed = true;
        conversation.reset = true;
        return;
    }
    // Sequence numbers wrap; a segment is placed by its distance from the
    // next octet expected, which is always well within 2^31.
    const auto distance = static_cast<std::int32_t>(seq - stream.next_seq);
    const auto start = static_cast<std::int64_t>(stream.delivered) + distance;
    const auto end = start + static_cast<std::int64_t>(segment.payload.size());
    if (segment.fin && !stream.fin_at && end >= 0) stream.fin_at = static_cast<std::uint64_t>(end);
    if (end > static_cast<std::int64_t>(stream.delivered)) {
        const auto skip = static_cast<std::size_t>(std::max<std::int64_t>(0, -start));
        take(*tracked, dir, static_cast<std::uint64_t>(start + static_cast<std::int64_t>(skip)),
             segment.payload.substr(skip), packet);
    }
    if (tracked->dirs[0].ended() && tracked->dirs[1].ended()) conversation.closed = true;
}

bool TcpReassembler::waits_on_hole(const Direction& stream) {
    return !stream.held.empty() && stream.held.begin()->first > stream.delivered;
}

void TcpReassembler::take(Tracked& tracked, sim::Direction dir, std::uint64_t offset,
                          std::string_view bytes, std::uint64_t packet) {
    auto& stream = tracked.dirs[sim::direction_index(dir)];
    const auto& other = tracked.dirs[sim::direction_index(opposite_direction(dir))];
    // While one direction waits for a hole to be filled, the other waits
    // too: what a peer sends after octets it has not yet read in order may
    // be its answer to them, and must not be decoded before them.
    if (offset > stream.delivered || waits_on_hole(other)) {
        auto& slot = stream.held[offset];
        if (bytes.size() > slot.bytes.size()) {
            stream.held_bytes += bytes.size() - slot.bytes.size();
            slot = StreamChunk{dir, std::string(bytes), packet};
        }
        if (stream.held_bytes > m_options.max_held) give_up(tracked, dir);
        return;
    }
    deliver(tracked, dir, bytes.substr(static_cast<std::size_t>(stream.delivered - offset)),
            packet);
    drain(tracked);
}

void TcpReassembler::drain(Tracked& tracked) {
    bool delivered = true;
    while (delivered) {
        delivered = false;
        for (auto dir : {sim::Direction::ClientToServer, sim::Direction::ServerToClient}) {
            auto& stream = tracked.dirs[sim::direction_index(dir)];
            const auto& other = tracked.dirs[sim::direction_index(opposite_direction(dir))];
            while (!stream.held.empty() && stream.held.begin()->first <= stream.delivered &&
                   !waits_on_hole(other)) {
                auto node = stream.held.extract(stream.held.begin());
                const auto& held = node.mapped();
                stream.held_bytes -= held.bytes.size();
                const auto overlap = stream.delivered - node.key();
                if (overlap < held.bytes.size()) {
                    deliver(tracked, dir, std::string_view(held.bytes).substr(overlap),
                            held.packet);
                    delivered = true;
                }
            }
        }
    }
}

void TcpReassembler::deliver(Tracked& tracked, sim::Direction dir, std::string_view bytes,
                             std::uint64_t packet) {
    if (bytes.empty()) return;
    auto& stream = tracked.dirs[sim::direction_index(dir)];
    auto& conversation = m_conversations[tracked.index];
    conversation.chunks.push_back(StreamChunk{dir, std::string(bytes), packet});
    conversation.octets[sim::direction_index(dir)] += bytes.size();
    stream.delivered += bytes.size();
    stream.next_seq += static_cast<std::uint32_t>(bytes.size());
}

void TcpReassembler::give_up(Tracked& tracked, sim::Direction dir) {
    // The hole is in the direction that waits on one; the other direction
    // may only have waited with it.
    auto hole = dir;
    if (!waits_on_hole(tracked.dirs[sim::direction_index(dir)]) &&
        waits_on_hole(tracked.dirs[sim::direction_index(opposite_direction(dir))])) {
        hole = opposite_direction(dir);
    }
    auto& stream = tracked.dirs[sim::direction_index(hole)];
    auto& other = tracked.dirs[sim::direction_index(opposite_direction(hole))];
    auto& conversation = m_conversations[tracked.index];
    if (!conversation.gap && waits_on_hole(stream)) {
        conversation.gap =
            StreamGap{hole, stream.delivered, stream.held.begin()->first - stream.delivered,
                      stream.held_bytes + other.held_bytes};
    }
    stream.held.clear();
    stream.held_bytes = 0;
    other.held.clear();
    other.held_bytes = 0;
}

void TcpReassembler::finish() {
    for (auto& [key, tracked] : m_tracked) {
        for (auto dir : {sim::Direction::ClientToServer, sim::Direction::ServerToClient}) {
            if (!tracked.dirs[sim::direction_index(dir)].held.empty()) give_up(tracked, dir);
        }
    }
    m_tracked.clear();
}

}  // namespace mailscope::transport
