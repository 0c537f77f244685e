// LiveClient: the network side of the GUI's live session with a real IMAP,
// POP3 or SMTP server. The generic driver (sim/core/client_driver.hpp) runs
// over a ClientRunner on an IoThread of its own; after anything happened it
// posts a LiveUpdate (the new events, the state, the status, the answer to
// a line) into the UI's queue. Lines typed in the UI are posted to the I/O
// thread, so nothing here makes the UI thread wait for the network.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/io_thread.hpp"
#include "net/tls_options.hpp"
#include "net/ui_queue.hpp"
#include "sim/core/client_session.hpp"
#include "sim/core/oauth_sasl.hpp"
#include "sim/core/state_id.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::transport {

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
    // Instead of the password: XOAUTH2 or OAUTHBEARER with this token; no
    // mechanism: the one the server offers.
    std::optional<std::string> oauth_token;
    std::optional<sim::OAuthMechanism> oauth_mechanism;
    ClientTlsOptions tls;
    std::chrono::milliseconds timeout{30000};
};

enum class LivePhase { Connecting, Connected, Failed, Closed };

struct LiveStatus {
    LivePhase phase = LivePhase::Connecting;
    bool tls = false;       // TLS is on now
    bool ready = false;     // the login script is done: the learner's turn
    bool insecure = false;  // the certificate is not verified (--insecure)
    sim::Said detail;       // the TLS description, or why it failed
};

// What the I/O thread tells the UI after each thing the session did.
struct LiveUpdate {
    std::vector<sim::TraceEvent> events;  // committed since the last update, in order
    sim::StateId state;
    std::vector<std::string> verbs;  // allowed in `state`
    LiveStatus status;
    // The answer to a line the UI sent: why it was not sent, or nothing when
    // this update answers no line or the line went out.
    std::optional<sim::Said> refused;
};

class LiveClient {
  public:
    // Runs on the UI thread, from UiQueue::run_pending().
    using OnUpdate = std::function<void(LiveUpdate update)>;
    // Runs on the I/O thread just before a typed line goes to the session,
    // which it may read: rewrites the line (an IMAP command gets its tag and
    // literal sizes) or gives why it cannot be sent.
    using PrepareLine = std::function<std::optional<sim::Said>(const sim::ClientSession& session,
                                                               std::string& line)>;

    // Connects at once, on the client's own I/O thread. `options.port` must
    // be set. `ui` must outlive the client.
    LiveClient(LiveOptions options, UiQueue& ui, OnUpdate on_update);
    ~LiveClient();
    LiveClient(const LiveClient&) = delete;
    LiveClient& operator=(const LiveClient&) = delete;

    // Returns at once; the outcome arrives as an update whose `refused` says
    // why the line did not go (the connection is closed, the login is not
    // done, the server has not answered the last line, the line is wrong).
    void send(std::string line, PrepareLine prepare);
    // Says LOGOUT (QUIT) when the session is ready, else closes.
    void logout();

    class Connection;

  private:
    LiveOptions m_options;
    IoThread m_io;  // stopped, and the connection gone, before it goes
    std::unique_ptr<Connection> m_connection;
};

}  // namespace mailscope::transport
