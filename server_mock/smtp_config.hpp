// What the mock SMTP server offers (RFC 5321 and the EHLO extensions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/connection_handler.hpp"

namespace mailscope::server {

struct SmtpConfig {
    // The name in the greeting and the EHLO reply; mail for it is local too.
    std::string hostname = "mailscope.test";
    // Mail for user@DOMAIN is delivered to the user's INBOX when DOMAIN is
    // one of these (compared without regard to case); anything else is
    // relaying, which this server refuses (550 5.7.1).
    std::vector<std::string> local_domains{"localhost", "example.org", "mailscope.test"};
    // RFC 5321 4.5.1: "postmaster" (with or without a local domain) must be
    // accepted. Its mail goes to this user, or to the first user by name when
    // empty; a store without users refuses it with a 550 that says so.
    std::string postmaster_user;
    // RFC 1870 SIZE: the largest message accepted.
    std::uint64_t max_message_size = 10ull * 1024 * 1024;
    // RFC 5321 4.5.3.1.8: at least 100 recipients must be accepted.
    std::size_t max_recipients = 100;
    // RFC 5321 4.5.3.2: at least 5 minutes for most commands.
    transport::Micros timeout = 5ll * 60 * 1000 * 1000;
};

}  // namespace mailscope::server
