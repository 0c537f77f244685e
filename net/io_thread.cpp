#include "net/io_thread.hpp"

#include <asio.hpp>

namespace mailscope::transport {

struct IoThread::Context {
    asio::io_context io;
    // Keeps run() going while no connection is open, so that posted work
    // (a command, the shutdown) always runs.
    asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
};

IoThread::IoThread() : m_context(std::make_unique<Context>()) {
    m_thread = std::thread([context = m_context.get()] { context->io.run(); });
}

IoThread::~IoThread() {
    stop();
}

asio::io_context& IoThread::context() {
    return m_context->io;
}

void IoThread::post(std::function<void()> work) {
    asio::post(m_context->io, std::move(work));
}

void IoThread::stop(std::function<void()> last) {
    if (!m_thread.joinable()) return;
    asio::post(m_context->io, [context = m_context.get(), last = std::move(last)] {
        if (last) last();
        context->work.reset();
        context->io.stop();
    });
    m_thread.join();
}

}  // namespace mailscope::transport
