#include "gui/state_layout.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace mailscope::gui {

namespace {

// RFC 3501 section 3, as drawn in the RFC.
constexpr std::array<Point, 6> imap_nodes{{
    {0.50f, 0.06f},  // Connection Established
    {0.22f, 0.28f},  // Not Authenticated
    {0.50f, 0.48f},  // Authenticated
    {0.76f, 0.66f},  // Selected
    {0.50f, 0.81f},  // Logout
    {0.50f, 0.96f},  // Closed
}};
constexpr std::array<EdgeLayout, 11> imap_edges{{
    {},                                       // (1) greeting OK
    {},                                       // (2) PREAUTH
    {{{{0.96f, 0.06f}, {0.96f, 0.81f}}}, 2},  // (3) BYE greeting, down the right side
    {},                                       // (4) LOGIN
    {{}, 0, 0.45f},                           // (5) SELECT
    {{}, 0, 0, true},                         // (5) SELECT while selected
    {{}, 0, 0.45f},                           // (6) CLOSE
    {{{{0.22f, 0.81f}, {}}}, 1},              // (7) from Not Authenticated
    {},                                       // (7) from Authenticated
    {{{{0.76f, 0.81f}, {}}}, 1},              // (7) from Selected
    {},                                       // Logout -> Closed
}};

// RFC 1939: one column of the three states, the ways out to Closed beside it.
constexpr std::array<Point, 5> pop3_nodes{{
    {0.50f, 0.06f},  // Connection Established
    {0.50f, 0.30f},  // AUTHORIZATION
    {0.50f, 0.54f},  // TRANSACTION
    {0.50f, 0.76f},  // UPDATE
    {0.50f, 0.95f},  // Closed
}};
constexpr std::array<EdgeLayout, 7> pop3_edges{{
    {},                                       // (1) +OK greeting
    {},                                       // (2) PASS or APOP
    {},                                       // (3) QUIT in TRANSACTION
    {{{{0.16f, 0.30f}, {0.16f, 0.95f}}}, 2},  // (4) QUIT in AUTHORIZATION, down the left
    {{{{0.80f, 0.54f}, {0.80f, 0.95f}}}, 2},  // (5) connection lost in TRANSACTION
    {{{{0.96f, 0.06f}, {0.96f, 0.95f}}}, 2},  // (6) -ERR greeting, down the far right
    {},                                       // UPDATE -> Closed
}};

// RFC 5321: the mail transaction down the left column, Quit and Closed on
// the right. The transaction's ends (7) run back up one shared route on the
// left; the ways to Quit (9) fan out to the right, numbered once.
constexpr std::array<Point, 8> smtp_nodes{{
    {0.34f, 0.05f},  // Connection Established
    {0.34f, 0.22f},  // Ready
    {0.34f, 0.39f},  // Greeted
    {0.34f, 0.56f},  // Mail
    {0.34f, 0.73f},  // Rcpt
    {0.34f, 0.92f},  // Data
    {0.84f, 0.56f},  // Quit
    {0.84f, 0.92f},  // Closed
}};
constexpr EdgeLayout smtp_back_to_greeted(float y, bool numbered) {
    return {{{{0.05f, y}, {0.05f, 0.39f}}}, 2, 0, false, true, 1, numbered};
}
constexpr EdgeLayout smtp_to_quit(bool numbered) {
    return {{}, 0, 0, false, true, 1, numbered};
}
constexpr std::array<EdgeLayout, 19> smtp_edges{{
    {},                                                                 // (1) 220 greeting
    {{{{0.84f, 0.05f}, {}}}, 1},                                        // (2) 554 greeting
    {{}, 0, 0.45f},                                                     // (3) EHLO
    {{}, 0, 0, true},                                                   // (3) EHLO again
    {},                                                                 // (4) MAIL FROM
    {},                                                                 // (5) RCPT TO
    {{}, 0, 0, true},                                                   // (5) another RCPT TO
    {},                                                                 // (6) DATA 354
    {{{{0.52f, 0.60f}, {0.52f, 0.90f}}}, 2, 0, false, true, 1, false},  // (6) 354, no RCPT
    smtp_back_to_greeted(0.92f, true),                                  // (7) end of data
    smtp_back_to_greeted(0.56f, false),                                 // (7) RSET from Mail
    smtp_back_to_greeted(0.73f, false),                                 // (7) RSET from Rcpt
    {{}, 0, 0.45f},                                                     // (8) STARTTLS
    smtp_to_quit(false),                                                // (9) from Ready
    smtp_to_quit(false),                                                // (9) from Greeted
    smtp_to_quit(true),                                                 // (9) from Mail
    smtp_to_quit(false),                                                // (9) from Rcpt
    smtp_to_quit(false),                                                // (9) from Data
    {},                                                                 // Quit -> Closed
}};

float distance(Point a, Point b) {
    return std::hypot(b.x - a.x, b.y - a.y);
}

}  // namespace

const DiagramLayout& diagram_layout(sim::Protocol protocol) {
    static const DiagramLayout imap{imap_nodes, imap_edges, 26, 22};
    static const DiagramLayout pop3{pop3_nodes, pop3_edges, 24, 20};
    static const DiagramLayout smtp{smtp_nodes, smtp_edges, 24, 21};
    switch (protocol) {
        case sim::Protocol::Imap:
            return imap;
        case sim::Protocol::Pop3:
            return pop3;
        case sim::Protocol::Smtp:
            return smtp;
    }
    return imap;
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

std::optional<Point> box_entry(Point from, Point to, Point center, Point half) {
    // Slabs: the segment is inside the box where it is inside both pairs of sides.
    float enter = 0;
    float leave = 1;
    const float start[2] = {from.x, from.y};
    const float delta[2] = {to.x - from.x, to.y - from.y};
    const float low[2] = {center.x - half.x, center.y - half.y};
    const float high[2] = {center.x + half.x, center.y + half.y};
    for (int axis = 0; axis < 2; ++axis) {
        if (delta[axis] == 0) {
            if (start[axis] < low[axis] || start[axis] > high[axis]) return std::nullopt;
            continue;
        }
        float near = (low[axis] - start[axis]) / delta[axis];
        float far = (high[axis] - start[axis]) / delta[axis];
        if (near > far) std::swap(near, far);
        enter = std::max(enter, near);
        leave = std::min(leave, far);
    }
    if (enter > leave) return std::nullopt;
    return Point{from.x + delta[0] * enter, from.y + delta[1] * enter};
}

Point along_polyline(std::span<const Point> points, float t) {
    if (points.empty()) return {};
    float total = 0;
    for (std::size_t i = 1; i < points.size(); ++i)
        total += distance(points[i - 1], points[i]);
    float left = std::clamp(t, 0.0f, 1.0f) * total;
    for (std::size_t i = 1; i < points.size(); ++i) {
        const float length = distance(points[i - 1], points[i]);
        if (left <= length && length > 0) {
            const float k = left / length;
            return {points[i - 1].x + (points[i].x - points[i - 1].x) * k,
                    points[i - 1].y + (points[i].y - points[i - 1].y) * k};
        }
        left -= length;
    }
    return points.back();
}

}  // namespace mailscope::gui
