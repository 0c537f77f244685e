#include "gui/state_layout.hpp"

#include <cmath>

namespace mailscope::gui {

std::optional<Point> node_center(imap::State state) {
    for (const NodeLayout& node : state_nodes) {
        if (node.state == state) return node.center;
    }
    return std::nullopt;
}

Point leave_box(Point center, Point half, Point target) {
    const float dx = target.x - center.x;
    const float dy = target.y - center.y;
    if (dx == 0 && dy == 0) return center;
    // Scale the direction so that it just touches the nearer of the box's sides.
    const float tx = dx != 0 ? half.x / std::fabs(dx) : INFINITY;
    const float ty = dy != 0 ? half.y / std::fabs(dy) : INFINITY;
    const float t = std::fmin(1.0f, std::fmin(tx, ty));
    return {center.x + dx * t, center.y + dy * t};
}

std::optional<std::size_t> transition_index(imap::State from, imap::State to) {
    for (std::size_t i = 0; i < imap::transitions.size(); ++i) {
        if (imap::transitions[i].from == from && imap::transitions[i].to == to) return i;
    }
    return std::nullopt;
}

}  // namespace mailscope::gui
