// ClientRunner: the Asio side of the generic client driver. It runs one
// sim::ClientDriver (any protocol) over a NetClient: connects, hands the
// driver what the server sends, writes what the driver queues, starts TLS
// when the driver's login script asks, keeps the reply timer, and closes
// when the driver failed. `mailscope connect` and the GUI's live session
// are both this runner with their own way of showing the events.
//
// Everything runs on the io_context's thread, the caller's callbacks too.
#pragma once

#include <asio.hpp>

#include <functional>
#include <memory>
#include <string>

#include "net/net_client.hpp"
#include "sim/core/client_driver.hpp"

namespace mailscope::transport {

class ClientRunner {
  public:
    // `on_change` runs after anything the driver did: new events, a new
    // stage, lines that ran, the end of the connection.
    ClientRunner(asio::io_context& io, sim::ClientDriver& driver, NetClientOptions options,
                 std::function<void()> on_change);

    // Connects; the driver fails with the reason when that is impossible.
    void start();
    // After the caller gave the driver lines: writes what they queued.
    void flush();
    void close();

    bool is_open() const { return m_client && m_client->is_open() && !m_ended; }
    // The connection is over: closed by the server, broken, or failed.
    bool ended() const { return m_ended; }
    // Empty when the server closed cleanly.
    const sim::Said& end_error() const { return m_end_error; }
    bool tls_active() const { return m_client && m_client->tls_active(); }
    std::string tls_description() { return m_client ? m_client->tls_description() : ""; }

  private:
    sim::TlsReport tls_report();
    void on_connected(const sim::Said& error);
    void after_input();
    void end(sim::Said error);

    asio::io_context& m_io;
    sim::ClientDriver& m_driver;
    NetClientOptions m_options;
    std::function<void()> m_on_change;
    std::shared_ptr<NetClient> m_client;
    bool m_ended = false;
    sim::Said m_end_error;
};

}  // namespace mailscope::transport
