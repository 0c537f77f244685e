#include "net/live_client.hpp"

#include <fmt/format.h>

#include <utility>

#include "net/client_runner.hpp"
#include "net/net_client.hpp"
#include "net/tcp_server.hpp"
#include "sim/core/client_driver.hpp"

namespace mailscope::transport {

namespace {

sim::ClientOptions client_options(const LiveOptions& options) {
    sim::ClientOptions client;
    client.plan.host = options.host;
    client.plan.port = options.port;
    client.plan.starttls = options.mode == LiveMode::StartTls;
    client.plan.user = options.user;
    if (options.oauth_token) {
        client.plan.oauth_token = options.oauth_token;
        client.plan.oauth_mechanism = options.oauth_mechanism;
    } else {
        client.plan.password = options.password;
    }
    client.plan.plaintext_login_allowed = is_loopback_host(options.host);
    client.plan.insecure = options.tls.insecure;
    return client;
}

NetClientOptions net_options(const LiveOptions& options) {
    NetClientOptions net;
    net.host = options.host;
    net.port = options.port;
    net.implicit_tls = options.mode == LiveMode::Imaps;
    net.tls = options.tls;
    net.timeout = options.timeout;
    return net;
}

}  // namespace

// One connection on the I/O thread: the generic driver, its trace and the
// network runner. Only that thread touches it.
class LiveClient::Connection {
  public:
    Connection(IoThread& io, const LiveOptions& options, UiQueue& ui, OnUpdate on_update)
        : m_ui(ui),
          m_on_update(std::move(on_update)),
          m_trace(options.protocol, fmt::format("live {}:{}", options.host, options.port)),
          m_driver(m_trace, client_options(options)),
          m_runner(io.context(), m_driver, net_options(options), [this] { publish({}); }) {
        m_status.insecure = options.tls.insecure;
    }

    void begin() { m_runner.start(); }

    void send(std::string line, const PrepareLine& prepare) {
        publish(type(std::move(line), prepare));
    }

    void logout() {
        if (!m_runner.is_open() || m_driver.stage() != sim::DriverStage::Ready) {
            shut();
            return;
        }
        m_driver.end_input(steady_now());
        m_runner.flush();
    }

    void shut() { m_runner.close(); }

  private:
    // Why the line was not sent, or nothing when it went out.
    std::optional<sim::Said> type(std::string line, const PrepareLine& prepare) {
        if (!m_runner.is_open()) return sim::say(sim::Phrase::TypedConnectionNotOpen);
        if (m_driver.stage() != sim::DriverStage::Ready) {
            return sim::say(sim::Phrase::TypedSessionStarting);
        }
        if (prepare) {
            if (auto refused = prepare(m_driver.session(), line)) return refused;
        }
        auto refused = m_driver.type_line(line, steady_now());
        m_runner.flush();
        return refused;
    }

    void update_status() {
        if (m_runner.tls_active() && !m_status.tls) {
            m_status.tls = true;
            m_status.detail = sim::verbatim(m_runner.tls_description());
        }
        switch (m_driver.stage()) {
            case sim::DriverStage::Connecting:
                break;
            case sim::DriverStage::Failed:
                if (m_status.phase != LivePhase::Failed) {
                    m_status.phase = LivePhase::Failed;
                    m_status.detail = m_driver.failure();
                    m_driver.engine().note(sim::Direction::ServerToClient, m_driver.failure(),
                                           steady_now());
                }
                return;
            default:
                m_status.phase = LivePhase::Connected;
                m_status.ready = m_driver.stage() == sim::DriverStage::Ready;
                break;
        }
        if (m_runner.ended()) {
            const bool failed = !sim::is_empty(m_runner.end_error());
            m_status.phase = failed ? LivePhase::Failed : LivePhase::Closed;
            if (failed) m_status.detail = m_runner.end_error();
        }
    }

    void publish(std::optional<sim::Said> refused) {
        update_status();
        LiveUpdate update;
        while (const sim::TraceEvent* event = m_driver.engine().next_event())
            update.events.push_back(*event);
        update.state = m_driver.engine().state_id();
        update.verbs = m_driver.session().allowed_verbs();
        update.status = m_status;
        update.refused = std::move(refused);
        m_ui.post([on_update = m_on_update, update = std::move(update)]() mutable {
            on_update(std::move(update));
        });
    }

    UiQueue& m_ui;
    OnUpdate m_on_update;
    sim::SessionTrace m_trace;
    sim::ClientDriver m_driver;
    ClientRunner m_runner;
    LiveStatus m_status;
};

LiveClient::LiveClient(LiveOptions options, UiQueue& ui, OnUpdate on_update)
    : m_options(std::move(options)),
      m_connection(std::make_unique<Connection>(m_io, m_options, ui, std::move(on_update))) {
    m_io.post([connection = m_connection.get()] { connection->begin(); });
}

LiveClient::~LiveClient() {
    m_io.stop([connection = m_connection.get()] { connection->shut(); });
    // Its sockets belong to the I/O thread's context: it goes before that.
    m_connection.reset();
}

void LiveClient::send(std::string line, PrepareLine prepare) {
    m_io.post(
        [connection = m_connection.get(), line = std::move(line),
         prepare = std::move(prepare)]() mutable { connection->send(std::move(line), prepare); });
}

void LiveClient::logout() {
    m_io.post([connection = m_connection.get()] { connection->logout(); });
}

}  // namespace mailscope::transport
