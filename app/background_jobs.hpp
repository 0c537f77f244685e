// BackgroundJobs: work a server does after a session, off the thread that
// serves the connections.
//
// Writing a session's report reads its whole transcript back, hundreds of
// megabytes after a long FETCH; done where the connections are served, every
// other client waited for it. Jobs run one at a time, in the order posted;
// the destructor runs what is still queued before it returns, so no report
// is lost when the server stops.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace mailscope::app {

class BackgroundJobs {
  public:
    // `on_error` is told of a job that threw; the others still run.
    explicit BackgroundJobs(std::function<void(const std::exception&)> on_error);
    ~BackgroundJobs();
    BackgroundJobs(const BackgroundJobs&) = delete;
    BackgroundJobs& operator=(const BackgroundJobs&) = delete;

    void post(std::function<void()> job);

  private:
    void run();

    std::function<void(const std::exception&)> m_on_error;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_jobs;
    bool m_stopping = false;
    std::thread m_thread;
};

}  // namespace mailscope::app
