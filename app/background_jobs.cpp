#include "app/background_jobs.hpp"

#include <utility>

namespace mailscope::app {

BackgroundJobs::BackgroundJobs(std::function<void(const std::exception&)> on_error)
    : m_on_error(std::move(on_error)), m_thread([this] { run(); }) {}

BackgroundJobs::~BackgroundJobs() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void BackgroundJobs::post(std::function<void()> job) {
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
    }
    m_wake.notify_one();
}

void BackgroundJobs::run() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
            if (m_jobs.empty()) return;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        // One failed report must not take the others, or the server, with it.
        try {
            job();
        } catch (const std::exception& error) {
            m_on_error(error);
        }
    }
}

}  // namespace mailscope::app
