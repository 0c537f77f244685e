// LiveSession: the GUI as a client of a real IMAP, POP3 or SMTP server,
// through the same generic driver and network runner as `mailscope connect`
// (sim/core/client_driver.hpp, net/client_runner.hpp).
//
// Threading: the driver and its trace live on the I/O thread of a
// net/live_client.hpp LiveClient. Lines typed in the UI are posted to that
// thread and send() returns at once; what the session did (events, state,
// status, why a line was not sent) comes back through a UiQueue that the UI
// thread runs in drain() at frame start, appending the events to a trace of
// its own. The password stays in memory only, and the engine masks it in
// the trace.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gui/view_state.hpp"
#include "net/live_client.hpp"
#include "net/ui_queue.hpp"
#include "sim/core/state_id.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::gui {

// The options and status of a live session are the network side's
// (net/live_client.hpp).
using transport::LiveMode;
using transport::LiveOptions;
using transport::LivePhase;
using transport::LiveStatus;

// The dialog's fields as options, or a sentence saying what is missing.
// The password is copied; the caller clears the form's copy.
std::variant<LiveOptions, sim::Said> live_options_from_form(const ConnectForm& form);

// "connecting…", "connected, TLS …", "INSECURE TLS …", "failed: …": for the menu bar.
std::string live_status_text(const LiveStatus& status, Language language);

class LiveSession {
  public:
    // Checks the options (a password in clear to a remote host is refused, as
    // by `mailscope connect`), then connects on a thread of its own. Gives a
    // sentence when the options cannot be used.
    static std::variant<std::unique_ptr<LiveSession>, sim::Said> start(LiveOptions options);

    ~LiveSession();
    LiveSession(const LiveSession&) = delete;
    LiveSession& operator=(const LiveSession&) = delete;

    // Hands the line to the I/O thread and returns at once: an IMAP command
    // is composed there as free play does (tag, literal sizes), a POP3 or
    // SMTP line goes as typed. Gives the error sentence at once only for an
    // empty line; why any other line was not sent (the connection is closed,
    // the server has not answered the last line, the command is wrong)
    // arrives with a later drain() as send_error().
    std::optional<sim::Said> send(std::string_view line, std::string_view typed_literals);
    // Why the last line sent was not sent; empty while none was refused.
    const sim::Said& send_error() const { return m_send_error; }

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

  private:
    explicit LiveSession(LiveOptions options);
    void apply(transport::LiveUpdate update);

    LiveOptions m_options;
    std::unique_ptr<sim::SessionTrace> m_trace;  // owned and appended by the UI thread only
    sim::StateId m_state;
    std::vector<std::string> m_verbs;
    LiveStatus m_status;
    sim::Said m_send_error;
    bool m_changed = false;  // set by the queue's work during drain()
    // The client posts into the queue: it goes first.
    transport::UiQueue m_queue;
    std::unique_ptr<transport::LiveClient> m_client;
};

}  // namespace mailscope::gui
