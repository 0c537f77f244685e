// State diagram: the states and numbered transitions of the trace's
// protocol (IMAP: RFC 3501 section 3; POP3 and SMTP: the tables in
// sim/pop3 and sim/smtp), with the state at the cursor filled and the
// transition just taken highlighted with its number and cause. That
// transition is animated (gui/view_model/transition_pulse.hpp): a marker
// travels along the edge, then the edge and its number pulse.
#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <imgui_internal.h>

#include "gui/panels/panels.hpp"
#include "gui/state_layout.hpp"
#include "gui/theme.hpp"
#include "gui/view_model/protocol_states.hpp"
#include "gui/view_model/transition_pulse.hpp"
#include "sim/core/event_text.hpp"

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

ImU32 with_alpha(ImU32 color, float alpha) {
    ImVec4 c = ImGui::ColorConvertU32ToFloat4(color);
    c.w *= alpha;
    return ImGui::ColorConvertFloat4ToU32(c);
}

void arrow_head(ImDrawList* draw, ImVec2 tip, ImVec2 from, ImU32 color, float size) {
    const ImVec2 dir = normalized(tip - from);
    const ImVec2 side{-dir.y, dir.x};
    draw->AddTriangleFilled(tip, tip - dir * size + side * (size * 0.5f),
                            tip - dir * size - side * (size * 0.5f), color);
}

// One edge in screen coordinates: a polyline, or a cubic Bézier for a self-loop.
struct EdgePath {
    std::vector<ImVec2> points;
    bool curve = false;
    ImVec2 label;

    ImVec2 at(float t) const {
        if (curve) return ImBezierCubicCalc(points[0], points[1], points[2], points[3], t);
        std::vector<Point> line;
        for (const ImVec2& point : points)
            line.push_back(to_point(point));
        return to_vec(along_polyline(line, t));
    }
};

EdgePath edge_path(const Canvas& canvas, const std::vector<NodeBox>& boxes,
                   const TransitionInfo& transition, const EdgeLayout& edge) {
    const NodeBox& from = boxes[transition.from];
    const NodeBox& to = boxes[transition.to];
    const float font = ImGui::GetFontSize();
    EdgePath path;
    if (edge.self_loop) {
        const float side = edge.loop_side;
        const ImVec2 start = from.center + ImVec2{side * from.half.x, -from.half.y * 0.5f};
        const ImVec2 end = from.center + ImVec2{side * from.half.x, from.half.y * 0.5f};
        const float reach = font * 2.2f;
        path.points = {start, start + ImVec2{side * reach, -reach * 0.6f},
                       end + ImVec2{side * reach, reach * 0.6f}, end};
        path.curve = true;
        path.label = from.center + ImVec2{side * (from.half.x + reach * 0.78f), 0};
        return path;
    }
    std::vector<ImVec2>& points = path.points;
    points.push_back(from.center);
    for (int i = 0; i < edge.bend_count; ++i)
        points.push_back(canvas.at(edge.bends[static_cast<std::size_t>(i)]));
    points.push_back(to.center);
    if (edge.shift != 0) {
        const ImVec2 dir = normalized(points.back() - points.front());
        const ImVec2 side = ImVec2{-dir.y, dir.x} * (edge.shift * font);
        for (ImVec2& point : points)
            point = point + side;
    }
    // A shifted edge runs beside the centres, not through them: it starts and
    // ends where it crosses the real boxes, so both its ends and its
    // arrowhead stay outside them.
    const auto end_at = [](ImVec2 inner, ImVec2 outer, const NodeBox& box) {
        const auto entry =
            box_entry(to_point(outer), to_point(inner), to_point(box.center), to_point(box.half));
        return entry ? to_vec(*entry)
                     : to_vec(leave_box(to_point(inner), to_point(box.half), to_point(outer)));
    };
    points.front() = end_at(points.front(), points[1], from);
    points.back() = end_at(points.back(), points[points.size() - 2], to);
    const std::size_t middle = (points.size() - 1) / 2;
    // Two shifted edges run side by side in opposite directions; labelling
    // each nearer its own start keeps the two numbers apart.
    const float along = edge.shift != 0 ? 0.3f : 0.5f;
    path.label = points[middle] + (points[middle + 1] - points[middle]) * along;
    return path;
}

void draw_edge(ImDrawList* draw, const EdgePath& path, ImU32 color, float thickness) {
    const float head = ImGui::GetFontSize() * 0.55f;
    const std::vector<ImVec2>& points = path.points;
    if (path.curve) {
        draw->AddBezierCubic(points[0], points[1], points[2], points[3], color, thickness);
    } else {
        draw->AddPolyline(points.data(), static_cast<int>(points.size()), color, ImDrawFlags_None,
                          thickness);
    }
    arrow_head(draw, points.back(), points[points.size() - 2], color, head);
}

void draw_label(ImDrawList* draw, ImVec2 center, int number, bool highlighted, bool faint,
                float grow) {
    // Unnumbered edges (Logout -> Closed in the RFC) get no circle.
    if (number == 0) return;
    const float radius = ImGui::GetFontSize() * 0.62f * (1.0f + grow);
    const ImU32 outline = highlighted ? theme::edge_last : faint ? theme::edge_faint : theme::edge;
    draw->AddCircleFilled(center, radius, highlighted ? theme::edge_last : theme::node_fill);
    draw->AddCircle(center, radius, outline, 0, 1.5f);
    const std::string text = fmt::format("{}", number);
    const ImVec2 size = ImGui::CalcTextSize(text.c_str());
    const ImU32 ink = highlighted ? IM_COL32_WHITE : faint ? theme::muted : theme::text;
    draw->AddText(center - size * 0.5f, ink, text.c_str());
}

// The cause beside the travelling marker, on a white slip so edges do not cross it.
void draw_cause(ImDrawList* draw, ImVec2 at, const std::string& cause, float alpha) {
    const float font = ImGui::GetFontSize();
    const ImVec2 size = ImGui::CalcTextSize(cause.c_str());
    const ImVec2 min = at + ImVec2{font * 0.8f, -size.y * 0.5f};
    const ImVec2 pad{font * 0.3f, font * 0.15f};
    draw->AddRectFilled(min - pad, min + size + pad, with_alpha(IM_COL32_WHITE, alpha * 0.9f),
                        font * 0.2f);
    draw->AddRect(min - pad, min + size + pad, with_alpha(theme::edge_last, alpha), font * 0.2f);
    draw->AddText(min, with_alpha(theme::edge_last, alpha), cause.c_str());
}

// Room on the right of the diagram for the self-loops, in font heights.
constexpr float self_loop_fonts = 2.5f;

// Draws the diagram at the cursor in `area`; gives the box around
// everything drawn but the marker's cause slip (which may overlap).
ImRect draw_diagram(sim::Protocol protocol, const StateAtCursor& state,
                    const TransitionPulse& pulse, ImVec2 area, sim::Language language) {
    const ProtocolStates& table = protocol_states(protocol);
    const DiagramLayout& layout = diagram_layout(protocol);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const Canvas canvas{ImGui::GetCursorScreenPos(), area};
    ImGui::Dummy(area);
    const float font = ImGui::GetFontSize();
    const ImVec2 padding{font * 0.6f, font * 0.35f};

    std::vector<NodeBox> boxes(table.states.size());
    for (std::size_t i = 0; i < table.states.size(); ++i) {
        const std::string_view name = table.states[i].name;
        const ImVec2 text = ImGui::CalcTextSize(name.data(), name.data() + name.size());
        boxes[i] = {canvas.at(layout.nodes[i]), text * 0.5f + padding};
    }
    std::vector<EdgePath> paths;
    for (std::size_t i = 0; i < table.transitions.size(); ++i)
        paths.push_back(edge_path(canvas, boxes, table.transitions[i], layout.edges[i]));

    for (std::size_t i = 0; i < paths.size(); ++i) {
        if (i == state.edge) continue;
        draw_edge(draw, paths[i], layout.edges[i].faint ? theme::edge_faint : theme::edge,
                  layout.edges[i].faint ? 1.0f : 1.5f);
    }
    // The transition just taken goes last so nothing covers it.
    if (state.edge) {
        const EdgePath& path = paths[*state.edge];
        draw_edge(draw, path, theme::edge_last, 4.0f + 3.0f * pulse.glow);
    }

    ImRect drawn(canvas.origin, canvas.origin);
    for (const EdgePath& path : paths) {
        for (const ImVec2& point : path.points)
            drawn.Add(point);
    }
    for (std::size_t i = 0; i < boxes.size(); ++i) {
        const NodeBox& box = boxes[i];
        const bool current = state.state == i;
        const ImVec2 min = box.center - box.half;
        const ImVec2 max = box.center + box.half;
        drawn.Add(ImRect(min, max));
        draw->AddRectFilled(min, max, current ? theme::node_current : theme::node_fill,
                            font * 0.3f);
        draw->AddRect(min, max, current ? theme::node_current : theme::node_outline, font * 0.3f, 0,
                      current ? 3.0f : 1.5f);
        const std::string_view name = table.states[i].name;
        draw->AddText(min + padding, current ? IM_COL32_WHITE : theme::text, name.data(),
                      name.data() + name.size());
        if (ImGui::IsMouseHoveringRect(min, max)) {
            ImGui::SetTooltip("%.*s\n%.*s", static_cast<int>(name.size()), name.data(),
                              static_cast<int>(table.states[i].section.size()),
                              table.states[i].section.data());
        }
    }

    const float radius = font * 0.62f;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const TransitionInfo& transition = table.transitions[i];
        const bool highlighted = i == state.edge;
        if (!layout.edges[i].numbered && !highlighted) continue;
        draw_label(draw, paths[i].label, transition.number, highlighted, layout.edges[i].faint,
                   highlighted ? 0.35f * pulse.glow : 0.0f);
        const ImVec2 corner{radius, radius};
        drawn.Add(ImRect(paths[i].label - corner, paths[i].label + corner));
        if (ImGui::IsMouseHoveringRect(paths[i].label - corner, paths[i].label + corner)) {
            const std::string number =
                transition.number == 0 ? std::string() : fmt::format("({}) ", transition.number);
            ImGui::SetTooltip(
                "%s",
                fmt::format("{}{} \u2192 {}\n{}\n{}", number, table.states[transition.from].name,
                            table.states[transition.to].name,
                            sim::legend_text(transition.label, language), transition.section)
                    .c_str());
        }
    }

    if (state.edge && pulse.marker && state.last) {
        const ImVec2 at = paths[*state.edge].at(pulse.travel);
        draw->AddCircleFilled(at, font * 0.45f, theme::edge_last);
        draw->AddCircle(at, font * 0.45f, IM_COL32_WHITE, 0, 2.0f);
        const std::string said = sim::cause_text(*state.last, language);
        const std::string cause =
            state.last->number > 0 ? fmt::format("({}) {}", state.last->number, said) : said;
        draw_cause(draw, at, cause, 1.0f);
    }
    return drawn;
}

}  // namespace

void draw_state_diagram_panel(PanelContext& context, bool* open) {
    const PanelWindow window(context, Text::WindowStateDiagram, "state_diagram", open);
    if (!window.shown()) return;
    const sim::SessionTrace& trace = context.model.trace();
    const StateAtCursor state =
        context.model.states().at(trace, trace.empty() ? 0 : context.view.cursor);
    ViewState& view = context.view;
    if (state.transition_seq != view.animated_transition) {
        view.animated_transition = state.transition_seq;
        view.transition_age = 0;
    }
    const TransitionPulse pulse = transition_pulse(
        view.animate && state.transition_seq ? std::optional(view.transition_age) : std::nullopt);
    if (pulse.running) view.animating = true;

    const float font = ImGui::GetFontSize();
    const DiagramLayout& layout = diagram_layout(trace.protocol());
    std::string current = fmt::format(
        fmt::runtime(context.text(Text::CurrentState)),
        sim::state_label(state.last ? state.last->to : sim::StateId::connecting(trace.protocol()),
                         context.view.language));
    if (trace.protocol() == sim::Protocol::Imap) {
        current += fmt::format("  {}", context.text(state.imap4rev2 ? Text::FollowsImap4rev2
                                                                    : Text::FollowsImap4rev1));
    }
    ImGui::TextWrapped("%s", current.c_str());
    // The sentences about the last transition repeat what the diagram
    // highlights; a short panel leaves them out so the diagram keeps its size.
    const bool room_for_words = ImGui::GetContentRegionAvail().y > font * (layout.min_height + 5);
    if (room_for_words && state.last) {
        ImGui::PushStyleColor(ImGuiCol_Text, theme::edge_last);
        ImGui::TextWrapped(
            "%s", fmt::format(fmt::runtime(context.text(Text::LastTransition)), state.last->number,
                              sim::state_label(state.last->from, context.view.language),
                              sim::state_label(state.last->to, context.view.language))
                      .c_str());
        ImGui::PopStyleColor();
        ImGui::TextWrapped("%s", sim::cause_text(*state.last, context.view.language).c_str());
    } else if (room_for_words) {
        ImGui::TextDisabled("%s", context.text(Text::NoTransitionYet));
    }
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (avail.x > 50 && avail.y > 50) {
        // The layout is in fractions of the area but the boxes grow with the
        // font: below the layout's size (in font heights) they would overlap,
        // so a small panel draws the whole diagram with smaller text.
        const float fit = std::min({1.0f, avail.x / (font * (layout.min_width + self_loop_fonts)),
                                    avail.y / (font * layout.min_height)});
        ImGui::BeginChild("###diagram_area", avail, false,
                          ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
        ImGui::SetWindowFontScale(fit);
        const ImVec2 area{avail.x - ImGui::GetFontSize() * self_loop_fonts, avail.y - 1.0f};
        const ImVec2 origin = ImGui::GetCursorScreenPos();
        const ImRect drawn =
            draw_diagram(trace.protocol(), state, pulse, area, context.view.language);
        if (drawn.Min.x < origin.x - 0.5f || drawn.Min.y < origin.y - 0.5f ||
            drawn.Max.x > origin.x + avail.x + 0.5f || drawn.Max.y > origin.y + avail.y + 0.5f) {
            context.view.layout_problems.emplace_back("state_diagram: diagram cut");
        }
        view.diagram_scale = fit;
        ImGui::EndChild();
    }
}

}  // namespace mailscope::gui
