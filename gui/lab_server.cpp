#include "gui/lab_server.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <ctime>
#include <functional>
#include <iostream>
#include <optional>

#include "server_mock/fixture.hpp"
#include "server_mock/imap_server_session.hpp"
#include "server_mock/pop3_server_session.hpp"
#include "server_mock/refusal.hpp"
#include "server_mock/smtp_server_session.hpp"
#include "server_mock/trace_files.hpp"
#include "sim/core/ascii.hpp"

namespace mailscope::gui {

namespace {

// What one connection did since its last update, told by the I/O thread.
struct LabUpdate {
    std::uint64_t id = 0;
    std::vector<sim::TraceEvent> events;
    std::string user;
    sim::StateId state;
    bool closed = false;
    // When a session ended: the class table after it was counted.
    std::optional<std::vector<server::ClassRow>> class_rows;
};

using Publish = std::function<void(LabUpdate)>;

// Where each session's files go, and the run's stamp in their names.
struct LabTracing {
    std::filesystem::path dir;
    std::string run_stamp;
    sim::Language language = sim::Language::En;  // of the violation reports
    // Each session that ends is added to the class report; with a file, the
    // file is rewritten (and with a trace directory too, the student's page).
    server::ClassReport* class_report = nullptr;
    std::filesystem::path class_report_file;
};

// One connection's server session on the I/O thread. Its trace hands every
// committed event to the connection, which publishes them with the
// session's user and state after each call of the transport.
template <typename Session>
class LabConnection : public transport::ConnectionHandler {
  public:
    LabConnection(server::MailStore& store, const server::ServerConfig& config,
                  const transport::ConnectionInfo& info, sim::Protocol protocol,
                  const LabTracing& tracing, Publish publish)
        : m_id(info.id),
          m_tracing(tracing),
          m_started(std::time(nullptr)),
          m_tally(tracing.class_report->assignment()),
          m_trace(protocol, fmt::format("lab #{} from {}", info.id, info.peer)),
          m_publish(std::move(publish)) {
        if (!tracing.dir.empty()) {
            std::string error;
            m_files =
                server::TraceFiles::create(tracing.dir,
                                           fmt::format("{}-{}-{:05}", sim::protocol_name(protocol),
                                                       tracing.run_stamp, info.id),
                                           error, tracing.language);
            if (!m_files) {
                std::cerr << "mailscope gui: "
                          << sim::render(sim::say(sim::Phrase::CliSessionNotTraced, error),
                                         tracing.language)
                          << "\n";
            }
        }
        m_trace.set_sink([this](const sim::TraceEvent& event) {
            if (m_files) m_files->add(event);
            m_tally.observe(event);
            m_events.push_back(event);
        });
        m_session = std::make_unique<Session>(store, config, m_trace);
    }

    ~LabConnection() override {
        const sim::StateId state = m_session->engine().state_id();
        std::string user = m_session->user();
        // The session goes first, so that what it records as it ends is published too.
        m_session.reset();
        if (m_files) m_files->finish(m_trace.label());
        server::ClassReport& report = *m_tracing.class_report;
        report.add(user, m_tally, m_started, std::time(nullptr),
                   m_files ? m_files->report_path() : std::filesystem::path());
        if (!m_tracing.class_report_file.empty()) {
            for (const auto& error :
                 report.publish(m_tracing.class_report_file, user, m_files != nullptr)) {
                std::cerr << fmt::format("mailscope gui: {}\n", error);
            }
        }
        m_publish({m_id, std::move(m_events), user, state, true, report.rows()});
    }

    void on_open(transport::Micros now, bool tls) override {
        m_session->on_open(now, tls);
        publish();
    }
    std::size_t on_bytes(std::string_view bytes, transport::Micros now) override {
        const std::size_t taken = m_session->on_bytes(bytes, now);
        publish();
        return taken;
    }
    void on_eof(transport::Micros now) override {
        m_session->on_eof(now);
        publish();
    }
    void on_timer(transport::Micros now) override {
        m_session->on_timer(now);
        publish();
    }
    void on_tls_started(transport::Micros now) override {
        m_session->on_tls_started(now);
        publish();
    }
    void on_server_shutdown(transport::Micros now) override {
        m_session->on_server_shutdown(now);
        publish();
    }
    void on_overload(transport::Micros now, std::string_view reason) override {
        m_session->on_overload(now, reason);
        publish();
    }
    transport::OutputQueue& output() override { return m_session->output(); }
    bool wants_tls_upgrade() const override { return m_session->wants_tls_upgrade(); }
    void tls_upgrade_started() override { m_session->tls_upgrade_started(); }
    bool wants_close() const override { return m_session->wants_close(); }
    bool reading_paused() const override { return m_session->reading_paused(); }
    std::optional<transport::Micros> next_deadline() const override {
        return m_session->next_deadline();
    }

  private:
    void publish() {
        if (m_files) m_files->flush();
        m_publish({m_id, std::exchange(m_events, {}), m_session->user(),
                   m_session->engine().state_id(), false, std::nullopt});
    }

    std::uint64_t m_id = 0;
    LabTracing m_tracing;
    std::int64_t m_started = 0;
    server::SessionTally m_tally;
    std::unique_ptr<server::TraceFiles> m_files;
    sim::SessionTrace m_trace;
    std::vector<sim::TraceEvent> m_events;  // appended to m_trace since the last publish
    Publish m_publish;
    std::unique_ptr<Session> m_session;
};

}  // namespace

std::string lab_session_label(const LabSession& session, sim::Language language) {
    return sim::render(
        sim::say(session.closed ? sim::Phrase::LabSessionLabelClosed : sim::Phrase::LabSessionLabel,
                 session.id, ascii::upper(sim::protocol_name(session.protocol)), session.peer,
                 session.user.empty() ? "-" : session.user, session.state.name(),
                 session.trace ? session.trace->size() : 0),
        language);
}

std::variant<std::unique_ptr<LabServer>, std::string> LabServer::start(
    const std::string& imap_address, const std::filesystem::path& fixture) {
    return start(LabAddresses{imap_address, {}, {}}, fixture);
}

std::variant<std::unique_ptr<LabServer>, std::string> LabServer::start(
    const LabAddresses& addresses, const std::filesystem::path& fixture,
    const std::filesystem::path& trace_dir, sim::Language report_language,
    LabClassReport class_report) {
    // The window's and the command line's language: the lab starts before the window.
    const auto said = [report_language](sim::Phrase phrase, auto&&... args) {
        return sim::render(sim::say(phrase, std::forward<decltype(args)>(args)...),
                           report_language);
    };
    if (addresses.imap.empty() && addresses.pop3.empty() && addresses.smtp.empty()) {
        return said(sim::Phrase::LabNeedsAddress);
    }
    std::unique_ptr<LabServer> lab(new LabServer());
    LabTracing tracing;
    tracing.dir = trace_dir;
    tracing.run_stamp = server::run_stamp();
    tracing.language = report_language;
    lab->m_class_report =
        std::make_unique<server::ClassReport>(report_language, std::move(class_report.assignment));
    tracing.class_report = lab->m_class_report.get();
    if (!class_report.file.empty()) {
        // An empty report at once: the path is checked before the class comes.
        std::string error;
        if (!lab->m_class_report->write(class_report.file, error)) {
            return said(sim::Phrase::LabCannotKeepReport, error);
        }
        tracing.class_report_file = class_report.file;
    }
    if (auto loaded = server::load_fixture(lab->m_store, fixture); !loaded) {
        return said(sim::Phrase::MailNotLoaded, fixture.string(),
                    server::describe(loaded.error(), report_language));
    }
    lab->m_server = std::make_unique<transport::ServerThread>();
    LabServer& self = *lab;
    // Runs on the I/O thread; the update is applied on the UI thread.
    const Publish publish = [&self](LabUpdate update) {
        self.m_queue.post([&self, update = std::move(update)]() mutable {
            LabSession* session = self.find(update.id);
            if (!session) return;
            for (sim::TraceEvent& event : update.events)
                session->trace->append(std::move(event));
            self.m_changed = self.m_changed || !update.events.empty() ||
                             session->user != update.user || session->state != update.state ||
                             session->closed != update.closed;
            session->user = std::move(update.user);
            session->state = update.state;
            session->closed = update.closed;
            if (update.class_rows) {
                self.m_class_rows = std::move(*update.class_rows);
                self.m_changed = true;
            }
        });
    };
    struct Served {
        const std::string& address;
        sim::Protocol protocol;
        std::unique_ptr<transport::ConnectionHandler> (*make)(server::MailStore&,
                                                              const server::ServerConfig&,
                                                              const transport::ConnectionInfo&,
                                                              sim::Protocol, const LabTracing&,
                                                              Publish);
    };
    const auto make = []<typename Session>(std::type_identity<Session>) {
        return +[](server::MailStore& store, const server::ServerConfig& config,
                   const transport::ConnectionInfo& info, sim::Protocol protocol,
                   const LabTracing& tracing,
                   Publish publish) -> std::unique_ptr<transport::ConnectionHandler> {
            return std::make_unique<LabConnection<Session>>(store, config, info, protocol, tracing,
                                                            std::move(publish));
        };
    };
    const Served served[] = {
        {addresses.imap, sim::Protocol::Imap,
         make(std::type_identity<server::ImapServerSession>{})},
        {addresses.pop3, sim::Protocol::Pop3,
         make(std::type_identity<server::Pop3ServerSession>{})},
        {addresses.smtp, sim::Protocol::Smtp,
         make(std::type_identity<server::SmtpServerSession>{})},
    };
    for (const Served& listener : served) {
        if (listener.address.empty()) continue;
        const std::string name(sim::protocol_name(listener.protocol));
        transport::ListenerConfig config;
        try {
            config = transport::parse_listen_address(listener.address, name, false);
        } catch (const std::exception& error) {
            return said(sim::Phrase::LabCannotListen, listener.address, error.what());
        }
        config.refusal = server::too_many_connections(listener.protocol, lab->m_config);
        auto factory = [&self, protocol = listener.protocol, make = listener.make, publish,
                        tracing](const transport::ConnectionInfo& info) {
            self.m_queue.post([&self, info, protocol] {
                LabSession session;
                session.id = info.id;
                session.protocol = protocol;
                session.peer = info.peer;
                session.state = sim::StateId::connecting(protocol);
                session.trace = std::make_unique<sim::SessionTrace>(
                    protocol, fmt::format("lab #{} from {}", info.id, info.peer));
                self.m_sessions.push_back(std::move(session));
                self.m_changed = true;
            });
            return make(self.m_store, self.m_config, info, protocol, tracing, publish);
        };
        std::uint16_t port = 0;
        try {
            port = lab->m_server->listen(config, std::move(factory));
        } catch (const std::exception& error) {
            return said(sim::Phrase::LabCannotListen, listener.address, error.what());
        }
        lab->m_listeners.push_back(
            {listener.protocol, fmt::format("{}:{}", config.address, port), port});
    }
    return lab;
}

LabServer::~LabServer() {
    // Every session ends on the I/O thread before the store it uses goes.
    m_server.reset();
}

std::uint16_t LabServer::port(sim::Protocol protocol) const {
    for (const LabListener& listener : m_listeners) {
        if (listener.protocol == protocol) return listener.port;
    }
    return 0;
}

std::string LabServer::address() const {
    std::vector<std::string> parts;
    for (const LabListener& listener : m_listeners) {
        parts.push_back(
            fmt::format("{} {}", sim::protocol_name(listener.protocol), listener.address));
    }
    return fmt::format("{}", fmt::join(parts, ", "));
}

LabSession* LabServer::find(std::uint64_t id) {
    for (LabSession& session : m_sessions) {
        if (session.id == id) return &session;
    }
    return nullptr;
}

bool LabServer::drain() {
    m_changed = false;
    m_queue.run_pending();
    return m_changed;
}

}  // namespace mailscope::gui
