#include "net/capture_packets.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace mailscope::transport {

namespace {

constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr std::uint8_t kIpProtocolTcp = 6;

std::uint16_t frame_u16(std::string_view bytes, std::size_t at) {
    return static_cast<std::uint16_t>((static_cast<std::uint8_t>(bytes[at]) << 8) |
                                      static_cast<std::uint8_t>(bytes[at + 1]));
}

std::uint32_t frame_u32(std::string_view bytes, std::size_t at) {
    return (std::uint32_t{frame_u16(bytes, at)} << 16) | frame_u16(bytes, at + 2);
}

std::optional<TcpSegment> parse_tcp_header(std::string_view bytes, TcpEndpoint source,
                                           TcpEndpoint destination) {
    if (bytes.size() < 20) return std::nullopt;
    const std::size_t header = (static_cast<std::uint8_t>(bytes[12]) >> 4) * 4u;
    if (header < 20 || header > bytes.size()) return std::nullopt;
    const auto flags = static_cast<std::uint8_t>(bytes[13]);
    source.port = frame_u16(bytes, 0);
    destination.port = frame_u16(bytes, 2);
    TcpSegment segment;
    segment.source = source;
    segment.destination = destination;
    segment.seq = frame_u32(bytes, 4);
    segment.fin = (flags & 0x01) != 0;
    segment.syn = (flags & 0x02) != 0;
    segment.rst = (flags & 0x04) != 0;
    segment.ack = (flags & 0x10) != 0;
    segment.payload = bytes.substr(header);
    return segment;
}

std::optional<TcpSegment> parse_ipv4(std::string_view bytes) {
    if (bytes.size() < 20) return std::nullopt;
    const std::size_t header = (static_cast<std::uint8_t>(bytes[0]) & 0x0f) * 4u;
    std::size_t total = frame_u16(bytes, 2);
    // A sender with segmentation offload hands the capture a datagram
    // whose length field is still zero.
    if (total == 0) total = bytes.size();
    if (header < 20 || total < header || total > bytes.size()) return std::nullopt;
    const bool more_fragments = (frame_u16(bytes, 6) & 0x2000) != 0;
    const bool later_fragment = (frame_u16(bytes, 6) & 0x1fff) != 0;
    if (more_fragments || later_fragment || static_cast<std::uint8_t>(bytes[9]) != kIpProtocolTcp)
        return std::nullopt;
    TcpEndpoint source;
    TcpEndpoint destination;
    std::copy_n(bytes.begin() + 12, 4, source.address.begin());
    std::copy_n(bytes.begin() + 16, 4, destination.address.begin());
    return parse_tcp_header(bytes.substr(header, total - header), source, destination);
}

std::optional<TcpSegment> parse_ipv6(std::string_view bytes) {
    if (bytes.size() < 40) return std::nullopt;
    std::size_t length = frame_u16(bytes, 4);
    if (length == 0) length = bytes.size() - 40;  // a jumbogram, or offload
    if (40 + length > bytes.size()) return std::nullopt;
    TcpEndpoint source{{}, true, 0};
    TcpEndpoint destination{{}, true, 0};
    std::copy_n(bytes.begin() + 8, 16, source.address.begin());
    std::copy_n(bytes.begin() + 24, 16, destination.address.begin());
    auto next = static_cast<std::uint8_t>(bytes[6]);
    auto rest = bytes.substr(40, length);
    // Extension headers that may come before TCP; a fragment header (44)
    // means a piece of a datagram, which is not reassembled.
    while (next == 0 || next == 43 || next == 60 || next == 51) {
        if (rest.size() < 8) return std::nullopt;
        const auto unit = static_cast<std::uint8_t>(rest[1]);
        const std::size_t size = next == 51 ? (unit + 2u) * 4u : (unit + 1u) * 8u;
        if (size > rest.size()) return std::nullopt;
        next = static_cast<std::uint8_t>(rest[0]);
        rest.remove_prefix(size);
    }
    if (next != kIpProtocolTcp) return std::nullopt;
    return parse_tcp_header(rest, source, destination);
}

std::optional<TcpSegment> parse_ip_of_type(std::uint16_t ether_type, std::string_view bytes) {
    if (ether_type == kEtherTypeIpv4) return parse_ipv4(bytes);
    if (ether_type == kEtherTypeIpv6) return parse_ipv6(bytes);
    return std::nullopt;
}

std::optional<TcpSegment> parse_ethernet(std::string_view frame) {
    if (frame.size() < 14) return std::nullopt;
    std::size_t at = 12;
    auto type = frame_u16(frame, at);
    // 802.1Q and 802.1ad tags, possibly stacked.
    while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) && frame.size() >= at + 6) {
        at += 4;
        type = frame_u16(frame, at);
    }
    return parse_ip_of_type(type, frame.substr(at + 2));
}

// NULL and LOOP carry the sender's address family: AF_INET is 2 everywhere,
// AF_INET6 is 10 on Linux, 24, 28 or 30 on the BSDs and macOS.
std::optional<TcpSegment> parse_address_family(std::uint32_t family, std::string_view bytes) {
    if (family == 2) return parse_ipv4(bytes);
    if (family == 10 || family == 24 || family == 28 || family == 30) return parse_ipv6(bytes);
    return std::nullopt;
}

}  // namespace

std::string to_string(const TcpEndpoint& endpoint) {
    if (!endpoint.ipv6) {
        const auto& a = endpoint.address;
        return fmt::format("{}.{}.{}.{}:{}", a[0], a[1], a[2], a[3], endpoint.port);
    }
    // RFC 5952: lower case, no leading zeros, the longest run of two or
    // more zero groups as "::".
    std::array<std::uint16_t, 8> groups{};
    for (std::size_t i = 0; i < 8; ++i)
        groups[i] = static_cast<std::uint16_t>((endpoint.address[2 * i] << 8) |
                                               endpoint.address[2 * i + 1]);
    std::size_t best_start = 8;
    std::size_t best_length = 1;
    for (std::size_t i = 0; i < 8;) {
        std::size_t j = i;
        while (j < 8 && groups[j] == 0)
            ++j;
        if (j - i > best_length) {
            best_start = i;
            best_length = j - i;
        }
        i = j == i ? i + 1 : j;
    }
    std::string text;
    for (std::size_t i = 0; i < 8; ++i) {
        if (i == best_start) {
            text += "::";
            i += best_length - 1;
            continue;
        }
        if (!text.empty() && !text.ends_with(':')) text += ':';
        text += fmt::format("{:x}", groups[i]);
    }
    return fmt::format("[{}]:{}", text, endpoint.port);
}

std::optional<TcpSegment> parse_tcp_segment(LinkType link, std::string_view frame) {
    switch (link) {
        case LinkType::Ethernet:
            return parse_ethernet(frame);
        case LinkType::LinuxSll:
            if (frame.size() < 16) return std::nullopt;
            return parse_ip_of_type(frame_u16(frame, 14), frame.substr(16));
        case LinkType::LinuxSll2:
            if (frame.size() < 20) return std::nullopt;
            return parse_ip_of_type(frame_u16(frame, 0), frame.substr(20));
        case LinkType::Null: {
            if (frame.size() < 4) return std::nullopt;
            // In the byte order of the machine that captured.
            const auto big = frame_u32(frame, 0);
            const auto little = __builtin_bswap32(big);
            return parse_address_family(big < 0x10000 ? big : little, frame.substr(4));
        }
        case LinkType::Loop:
            if (frame.size() < 4) return std::nullopt;
            return parse_address_family(frame_u32(frame, 0), frame.substr(4));
        case LinkType::RawIp:
            if (frame.empty()) return std::nullopt;
            return (static_cast<std::uint8_t>(frame[0]) >> 4) == 6 ? parse_ipv6(frame)
                                                                   : parse_ipv4(frame);
    }
    return std::nullopt;
}

}  // namespace mailscope::transport
