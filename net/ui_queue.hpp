// UiQueue: the run queue from the I/O thread to the UI thread. The I/O side
// posts what happened (new events, a state, a status, the answer to a
// command) as work; the UI thread runs all of it, in order, at the start of
// a frame. Commands go the other way as work posted to the IoThread, so the
// UI thread never waits for the network.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

namespace mailscope::transport {

class UiQueue {
  public:
    // Any thread.
    void post(std::function<void()> work);

    // UI thread: runs what was posted before the call, oldest first; gives
    // how many pieces of work ran.
    std::size_t run_pending();

  private:
    std::mutex m_mutex;
    std::vector<std::function<void()>> m_pending;
};

}  // namespace mailscope::transport
