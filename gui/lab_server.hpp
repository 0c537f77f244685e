// LabServer: the mock IMAP, POP3 and SMTP servers on real TCP ports inside
// the GUI process, on one shared store, so a class can point real mail
// clients at them and watch every connection.
//
// Threading: the servers (net/server_thread.hpp), their mail store and
// every session's own trace live on the lab's I/O thread. After each thing
// a session does, the events its engine committed, its user, state and
// whether it closed are posted into the lab's UiQueue (net/ui_queue.hpp).
// The UI thread runs that queue in drain() at the start of a frame and
// appends the events to traces of its own, so nothing mutable is ever
// shared with the panels.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "net/server_thread.hpp"
#include "net/ui_queue.hpp"
#include "server_mock/assignment.hpp"
#include "server_mock/class_report.hpp"
#include "server_mock/mail_store.hpp"
#include "server_mock/server_config.hpp"
#include "sim/core/state_id.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::gui {

// Where the lab listens, "PORT" or "ADDR:PORT" (loopback unless an address
// says otherwise; port 0 picks a free one). Empty: that protocol is not served.
struct LabAddresses {
    std::string imap;
    std::string pop3;
    std::string smtp;
};

// With a `file`, the lab keeps a class report there as `mailscope serve
// --class-report` does: a row per student, rewritten as each session ends,
// with the steps of the `assignment` each one did; with a trace directory
// too, a page per student.
struct LabClassReport {
    std::filesystem::path file;
    std::optional<server::Assignment> assignment;
};

// One listening socket of the lab.
struct LabListener {
    sim::Protocol protocol = sim::Protocol::Imap;
    std::string address;  // "127.0.0.1:1143"
    std::uint16_t port = 0;
};

// One connection as the UI sees it.
struct LabSession {
    std::uint64_t id = 0;
    sim::Protocol protocol = sim::Protocol::Imap;
    std::string peer;  // "127.0.0.1:53211"
    std::string user;  // empty until a login succeeded
    sim::StateId state;
    bool closed = false;
    std::unique_ptr<sim::SessionTrace> trace;  // owned and appended by the UI thread only
};

// "#id PROTOCOL peer, user, state, n events" for a menu.
std::string lab_session_label(const LabSession& session, sim::Language language);

class LabServer {
  public:
    // Loads `fixture` into the lab's store, listens on each address given
    // and starts the I/O thread. With a `trace_dir`, each session's
    // transcript, events and violation report are written there as they
    // happen, as `mailscope serve --trace-dir` writes them. Gives a sentence
    // when the fixture, an address or the class report cannot be used, or
    // when no address is given.
    static std::variant<std::unique_ptr<LabServer>, std::string> start(
        const LabAddresses& addresses, const std::filesystem::path& fixture,
        const std::filesystem::path& trace_dir = {},
        sim::Language report_language = sim::Language::En, LabClassReport class_report = {});
    // The IMAP lab alone.
    static std::variant<std::unique_ptr<LabServer>, std::string> start(
        const std::string& imap_address, const std::filesystem::path& fixture);

    ~LabServer();
    LabServer(const LabServer&) = delete;
    LabServer& operator=(const LabServer&) = delete;

    // The port of the protocol's listener; 0 when it is not served.
    std::uint16_t port(sim::Protocol protocol = sim::Protocol::Imap) const;
    // "imap 127.0.0.1:1143, pop3 127.0.0.1:1110": every listener.
    std::string address() const;
    const std::vector<LabListener>& listeners() const { return m_listeners; }

    // UI thread: takes the new connections and events. True when anything changed.
    bool drain();
    const std::vector<LabSession>& sessions() const { return m_sessions; }
    // The class table as of the last session that ended (UI thread).
    const std::vector<server::ClassRow>& class_rows() const { return m_class_rows; }

  private:
    LabServer() = default;
    LabSession* find(std::uint64_t id);

    // Declared in the order that lets them go safely: the server thread
    // (which ends every session) before the store and config the sessions
    // use and the queue they post into.
    server::MailStore m_store;
    server::ServerConfig m_config;
    // Counts every session that ends; used on the I/O thread only.
    std::unique_ptr<server::ClassReport> m_class_report;
    transport::UiQueue m_queue;
    std::unique_ptr<transport::ServerThread> m_server;
    std::vector<LabListener> m_listeners;
    std::vector<LabSession> m_sessions;
    std::vector<server::ClassRow> m_class_rows;
    bool m_changed = false;  // set by the queue's work during drain()
};

}  // namespace mailscope::gui
