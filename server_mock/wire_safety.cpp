#include "server_mock/wire_safety.hpp"

#include <fmt/format.h>

namespace mailscope::server {

std::string reply_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7E) {
            out += fmt::format("\\x{:02x}", byte);
        } else {
            out += c;
        }
    }
    return out;
}

std::string octets_without_nul(std::string_view octets, std::size_t& replaced) {
    std::string out(octets);
    replaced = 0;
    for (char& c : out) {
        if (c == '\0') {
            c = kNulReplacement;
            ++replaced;
        }
    }
    return out;
}

}  // namespace mailscope::server
