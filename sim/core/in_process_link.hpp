// InProcessLink: the in-process transport. It carries bytes between a client
// and a server ConnectionHandler without sockets, on a virtual clock, so a
// lesson or a test runs the same way every time. Delays requested by the
// server (fault injection) pass on the virtual clock only when asked.
#pragma once

#include <string>
#include <string_view>

#include "sim/core/connection_handler.hpp"

namespace mailscope::sim {

class InProcessLink {
  public:
    explicit InProcessLink(transport::ConnectionHandler& server, transport::Micros start = 0);

    // Connects; `implicit_tls` stands for a TLS port (the upgrade is simulated).
    void open(bool implicit_tls = false);
    // The client's octets reach the server now.
    void send(std::string_view bytes);
    // The client closes its end.
    void close_client();
    // Everything the server has written by now (delayed chunks stay queued).
    std::string receive();
    // Lets `micros` of virtual time pass: timers fire, delayed output is released.
    void advance(transport::Micros micros);
    // Advances to the server's next delayed chunk or timer, if any; false when
    // nothing is scheduled.
    bool advance_to_next_event();

    transport::Micros now() const { return m_now; }
    bool server_closed() const { return m_server_closed; }
    bool tls_active() const { return m_tls; }
    // Octets written by the server as separate writes (to show split responses).
    std::size_t writes() const { return m_writes; }

  private:
    void settle();

    transport::ConnectionHandler& m_server;
    transport::Micros m_now;
    std::string m_inbox;
    std::string m_unread;  // sent by the client, not yet taken by the server
    bool m_open = false;
    bool m_server_closed = false;
    bool m_tls = false;
    std::size_t m_writes = 0;
};

}  // namespace mailscope::sim
