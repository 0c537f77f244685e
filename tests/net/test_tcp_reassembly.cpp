#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "net/capture_file.hpp"
#include "net/capture_packets.hpp"
#include "net/tcp_reassembly.hpp"

using mailscope::sim::Direction;
using mailscope::transport::LinkType;
using mailscope::transport::parse_tcp_segment;
using mailscope::transport::TcpConversation;
using mailscope::transport::TcpReassembler;

namespace {

constexpr std::uint8_t kReassemblyFin = 0x01;
constexpr std::uint8_t kReassemblySyn = 0x02;
constexpr std::uint8_t kReassemblyRst = 0x04;
constexpr std::uint8_t kReassemblyPsh = 0x08;
constexpr std::uint8_t kReassemblyAck = 0x10;

void reassembly_put16(std::string& out, std::uint16_t value) {
    out += static_cast<char>(value >> 8);
    out += static_cast<char>(value & 0xff);
}

void reassembly_put32(std::string& out, std::uint32_t value) {
    reassembly_put16(out, static_cast<std::uint16_t>(value >> 16));
    reassembly_put16(out, static_cast<std::uint16_t>(value & 0xffff));
}

std::string reassembly_tcp_bytes(std::uint16_t source_port, std::uint16_t destination_port,
                                 std::uint32_t seq, std::uint8_t flags, std::string_view payload) {
    std::string tcp;
    reassembly_put16(tcp, source_port);
    reassembly_put16(tcp, destination_port);
    reassembly_put32(tcp, seq);
    reassembly_put32(tcp, 0);          // acknowledgement number
    tcp += static_cast<char>(5 << 4);  // 20-octet header
    tcp += static_cast<char>(flags);
    reassembly_put16(tcp, 65535);  // window
    reassembly_put32(tcp, 0);      // checksum, urgent pointer
    tcp += payload;
    return tcp;
}

std::string reassembly_ipv4_bytes(std::uint8_t source_last, std::uint8_t destination_last,
                                  const std::string& tcp) {
    std::string ip;
    ip += static_cast<char>(0x45);
    ip += '\0';
    reassembly_put16(ip, static_cast<std::uint16_t>(20 + tcp.size()));
    reassembly_put32(ip, 0x00004000);  // id 0, don't fragment
    ip += static_cast<char>(64);
    ip += static_cast<char>(6);
    reassembly_put16(ip, 0);
    ip += std::string{'\x0a', '\0', '\0', static_cast<char>(source_last)};
    ip += std::string{'\x0a', '\0', '\0', static_cast<char>(destination_last)};
    return ip + tcp;
}

// ::1 on both ends, as a capture on loopback over IPv6 has them.
std::string reassembly_ipv6_loopback_bytes(const std::string& tcp) {
    std::string ip;
    reassembly_put32(ip, 0x60000000);
    reassembly_put16(ip, static_cast<std::uint16_t>(tcp.size()));
    ip += static_cast<char>(6);
    ip += static_cast<char>(64);
    for (int end = 0; end < 2; ++end)
        ip += std::string(15, '\0') + '\x01';
    return ip + tcp;
}

std::string reassembly_ethernet_frame(std::uint16_t ether_type, const std::string& ip) {
    std::string frame(12, '\x02');  // destination and source addresses
    reassembly_put16(frame, ether_type);
    return frame + ip;
}

// What `tcpdump -i any` writes with libpcap 1.10: protocol type, reserved,
// interface index, ARPHRD type, packet type, address length, address.
std::string reassembly_sll2_frame(std::uint16_t ether_type, const std::string& ip) {
    std::string frame;
    reassembly_put16(frame, ether_type);
    reassembly_put16(frame, 0);
    reassembly_put32(frame, 1);
    reassembly_put16(frame, 772);  // ARPHRD_LOOPBACK
    frame += '\0';
    frame += '\x06';
    frame += std::string(8, '\0');
    return frame + ip;
}

// One IMAP connection, 10.0.0.1:50000 -> 10.0.0.2:143, sent through
// Ethernet frames and the parser, as a capture would hand them over.
struct ReassemblyTestWire {
    TcpReassembler reassembler{mailscope::transport::ReassemblyOptions{{143}, 64}};
    std::uint64_t packet = 0;

    void client(std::uint32_t seq, std::uint8_t flags, std::string_view payload = {}) {
        frame(true, seq, flags, payload);
    }
    void server(std::uint32_t seq, std::uint8_t flags, std::string_view payload = {}) {
        frame(false, seq, flags, payload);
    }
    void frame(bool from_client, std::uint32_t seq, std::uint8_t flags, std::string_view payload) {
        const auto tcp = from_client ? reassembly_tcp_bytes(50000, 143, seq, flags, payload)
                                     : reassembly_tcp_bytes(143, 50000, seq, flags, payload);
        const auto ip =
            from_client ? reassembly_ipv4_bytes(1, 2, tcp) : reassembly_ipv4_bytes(2, 1, tcp);
        const auto bytes = reassembly_ethernet_frame(0x0800, ip);
        auto segment = parse_tcp_segment(LinkType::Ethernet, bytes);
        REQUIRE(segment);
        reassembler.add(*segment, ++packet);
    }
    const TcpConversation& only() {
        REQUIRE(reassembler.conversations().size() == 1);
        return reassembler.conversations().front();
    }
};

std::string reassembly_stream(const TcpConversation& conversation, Direction dir) {
    std::string bytes;
    for (const auto& chunk : conversation.chunks)
        if (chunk.dir == dir) bytes += chunk.bytes;
    return bytes;
}

// The order the two directions were delivered in: "S:* OK|C:a LOGOUT|...".
std::string reassembly_order(const TcpConversation& conversation) {
    std::string order;
    for (const auto& chunk : conversation.chunks)
        order += (chunk.dir == Direction::ClientToServer ? "C:" : "S:") + chunk.bytes + "|";
    return order;
}

}  // namespace

TEST_CASE("capture packets: Ethernet, IPv4 and TCP headers") {
    auto tcp = reassembly_tcp_bytes(50000, 143, 7, kReassemblyAck | kReassemblyPsh, "a1 NOOP\r\n");
    // Ethernet pads short frames: the IP length says where TCP ends.
    const auto frame =
        reassembly_ethernet_frame(0x0800, reassembly_ipv4_bytes(1, 2, tcp)) + std::string(6, '\0');
    auto segment = parse_tcp_segment(LinkType::Ethernet, frame);
    REQUIRE(segment);
    CHECK(mailscope::transport::to_string(segment->source) == "10.0.0.1:50000");
    CHECK(mailscope::transport::to_string(segment->destination) == "10.0.0.2:143");
    CHECK(segment->seq == 7);
    CHECK(segment->ack);
    CHECK_FALSE(segment->syn);
    CHECK(segment->payload == "a1 NOOP\r\n");

    SUBCASE("a fragment or a frame cut short is no segment") {
        auto fragment = reassembly_ipv4_bytes(1, 2, tcp);
        fragment[6] = '\x20';  // more fragments
        CHECK_FALSE(
            parse_tcp_segment(LinkType::Ethernet, reassembly_ethernet_frame(0x0800, fragment)));
        CHECK_FALSE(parse_tcp_segment(LinkType::Ethernet, frame.substr(0, 40)));
        CHECK_FALSE(
            parse_tcp_segment(LinkType::Ethernet, reassembly_ethernet_frame(0x0806, "arp")));
    }
    SUBCASE("an 802.1Q tag before the IP header") {
        std::string tagged =
            frame.substr(0, 12) + std::string("\x81\x00\x00\x05", 4) + frame.substr(12);
        auto vlan = parse_tcp_segment(LinkType::Ethernet, tagged);
        REQUIRE(vlan);
        CHECK(vlan->payload == "a1 NOOP\r\n");
    }
    SUBCASE("loopback headers: NULL in the capturing machine's byte order, LOOP in network order") {
        const auto ip = reassembly_ipv4_bytes(1, 2, tcp);
        // A segment's payload points into its frame: the frames outlive them.
        const auto little_frame = std::string("\x02\0\0\0", 4) + ip;
        const auto big_frame = std::string("\0\0\0\x02", 4) + ip;
        auto null_little = parse_tcp_segment(LinkType::Null, little_frame);
        auto null_big = parse_tcp_segment(LinkType::Null, big_frame);
        auto loop = parse_tcp_segment(LinkType::Loop, big_frame);
        auto raw = parse_tcp_segment(LinkType::RawIp, ip);
        for (const auto& parsed : {null_little, null_big, loop, raw}) {
            REQUIRE(parsed);
            CHECK(parsed->payload == "a1 NOOP\r\n");
        }
    }
    SUBCASE("Linux cooked capture, version 1") {
        std::string sll(14, '\0');
        reassembly_put16(sll, 0x0800);
        const auto frame = sll + reassembly_ipv4_bytes(1, 2, tcp);
        auto parsed = parse_tcp_segment(LinkType::LinuxSll, frame);
        REQUIRE(parsed);
        CHECK(parsed->seq == 7);
    }
}

TEST_CASE("capture packets: SLL2 with IPv6 on loopback") {
    const auto tcp = reassembly_tcp_bytes(143, 40000, 1000, kReassemblySyn | kReassemblyAck, "");
    const auto frame = reassembly_sll2_frame(0x86dd, reassembly_ipv6_loopback_bytes(tcp));
    auto segment = parse_tcp_segment(LinkType::LinuxSll2, frame);
    REQUIRE(segment);
    CHECK(segment->source.ipv6);
    CHECK(mailscope::transport::to_string(segment->source) == "[::1]:143");
    CHECK(mailscope::transport::to_string(segment->destination) == "[::1]:40000");
    CHECK(segment->syn);
    CHECK(segment->ack);

    mailscope::transport::TcpEndpoint documentation{
        {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, true, 993};
    CHECK(mailscope::transport::to_string(documentation) == "[2001:db8::1]:993");
}

TEST_CASE("reassembly: an IPv6 conversation over SLL2, both directions in delivery order") {
    TcpReassembler reassembler(mailscope::transport::ReassemblyOptions{{143}, 1024});
    std::uint64_t packet = 0;
    const auto send = [&](bool from_client, std::uint32_t seq, std::uint8_t flags,
                          std::string_view payload) {
        const auto tcp = from_client ? reassembly_tcp_bytes(40000, 143, seq, flags, payload)
                                     : reassembly_tcp_bytes(143, 40000, seq, flags, payload);
        const auto frame = reassembly_sll2_frame(0x86dd, reassembly_ipv6_loopback_bytes(tcp));
        auto segment = parse_tcp_segment(LinkType::LinuxSll2, frame);
        REQUIRE(segment);
        reassembler.add(*segment, ++packet);
    };
    send(true, 100, kReassemblySyn, "");
    send(false, 500, kReassemblySyn | kReassemblyAck, "");
    send(false, 501, kReassemblyAck, "* OK ready\r\n");
    send(true, 101, kReassemblyAck, "a LOGOUT\r\n");
    send(false, 513, kReassemblyAck, "* BYE\r\na OK\r\n");
    send(true, 111, kReassemblyFin | kReassemblyAck, "");
    send(false, 526, kReassemblyFin | kReassemblyAck, "");
    reassembler.finish();
    REQUIRE(reassembler.conversations().size() == 1);
    const auto& conversation = reassembler.conversations().front();
    CHECK(mailscope::transport::to_string(conversation.client) == "[::1]:40000");
    CHECK(mailscope::transport::to_string(conversation.server) == "[::1]:143");
    CHECK(reassembly_order(conversation) == "S:* OK ready\r\n|C:a LOGOUT\r\n|S:* BYE\r\na OK\r\n|");
    CHECK(conversation.chunks[1].packet == 4);
    CHECK(conversation.complete());
}

TEST_CASE("reassembly: segments out of order wait for the hole before them") {
    ReassemblyTestWire wire;
    wire.client(1000, kReassemblySyn);
    wire.server(9000, kReassemblySyn | kReassemblyAck);
    wire.server(9001 + 6, kReassemblyAck, "ready\r\n");
    CHECK(wire.only().chunks.empty());
    wire.server(9001, kReassemblyAck, "* OK ");
    // A segment sent twice changes nothing.
    wire.server(9001 + 6, kReassemblyAck, "ready\r\n");
    wire.server(9001, kReassemblyAck, "* OK ");
    CHECK(reassembly_stream(wire.only(), Direction::ServerToClient) == "* OK ");
    wire.server(9001 + 5, kReassemblyAck, " ");
    CHECK(reassembly_stream(wire.only(), Direction::ServerToClient) == "* OK  ready\r\n");
    CHECK(wire.only().octets[1] == 13);
    CHECK_FALSE(wire.only().gap);
}

TEST_CASE("reassembly: a reply captured before the command it answers waits for it") {
    ReassemblyTestWire wire;
    wire.client(1000, kReassemblySyn);
    wire.server(5000, kReassemblySyn | kReassemblyAck);
    wire.server(5001, kReassemblyAck, "* OK\r\n");
    wire.client(1001 + 3, kReassemblyAck, "NOOP\r\n");
    wire.server(5007, kReassemblyAck, "a1 OK\r\n");
    CHECK(reassembly_order(wire.only()) == "S:* OK\r\n|");
    wire.client(1001, kReassemblyAck, "a1 ");
    CHECK(reassembly_order(wire.only()) == "S:* OK\r\n|C:a1 |C:NOOP\r\n|S:a1 OK\r\n|");
}

TEST_CASE("reassembly: a retransmission that overlaps what came before adds only the new octets") {
    ReassemblyTestWire wire;
    wire.client(1000, kReassemblySyn);
    wire.client(1001, kReassemblyAck, "a1 LOG");
    wire.client(1001 + 3, kReassemblyAck, "LOGIN alice x\r\n");  // repacketized, overlapping
    wire.client(1001 + 10, kReassemblyAck, "lice x\r\na2 NOOP\r\n");
    CHECK(reassembly_stream(wire.only(), Direction::ClientToServer) ==
          "a1 LOGIN alice x\r\na2 NOOP\r\n");

    SUBCASE("held segments that overlap each other") {
        wire.client(1001 + 31, kReassemblyAck, "OOP\r\n");
        wire.client(1001 + 28, kReassemblyAck, "3 NOO");
        wire.client(1001 + 27, kReassemblyAck, "a");
        CHECK(reassembly_stream(wire.only(), Direction::ClientToServer) ==
              "a1 LOGIN alice x\r\na2 NOOP\r\na3 NOOP\r\n");
    }
}

TEST_CASE("reassembly: sequence numbers that wrap around 2^32") {
    ReassemblyTestWire wire;
    wire.client(0xfffffffd, kReassemblySyn);
    wire.client(0xfffffffe, kReassemblyAck, "a1 ");
    wire.client(1, kReassemblyAck, "NOOP\r\n");
    CHECK(reassembly_stream(wire.only(), Direction::ClientToServer) == "a1 NOOP\r\n");
}

TEST_CASE("reassembly: a hole never filled stops the conversation") {
    SUBCASE("at the end of the capture") {
        ReassemblyTestWire wire;
        wire.client(1000, kReassemblySyn);
        wire.client(1001, kReassemblyAck, "a1 NOOP\r\n");
        wire.client(1001 + 9 + 4, kReassemblyAck, "OOP\r\n");
        wire.server(5001, kReassemblyAck, "a1 OK\r\n");
        wire.reassembler.finish();
        const auto& conversation = wire.only();
        REQUIRE(conversation.gap);
        CHECK(conversation.gap->dir == Direction::ClientToServer);
        CHECK(conversation.gap->offset == 9);
        CHECK(conversation.gap->missing == 4);
        CHECK(conversation.gap->dropped == 5 + 7);  // the reply waiting behind it too
        CHECK_FALSE(conversation.complete());
        // The reply waited behind the client's hole and went with it.
        CHECK(reassembly_stream(conversation, Direction::ServerToClient).empty());
    }
    SUBCASE("when more is held behind it than the limit allows") {
        ReassemblyTestWire wire;  // holds 64 octets
        wire.client(1000, kReassemblySyn);
        wire.client(1001 + 100, kReassemblyAck, std::string(40, 'x'));
        CHECK_FALSE(wire.only().gap);
        wire.client(1001 + 140, kReassemblyAck, std::string(40, 'y'));
        REQUIRE(wire.only().gap);
        CHECK(wire.only().gap->missing == 100);
        CHECK(wire.only().gap->dropped == 80);
        // Whatever comes later is not delivered, not even the hole itself.
        wire.client(1001, kReassemblyAck, std::string(100, 'z'));
        wire.server(5001, kReassemblyAck, "* OK\r\n");
        CHECK(wire.only().chunks.empty());
    }
}

TEST_CASE("reassembly: the hole is blamed on the direction that has it, not the one waiting") {
    ReassemblyTestWire wire;
    wire.client(1000, kReassemblySyn);
    wire.server(5000, kReassemblySyn | kReassemblyAck);
    wire.server(5001, kReassemblyAck, "* OK hi\r\n");
    wire.client(1001, kReassemblyAck, "a1 NOOP\r\n");
    // 12 server octets never captured, then more from the server and the client.
    wire.server(5010 + 12, kReassemblyAck, "a1 OK\r\n");
    wire.client(1010, kReassemblyAck, "a2 NOOP\r\n");
    wire.reassembler.finish();
    const auto& conversation = wire.only();
    REQUIRE(conversation.gap);
    CHECK(conversation.gap->dir == Direction::ServerToClient);
    CHECK(conversation.gap->offset == 9);
    CHECK(conversation.gap->missing == 12);
    CHECK(conversation.gap->dropped == 7 + 9);
}

TEST_CASE("reassembly: a keepalive probe before any data does not anchor the stream") {
    ReassemblyTestWire wire;
    wire.server(70000, kReassemblyAck, "* OK hi\r\n");
    // Linux probes with the number before the next octet, and no data.
    wire.client(999, kReassemblyAck);
    wire.client(1000, kReassemblyAck, "a1 NOOP\r\n");
    wire.reassembler.finish();
    CHECK_FALSE(wire.only().gap);
    CHECK(reassembly_order(wire.only()) == "S:* OK hi\r\n|C:a1 NOOP\r\n|");
}

TEST_CASE("reassembly: a SYN with another number on the same ports starts a new conversation") {
    ReassemblyTestWire wire;
    wire.client(1000, kReassemblySyn);
    wire.client(1000, kReassemblySyn);  // sent again: the same connection
    wire.server(5000, kReassemblySyn | kReassemblyAck);
    wire.server(5001, kReassemblyAck, "* OK\r\n");
    // The old connection's end was not captured; the client starts anew.
    wire.client(90000, kReassemblySyn);
    wire.server(7000, kReassemblySyn | kReassemblyAck);
    wire.server(7001, kReassemblyAck, "* PREAUTH\r\n");
    wire.reassembler.finish();
    const auto& conversations = wire.reassembler.conversations();
    REQUIRE(conversations.size() == 2);
    CHECK_FALSE(conversations[0].gap);
    CHECK(reassembly_stream(conversations[1], Direction::ServerToClient) == "* PREAUTH\r\n");
}

TEST_CASE("reassembly: SYN, FIN and RST; a new SYN on the same ports is a new conversation") {
    ReassemblyTestWire wire;
    wire.client(1000, kReassemblySyn);
    wire.server(5000, kReassemblySyn | kReassemblyAck);
    wire.server(5001, kReassemblyAck, "* OK\r\n");
    wire.client(1001, kReassemblyFin | kReassemblyAck);
    CHECK_FALSE(wire.only().closed);
    wire.server(5007, kReassemblyFin | kReassemblyAck);
    CHECK(wire.only().closed);
    CHECK(wire.only().complete());
    // A late retransmission of the old connection is not a new one.
    wire.server(5001, kReassemblyAck, "* OK\r\n");
    REQUIRE(wire.reassembler.conversations().size() == 1);

    wire.client(777, kReassemblySyn);
    wire.server(888, kReassemblySyn | kReassemblyAck);
    wire.server(889, kReassemblyAck, "* PREAUTH\r\n");
    wire.client(778, kReassemblyRst);
    wire.reassembler.finish();
    const auto& conversations = wire.reassembler.conversations();
    REQUIRE(conversations.size() == 2);
    CHECK(reassembly_stream(conversations[1], Direction::ServerToClient) == "* PREAUTH\r\n");
    CHECK(conversations[1].reset);
    CHECK(conversations[1].closed);
}

TEST_CASE("reassembly: a reset numbered outside the window is ignored (RFC 5961 3.2)") {
    ReassemblyTestWire wire;
    wire.client(1000, kReassemblySyn);
    wire.server(5000, kReassemblySyn | kReassemblyAck);
    wire.server(5001, kReassemblyAck, "* OK\r\n");
    wire.client(1001, kReassemblyAck, "a LOGOUT\r\n");
    // Stale: before the next octet the server's side expects.
    wire.server(4000, kReassemblyRst);
    // Far beyond any window.
    wire.client(1011 + (1u << 30), kReassemblyRst);
    CHECK_FALSE(wire.only().closed);
    wire.server(5007, kReassemblyAck, "* BYE\r\n");
    CHECK(reassembly_stream(wire.only(), Direction::ServerToClient) == "* OK\r\n* BYE\r\n");
    // At the next octet expected: the connection is over.
    wire.client(1011, kReassemblyRst);
    CHECK(wire.only().closed);
    CHECK(wire.only().reset);
}

TEST_CASE("reassembly: a capture started mid-conversation, and ports that are not mail ports") {
    ReassemblyTestWire wire;
    // No SYN: the end on port 143 is the server.
    wire.server(70000, kReassemblyAck, "* 3 EXISTS\r\n");
    wire.client(123, kReassemblyAck, "a9 NOOP\r\n");
    CHECK(mailscope::transport::to_string(wire.only().server) == "10.0.0.2:143");
    CHECK_FALSE(wire.only().saw_syn);
    CHECK(reassembly_order(wire.only()) == "S:* 3 EXISTS\r\n|C:a9 NOOP\r\n|");

    const auto web = reassembly_tcp_bytes(50001, 80, 1, kReassemblySyn, "");
    const auto web_frame = reassembly_ipv4_bytes(1, 2, web);
    auto segment = parse_tcp_segment(LinkType::RawIp, web_frame);
    REQUIRE(segment);
    wire.reassembler.add(*segment, 99);
    CHECK(wire.reassembler.conversations().size() == 1);
}

TEST_CASE("reassembly: a capture cut in the middle of a literal keeps what it has") {
    ReassemblyTestWire wire;
    wire.client(1000, kReassemblySyn);
    wire.server(5000, kReassemblySyn | kReassemblyAck);
    wire.server(5001, kReassemblyAck, "* OK\r\n");
    wire.client(1001, kReassemblyAck, "a1 APPEND INBOX {20}\r\n");
    wire.server(5007, kReassemblyAck, "+ go\r\n");
    wire.client(1001 + 22, kReassemblyAck, "Subject:");
    wire.reassembler.finish();
    const auto& conversation = wire.only();
    CHECK(reassembly_stream(conversation, Direction::ClientToServer) ==
          "a1 APPEND INBOX {20}\r\nSubject:");
    CHECK_FALSE(conversation.gap);
    CHECK_FALSE(conversation.closed);
    CHECK_FALSE(conversation.complete());
}

TEST_CASE("capture file: magic numbers, and a file cut inside a packet record") {
    CHECK(mailscope::transport::is_capture_magic(std::string("\xd4\xc3\xb2\xa1", 4)));
    CHECK(mailscope::transport::is_capture_magic(std::string("\x0a\x0d\x0d\x0a", 4)));
    CHECK_FALSE(mailscope::transport::is_capture_magic("S: * OK"));
    CHECK_FALSE(mailscope::transport::is_capture_magic("C:"));

    const auto path = std::filesystem::temp_directory_path() /
                      ("mailscope-reassembly-" + std::to_string(::getpid()) + ".pcap");
    const auto little32 = [](std::string& out, std::uint32_t value) {
        for (int i = 0; i < 4; ++i)
            out += static_cast<char>((value >> (8 * i)) & 0xff);
    };
    std::string file;
    little32(file, 0xa1b2c3d4);
    little32(file, 0x00040002);  // version 2.4
    little32(file, 0);
    little32(file, 0);
    little32(file, 262144);
    little32(file, 1);  // LINKTYPE_ETHERNET
    const auto frame = reassembly_ethernet_frame(
        0x0800, reassembly_ipv4_bytes(
                    2, 1, reassembly_tcp_bytes(143, 50000, 1, kReassemblyAck, "* OK\r\n")));
    for (int record = 0; record < 2; ++record) {
        little32(file, 1);
        little32(file, 0);
        little32(file, static_cast<std::uint32_t>(frame.size()));
        little32(file, static_cast<std::uint32_t>(frame.size()));
        file += frame;
    }
    file.resize(file.size() - 10);  // tcpdump killed while writing
    std::ofstream(path, std::ios::binary) << file;

    std::vector<std::string> payloads;
    const auto read = mailscope::transport::read_capture(
        path.string(), [&](const mailscope::transport::TcpSegment& segment, std::uint64_t packet) {
            CHECK(packet == payloads.size() + 1);
            payloads.emplace_back(segment.payload);
        });
    std::filesystem::remove(path);
    CHECK(read.packets == 1);
    CHECK_FALSE(read.error.empty());
    CHECK(payloads == std::vector<std::string>{"* OK\r\n"});

    const auto missing = mailscope::transport::read_capture("/nonexistent/capture.pcap",
                                                            [](const auto&, std::uint64_t) {});
    CHECK_FALSE(missing.error.empty());
}
