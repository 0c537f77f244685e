#include "gui/lab_server.hpp"

#include <asio.hpp>

#include <fmt/format.h>

#include "net/tcp_server.hpp"
#include "server_mock/fixture.hpp"
#include "server_mock/imap_server_session.hpp"
#include "server_mock/server_config.hpp"
#include "sim/imap/states.hpp"

namespace mailscope::gui {

// A connection announced by the Asio thread, not yet taken by the UI.
struct NewConnection {
    std::uint64_t id = 0;
    std::string peer;
    std::shared_ptr<LabFeed> feed;
};

// Declared in the order that lets them go safely: the io_context (and the
// connections its handlers still hold) before the store they point into.
struct LabServer::Shared {
    server::MailStore store;
    server::ServerConfig config;
    asio::io_context io;
    // Keeps the thread running while no connection is open.
    asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
    std::unique_ptr<transport::TcpServer> server;

    std::mutex mutex;  // guards `arrivals`
    std::vector<NewConnection> arrivals;
};

namespace {

// One connection's session on the Asio thread; after every call it pulls
// the events the session's engine committed into its feed.
class LabConnection : public transport::ConnectionHandler {
  public:
    LabConnection(server::MailStore& store, const server::ServerConfig& config,
                  const transport::ConnectionInfo& info, std::shared_ptr<LabFeed> feed)
        : m_trace(sim::Protocol::Imap, fmt::format("lab #{} from {}", info.id, info.peer)),
          m_session(store, config, m_trace),
          m_feed(std::move(feed)) {}

    ~LabConnection() override {
        const std::lock_guard lock(m_feed->mutex);
        m_feed->closed = true;
    }

    void on_open(transport::Micros now, bool tls) override {
        m_session.on_open(now, tls);
        publish();
    }
    std::size_t on_bytes(std::string_view bytes, transport::Micros now) override {
        const std::size_t taken = m_session.on_bytes(bytes, now);
        publish();
        return taken;
    }
    void on_eof(transport::Micros now) override {
        m_session.on_eof(now);
        publish();
    }
    void on_timer(transport::Micros now) override {
        m_session.on_timer(now);
        publish();
    }
    void on_tls_started(transport::Micros now) override {
        m_session.on_tls_started(now);
        publish();
    }
    void on_server_shutdown(transport::Micros now) override {
        m_session.on_server_shutdown(now);
        publish();
    }
    void on_overload(transport::Micros now, std::string_view reason) override {
        m_session.on_overload(now, reason);
        publish();
    }
    transport::OutputQueue& output() override { return m_session.output(); }
    bool wants_tls_upgrade() const override { return m_session.wants_tls_upgrade(); }
    void tls_upgrade_started() override { m_session.tls_upgrade_started(); }
    bool wants_close() const override { return m_session.wants_close(); }
    bool reading_paused() const override { return m_session.reading_paused(); }
    std::optional<transport::Micros> next_deadline() const override {
        return m_session.next_deadline();
    }

  private:
    void publish() {
        const std::lock_guard lock(m_feed->mutex);
        while (const sim::TraceEvent* event = m_session.events().next_event())
            m_feed->events.push_back(*event);
        m_feed->user = m_session.user();
        m_feed->state = std::string(imap::state_name(m_session.engine().state()));
    }

    sim::SessionTrace m_trace;
    server::ImapServerSession m_session;
    std::shared_ptr<LabFeed> m_feed;
};

}  // namespace

std::string lab_session_label(const LabSession& session) {
    return fmt::format("#{} {}, {}, {}, {} events{}", session.id, session.peer,
                       session.user.empty() ? "-" : session.user, session.state,
                       session.trace ? session.trace->size() : 0,
                       session.closed ? " (closed)" : "");
}

std::variant<std::unique_ptr<LabServer>, std::string> LabServer::start(
    const std::string& address, const std::filesystem::path& fixture) {
    std::unique_ptr<LabServer> lab(new LabServer());
    lab->m_shared = std::make_unique<Shared>();
    Shared& shared = *lab->m_shared;
    if (auto loaded = server::load_fixture(shared.store, fixture); !loaded) {
        return fmt::format("The mail of {} could not be loaded: {}", fixture.string(),
                           loaded.error().message);
    }
    transport::ListenerConfig listener;
    try {
        listener = transport::parse_listen_address(address, "imap", false);
    } catch (const std::exception& error) {
        return fmt::format("The lab cannot listen on {}: {}", address, error.what());
    }
    shared.server = std::make_unique<transport::TcpServer>(shared.io, nullptr);
    auto factory = [&shared](const transport::ConnectionInfo& info)
        -> std::unique_ptr<transport::ConnectionHandler> {
        auto feed = std::make_shared<LabFeed>();
        {
            const std::lock_guard lock(shared.mutex);
            shared.arrivals.push_back({info.id, info.peer, feed});
        }
        return std::make_unique<LabConnection>(shared.store, shared.config, info, feed);
    };
    try {
        lab->m_port = shared.server->listen(listener, factory);
    } catch (const std::exception& error) {
        return fmt::format("The lab cannot listen on {}: {}", address, error.what());
    }
    lab->m_address = fmt::format("{}:{}", listener.address, lab->m_port);
    lab->m_thread = std::thread([&shared] { shared.io.run(); });
    return lab;
}

LabServer::~LabServer() {
    if (!m_shared) return;
    Shared& shared = *m_shared;
    asio::post(shared.io, [&shared] {
        shared.server->stop();
        shared.work.reset();
        shared.io.stop();
    });
    if (m_thread.joinable()) m_thread.join();
    // The connections go with the server, before the store they point into.
    shared.server.reset();
}

bool LabServer::drain() {
    bool changed = false;
    {
        const std::lock_guard lock(m_shared->mutex);
        for (NewConnection& arrival : m_shared->arrivals) {
            LabSession session;
            session.id = arrival.id;
            session.peer = std::move(arrival.peer);
            session.trace = std::make_unique<sim::SessionTrace>(
                sim::Protocol::Imap, fmt::format("lab #{} from {}", session.id, session.peer));
            session.feed = std::move(arrival.feed);
            m_sessions.push_back(std::move(session));
            changed = true;
        }
        m_shared->arrivals.clear();
    }
    for (LabSession& session : m_sessions) {
        std::vector<sim::TraceEvent> events;
        {
            const std::lock_guard lock(session.feed->mutex);
            events.swap(session.feed->events);
            changed = changed || session.user != session.feed->user ||
                      session.state != session.feed->state ||
                      session.closed != session.feed->closed;
            session.user = session.feed->user;
            session.state = session.feed->state;
            session.closed = session.feed->closed;
        }
        for (sim::TraceEvent& event : events)
            session.trace->append(std::move(event));
        changed = changed || !events.empty();
    }
    return changed;
}

}  // namespace mailscope::gui
