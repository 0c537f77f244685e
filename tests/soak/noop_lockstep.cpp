// One IMAP session sending NOOPs in lockstep, each after the previous reply:
// the soak's proof that a long session does not grow the server. A C++
// client so that ten million round trips take minutes, not an hour.
//
// usage: noop_lockstep HOST PORT USER PASSWORD COUNT
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

class Connection {
  public:
    Connection(const char* host, int port) {
        m_fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        if (m_fd < 0 || inet_pton(AF_INET, host, &address.sin_addr) != 1 ||
            connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            std::perror("connect");
            std::exit(1);
        }
        int on = 1;
        setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    ~Connection() { close(m_fd); }

    void send(const std::string& text) {
        std::size_t sent = 0;
        while (sent < text.size()) {
            const auto n = ::send(m_fd, text.data() + sent, text.size() - sent, 0);
            if (n <= 0) {
                std::perror("send");
                std::exit(1);
            }
            sent += static_cast<std::size_t>(n);
        }
    }

    // The next line, without its CRLF.
    std::string line() {
        while (true) {
            const auto end = m_buffer.find("\r\n");
            if (end != std::string::npos) {
                std::string out = m_buffer.substr(0, end);
                m_buffer.erase(0, end + 2);
                return out;
            }
            char chunk[4096];
            const auto n = recv(m_fd, chunk, sizeof chunk, 0);
            if (n <= 0) {
                std::fprintf(stderr, "the server closed the connection\n");
                std::exit(1);
            }
            m_buffer.append(chunk, static_cast<std::size_t>(n));
        }
    }

  private:
    int m_fd = -1;
    std::string m_buffer;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: %s HOST PORT USER PASSWORD COUNT\n", argv[0]);
        return 2;
    }
    Connection connection(argv[1], std::atoi(argv[2]));
    connection.line();
    connection.send(std::string("a LOGIN ") + argv[3] + " " + argv[4] + "\r\n");
    if (connection.line().rfind("a OK", 0) != 0) {
        std::fprintf(stderr, "LOGIN failed\n");
        return 1;
    }
    const long count = std::atol(argv[5]);
    for (long i = 0; i < count; ++i) {
        connection.send("n NOOP\r\n");
        const auto reply = connection.line();
        if (reply.rfind("n OK", 0) != 0) {
            std::fprintf(stderr, "NOOP %ld: %s\n", i, reply.c_str());
            return 1;
        }
    }
    connection.send("z LOGOUT\r\n");
    return 0;
}
