// LabServer: the mock IMAP server on a real TCP port inside the GUI process,
// so a class can point real mail clients at it and watch every connection.
//
// Threading (design note L3): the server, its mail store and every session's
// own trace live on one background Asio thread. After each thing a session
// does, the events its engine hands out (next_event()) are copied into that
// session's LabFeed, a mutex-protected queue. The UI thread calls drain() at
// the start of a frame and appends what it finds to traces of its own, so
// nothing mutable is ever shared with the panels.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "sim/core/trace.hpp"

namespace mailscope::gui {

// What one connection left for the UI since the last drain. Written by the
// Asio thread, read by the UI thread, always under `mutex`.
struct LabFeed {
    std::mutex mutex;
    std::vector<sim::TraceEvent> events;
    std::string user;
    std::string state;
    bool closed = false;
};

// One connection as the UI sees it.
struct LabSession {
    std::uint64_t id = 0;
    std::string peer;   // "127.0.0.1:53211"
    std::string user;   // empty until a login succeeded
    std::string state;  // as in the RFC diagram
    bool closed = false;
    std::unique_ptr<sim::SessionTrace> trace;  // owned and appended by the UI thread only
    std::shared_ptr<LabFeed> feed;
};

// "peer, user, state, n events" for a menu.
std::string lab_session_label(const LabSession& session);

class LabServer {
  public:
    // Loads `fixture` into the server's store, listens on `address` ("PORT" or
    // "ADDR:PORT"; port 0 picks a free one) and starts the Asio thread. Gives
    // a sentence when the fixture or the address cannot be used.
    static std::variant<std::unique_ptr<LabServer>, std::string> start(
        const std::string& address, const std::filesystem::path& fixture);

    ~LabServer();
    LabServer(const LabServer&) = delete;
    LabServer& operator=(const LabServer&) = delete;

    std::uint16_t port() const { return m_port; }
    const std::string& address() const { return m_address; }

    // UI thread: takes the new connections and events. True when anything changed.
    bool drain();
    const std::vector<LabSession>& sessions() const { return m_sessions; }

    struct Shared;

  private:
    LabServer() = default;

    std::unique_ptr<Shared> m_shared;  // the Asio side: io_context, server, store
    std::thread m_thread;
    std::uint16_t m_port = 0;
    std::string m_address;
    std::vector<LabSession> m_sessions;
};

}  // namespace mailscope::gui
