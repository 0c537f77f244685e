#include "tests/support/loopback_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mailscope::test {

namespace {

std::runtime_error system_failure(const char* what) {
    return std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

LoopbackClient::LoopbackClient(std::uint16_t port) {
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0) throw system_failure("socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const auto failure = system_failure("connect");
        ::close(m_fd);
        throw failure;
    }
}

LoopbackClient::~LoopbackClient() {
    ::close(m_fd);
}

void LoopbackClient::write(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t sent = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) continue;
            throw system_failure("send");
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
}

std::string LoopbackClient::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (const auto end = m_buffer.find("\r\n"); end != std::string::npos) {
            std::string line = m_buffer.substr(0, end);
            m_buffer.erase(0, end + 2);
            return line;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) throw std::runtime_error("no line from the server in time");
        pollfd wait{m_fd, POLLIN, 0};
        const int ready = ::poll(&wait, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR) throw system_failure("poll");
        if (ready <= 0) continue;
        char chunk[4096];
        const ssize_t got = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (got < 0 && errno != EINTR) throw system_failure("recv");
        if (got == 0) throw std::runtime_error("the server closed the connection");
        if (got > 0) m_buffer.append(chunk, static_cast<std::size_t>(got));
    }
}

std::string LoopbackClient::read_until(std::string_view prefix, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        std::string line = read_line(std::max(left, std::chrono::milliseconds(0)));
        if (line.starts_with(prefix)) return line;
    }
}

}  // namespace mailscope::test
