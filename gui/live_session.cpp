#include "gui/live_session.hpp"

#include <asio.hpp>

#include <fmt/format.h>

#include <future>
#include <mutex>

#include "gui/view_model/command_composer.hpp"
#include "net/net_client.hpp"
#include "net/tcp_server.hpp"
#include "sim/imap/login_driver.hpp"
#include "sim/imap/states.hpp"

namespace mailscope::gui {

// What the Asio thread leaves for the UI, always under `mutex`.
struct LiveFeed {
    std::mutex mutex;
    std::vector<sim::TraceEvent> events;
    imap::State state = imap::State::Connecting;
    LiveStatus status;
};

// One connection on the Asio thread: the NetClient, the client engine and
// the engine's trace. Only that thread touches it.
class LiveConnection {
  public:
    LiveConnection(asio::io_context& io, const LiveOptions& options, LiveFeed& feed)
        : m_io(io),
          m_options(options),
          m_feed(feed),
          m_trace(sim::Protocol::Imap, fmt::format("live {}:{}", options.host, options.port)),
          m_session(m_trace, client_options()),
          m_login(m_session, login_plan(options)) {
        m_status.insecure = options.tls.insecure;
    }

    void begin() {
        transport::NetClientOptions net;
        net.host = m_options.host;
        net.port = m_options.port;
        net.implicit_tls = m_options.mode == LiveMode::Imaps;
        net.tls = m_options.tls;
        net.timeout = m_options.timeout;
        try {
            m_client = transport::NetClient::create(m_io, net);
        } catch (const std::exception& error) {
            fail(error.what());
            return;
        }
        m_client->connect([this](const std::string& error) { on_connected(error); });
    }

    // Runs on the Asio thread; the result goes back to the waiting UI thread.
    std::optional<std::string> send(imap::Command command) {
        if (!m_client || !m_client->is_open() || m_done) {
            return std::string("The connection is not open.");
        }
        if (!m_login.ready()) {
            return std::string("The session is still starting; wait for it to be connected.");
        }
        if (imap::has_flag(command.verb, imap::VerbFlag::Credentials) && !secure_or_local()) {
            return fmt::format(
                "Not sent: {} would send the password to {} in clear; connect with STARTTLS or "
                "IMAPS.",
                imap::verb_name(command.verb), m_options.host);
        }
        const auto verb = command.verb;
        const auto result = m_session.submit(std::move(command), now());
        if (!result.tag) return result.error;
        if (verb == imap::Verb::Starttls) m_login.watch_starttls(*result.tag);
        m_client->expect_reply(true);
        flush();
        publish();
        return std::nullopt;
    }

    std::string next_tag() { return m_session.next_tag(); }

    void logout() {
        const auto state = m_session.state();
        if (!m_client || !m_client->is_open() || state == imap::State::Logout ||
            state == imap::State::Closed || state == imap::State::Connecting) {
            shut();
            return;
        }
        const auto result =
            m_session.submit(imap::make_command(m_session.next_tag(), imap::Verb::Logout), now());
        if (!result.tag) {
            fail(result.error);
            return;
        }
        m_client->expect_reply(true);
        flush();
        publish();
    }

    void shut() {
        if (m_client) m_client->close();
    }

  private:
    static imap::SessionOptions client_options() {
        imap::SessionOptions options;
        options.role = imap::Role::Client;
        return options;
    }

    static imap::LoginPlan login_plan(const LiveOptions& options) {
        imap::LoginPlan plan;
        plan.host = options.host;
        plan.port = options.port;
        plan.starttls = options.mode == LiveMode::StartTls;
        plan.user = options.user;
        plan.password = options.password;
        plan.plaintext_login_allowed = transport::is_loopback_host(options.host);
        plan.insecure = options.tls.insecure;
        return plan;
    }

    std::int64_t now() const { return transport::steady_now(); }

    imap::TlsReport tls_report() {
        return {m_client->tls_description(),
                m_options.tls.insecure ? m_client->verify_result() : std::string()};
    }

    bool secure_or_local() const {
        return m_client->tls_active() || transport::is_loopback_host(m_options.host);
    }

    void on_connected(const std::string& error) {
        if (!error.empty()) {
            fail(error);
            return;
        }
        if (m_client->tls_active()) tls_on();
        m_login.start(m_client->tls_active() ? std::optional(tls_report()) : std::nullopt, now());
        m_status.phase = LivePhase::Connected;
        m_client->expect_reply(true);
        m_client->start_reading([this](std::string_view bytes) { on_bytes(bytes); },
                                [this](const std::string& end) { on_end(end); });
        publish();
    }

    void tls_on() {
        m_status.tls = true;
        m_status.detail = m_client->tls_description();
    }

    void on_bytes(std::string_view bytes) {
        m_session.receive(bytes, now());
        while (auto received = m_session.next_response())
            m_login.on_response(received->response, now());
        follow_login();
        flush();
        m_client->expect_reply(m_session.outstanding() > 0 && !m_session.idling());
        publish();
    }

    void on_end(const std::string& error) {
        m_session.feed_eof(sim::Direction::ServerToClient, now());
        m_done = true;
        if (error.empty()) {
            m_status.phase = LivePhase::Closed;
        } else {
            m_status.phase = LivePhase::Failed;
            m_status.detail = error;
        }
        publish();
    }

    void fail(const std::string& reason) {
        m_done = true;
        m_status.phase = LivePhase::Failed;
        m_status.detail = reason;
        m_session.note(sim::Direction::ServerToClient, reason, now());
        shut();
        publish();
    }

    void flush() {
        auto bytes = m_session.take_outgoing();
        if (!bytes.empty()) m_client->write(std::move(bytes));
    }

    // Acts on what the LoginDriver decided: the handshake it asks for, or
    // the end of the session when it failed.
    void follow_login() {
        if (m_login.take_tls_request()) {
            m_client->start_tls([this](const std::string& error) {
                if (!error.empty()) {
                    fail(error);
                    return;
                }
                tls_on();
                m_login.on_tls_established(tls_report(), now());
                follow_login();
                m_client->expect_reply(m_session.outstanding() > 0);
                flush();
                publish();
            });
            return;
        }
        if (m_login.phase() == imap::LoginPhase::Failed && !m_done) fail(m_login.failure());
    }

    void publish() {
        const std::lock_guard lock(m_feed.mutex);
        const auto& events = m_trace.events();
        for (; m_published < events.size(); ++m_published)
            m_feed.events.push_back(events[m_published]);
        m_feed.state = m_session.state();
        m_feed.status = m_status;
    }

    asio::io_context& m_io;
    const LiveOptions& m_options;
    LiveFeed& m_feed;
    sim::SessionTrace m_trace;
    imap::ImapSession m_session;
    imap::LoginDriver m_login;
    std::shared_ptr<transport::NetClient> m_client;
    LiveStatus m_status;
    bool m_done = false;
    std::size_t m_published = 0;
};

// Declared so that they go safely: the connection (and the NetClient it
// holds) before the io_context its sockets belong to.
struct LiveSession::Shared {
    asio::io_context io;
    // Keeps the thread running after the connection ended, so that posted
    // work (a send, the shutdown) always runs.
    asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
    LiveFeed feed;
    std::unique_ptr<LiveConnection> connection;
};

std::string live_status_text(const LiveStatus& status) {
    switch (status.phase) {
        case LivePhase::Connecting:
            return "connecting…";
        case LivePhase::Connected:
            if (!status.tls) return "connected, no TLS";
            return fmt::format(
                "{}{}",
                status.insecure ? "INSECURE TLS (certificate not verified): " : "connected, TLS: ",
                status.detail);
        case LivePhase::Failed:
            return fmt::format("failed: {}", status.detail);
        case LivePhase::Closed:
            return "closed";
    }
    return {};
}

std::variant<LiveOptions, std::string> live_options_from_form(const ConnectForm& form) {
    LiveOptions options;
    options.host = form.host.data();
    if (options.host.empty()) return std::string("Give the name or address of the server.");
    if (form.port < 0 || form.port > 65535) {
        return std::string("The port is a number from 1 to 65535 (0 for the usual one).");
    }
    options.port = static_cast<std::uint16_t>(form.port);
    if (form.mode < 0 || form.mode > 2) return std::string("Choose how the session is protected.");
    options.mode = static_cast<LiveMode>(form.mode);
    options.user = form.user.data();
    options.password = form.password.data();
    if (!options.user.empty() && options.password.empty()) {
        return std::string("Give the password too, or leave the user empty to log in by hand.");
    }
    if (options.mode != LiveMode::Plain) {
        if (form.ca_file[0] != '\0') options.tls.ca_file = std::string(form.ca_file.data());
        options.tls.insecure = form.insecure;
    }
    return options;
}

LiveSession::LiveSession(LiveOptions options) : m_options(std::move(options)) {}

std::variant<std::unique_ptr<LiveSession>, std::string> LiveSession::start(LiveOptions options) {
    if (options.host.empty()) return std::string("Give the name or address of the server.");
    if (options.tls.insecure && options.tls.ca_file) {
        return std::string(
            "\"Insecure\" and a CA file contradict each other: the CA file is for verifying.");
    }
    if (options.port == 0) options.port = options.mode == LiveMode::Imaps ? 993 : 143;
    if (!options.user.empty() && options.mode == LiveMode::Plain &&
        !transport::is_loopback_host(options.host)) {
        return fmt::format(
            "Logging in to {} would send the password in clear; choose STARTTLS or IMAPS.",
            options.host);
    }
    std::unique_ptr<LiveSession> live(new LiveSession(std::move(options)));
    live->m_trace = std::make_unique<sim::SessionTrace>(
        sim::Protocol::Imap, fmt::format("live {}:{}", live->m_options.host, live->m_options.port));
    live->m_status.insecure = live->m_options.tls.insecure;
    live->m_shared = std::make_unique<Shared>();
    Shared& shared = *live->m_shared;
    shared.feed.status = live->m_status;
    shared.connection = std::make_unique<LiveConnection>(shared.io, live->m_options, shared.feed);
    asio::post(shared.io, [&shared] { shared.connection->begin(); });
    live->m_thread = std::thread([&shared] { shared.io.run(); });
    return live;
}

LiveSession::~LiveSession() {
    if (!m_shared) return;
    Shared& shared = *m_shared;
    asio::post(shared.io, [&shared] {
        shared.connection->shut();
        shared.work.reset();
        shared.io.stop();
    });
    if (m_thread.joinable()) m_thread.join();
    shared.connection.reset();
}

std::optional<std::string> LiveSession::send(std::string_view line,
                                             std::string_view typed_literals) {
    Shared& shared = *m_shared;
    // The engine, and with it the next tag, belongs to the Asio thread: the
    // command is composed and submitted there while the UI waits briefly.
    std::promise<std::optional<std::string>> answer;
    auto result = answer.get_future();
    asio::post(shared.io, [&shared, &answer, line = std::string(line),
                           literals = std::string(typed_literals)] {
        ComposedCommand composed = compose_command(line, literals, shared.connection->next_tag());
        if (!composed.command) {
            answer.set_value(composed.error);
            return;
        }
        answer.set_value(shared.connection->send(std::move(*composed.command)));
    });
    return result.get();
}

bool LiveSession::drain() {
    std::vector<sim::TraceEvent> events;
    bool changed = false;
    {
        const std::lock_guard lock(m_shared->feed.mutex);
        events.swap(m_shared->feed.events);
        const LiveStatus& status = m_shared->feed.status;
        changed = m_state != m_shared->feed.state || m_status.phase != status.phase ||
                  m_status.tls != status.tls || m_status.detail != status.detail;
        m_state = m_shared->feed.state;
        m_status = status;
    }
    for (sim::TraceEvent& event : events)
        m_trace->append(std::move(event));
    return changed || !events.empty();
}

std::vector<std::string> LiveSession::allowed_verbs() const {
    const auto names = imap::verbs_valid_in(m_state);
    return {names.begin(), names.end()};
}

void LiveSession::close() {
    Shared& shared = *m_shared;
    asio::post(shared.io, [&shared] { shared.connection->logout(); });
}

}  // namespace mailscope::gui
