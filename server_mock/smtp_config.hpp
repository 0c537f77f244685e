// What the mock SMTP server offers (RFC 5321 and the EHLO extensions).
#pragma once

#include <cstdint>
#include <string>

#include "sim/transport/connection_handler.hpp"

namespace mailscope::server {

struct SmtpConfig {
    // The name in the greeting and the EHLO reply.
    std::string hostname = "mailscope.test";
    // RFC 1870 SIZE: the largest message accepted.
    std::uint64_t max_message_size = 10ull * 1024 * 1024;
    // RFC 5321 4.5.3.1.8: at least 100 recipients must be accepted.
    std::size_t max_recipients = 100;
    // RFC 5321 4.5.3.2: at least 5 minutes for most commands.
    transport::Micros timeout = 5ll * 60 * 1000 * 1000;
};

}  // namespace mailscope::server
