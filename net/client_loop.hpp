// ClientLoop: a command-line client's network loop. It runs one
// sim::ClientDriver over a ClientRunner on the calling thread until stopped,
// and can feed it the lines typed at stdin, read on a thread of their own and
// handed to the loop's thread. `mailscope connect` is this loop with the
// terminal for output.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/client_options.hpp"
#include "sim/core/client_driver.hpp"

namespace mailscope::transport {

class ClientLoop {
  public:
    using LineHandler = std::function<void(std::optional<std::string> line)>;

    // `on_change` runs on the loop's thread after anything the driver did
    // (see ClientRunner).
    ClientLoop(sim::ClientDriver& driver, NetClientOptions options,
               std::function<void()> on_change);
    ~ClientLoop();
    ClientLoop(const ClientLoop&) = delete;
    ClientLoop& operator=(const ClientLoop&) = delete;

    // Connects and runs until stop(), or returns at once when connecting
    // failed before anything was sent.
    void run();
    void stop();

    // Reads stdin from now on: each line, then nullopt at its end, runs
    // `on_line` on the loop's thread while the loop runs; lines read after
    // run() returned are dropped.
    void read_stdin(LineHandler on_line);

    // After the caller gave the driver lines: writes what they queued.
    void flush();
    // The connection is over: closed by the server, broken, or failed.
    bool ended() const;
    // Empty when the server closed cleanly.
    const sim::Said& end_error() const;

  private:
    class StdinReader;
    struct Loop;
    std::unique_ptr<Loop> m_loop;
};

}  // namespace mailscope::transport
