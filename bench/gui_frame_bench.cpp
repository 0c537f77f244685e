// ms_bench_gui_frame: does the cost of building one GUI frame stay flat as
// the trace grows? Builds frames headless over a short and a very long
// synthetic session and prints the CPU times and their ratio.
#include <fmt/format.h>

#include "gui/headless_frame.hpp"
#include "tests/support/synthetic_trace.hpp"

int main() {
    constexpr int frames = 120;
    const auto small =
        mailscope::gui::measure_frame_build(mailscope::test::make_synthetic_trace(100), frames);
    const auto large =
        mailscope::gui::measure_frame_build(mailscope::test::make_synthetic_trace(100000), frames);
    fmt::print("{:>10} {:>16} {:>16} {:>16}\n", "events", "index build ms", "live frame ms",
               "scrub frame ms");
    for (const auto& t : {small, large})
        fmt::print("{:>10} {:>16.2f} {:>16.3f} {:>16.3f}\n", t.events, t.index_build_ms,
                   t.live_frame_ms, t.scrub_frame_ms);
    fmt::print("frame time ratio {} / {} events: live {:.2f}x, scrub {:.2f}x\n", large.events,
               small.events, large.live_frame_ms / small.live_frame_ms,
               large.scrub_frame_ms / small.scrub_frame_ms);
    return 0;
}
