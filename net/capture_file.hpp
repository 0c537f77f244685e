// Reading a packet capture (pcap or pcapng, as tcpdump and Wireshark write
// them) through libpcap, whose headers stay inside capture_file.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "net/capture_packets.hpp"

namespace mailscope::transport {

// Whether a file starting with `head` is a capture: the magic number of a
// pcap file (either byte order, micro- or nanosecond times) or of a pcapng
// section header block.
bool is_capture_magic(std::string_view head);

struct CaptureRead {
    // libpcap's words when the file could not be opened or read to its end.
    std::string error;
    // The capture's link type (libpcap's DLT number) when it is none that
    // carries IP the way LinkType knows.
    std::optional<int> unsupported_link;
    std::uint64_t packets = 0;
};

// Hands every TCP segment of the capture at `path` to `on_segment`, with
// the number of its packet (from 1). The segment's payload lives until the
// call returns.
CaptureRead read_capture(const std::string& path,
                         const std::function<void(const TcpSegment&, std::uint64_t)>& on_segment);

}  // namespace mailscope::transport
