// LiveSession: the GUI as a client of a real IMAP, POP3 or SMTP server,
// through the same generic driver and network runner as `mailscope connect`
// (sim/core/client_driver.hpp, net/client_runner.hpp).
//
// Threading (as for the lab, design note L3): the runner, the driver and
// its trace live on the session's own Asio thread. Commands typed in the UI
// are posted to that thread; the events the engine hands out are copied to
// a locked queue that the UI thread drains at frame start into a trace of
// its own. The password stays in memory only, and the engine masks it in
// the trace.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "gui/view_state.hpp"
#include "net/tls.hpp"
#include "sim/core/state_id.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::gui {

// How the connection gets (or does not get) TLS: none, STARTTLS (STLS for
// POP3), or from the first octet (imaps, pop3s, smtps).
enum class LiveMode { Plain, StartTls, Imaps };

struct LiveOptions {
    sim::Protocol protocol = sim::Protocol::Imap;
    std::string host;
    std::uint16_t port = 0;  // 0: the protocol's own (143/993, 110/995, 25/465)
    LiveMode mode = LiveMode::Plain;
    std::string user;  // empty: no login, the learner types one
    std::string password;
    transport::ClientTlsOptions tls;
    std::chrono::milliseconds timeout{30000};
};

enum class LivePhase { Connecting, Connected, Failed, Closed };

struct LiveStatus {
    LivePhase phase = LivePhase::Connecting;
    bool tls = false;       // TLS is on now
    bool ready = false;     // the login script is done: the learner's turn
    bool insecure = false;  // the certificate is not verified (--insecure)
    std::string detail;     // the TLS description, or why it failed
};

// The dialog's fields as options, or a sentence saying what is missing.
// The password is copied; the caller clears the form's copy.
std::variant<LiveOptions, std::string> live_options_from_form(const ConnectForm& form);

// "connecting…", "connected, TLS …", "INSECURE TLS …", "failed: …": for the menu bar.
std::string live_status_text(const LiveStatus& status);

class LiveSession {
  public:
    // Checks the options (a password in clear to a remote host is refused, as
    // by `mailscope connect`), then connects on a thread of its own. Gives a
    // sentence when the options cannot be used.
    static std::variant<std::unique_ptr<LiveSession>, std::string> start(LiveOptions options);

    ~LiveSession();
    LiveSession(const LiveSession&) = delete;
    LiveSession& operator=(const LiveSession&) = delete;

    // Composes an IMAP command as free play does (a POP3 or SMTP line is
    // sent as typed) and hands it to the Asio thread; gives the error
    // sentence when nothing was sent.
    std::optional<std::string> send(std::string_view line, std::string_view typed_literals);

    // UI thread: takes the new events, state and status. True when anything changed.
    bool drain();

    const sim::SessionTrace& trace() const { return *m_trace; }
    sim::StateId state() const { return m_state; }
    const LiveStatus& status() const { return m_status; }
    const LiveOptions& options() const { return m_options; }

    // The commands the protocol allows in the current state, by name.
    const std::vector<std::string>& allowed_verbs() const { return m_verbs; }

    // Says LOGOUT (QUIT) when the session is still open, so the server closes it.
    void close();

    struct Shared;

  private:
    explicit LiveSession(LiveOptions options);

    LiveOptions m_options;
    std::unique_ptr<Shared> m_shared;  // the Asio side: io_context, client, engine
    std::thread m_thread;
    std::unique_ptr<sim::SessionTrace> m_trace;  // owned and appended by the UI thread only
    sim::StateId m_state;
    std::vector<std::string> m_verbs;
    LiveStatus m_status;
};

}  // namespace mailscope::gui
