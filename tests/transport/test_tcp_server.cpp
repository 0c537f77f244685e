// TcpServer's limits over real loopback sockets, with a handler that stands
// for a session: back-pressure on a client that never reads, the cap on one
// session's unsent output, the maximum number of connections and the TLS
// handshake timeout. Server and clients share one io_context on this
// thread; every wait has a deadline.
#include <doctest/doctest.h>

#include <unistd.h>
#include <asio.hpp>

#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "net/tcp_server.hpp"
#include "net/tls.hpp"

using namespace mailscope;
using namespace mailscope::transport;
using namespace std::chrono_literals;

namespace {

struct Seen {
    std::size_t lines = 0;
    std::size_t overloads = 0;
    std::string reason;
};

// Answers each line with `reply_size` octets, or with `big_size` octets to
// the line "BIG", and keeps the back-pressure contract of
// connection_handler.hpp.
class Amplifier : public ConnectionHandler {
  public:
    Amplifier(Seen& seen, std::size_t reply_size, std::size_t big_size)
        : m_seen(seen), m_reply_size(reply_size), m_big_size(big_size) {}

    void on_open(Micros, bool) override { m_output.push_back({"hello\r\n", 0}); }
    std::size_t on_bytes(std::string_view bytes, Micros) override {
        std::size_t taken = 0;
        while (taken < bytes.size() && !m_output.full() && !m_close) {
            const char c = bytes[taken++];
            if (c != '\n') {
                m_line += c;
                continue;
            }
            ++m_seen.lines;
            const bool big = m_line == "BIG\r";
            m_line.clear();
            m_output.push_back({std::string(big ? m_big_size : m_reply_size, 'x'), 0});
        }
        return m_close ? bytes.size() : taken;
    }
    void on_eof(Micros) override { m_close = true; }
    void on_timer(Micros) override {}
    void on_tls_started(Micros) override {}
    void on_server_shutdown(Micros) override { m_close = true; }
    void on_overload(Micros, std::string_view reason) override {
        ++m_seen.overloads;
        m_seen.reason = std::string(reason);
        m_output.push_back({"bye\r\n", 0});
        m_close = true;
    }
    OutputQueue& output() override { return m_output; }
    bool wants_tls_upgrade() const override { return false; }
    void tls_upgrade_started() override {}
    bool wants_close() const override { return m_close; }
    std::optional<Micros> next_deadline() const override { return std::nullopt; }

  private:
    Seen& m_seen;
    std::size_t m_reply_size;
    std::size_t m_big_size;
    OutputQueue m_output;
    std::string m_line;
    bool m_close = false;
};

struct Rig {
    explicit Rig(ServerLimits limits, std::size_t reply_size = 100, std::size_t big_size = 0,
                 std::shared_ptr<asio::ssl::context> tls = nullptr, bool implicit_tls = false)
        : server(io, std::move(tls), limits) {
        ListenerConfig listener;
        listener.name = "test";
        listener.implicit_tls = implicit_tls;
        listener.refusal = "go away\r\n";
        port = server.listen(listener, [this, reply_size, big_size](const ConnectionInfo&) {
            return std::make_unique<Amplifier>(seen, reply_size, big_size);
        });
    }

    asio::ip::tcp::socket connect(int receive_buffer = 0) {
        asio::ip::tcp::socket socket(io);
        socket.open(asio::ip::tcp::v4());
        if (receive_buffer > 0) {
            socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
        }
        socket.connect({asio::ip::make_address("127.0.0.1"), port});
        socket.non_blocking(true);
        return socket;
    }

    // Runs the server until `done` or the deadline; false on the deadline.
    bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            io.run_for(5ms);
        }
        return true;
    }

    // Reads all there is without waiting; false once the server closed.
    static bool read_some(asio::ip::tcp::socket& socket, std::string& into) {
        std::array<char, 65536> buffer{};
        for (;;) {
            std::error_code ec;
            const auto n = socket.read_some(asio::buffer(buffer), ec);
            if (ec == asio::error::would_block) return true;
            if (ec) return false;
            into.append(buffer.data(), n);
        }
    }

    // Everything the server sends `socket` until it closes it.
    std::string read_until_closed(asio::ip::tcp::socket& socket) {
        std::string received;
        CHECK(run_until([&] { return !read_some(socket, received); }));
        return received;
    }

    asio::io_context io;
    TcpServer server;
    Seen seen;
    std::uint16_t port = 0;
};

}  // namespace

TEST_CASE("a client that never reads is not read either, and is served once it reads") {
    const ServerLimits limits{.output_bound = 16 * 1024};
    constexpr std::size_t kReply = 1000;
    constexpr std::size_t kLines = 20000;
    Rig rig(limits, kReply);
    auto client = rig.connect(4096);
    // 120 KB of commands fit in the kernel's buffers, their 20 MB of
    // answers do not.
    std::string lines;
    for (std::size_t i = 0; i < kLines; ++i)
        lines += "NOOP\r\n";
    std::size_t sent = 0;
    CHECK(rig.run_until([&] {
        std::error_code ec;
        sent += client.write_some(asio::buffer(lines.data() + sent, lines.size() - sent), ec);
        return sent == lines.size();
    }));

    // The server answers until the client's window and the kernel's buffers
    // are full, then holds the bound and the answer that passed it, and
    // takes no more of the commands it was sent.
    std::size_t answered = 0;
    CHECK(rig.run_until([&] {
        const std::size_t before = rig.seen.lines;
        rig.io.run_for(100ms);
        answered = rig.seen.lines;
        return answered == before;
    }));
    CHECK(answered < kLines);
    CHECK(rig.server.unsent_octets() > limits.output_bound);
    CHECK(rig.server.unsent_octets() <= limits.output_bound + 2 * kReply);

    // Reading lets the server take every command.
    std::string received;
    CHECK(rig.run_until([&] {
        Rig::read_some(client, received);
        return received.size() == 7 + kLines * kReply;
    }));
    CHECK(rig.seen.lines == kLines);
    // The last write can reach the client before its completion handler
    // runs on the server; the count settles once it does.
    CHECK(rig.run_until([&] { return rig.server.unsent_octets() == 0; }));
}

TEST_CASE("one answer beyond the session cap closes the session with its goodbye") {
    Rig rig({.output_bound = 16 * 1024, .session_output_cap = 64 * 1024}, 10, 100 * 1024);
    auto client = rig.connect();
    asio::write(client, asio::buffer(std::string("small\r\nBIG\r\n")));
    // The unsent answers went with the enormous one.
    CHECK(rig.read_until_closed(client) == "hello\r\nbye\r\n");
    CHECK(rig.seen.overloads == 1);
    CHECK(rig.seen.reason.find("more than one session may hold") != std::string::npos);
    CHECK(rig.run_until([&] { return rig.server.unsent_octets() == 0; }));
}

TEST_CASE("the server's cap on unsent output closes the session that passes it") {
    Rig rig({.output_bound = 16 * 1024,
             .session_output_cap = 1024 * 1024,
             .total_output_cap = 32 * 1024},
            10, 100 * 1024);
    auto client = rig.connect();
    asio::write(client, asio::buffer(std::string("BIG\r\n")));
    CHECK(rig.read_until_closed(client) == "hello\r\nbye\r\n");
    CHECK(rig.seen.reason.find("the server holds") != std::string::npos);
}

TEST_CASE("connections beyond the maximum get the listener's refusal") {
    Rig rig({.max_connections = 2});
    auto first = rig.connect();
    auto second = rig.connect();
    auto third = rig.connect();
    std::string to_first, to_second, to_third;
    CHECK(rig.run_until([&] {
        Rig::read_some(first, to_first);
        Rig::read_some(second, to_second);
        return !Rig::read_some(third, to_third);
    }));
    CHECK(to_first == "hello\r\n");
    CHECK(to_second == "hello\r\n");
    CHECK(to_third == "go away\r\n");

    // A session that ends frees its place.
    first.close();
    CHECK(rig.run_until([&] { return rig.server.connection_count() == 1; }));
    auto fourth = rig.connect();
    std::string to_fourth;
    CHECK(rig.run_until([&] {
        Rig::read_some(fourth, to_fourth);
        return to_fourth == "hello\r\n";
    }));
}

TEST_CASE("a closing connection whose peer reads nothing is cut after the linger") {
    Rig rig({.output_bound = 16 * 1024, .close_linger = 200 * 1000}, 10, 8 * 1024 * 1024);
    auto client = rig.connect(4096);
    asio::write(client, asio::buffer(std::string("BIG\r\n")));
    CHECK(rig.run_until([&] { return rig.seen.lines == 1; }));
    rig.io.run_for(50ms);
    // The goodbye waits behind megabytes the client does not read.
    rig.server.stop();
    const auto started = std::chrono::steady_clock::now();
    CHECK(rig.run_until([&] { return rig.server.connection_count() == 0; }, 5s));
    CHECK(std::chrono::steady_clock::now() - started >= 150ms);
    CHECK(rig.server.unsent_octets() == 0);
}

TEST_CASE("a TLS handshake that never starts is cut after the handshake timeout") {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("mailscope-tls-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const ServerTlsFiles files{(dir / "cert.pem").string(), (dir / "key.pem").string()};
    REQUIRE_FALSE(ensure_self_signed(files).has_value());
    Rig rig({.handshake_timeout = 300 * 1000}, 100, 0, make_server_context(files), true);
    auto client = rig.connect();
    std::string received;
    const auto started = std::chrono::steady_clock::now();
    CHECK(rig.run_until([&] { return !Rig::read_some(client, received); }, 5s));
    const auto took = std::chrono::steady_clock::now() - started;
    CHECK(took >= 250ms);
    CHECK(received.empty());
    std::filesystem::remove_all(dir);
}
