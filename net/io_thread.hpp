// IoThread: the one thread that runs Asio for a front end (the GUI's live
// session and lab). It owns the io_context, keeps it running while nothing
// is pending (a work guard), runs what is posted to it in order, and stops
// and joins when told or when destroyed.
//
// Objects whose sockets belong to the context are made and used on this
// thread; their owner destroys them after stop() and before the IoThread, so
// no handler runs while they go.
#pragma once

#include <functional>
#include <memory>
#include <thread>

namespace asio {
class io_context;
}

namespace mailscope::transport {

class IoThread {
  public:
    IoThread();
    ~IoThread();
    IoThread(const IoThread&) = delete;
    IoThread& operator=(const IoThread&) = delete;

    // For the sockets and timers of what runs on the thread.
    asio::io_context& context();

    // Runs `work` on the I/O thread, after what was posted before it.
    void post(std::function<void()> work);

    // Runs `last` on the I/O thread (closing what is still open), then stops
    // it, dropping what is pending, and joins. Later calls do nothing.
    void stop(std::function<void()> last = {});

  private:
    struct Context;
    std::unique_ptr<Context> m_context;
    std::thread m_thread;
};

}  // namespace mailscope::transport
