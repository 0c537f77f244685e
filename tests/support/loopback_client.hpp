// LoopbackClient: a plain blocking TCP client on 127.0.0.1 for tests that
// play a mail client against a server on a real socket, line by line, each
// read bounded by a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mailscope::test {

class LoopbackClient {
  public:
    // Connects; throws std::runtime_error when it cannot.
    explicit LoopbackClient(std::uint16_t port);
    ~LoopbackClient();
    LoopbackClient(const LoopbackClient&) = delete;
    LoopbackClient& operator=(const LoopbackClient&) = delete;

    void write(std::string_view bytes);
    // The next line without its CRLF; throws std::runtime_error when none
    // came within `timeout` or the server closed first.
    std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Reads lines until one starts with `prefix` and gives it.
    std::string read_until(std::string_view prefix,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5));

  private:
    int m_fd = -1;
    std::string m_buffer;
};

}  // namespace mailscope::test
