// NetClient: one outgoing TCP connection to a mail server, plain or TLS, for
// `mailscope connect` and the upstream side of `mailscope proxy`.
//
// It only moves bytes: the protocol lives in the sans-I/O session engines.
// Everything runs on the caller's io_context, so a command-line tool can
// drive it step by step and the proxy can run many of them on one thread.
// Every wait is bounded by the configured timeout.
#pragma once

#include <asio.hpp>
#include <asio/ssl.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "net/client_options.hpp"
#include "net/tls.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::transport {

class NetClient : public std::enable_shared_from_this<NetClient> {
  public:
    // `error` is empty on success, otherwise a sentence for the user.
    // `error` says nothing (sim::is_empty) on success.
    using Done = std::function<void(const sim::Said& error)>;
    using OnBytes = std::function<void(std::string_view bytes)>;

    // Throws std::runtime_error with a readable message when the TLS
    // settings cannot be used (an unreadable CA file).
    static std::shared_ptr<NetClient> create(asio::io_context& io, NetClientOptions options);

    // Resolves, connects and, for implicit TLS, completes the handshake.
    void connect(Done done);
    // Delivers every byte the server sends; `on_end` is called once: with an
    // empty error when the server closed the connection cleanly.
    void start_reading(OnBytes on_bytes, Done on_end);
    // Queued; written in order.
    void write(std::string bytes);
    // STARTTLS: called once the server said OK. Reading pauses during the
    // handshake and resumes over TLS.
    void start_tls(Done done);
    // While a reply is awaited, silence longer than the timeout ends the
    // connection with an error (an IDLE or a quiet prompt waits forever).
    void expect_reply(bool expecting);
    void close();

    bool is_open() const { return !m_closed; }
    bool tls_active() const { return m_tls_on; }
    // "TLSv1.3 TLS_AES_256_GCM_SHA384" once TLS is on.
    std::string tls_description();
    // Why verification failed or would have failed (with --insecure), or empty.
    std::string verify_result();
    const NetClientOptions& options() const { return m_options; }

    NetClient(asio::io_context& io, NetClientOptions options,
              std::shared_ptr<asio::ssl::context> context);

  private:
    asio::ip::tcp::socket& socket() { return m_stream.next_layer(); }
    void handshake(Done done);
    void read();
    void pump_writes();
    void arm_reply_timer();
    void finish(const sim::Said& error);
    std::string seconds() const;

    asio::io_context& m_io;
    NetClientOptions m_options;
    std::shared_ptr<asio::ssl::context> m_context;
    asio::ssl::stream<asio::ip::tcp::socket> m_stream;
    asio::ip::tcp::resolver m_resolver;
    asio::steady_timer m_phase_timer;
    asio::steady_timer m_reply_timer;
    std::array<char, 16384> m_buffer{};
    std::deque<std::string> m_writes;
    OnBytes m_on_bytes;
    Done m_on_end;
    Done m_upgrade_done;
    bool m_tls_on = false;
    bool m_reading = false;
    bool m_writing = false;
    bool m_upgrading = false;
    bool m_expecting = false;
    bool m_closed = false;
};

}  // namespace mailscope::transport
