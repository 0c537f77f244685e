#include "server_mock/hmac_md5.hpp"

#include <cmath>

namespace mailscope::server {

namespace {

constexpr std::uint32_t kShifts[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                       5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                       4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                       6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

// RFC 1321 3.4: T[i] is the integer part of 2^32 * |sin(i)|.
const std::array<std::uint32_t, 64>& sine_table() {
    static const std::array<std::uint32_t, 64> table = [] {
        std::array<std::uint32_t, 64> t{};
        for (int i = 0; i < 64; ++i)
            t[i] =
                static_cast<std::uint32_t>(std::floor(std::fabs(std::sin(i + 1.0)) * 4294967296.0));
        return t;
    }();
    return table;
}

std::uint32_t rotate_left(std::uint32_t x, std::uint32_t n) {
    return (x << n) | (x >> (32 - n));
}

}  // namespace

std::array<std::uint8_t, 16> md5(std::string_view data) {
    const auto& k = sine_table();
    std::uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    std::string padded(data);
    padded.push_back(static_cast<char>(0x80));
    while (padded.size() % 64 != 56)
        padded.push_back('\0');
    const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
    for (int i = 0; i < 8; ++i)
        padded.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
    for (std::size_t block = 0; block < padded.size(); block += 64) {
        std::uint32_t m[16];
        for (int i = 0; i < 16; ++i) {
            m[i] = 0;
            for (int b = 0; b < 4; ++b)
                m[i] |= static_cast<std::uint32_t>(
                            static_cast<unsigned char>(padded[block + i * 4 + b]))
                        << (8 * b);
        }
        std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
        for (std::uint32_t i = 0; i < 64; ++i) {
            std::uint32_t f = 0, g = 0;
            if (i < 16) {
                f = (b & c) | (~b & d);
                g = i;
            } else if (i < 32) {
                f = (d & b) | (~d & c);
                g = (5 * i + 1) % 16;
            } else if (i < 48) {
                f = b ^ c ^ d;
                g = (3 * i + 5) % 16;
            } else {
                f = c ^ (b | ~d);
                g = (7 * i) % 16;
            }
            const std::uint32_t next = d;
            d = c;
            c = b;
            b = b + rotate_left(a + f + k[i] + m[g], kShifts[i]);
            a = next;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
    }
    std::array<std::uint8_t, 16> out{};
    for (int i = 0; i < 4; ++i)
        for (int b = 0; b < 4; ++b)
            out[i * 4 + b] = static_cast<std::uint8_t>((h[i] >> (8 * b)) & 0xff);
    return out;
}

std::array<std::uint8_t, 16> hmac_md5(std::string_view key, std::string_view data) {
    std::string block_key(key);
    if (block_key.size() > 64) {
        auto digest = md5(block_key);
        block_key.assign(digest.begin(), digest.end());
    }
    block_key.resize(64, '\0');
    std::string inner(64, '\0'), outer(64, '\0');
    for (int i = 0; i < 64; ++i) {
        inner[i] = static_cast<char>(block_key[i] ^ 0x36);
        outer[i] = static_cast<char>(block_key[i] ^ 0x5c);
    }
    auto inner_digest = md5(inner + std::string(data));
    return md5(outer + std::string(inner_digest.begin(), inner_digest.end()));
}

std::string to_hex(const std::array<std::uint8_t, 16>& digest) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (auto byte : digest) {
        out.push_back(kDigits[byte >> 4]);
        out.push_back(kDigits[byte & 0xf]);
    }
    return out;
}

}  // namespace mailscope::server
