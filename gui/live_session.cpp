#include "gui/live_session.hpp"

#include <asio.hpp>

#include <fmt/format.h>

#include <future>
#include <mutex>

#include "gui/view_model/command_composer.hpp"
#include "net/client_runner.hpp"
#include "net/net_client.hpp"
#include "net/tcp_server.hpp"
#include "sim/core/client_driver.hpp"

namespace mailscope::gui {

// What the Asio thread leaves for the UI, always under `mutex`.
struct LiveFeed {
    std::mutex mutex;
    std::vector<sim::TraceEvent> events;
    sim::StateId state;
    std::vector<std::string> verbs;
    LiveStatus status;
};

// One connection on the Asio thread: the generic driver, its trace and the
// network runner. Only that thread touches it.
class LiveConnection {
  public:
    LiveConnection(asio::io_context& io, const LiveOptions& options, LiveFeed& feed)
        : m_options(options),
          m_feed(feed),
          m_trace(options.protocol, fmt::format("live {}:{}", options.host, options.port)),
          m_driver(m_trace, client_options(options)),
          m_runner(io, m_driver, net_options(options), [this] { publish(); }) {
        m_status.insecure = options.tls.insecure;
    }

    void begin() { m_runner.start(); }

    // Runs on the Asio thread; the result goes back to the waiting UI thread.
    std::optional<std::string> send(std::string_view line, std::string_view typed_literals) {
        if (!m_runner.is_open()) return std::string("The connection is not open.");
        if (m_driver.stage() != sim::DriverStage::Ready) {
            return std::string("The session is still starting; wait for it to be connected.");
        }
        std::string typed(line);
        // The composer adds the tag and counts literal octets for an IMAP
        // command; an IDLE's DONE or a SASL line goes as typed.
        const auto& session = m_driver.session();
        if (m_options.protocol == sim::Protocol::Imap && session.line_is_command()) {
            ComposedCommand composed =
                compose_command(line, typed_literals, session.next_line_label());
            if (!composed.command) return composed.error;
            typed = composed.wire;
            if (typed.ends_with("\r\n")) typed.resize(typed.size() - 2);
        }
        auto refused = m_driver.type_line(typed, transport::steady_now());
        m_runner.flush();
        return refused;
    }

    void logout() {
        if (!m_runner.is_open() || m_driver.stage() != sim::DriverStage::Ready) {
            shut();
            return;
        }
        m_driver.end_input(transport::steady_now());
        m_runner.flush();
    }

    void shut() { m_runner.close(); }

  private:
    static sim::ClientOptions client_options(const LiveOptions& options) {
        sim::ClientOptions client;
        client.plan.host = options.host;
        client.plan.port = options.port;
        client.plan.starttls = options.mode == LiveMode::StartTls;
        client.plan.user = options.user;
        client.plan.password = options.password;
        client.plan.plaintext_login_allowed = transport::is_loopback_host(options.host);
        client.plan.insecure = options.tls.insecure;
        return client;
    }

    static transport::NetClientOptions net_options(const LiveOptions& options) {
        transport::NetClientOptions net;
        net.host = options.host;
        net.port = options.port;
        net.implicit_tls = options.mode == LiveMode::Imaps;
        net.tls = options.tls;
        net.timeout = options.timeout;
        return net;
    }

    void update_status() {
        if (m_runner.tls_active() && !m_status.tls) {
            m_status.tls = true;
            m_status.detail = m_runner.tls_description();
        }
        switch (m_driver.stage()) {
            case sim::DriverStage::Connecting:
                break;
            case sim::DriverStage::Failed:
                if (m_status.phase != LivePhase::Failed) {
                    m_status.phase = LivePhase::Failed;
                    m_status.detail = m_driver.failure();
                    m_driver.engine().note(sim::Direction::ServerToClient, m_driver.failure(),
                                           transport::steady_now());
                }
                return;
            default:
                m_status.phase = LivePhase::Connected;
                m_status.ready = m_driver.stage() == sim::DriverStage::Ready;
                break;
        }
        if (m_runner.ended()) {
            m_status.phase = m_runner.end_error().empty() ? LivePhase::Closed : LivePhase::Failed;
            if (!m_runner.end_error().empty()) m_status.detail = m_runner.end_error();
        }
    }

    void publish() {
        update_status();
        const std::lock_guard lock(m_feed.mutex);
        while (const sim::TraceEvent* event = m_driver.engine().next_event())
            m_feed.events.push_back(*event);
        m_feed.state = m_driver.engine().state_id();
        m_feed.verbs = m_driver.session().allowed_verbs();
        m_feed.status = m_status;
    }

    const LiveOptions& m_options;
    LiveFeed& m_feed;
    sim::SessionTrace m_trace;
    sim::ClientDriver m_driver;
    transport::ClientRunner m_runner;
    LiveStatus m_status;
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

namespace {

std::uint16_t default_port(sim::Protocol protocol, LiveMode mode) {
    const bool tls = mode == LiveMode::Imaps;
    switch (protocol) {
        case sim::Protocol::Imap:
            return tls ? 993 : 143;
        case sim::Protocol::Pop3:
            return tls ? 995 : 110;
        case sim::Protocol::Smtp:
            return tls ? 465 : 25;
    }
    return 143;
}

sim::StateId connecting_state(sim::Protocol protocol) {
    switch (protocol) {
        case sim::Protocol::Imap:
            return imap::State::Connecting;
        case sim::Protocol::Pop3:
            return pop3::State::Connecting;
        case sim::Protocol::Smtp:
            return smtp::State::Connecting;
    }
    return {};
}

}  // namespace

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
    if (options.port == 0) options.port = default_port(options.protocol, options.mode);
    if (!options.user.empty() && options.mode == LiveMode::Plain &&
        !transport::is_loopback_host(options.host)) {
        return fmt::format(
            "Logging in to {} would send the password in clear; choose STARTTLS or implicit "
            "TLS.",
            options.host);
    }
    std::unique_ptr<LiveSession> live(new LiveSession(std::move(options)));
    live->m_trace = std::make_unique<sim::SessionTrace>(
        live->m_options.protocol,
        fmt::format("live {}:{}", live->m_options.host, live->m_options.port));
    live->m_state = connecting_state(live->m_options.protocol);
    live->m_status.insecure = live->m_options.tls.insecure;
    live->m_shared = std::make_unique<Shared>();
    Shared& shared = *live->m_shared;
    shared.feed.status = live->m_status;
    shared.feed.state = live->m_state;
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
    // The driver belongs to the Asio thread: the command is composed and
    // submitted there while the UI waits briefly.
    std::promise<std::optional<std::string>> answer;
    auto result = answer.get_future();
    asio::post(shared.io, [&shared, &answer, line = std::string(line),
                           literals = std::string(typed_literals)] {
        answer.set_value(shared.connection->send(line, literals));
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
        m_verbs = m_shared->feed.verbs;
        m_status = status;
    }
    for (sim::TraceEvent& event : events)
        m_trace->append(std::move(event));
    return changed || !events.empty();
}

void LiveSession::close() {
    Shared& shared = *m_shared;
    asio::post(shared.io, [&shared] { shared.connection->logout(); });
}

}  // namespace mailscope::gui
