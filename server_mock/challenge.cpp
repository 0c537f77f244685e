#include "server_mock/challenge.hpp"

#include <fmt/format.h>

namespace mailscope::server {

std::string make_challenge(const ServerConfig& config, std::uint64_t counter,
                           std::uint64_t session) {
    const std::uint64_t unique = config.random ? config.random() : counter;
    const std::int64_t clock =
        config.clock ? config.clock().utc_seconds : static_cast<std::int64_t>(session);
    return fmt::format("<{}.{}@mailscope>", unique, clock);
}

}  // namespace mailscope::server
