// Where the state diagram panel puts the RFC 3501 section 3 diagram: one
// node per state and one route per transition of sim/imap/states.hpp,
// arranged like the RFC's ASCII drawing (top to bottom). Coordinates are
// fractions of the drawing area.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "sim/imap/states.hpp"

namespace mailscope::gui {

struct Point {
    float x = 0;
    float y = 0;
};

struct NodeLayout {
    imap::State state;
    Point center;
};

struct EdgeLayout {
    std::size_t transition = 0;    // index into imap::transitions
    std::array<Point, 2> bends{};  // corners the edge passes through, in order
    int bend_count = 0;
    float shift = 0;  // sideways shift, in font heights, to part opposite edges
    bool self_loop = false;
};

inline constexpr std::array<NodeLayout, 6> state_nodes{{
    {imap::State::Connecting, {0.50f, 0.06f}},
    {imap::State::NotAuthenticated, {0.22f, 0.28f}},
    {imap::State::Authenticated, {0.50f, 0.48f}},
    {imap::State::Selected, {0.76f, 0.66f}},
    {imap::State::Logout, {0.50f, 0.81f}},
    {imap::State::Closed, {0.50f, 0.96f}},
}};

inline constexpr std::array<EdgeLayout, imap::transitions.size()> state_edges{{
    {0, {}, 0, 0, false},
    {1, {}, 0, 0, false},
    {2, {{{0.96f, 0.06f}, {0.96f, 0.81f}}}, 2, 0, false},
    {3, {}, 0, 0, false},
    {4, {}, 0, 0.45f, false},
    {5, {}, 0, 0, true},
    {6, {}, 0, 0.45f, false},
    {7, {{{0.22f, 0.81f}, {}}}, 1, 0, false},
    {8, {}, 0, 0, false},
    {9, {{{0.76f, 0.81f}, {}}}, 1, 0, false},
    {10, {}, 0, 0, false},
}};

std::optional<Point> node_center(imap::State state);

// The point where the segment from `center` toward `target` leaves the box
// centred on `center` with half extents `half`.
Point leave_box(Point center, Point half, Point target);

// Index into imap::transitions of the edge a trace transition took, matched
// by its source and target states.
std::optional<std::size_t> transition_index(imap::State from, imap::State to);

}  // namespace mailscope::gui
