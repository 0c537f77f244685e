// The unique string a server puts in an APOP greeting (RFC 1939 7) or sends
// as a CRAM-MD5 challenge (RFC 2195 2): "<random.timestamp@host>".
#pragma once

#include <cstdint>
#include <string>

#include "server_mock/server_config.hpp"

namespace mailscope::server {

// With the config's random source the string cannot be predicted, so an
// answer recorded from one session (an APOP digest, a CRAM-MD5 response) is
// refused in every other. Without one (a lesson) `counter` stands in for
// the random part and the session number for the time, so runs repeat.
std::string make_challenge(const ServerConfig& config, std::uint64_t counter,
                           std::uint64_t session);

}  // namespace mailscope::server
