// The contract between a transport (in-process pair, Asio TCP, Asio TLS) and
// a protocol session. Sessions never touch sockets: they receive bytes and
// the time, and say what to write, when, and whether to switch on TLS or
// close. Transports only move bytes and keep time.
//
// Back-pressure. A client that sends commands and never reads the replies
// must not make the server hold ever more output. The transport gives the
// handler's output queue a bound (OutputQueue::set_bound); while the queue
// holds more than that the queue is full(), and then:
//   - the transport stops reading from the peer;
//   - the handler stops taking input it has already been given: on_bytes()
//     processes whole lines (or literal parts) only while the queue is not
//     full, and returns how many octets it took. The transport keeps the
//     rest and offers it again, as the start of a later on_bytes(), once the
//     peer has taken enough output that the queue is no longer full.
// So one connection holds at most the bound plus the output of one command
// beyond what the kernel buffers. Without a bound (the in-process link of a
// lesson) a queue is never full and on_bytes() takes everything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
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

// A handler's writes in order, with the octets they hold counted so that
// the transport and the handler see the queue's size without walking it.
// The handler appends; the transport takes from the front.
class OutputQueue {
  public:
    void push_back(OutChunk chunk) {
        m_octets += chunk.bytes.size();
        m_chunks.push_back(std::move(chunk));
    }
    const OutChunk& front() const { return m_chunks.front(); }
    OutChunk take_front() {
        OutChunk chunk = std::move(m_chunks.front());
        m_chunks.pop_front();
        m_octets -= chunk.bytes.size();
        return chunk;
    }
    void pop_front() { take_front(); }
    // Drops every chunk not yet taken; returns the octets dropped.
    std::size_t clear() {
        const std::size_t dropped = m_octets;
        m_chunks.clear();
        m_octets = 0;
        return dropped;
    }
    bool empty() const { return m_chunks.empty(); }
    std::size_t size() const { return m_chunks.size(); }
    std::size_t octets() const { return m_octets; }

    // Back-pressure (see the top of this file).
    void set_bound(std::size_t octets) { m_bound = octets; }
    std::size_t bound() const { return m_bound; }
    bool full() const { return m_octets > m_bound; }

  private:
    std::deque<OutChunk> m_chunks;
    std::size_t m_octets = 0;
    std::size_t m_bound = std::numeric_limits<std::size_t>::max();
};

class ConnectionHandler {
  public:
    virtual ~ConnectionHandler() = default;

    // The connection is up; `tls` is true for implicit TLS (993, 995, 465).
    virtual void on_open(Micros now, bool tls) = 0;
    // Returns how many of `bytes` were taken: all of them unless output()
    // became full() (see the top of this file).
    virtual std::size_t on_bytes(std::string_view bytes, Micros now) = 0;
    // The peer closed or the connection broke.
    virtual void on_eof(Micros now) = 0;
    // Called when the deadline returned by next_deadline() has passed.
    virtual void on_timer(Micros now) = 0;
    // TLS started after a STARTTLS/STLS upgrade.
    virtual void on_tls_started(Micros now) = 0;
    // The server is going down: say goodbye (IMAP "* BYE") and ask to close.
    virtual void on_server_shutdown(Micros now) = 0;
    // The transport will not hold this connection's output any longer: it
    // passed the per-session limit, or the server's limit on unsent output
    // of all sessions. The transport has dropped the output not yet sent;
    // the handler says goodbye in its protocol with `reason` (IMAP "* BYE",
    // POP3 "-ERR", SMTP "421") and asks to close.
    virtual void on_overload(Micros now, std::string_view reason) = 0;

    // Output waiting to be written, in order.
    virtual OutputQueue& output() = 0;
    // After the queued output is written: start TLS as the server.
    virtual bool wants_tls_upgrade() const = 0;
    virtual void tls_upgrade_started() = 0;
    // After the queued output is written: close the connection.
    virtual bool wants_close() const = 0;
    // Stop reading from the peer for now (a stalled server).
    virtual bool reading_paused() const { return false; }
    // When on_timer() should next be called (autologout, a delayed reply).
    // Idle timers count from the last complete line the client sent, not
    // from its last octet, so a client that trickles a line one octet at a
    // time is still logged out.
    virtual std::optional<Micros> next_deadline() const = 0;
};

}  // namespace mailscope::transport
