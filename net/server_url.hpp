// Server URLs (imap://, pop3s://, submission://...) as `connect` and
// `proxy` take them. No Asio here, so a command that only parses a URL
// stays out of the network headers; the definitions are in net_client.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "sim/core/catalogue.hpp"
#include "sim/core/protocol.hpp"

namespace mailscope::transport {

// imap://[user@]host[:port] or imaps://...; the user may be percent-encoded.
struct ServerUrl {
    std::string scheme;  // imap imaps pop3 pop3s smtp smtps submission ("pop" reads as pop3)
    sim::Protocol protocol = sim::Protocol::Imap;
    std::string user;  // empty when the URL names none
    std::string host;  // without the brackets of an IPv6 literal
    std::uint16_t port = 0;
    bool implicit_tls = false;
};

// Returns the URL or a sentence saying what is wrong with it. Without a port
// the scheme's own applies: 143/993, 110/995 (RFC 2384, RFC 8314) and
// 25/465/587.
std::variant<ServerUrl, sim::Said> parse_server_url(std::string_view text);

// localhost, 127.0.0.0/8 and ::1: where a password in clear never leaves the machine.
bool is_loopback_host(const std::string& host);

}  // namespace mailscope::transport
