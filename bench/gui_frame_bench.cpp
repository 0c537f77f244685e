// ms_bench_gui_frame: does the cost of building one GUI frame stay flat as
// the trace grows? Builds frames headless over a short and a very long
// synthetic session and prints the CPU times and their ratio.
//
// The two sessions are measured in alternating rounds and each figure is the
// median of its rounds, so a burst of load on the machine falls on both
// sides of the ratio instead of on one.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "gui/headless_frame.hpp"
#include "tests/support/synthetic_trace.hpp"

namespace {

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

struct Rounds {
    std::size_t events = 0;
    std::vector<double> index_build_ms, live_frame_ms, scrub_frame_ms;

    void add(const mailscope::gui::FrameTiming& timing) {
        events = timing.events;
        index_build_ms.push_back(timing.index_build_ms);
        live_frame_ms.push_back(timing.live_frame_ms);
        scrub_frame_ms.push_back(timing.scrub_frame_ms);
    }
};

}  // namespace

int main() {
    constexpr int frames = 120;
    constexpr int rounds = 7;
    const auto small_trace = mailscope::test::make_synthetic_trace(100);
    const auto large_trace = mailscope::test::make_synthetic_trace(100000);
    Rounds small, large;
    for (int round = 0; round < rounds; ++round) {
        small.add(mailscope::gui::measure_frame_build(small_trace, frames));
        large.add(mailscope::gui::measure_frame_build(large_trace, frames));
    }
    fmt::print("{:>10} {:>16} {:>16} {:>16}   (medians of {} rounds of {} frames)\n", "events",
               "index build ms", "live frame ms", "scrub frame ms", rounds, frames);
    for (const auto* t : {&small, &large})
        fmt::print("{:>10} {:>16.2f} {:>16.3f} {:>16.3f}\n", t->events, median(t->index_build_ms),
                   median(t->live_frame_ms), median(t->scrub_frame_ms));
    fmt::print("frame time ratio {} / {} events: live {:.2f}x, scrub {:.2f}x\n", large.events,
               small.events, median(large.live_frame_ms) / median(small.live_frame_ms),
               median(large.scrub_frame_ms) / median(small.scrub_frame_ms));
    return 0;
}
