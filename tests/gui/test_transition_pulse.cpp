// The timing of the state diagram's transition animation, without a window.
#include <doctest/doctest.h>

#include <algorithm>

#include "gui/view_model/transition_pulse.hpp"

using namespace mailscope::gui;

TEST_CASE("a still picture draws the transition's final frame") {
    const TransitionPulse still = transition_pulse(std::nullopt);
    CHECK(still.travel == 1.0f);
    CHECK(still.glow == 0.0f);
    CHECK_FALSE(still.marker);
    CHECK_FALSE(still.running);

    const TransitionPulse settled = transition_pulse(transition_pulse_seconds + 0.01);
    CHECK(settled.travel == still.travel);
    CHECK(settled.glow == still.glow);
    CHECK(settled.marker == still.marker);
    CHECK(settled.running == still.running);
}

TEST_CASE("the marker travels from the old state to the new one, always forward") {
    const TransitionPulse start = transition_pulse(0.0);
    CHECK(start.running);
    CHECK(start.marker);
    CHECK(start.travel == doctest::Approx(0.0f));
    CHECK(start.glow == doctest::Approx(0.0f));

    float previous = -1;
    for (double t = 0; t < transition_travel_seconds; t += 0.02) {
        const TransitionPulse pulse = transition_pulse(t);
        CHECK(pulse.marker);
        CHECK(pulse.travel > previous);
        CHECK(pulse.travel <= 1.0f);
        previous = pulse.travel;
    }
    // Eased out: half the time covers more than half the way.
    CHECK(transition_pulse(transition_travel_seconds / 2).travel > 0.5f);
    const TransitionPulse arrived = transition_pulse(transition_travel_seconds);
    CHECK_FALSE(arrived.marker);
    CHECK(arrived.travel == doctest::Approx(1.0f));
    CHECK(arrived.running);
}

TEST_CASE("the edge pulses within about a second and settles") {
    float brightest = 0;
    for (double t = 0; t < transition_pulse_seconds; t += 0.01) {
        const TransitionPulse pulse = transition_pulse(t);
        CHECK(pulse.glow >= 0.0f);
        CHECK(pulse.glow <= 1.0f);
        CHECK(pulse.running);
        brightest = std::max(brightest, pulse.glow);
    }
    CHECK(brightest > 0.4f);
    // Fading: the second beat is dimmer than the first.
    CHECK(transition_pulse(transition_pulse_seconds * 0.75).glow <
          transition_pulse(transition_pulse_seconds * 0.25).glow);
    CHECK(transition_pulse(transition_pulse_seconds * 0.999).glow < 0.05f);
}
