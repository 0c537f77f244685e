#include "gui/view_model/transition_pulse.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mailscope::gui {

TransitionPulse transition_pulse(std::optional<double> elapsed) {
    TransitionPulse pulse;
    if (!elapsed || *elapsed >= transition_pulse_seconds || *elapsed < 0) return pulse;
    const double t = *elapsed;
    const double travelled = std::min(1.0, t / transition_travel_seconds);
    // Ease out: fast off the old state, gentle onto the new one.
    pulse.travel = static_cast<float>(1.0 - (1.0 - travelled) * (1.0 - travelled));
    pulse.marker = t < transition_travel_seconds;
    // Two beats that fade out by the end of the pulse.
    const double beat = 0.5 - 0.5 * std::cos(4.0 * std::numbers::pi * t / transition_pulse_seconds);
    pulse.glow = static_cast<float>(beat * (1.0 - t / transition_pulse_seconds));
    pulse.running = true;
    return pulse;
}

}  // namespace mailscope::gui
