#include "server_mock/refusal.hpp"

#include <fmt/format.h>

namespace mailscope::server {

std::string too_many_connections(sim::Protocol protocol, const ServerConfig& config) {
    switch (protocol) {
        case sim::Protocol::Imap:
            return "* BYE [UNAVAILABLE] Too many connections, try again later\r\n";
        case sim::Protocol::Pop3:
            return "-ERR [SYS/TEMP] too many connections, try again later\r\n";
        case sim::Protocol::Smtp:
            return fmt::format("421 4.3.2 {} too many connections, try again later\r\n",
                               config.smtp.hostname);
    }
    return {};
}

}  // namespace mailscope::server
