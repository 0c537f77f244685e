// ClientDriver: the one driver of a client session, whatever its protocol.
//
// It owns a ClientSession (engine, login script, typed-line rules) and
// tells the transport what to do: write these bytes, start TLS now, close,
// expect a reply. The transport tells it what happened: the connection
// opened, bytes arrived, the peer closed, TLS is up. Lines come from a
// person or a script and run when the session is ready for them; at the end
// of the input the session ends the protocol's way (LOGOUT, QUIT).
//
// Sans-I/O: `mailscope connect` and the GUI's live session run it over
// net/'s NetClient (net/client_runner.*), tests over an in-process link.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/client_session.hpp"

namespace mailscope::sim {

enum class DriverStage : std::uint8_t {
    Connecting,  // open() not called yet
    LoggingIn,   // the login script is at work
    Ready,       // the person's turn
    Failed,      // see failure(): close the connection
    Ended,       // the greeting refused the session, or it ended: wait for the close
};

// A line that ran: what a script shows of it, and why it was not sent.
struct LineRun {
    std::string echo;  // credentials hidden unless secrets are revealed
    std::optional<Said> refused;
    std::uint64_t first_seq = 0;  // the trace's events from here on came after the line
};

class ClientDriver {
  public:
    ClientDriver(SessionTrace& trace, ClientOptions options);

    ClientSession& session() { return *m_session; }
    const ClientSession& session() const { return *m_session; }
    Engine& engine() { return m_session->engine(); }
    const Engine& engine() const { return m_session->engine(); }

    // --- the transport tells -------------------------------------------------
    // The connection is open; `implicit_tls` when TLS came with it.
    void open(const std::optional<TlsReport>& implicit_tls, std::int64_t time_us);
    void receive(std::string_view bytes, std::int64_t time_us);
    void receive_eof(std::int64_t time_us);
    void tls_established(const TlsReport& report, std::int64_t time_us);

    // --- the transport does --------------------------------------------------
    std::string take_outgoing() { return engine().take_outgoing(); }
    // True once when TLS must start before anything else is written.
    bool take_tls_request() { return m_session->login().take_tls_request(); }
    // The server owes a reply (the transport's timeout runs).
    bool awaiting_reply() const;

    DriverStage stage() const { return m_stage; }
    // Why stage() is Failed, one sentence.
    const Said& failure() const { return m_failure; }
    // The transport failed (a TLS handshake, a broken connection).
    void fail(Said reason);

    // --- lines ----------------------------------------------------------------
    // Runs a line now; the reason when it was not sent (the session is not
    // ready, or the line is refused).
    std::optional<Said> type_line(std::string_view line, std::int64_t time_us);
    // Lines that run one after the other as the session is ready for each.
    void queue_line(std::string line, std::int64_t time_us);
    // No more lines will come: once the queue is done the session ends.
    void end_input(std::int64_t time_us);
    bool input_ended() const { return m_input_ended; }
    bool lines_waiting() const { return !m_lines.empty(); }
    // The person may type: ready, nothing queued, nothing owed.
    bool wants_line() const;
    // The queued lines that ran since the last call.
    std::vector<LineRun> take_runs();
    // Sentences for the person (the login's outcome), oldest first.
    std::optional<Said> take_notice();

  private:
    // After any input: replies acted on, the stage updated, queued lines run.
    void progress(std::int64_t time_us);

    std::unique_ptr<ClientSession> m_session;
    bool m_reveal_secrets = false;
    DriverStage m_stage = DriverStage::Connecting;
    Said m_failure;
    std::deque<std::string> m_lines;
    bool m_input_ended = false;
    bool m_finished = false;
    std::vector<LineRun> m_runs;
    std::deque<Said> m_notices;
};

}  // namespace mailscope::sim
