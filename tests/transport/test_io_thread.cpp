// IoThread and UiQueue: work posted to the I/O thread runs there in order,
// stop() runs its last work and joins; what the I/O side posts to the UI
// runs only when the UI thread runs the queue, in order.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "net/io_thread.hpp"
#include "net/ui_queue.hpp"

using namespace mailscope::transport;

TEST_CASE("the I/O thread runs posted work in order on a thread of its own") {
    IoThread io;
    std::vector<int> order;
    std::promise<std::thread::id> ran_on;
    for (int i = 0; i < 100; ++i)
        io.post([&order, i] { order.push_back(i); });
    io.post([&ran_on] { ran_on.set_value(std::this_thread::get_id()); });
    auto id = ran_on.get_future();
    REQUIRE(id.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    CHECK(id.get() != std::this_thread::get_id());
    REQUIRE(order.size() == 100);
    for (int i = 0; i < 100; ++i)
        CHECK(order[i] == i);
}

TEST_CASE("stopping the I/O thread runs the last work after what was posted, then joins") {
    std::vector<std::string> done;
    IoThread io;
    io.post([&done] { done.push_back("posted"); });
    io.stop([&done] { done.push_back("last"); });
    CHECK(done == std::vector<std::string>{"posted", "last"});
    // Stopped: a second stop does nothing.
    io.stop([&done] { done.push_back("again"); });
    CHECK(done.size() == 2);
}

TEST_CASE("the UI queue runs what the I/O thread posted only when the UI runs it, in order") {
    UiQueue queue;
    std::vector<int> seen;  // touched by the UI thread only
    bool posted = false;
    {
        IoThread io;
        io.post([&] {
            for (int i = 0; i < 10; ++i)
                queue.post([&seen, i] { seen.push_back(i); });
            posted = true;
        });
        // Leaving the block stops the thread after the work above ran.
    }
    REQUIRE(posted);
    CHECK(seen.empty());
    CHECK(queue.run_pending() == 10);
    REQUIRE(seen.size() == 10);
    for (int i = 0; i < 10; ++i)
        CHECK(seen[i] == i);
    CHECK(queue.run_pending() == 0);
}

TEST_CASE("work that the UI queue's work posts waits for the next run") {
    UiQueue queue;
    int runs = 0;
    queue.post([&] {
        ++runs;
        queue.post([&] { ++runs; });
    });
    CHECK(queue.run_pending() == 1);
    CHECK(runs == 1);
    CHECK(queue.run_pending() == 1);
    CHECK(runs == 2);
}
