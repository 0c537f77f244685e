// The animation of the transition just taken in the state diagram, as
// numbers from the time since it was taken: a marker travels along the edge
// from the old state to the new one, then the edge and its number pulse and
// settle. The panel only draws these numbers, so the timing is tested here
// without a window, and a screenshot draws the settled, final frame.
#pragma once

#include <optional>

namespace mailscope::gui {

inline constexpr double transition_travel_seconds = 0.6;
inline constexpr double transition_pulse_seconds = 1.2;

struct TransitionPulse {
    float travel = 1;      // the marker's place along the edge: 0 at the old state, 1 at the new
    float glow = 0;        // extra emphasis of the edge and its number, 0 to 1
    bool marker = false;   // the marker is drawn
    bool running = false;  // later frames differ: keep drawing at full rate
};

// `elapsed` seconds since the transition came into view; nullopt for a
// still picture (a screenshot), which is the final frame.
TransitionPulse transition_pulse(std::optional<double> elapsed);

}  // namespace mailscope::gui
