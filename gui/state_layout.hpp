// Where the state diagram panel puts each protocol's states and numbered
// transitions: one node per state and one route per transition of the
// protocol's table (gui/view_model/protocol_states.hpp, same order), read
// top to bottom like the RFC 3501 section 3 drawing. Coordinates are
// fractions of the drawing area.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>

#include "sim/core/trace.hpp"

namespace mailscope::gui {

struct Point {
    float x = 0;
    float y = 0;
};

struct EdgeLayout {
    std::array<Point, 2> bends{};  // corners the edge passes through, in order
    int bend_count = 0;
    float shift = 0;  // sideways shift, in font heights, to part opposite edges
    bool self_loop = false;
    // An edge whose number leaves many states (SMTP's QUIT from anywhere) is
    // drawn lighter so the main path stands out.
    bool faint = false;
    float loop_side = 1;  // a self-loop bulges right (1) or left (-1)
    // Edges of one number that share a route show the number once; the
    // others show it only while they are the transition just taken.
    bool numbered = true;
};

struct DiagramLayout {
    std::span<const Point> nodes;       // by state index
    std::span<const EdgeLayout> edges;  // by transition index
    // Below this size, in font heights, boxes would overlap: the panel scrolls.
    float min_width = 26;
    float min_height = 22;
};

const DiagramLayout& diagram_layout(sim::Protocol protocol);

// The point where the segment from `center` toward `target` leaves the box
// centred on `center` with half extents `half`.
Point leave_box(Point center, Point half, Point target);

// Where the segment from `from` to `to` first enters the box centred on
// `center` with half extents `half`; none when it misses the box. An edge
// shifted off the centres ends there, so its arrowhead touches the box.
std::optional<Point> box_entry(Point from, Point to, Point center, Point half);

// The point a fraction `t` (0 to 1) of the way along the polyline, by length.
Point along_polyline(std::span<const Point> points, float t);

}  // namespace mailscope::gui
