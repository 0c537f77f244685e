#include "net/capture_file.hpp"

#include <pcap/pcap.h>

#include <memory>

namespace mailscope::transport {

namespace {

std::optional<LinkType> link_type_of_dlt(int datalink) {
    switch (datalink) {
        case DLT_EN10MB:
            return LinkType::Ethernet;
        case DLT_LINUX_SLL:
            return LinkType::LinuxSll;
        case DLT_LINUX_SLL2:
            return LinkType::LinuxSll2;
        case DLT_NULL:
            return LinkType::Null;
        case DLT_LOOP:
            return LinkType::Loop;
        case DLT_RAW:
        case DLT_IPV4:
        case DLT_IPV6:
            return LinkType::RawIp;
        default:
            return std::nullopt;
    }
}

struct PcapCloser {
    void operator()(pcap_t* pcap) const { pcap_close(pcap); }
};

}  // namespace

bool is_capture_magic(std::string_view head) {
    if (head.size() < 4) return false;
    const auto magic = (std::uint32_t{static_cast<std::uint8_t>(head[0])} << 24) |
                       (std::uint32_t{static_cast<std::uint8_t>(head[1])} << 16) |
                       (std::uint32_t{static_cast<std::uint8_t>(head[2])} << 8) |
                       std::uint32_t{static_cast<std::uint8_t>(head[3])};
    return magic == 0xa1b2c3d4 || magic == 0xd4c3b2a1 || magic == 0xa1b23c4d ||
           magic == 0x4d3cb2a1 || magic == 0x0a0d0d0a;
}

CaptureRead read_capture(const std::string& path,
                         const std::function<void(const TcpSegment&, std::uint64_t)>& on_segment) {
    CaptureRead result;
    char error[PCAP_ERRBUF_SIZE] = {};
    std::unique_ptr<pcap_t, PcapCloser> pcap(pcap_open_offline(path.c_str(), error));
    if (!pcap) {
        result.error = error;
        return result;
    }
    const auto link = link_type_of_dlt(pcap_datalink(pcap.get()));
    if (!link) {
        result.unsupported_link = pcap_datalink(pcap.get());
        return result;
    }
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    int status = 0;
    while ((status = pcap_next_ex(pcap.get(), &header, &data)) == 1) {
        ++result.packets;
        const std::string_view frame(reinterpret_cast<const char*>(data), header->caplen);
        if (auto segment = parse_tcp_segment(*link, frame)) on_segment(*segment, result.packets);
    }
    if (status == PCAP_ERROR) result.error = pcap_geterr(pcap.get());
    return result;
}

}  // namespace mailscope::transport
