// State diagram: RFC 3501 section 3 drawn from the transition table in
// sim/imap/states.hpp, with the state at the cursor filled and the last
// transition taken highlighted with its number and cause.
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "gui/panels/panels.hpp"
#include "gui/state_layout.hpp"
#include "gui/theme.hpp"

namespace mailscope::gui {

namespace {

ImVec2 operator+(ImVec2 a, ImVec2 b) {
    return {a.x + b.x, a.y + b.y};
}
ImVec2 operator-(ImVec2 a, ImVec2 b) {
    return {a.x - b.x, a.y - b.y};
}
ImVec2 operator*(ImVec2 a, float k) {
    return {a.x * k, a.y * k};
}

struct Canvas {
    ImVec2 origin;
    ImVec2 size;
    ImVec2 at(Point p) const { return {origin.x + p.x * size.x, origin.y + p.y * size.y}; }
};

struct NodeBox {
    ImVec2 center;
    ImVec2 half;
};

Point to_point(ImVec2 v) {
    return {v.x, v.y};
}
ImVec2 to_vec(Point p) {
    return {p.x, p.y};
}

ImVec2 normalized(ImVec2 v) {
    const float length = std::sqrt(v.x * v.x + v.y * v.y);
    return length > 0 ? v * (1.0f / length) : ImVec2{0, 0};
}

void arrow_head(ImDrawList* draw, ImVec2 tip, ImVec2 from, ImU32 color, float size) {
    const ImVec2 dir = normalized(tip - from);
    const ImVec2 side{-dir.y, dir.x};
    draw->AddTriangleFilled(tip, tip - dir * size + side * (size * 0.5f),
                            tip - dir * size - side * (size * 0.5f), color);
}

// Draws one edge; returns where its number label sits.
ImVec2 draw_edge(ImDrawList* draw, const Canvas& canvas, const std::array<NodeBox, 6>& boxes,
                 const EdgeLayout& edge, ImU32 color, float thickness) {
    const imap::Transition& transition = imap::transitions[edge.transition];
    const NodeBox& from = boxes[static_cast<std::size_t>(transition.from)];
    const NodeBox& to = boxes[static_cast<std::size_t>(transition.to)];
    const float font = ImGui::GetFontSize();
    if (edge.self_loop) {
        const ImVec2 start = from.center + ImVec2{from.half.x, -from.half.y * 0.5f};
        const ImVec2 end = from.center + ImVec2{from.half.x, from.half.y * 0.5f};
        const float reach = font * 2.2f;
        const ImVec2 c1 = start + ImVec2{reach, -reach * 0.6f};
        const ImVec2 c2 = end + ImVec2{reach, reach * 0.6f};
        draw->AddBezierCubic(start, c1, c2, end, color, thickness);
        arrow_head(draw, end, c2, color, font * 0.55f);
        return from.center + ImVec2{from.half.x + reach * 0.78f, 0};
    }
    std::vector<ImVec2> points{from.center};
    for (int i = 0; i < edge.bend_count; ++i)
        points.push_back(canvas.at(edge.bends[i]));
    points.push_back(to.center);
    if (edge.shift != 0) {
        const ImVec2 dir = normalized(points.back() - points.front());
        const ImVec2 side = ImVec2{-dir.y, dir.x} * (edge.shift * font);
        for (ImVec2& point : points)
            point = point + side;
    }
    points.front() =
        to_vec(leave_box(to_point(points.front()), to_point(from.half), to_point(points[1])));
    points.back() = to_vec(
        leave_box(to_point(points.back()), to_point(to.half), to_point(points[points.size() - 2])));
    draw->AddPolyline(points.data(), static_cast<int>(points.size()), color, ImDrawFlags_None,
                      thickness);
    arrow_head(draw, points.back(), points[points.size() - 2], color, font * 0.55f);
    const std::size_t middle = (points.size() - 1) / 2;
    // Two shifted edges run side by side in opposite directions; labelling
    // each nearer its own start keeps the two numbers apart.
    const float along = edge.shift != 0 ? 0.3f : 0.5f;
    return points[middle] + (points[middle + 1] - points[middle]) * along;
}

void draw_label(ImDrawList* draw, ImVec2 center, int number, bool highlighted) {
    // The RFC draws Logout -> Closed without a number.
    if (number == 0) return;
    const float radius = ImGui::GetFontSize() * 0.62f;
    draw->AddCircleFilled(center, radius, highlighted ? theme::edge_last : theme::node_fill);
    draw->AddCircle(center, radius, highlighted ? theme::edge_last : theme::edge, 0, 1.5f);
    const std::string text = fmt::format("{}", number);
    const ImVec2 size = ImGui::CalcTextSize(text.c_str());
    draw->AddText(center - size * 0.5f, highlighted ? IM_COL32_WHITE : theme::text, text.c_str());
}

void draw_diagram(const StateAtCursor& state, ImVec2 area) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const Canvas canvas{ImGui::GetCursorScreenPos(), area};
    ImGui::Dummy(area);
    const float font = ImGui::GetFontSize();
    const ImVec2 padding{font * 0.6f, font * 0.35f};

    std::array<NodeBox, 6> boxes{};
    for (const NodeLayout& node : state_nodes) {
        const ImVec2 text = ImGui::CalcTextSize(imap::state_name(node.state).data());
        boxes[static_cast<std::size_t>(node.state)] = {canvas.at(node.center),
                                                       text * 0.5f + padding};
    }

    std::optional<std::size_t> last_edge;
    if (state.last) {
        const auto from = imap_state_named(state.last->from);
        const auto to = imap_state_named(state.last->to);
        if (from && to) last_edge = transition_index(*from, *to);
    }

    std::array<ImVec2, state_edges.size()> labels{};
    for (std::size_t i = 0; i < state_edges.size(); ++i) {
        if (state_edges[i].transition == last_edge) continue;
        labels[i] = draw_edge(draw, canvas, boxes, state_edges[i], theme::edge, 1.5f);
    }
    // The highlighted edge goes last so nothing covers it.
    for (std::size_t i = 0; i < state_edges.size(); ++i) {
        if (state_edges[i].transition != last_edge) continue;
        labels[i] = draw_edge(draw, canvas, boxes, state_edges[i], theme::edge_last, 4.0f);
    }

    for (const NodeLayout& node : state_nodes) {
        const NodeBox& box = boxes[static_cast<std::size_t>(node.state)];
        const bool current = state.imap_state == node.state;
        const ImVec2 min = box.center - box.half;
        const ImVec2 max = box.center + box.half;
        draw->AddRectFilled(min, max, current ? theme::node_current : theme::node_fill,
                            font * 0.3f);
        draw->AddRect(min, max, current ? theme::node_current : theme::node_outline, font * 0.3f, 0,
                      current ? 3.0f : 1.5f);
        const std::string_view name = imap::state_name(node.state);
        draw->AddText(min + padding, current ? IM_COL32_WHITE : theme::text, name.data(),
                      name.data() + name.size());
        if (ImGui::IsMouseHoveringRect(min, max)) {
            ImGui::SetTooltip("%s\n%s", name.data(), imap::state_section(node.state).data());
        }
    }

    const float radius = font * 0.62f;
    for (std::size_t i = 0; i < state_edges.size(); ++i) {
        const imap::Transition& transition = imap::transitions[state_edges[i].transition];
        const bool highlighted = state_edges[i].transition == last_edge;
        draw_label(draw, labels[i], transition.number, highlighted);
        const ImVec2 corner{radius, radius};
        if (ImGui::IsMouseHoveringRect(labels[i] - corner, labels[i] + corner)) {
            const std::string number =
                transition.number == 0 ? std::string() : fmt::format("({}) ", transition.number);
            ImGui::SetTooltip("%s%s \u2192 %s\n%s\nRFC 3501 3", number.c_str(),
                              imap::state_name(transition.from).data(),
                              imap::state_name(transition.to).data(), transition.label.data());
        }
    }
}

}  // namespace

void draw_state_diagram_panel(PanelContext& context, bool* open) {
    const std::string title =
        fmt::format("{}###state_diagram", context.text(Text::WindowStateDiagram));
    if (!ImGui::Begin(title.c_str(), open)) {
        ImGui::End();
        return;
    }
    const sim::SessionTrace& trace = context.model.trace();
    const StateAtCursor state =
        context.model.states().at(trace, trace.empty() ? 0 : context.view.cursor);
    ImGui::TextUnformatted(
        fmt::format(fmt::runtime(context.text(Text::CurrentState)), state.name).c_str());
    if (state.last) {
        ImGui::PushStyleColor(ImGuiCol_Text, theme::edge_last);
        ImGui::TextWrapped("%s", fmt::format(fmt::runtime(context.text(Text::LastTransition)),
                                             state.last->number, state.last->from, state.last->to)
                                     .c_str());
        ImGui::PopStyleColor();
        ImGui::TextWrapped("%s", state.last->cause.c_str());
    } else {
        ImGui::TextDisabled("%s", context.text(Text::NoTransitionYet));
    }
    if (trace.protocol() != sim::Protocol::Imap) {
        ImGui::TextWrapped("%s", context.text(Text::DiagramImapOnly));
        ImGui::End();
        return;
    }
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (avail.x > 50 && avail.y > 50) {
        // The layout is in fractions of the area but the boxes grow with the
        // font: below this size (in font heights) they would overlap, so a
        // small panel or projector mode scrolls the diagram instead.
        const float font = ImGui::GetFontSize();
        ImGui::BeginChild("###diagram_area", avail, false, ImGuiWindowFlags_HorizontalScrollbar);
        // Room on the right for the self-loop of edge 5.
        const ImVec2 area{std::max(avail.x - font * 2.5f, font * 26.0f),
                          std::max(avail.y - 1.0f, font * 22.0f)};
        draw_diagram(state, area);
        ImGui::EndChild();
    }
    ImGui::End();
}

}  // namespace mailscope::gui
