// What the mock POP3 server offers (RFC 1939, RFC 2449).
#pragma once

#include <string>

#include "sim/core/connection_handler.hpp"

namespace mailscope::server {

struct Pop3Config {
    std::string greeting = "mailscope POP3 teaching server ready";
    // APOP needs a timestamp in the greeting (RFC 1939 7).
    bool apop = true;
    // RFC 1939 3: an inactivity autologout timer of at least 10 minutes.
    transport::Micros autologout = 10ll * 60 * 1000 * 1000;
};

}  // namespace mailscope::server
