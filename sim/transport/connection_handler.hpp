// The contract between a transport (in-process pair, Asio TCP, Asio TLS) and
// a protocol session. Sessions never touch sockets: they receive bytes and
// the time, and say what to write, when, and whether to switch on TLS or
// close. Transports only move bytes and keep time.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace mailscope::transport {

// Microseconds on the transport's clock: steady time for TCP, a virtual
// clock for the in-process pair (so lessons are deterministic).
using Micros = std::int64_t;

// One write. `not_before` lets a session delay a response (fault injection,
// the "slow server" of a lesson); separate chunks are separate writes, so a
// session can split a response at chosen octets.
struct OutChunk {
    std::string bytes;
    Micros not_before = 0;
};

class ConnectionHandler {
  public:
    virtual ~ConnectionHandler() = default;

    // The connection is up; `tls` is true for implicit TLS (993, 995, 465).
    virtual void on_open(Micros now, bool tls) = 0;
    virtual void on_bytes(std::string_view bytes, Micros now) = 0;
    // The peer closed or the connection broke.
    virtual void on_eof(Micros now) = 0;
    // Called when the deadline returned by next_deadline() has passed.
    virtual void on_timer(Micros now) = 0;
    // TLS started after a STARTTLS/STLS upgrade.
    virtual void on_tls_started(Micros now) = 0;
    // The server is going down: say goodbye (IMAP "* BYE") and ask to close.
    virtual void on_server_shutdown(Micros now) = 0;

    // Output waiting to be written, in order.
    virtual std::deque<OutChunk>& output() = 0;
    // After the queued output is written: start TLS as the server.
    virtual bool wants_tls_upgrade() const = 0;
    virtual void tls_upgrade_started() = 0;
    // After the queued output is written: close the connection.
    virtual bool wants_close() const = 0;
    // Stop reading from the peer for now (a stalled server).
    virtual bool reading_paused() const { return false; }
    // When on_timer() should next be called (autologout, a delayed reply).
    virtual std::optional<Micros> next_deadline() const = 0;
};

}  // namespace mailscope::transport
