#include "gui/view_state.hpp"

#include <cmath>

namespace mailscope::gui {

void set_projector(ViewState& view, bool on) {
    view.projector = on;
    view.large_text = on;
    view.open.timeline = !on;
    if (on) view.open.composer = false;
}

void set_cursor(ViewState& view, std::uint64_t cursor, std::size_t event_count) {
    if (event_count == 0) {
        view.cursor = 0;
        view.live = true;
        return;
    }
    const std::uint64_t last = event_count - 1;
    view.cursor = cursor > last ? last : cursor;
    view.live = view.cursor == last;
    view.scroll_to_cursor = true;
}

void begin_view_frame(ViewState& view, std::size_t event_count, float dt) {
    view.hovered_before = view.hovered;
    view.hovered.reset();
    view.transition_age += dt;
    view.animating = false;
    if (event_count == 0) {
        view.cursor = 0;
        return;
    }
    if (view.live) {
        view.cursor = event_count - 1;
        view.playing = false;
        return;
    }
    if (!view.playing) return;
    view.play_budget += static_cast<double>(dt) * view.speed;
    const double steps = std::floor(view.play_budget);
    if (steps < 1) return;
    view.play_budget -= steps;
    set_cursor(view, view.cursor + static_cast<std::uint64_t>(steps), event_count);
    if (view.live) view.playing = false;
}

}  // namespace mailscope::gui
