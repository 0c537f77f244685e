#include "net/client_loop.hpp"

#include <asio.hpp>

#include <iostream>
#include <mutex>
#include <thread>

#include "net/client_runner.hpp"

namespace mailscope::transport {

// The reader thread may outlive the loop (a read from a terminal cannot be
// cut short): it only posts while the loop listens.
class ClientLoop::StdinReader {
  public:
    static std::shared_ptr<StdinReader> start(asio::io_context& io, LineHandler on_line) {
        auto reader = std::make_shared<StdinReader>();
        reader->m_io = &io;
        reader->m_on_line = std::move(on_line);
        std::thread([reader] {
            std::string line;
            while (std::getline(std::cin, line))
                reader->post(line);
            reader->post(std::nullopt);
        }).detach();
        return reader;
    }

    void detach() {
        const std::lock_guard lock(m_mutex);
        m_io = nullptr;
    }

  private:
    void post(std::optional<std::string> line) {
        const std::lock_guard lock(m_mutex);
        if (!m_io) return;
        asio::post(*m_io, [this, line = std::move(line)] { m_on_line(line); });
    }

    std::mutex m_mutex;
    asio::io_context* m_io = nullptr;
    LineHandler m_on_line;
};

// The runner before the context: its client's sockets belong to it.
struct ClientLoop::Loop {
    Loop(sim::ClientDriver& driver, NetClientOptions options, std::function<void()> on_change)
        : runner(io, driver, std::move(options), std::move(on_change)) {}

    asio::io_context io;
    ClientRunner runner;
    std::shared_ptr<StdinReader> input;
};

ClientLoop::ClientLoop(sim::ClientDriver& driver, NetClientOptions options,
                       std::function<void()> on_change)
    : m_loop(std::make_unique<Loop>(driver, std::move(options), std::move(on_change))) {}

ClientLoop::~ClientLoop() {
    if (m_loop->input) m_loop->input->detach();
}

void ClientLoop::run() {
    m_loop->runner.start();
    if (!m_loop->runner.ended()) m_loop->io.run();
    if (m_loop->input) m_loop->input->detach();
}

void ClientLoop::stop() {
    m_loop->io.stop();
}

void ClientLoop::read_stdin(LineHandler on_line) {
    m_loop->input = StdinReader::start(m_loop->io, std::move(on_line));
}

void ClientLoop::flush() {
    m_loop->runner.flush();
}

bool ClientLoop::ended() const {
    return m_loop->runner.ended();
}

const sim::Said& ClientLoop::end_error() const {
    return m_loop->runner.end_error();
}

}  // namespace mailscope::transport
