// ServerThread: a TcpServer on an IoThread of its own, for a server that runs
// inside a front end (the GUI's lab). Its handlers run on that thread; they
// tell the UI what happened through a UiQueue.
#pragma once

#include <cstdint>
#include <memory>

#include "net/io_thread.hpp"
#include "net/listener_config.hpp"

namespace mailscope::transport {

class TcpServer;

class ServerThread {
  public:
    ServerThread();
    // Stops the server (each handler is told, as by TcpServer::stop()) and
    // the thread; the handlers are gone when it returns.
    ~ServerThread();
    ServerThread(const ServerThread&) = delete;
    ServerThread& operator=(const ServerThread&) = delete;

    // Binds on the I/O thread and starts accepting; returns the bound port.
    // Throws std::system_error when the address cannot be bound.
    std::uint16_t listen(const ListenerConfig& config, HandlerFactory factory);

  private:
    IoThread m_io;  // stopped, and the server gone, before it goes
    std::unique_ptr<TcpServer> m_server;
};

}  // namespace mailscope::transport
