// What `mailscope connect` does around the session: the checks and the
// password prompt before connecting, the network options, the terminal
// reader and the transcript file.
#pragma once

#include <asio.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/connect_command.hpp"
#include "net/net_client.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::app {

inline constexpr const char* kConnectRed = "\x1b[1;31m";
inline constexpr const char* kConnectReset = "\x1b[0m";

struct ConnectStart {
    std::vector<std::string> script;  // the lines of --script, if given
    std::optional<std::string> password;
};

// Checks the options against the URL (--starttls with implicit TLS,
// --insecure with --ca-file, a password in clear to another machine), reads
// --script, warns about --insecure and asks for the password when the URL
// names a user. Prints the reason and returns nullopt when the session must
// not start (exit code 2). `plain_scheme` is "imap", "pop3" or "smtp".
std::optional<ConnectStart> prepare_connect(const ConnectOptions& options,
                                            const transport::ServerUrl& url,
                                            std::string_view plain_scheme);

transport::NetClientOptions net_client_options(const ConnectOptions& options,
                                               const transport::ServerUrl& url);

// "connecting to HOST:PORT[ with TLS]"
void announce_connecting(const transport::ServerUrl& url);

// Writes --transcript (JSON Lines for .jsonl, else C:/S: text); secrets are
// already masked in the trace unless --reveal-secrets asked otherwise.
void save_transcript(const ConnectOptions& options, const sim::SessionTrace& trace);

// Lines typed at the terminal, handed to the io_context's thread. The reader
// thread may outlive the session: it only posts while the session listens.
class TerminalInput {
  public:
    using LineHandler = std::function<void(std::optional<std::string>)>;

    // Starts reading stdin; `on_line` runs on `io`'s thread, with nullopt at
    // the end of the input.
    static std::shared_ptr<TerminalInput> start(asio::io_context& io, LineHandler on_line);
    // The session is over: lines read later are dropped.
    void detach();

  private:
    void post(std::optional<std::string> line);

    std::mutex m_mutex;
    asio::io_context* m_io = nullptr;
    LineHandler m_on_line;
};

}  // namespace mailscope::app
