// HMAC-MD5 (RFC 2104 over RFC 1321), only for the CRAM-MD5 SASL mechanism
// (RFC 2195) of the mock servers. MD5 is broken for any other use.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mailscope::server {

std::array<std::uint8_t, 16> md5(std::string_view data);
std::array<std::uint8_t, 16> hmac_md5(std::string_view key, std::string_view data);
// Lower-case hex, as CRAM-MD5 sends the digest.
std::string to_hex(const std::array<std::uint8_t, 16>& digest);

}  // namespace mailscope::server
