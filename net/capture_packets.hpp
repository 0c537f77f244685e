// The headers of a captured frame, from its link layer down to TCP: what a
// packet capture holds of a mail session. Pure parsing of bytes, no file
// and no libpcap, so that tests build frames by hand.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailscope::transport {

// The link layers a capture of a mail session comes with: Ethernet, the
// "any" device of Linux (SLL; SLL2 since libpcap 1.10), BSD and macOS
// loopback (NULL, LOOP) and bare IP.
enum class LinkType : std::uint8_t { Ethernet, LinuxSll, LinuxSll2, Null, Loop, RawIp };

struct TcpEndpoint {
    // IPv4 addresses take the first four octets.
    std::array<std::uint8_t, 16> address{};
    bool ipv6 = false;
    std::uint16_t port = 0;

    bool operator==(const TcpEndpoint&) const = default;
    auto operator<=>(const TcpEndpoint&) const = default;
};

// "192.0.2.1:143", "[2001:db8::1]:143".
std::string to_string(const TcpEndpoint& endpoint);

struct TcpSegment {
    TcpEndpoint source;
    TcpEndpoint destination;
    std::uint32_t seq = 0;
    bool syn = false;
    bool ack = false;
    bool fin = false;
    bool rst = false;
    // Inside the frame given to parse_tcp_segment(); IP padding is cut off.
    std::string_view payload;
};

// The TCP segment a frame carries, or none: another protocol, a fragment of
// an IP datagram, or a frame cut short by the capture's snap length.
std::optional<TcpSegment> parse_tcp_segment(LinkType link, std::string_view frame);

}  // namespace mailscope::transport
