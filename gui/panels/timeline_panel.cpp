// Timeline: a cursor over the whole trace, with play/pause, stepping and speed.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "gui/panels/panels.hpp"
#include "gui/theme.hpp"
#include "gui/view_model/row_text.hpp"

namespace mailscope::gui {

namespace {

void draw_controls(PanelContext& context) {
    ViewState& view = context.view;
    const std::size_t count = context.model.trace().size();
    const std::uint64_t last = count == 0 ? 0 : count - 1;
    if (ImGui::Button("\u21E4")) set_cursor(view, 0, count);
    ImGui::SameLine();
    if (ImGui::Button("\u2190") && view.cursor > 0) set_cursor(view, view.cursor - 1, count);
    ImGui::SameLine();
    const std::string play = view.playing
                                 ? fmt::format("\u25AE\u25AE {}###play", context.text(Text::Pause))
                                 : fmt::format("\u25B6 {}###play", context.text(Text::Play));
    if (ImGui::Button(play.c_str())) {
        view.playing = !view.playing;
        if (view.playing && view.live) set_cursor(view, 0, count);
        if (view.playing) view.live = false;
    }
    ImGui::SameLine();
    if (ImGui::Button("\u2192")) set_cursor(view, view.cursor + 1, count);
    ImGui::SameLine();
    const std::string live = fmt::format("{} \u21E5###live", context.text(Text::Live));
    if (view.live) ImGui::BeginDisabled();
    if (ImGui::Button(live.c_str())) set_cursor(view, last, count);
    if (view.live) ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    ImGui::SliderFloat("###speed", &view.speed, 1.0f, 2000.0f,
                       fmt::format("%.0f {}", context.text(Text::Speed)).c_str(),
                       ImGuiSliderFlags_Logarithmic);
    ImGui::SameLine();
    ImGui::TextUnformatted(fmt::format(fmt::runtime(context.text(Text::EventOf)),
                                       count == 0 ? 0 : view.cursor + 1, count)
                               .c_str());
    if (count == 0) return;
    const sim::TraceEvent& event = context.model.trace().at(view.cursor);
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text,
                          theme::kind_color(context.model.index().kind(view.cursor)));
    ImGui::PushFont(context.mono());
    text_to_edge(row_text(event, context.view.language, 120));
    ImGui::PopFont();
    ImGui::PopStyleColor();
}

// The strip: one column per pixel. Each column takes the colour of the first
// event it covers; violations and transitions anywhere in a column are
// marked from prefix counts, so the cost is per pixel, not per event.
void draw_strip(PanelContext& context) {
    ViewState& view = context.view;
    const TraceIndex& index = context.model.index();
    const std::size_t count = index.size();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float width = std::max(ImGui::GetContentRegionAvail().x, 8.0f);
    const float height = ImGui::GetFontSize() * 1.6f;
    ImGui::InvisibleButton("###strip", {width, height});
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(origin, {origin.x + width, origin.y + height},
                        IM_COL32(235, 235, 240, 255));
    if (count == 0) return;
    const int columns = static_cast<int>(width);
    const double per_column = static_cast<double>(count) / columns;
    for (int x = 0; x < columns; ++x) {
        const auto first = static_cast<std::uint64_t>(x * per_column);
        const auto end = std::max<std::uint64_t>(
            first + 1, static_cast<std::uint64_t>(std::ceil((x + 1) * per_column)));
        if (first >= count) break;
        const float px = origin.x + static_cast<float>(x);
        ImU32 color = theme::kind_color(index.kind(first));
        float top = origin.y + height * 0.35f;
        if (index.transitions_in(first, end) > 0) {
            color = theme::kind_color(RowKind::Transition);
            top = origin.y;
        }
        if (index.violations_in(first, end) > 0) {
            color = theme::kind_color(RowKind::Violation);
            top = origin.y;
        }
        draw->AddLine({px + 0.5f, top}, {px + 0.5f, origin.y + height}, color);
    }
    const float cursor_x =
        origin.x + static_cast<float>((static_cast<double>(view.cursor) + 0.5) / count * width);
    draw->AddLine({cursor_x, origin.y - 2}, {cursor_x, origin.y + height + 2}, theme::cursor, 3.0f);

    if (ImGui::IsItemActive()) {
        const float fraction =
            std::clamp((ImGui::GetIO().MousePos.x - origin.x) / width, 0.0f, 1.0f);
        set_cursor(view,
                   static_cast<std::uint64_t>(fraction * static_cast<float>(count - 1) + 0.5f),
                   count);
        view.playing = false;
    }
}

}  // namespace

void draw_timeline_panel(PanelContext& context, bool* open) {
    const PanelWindow window(context, Text::WindowTimeline, "timeline", open);
    if (!window.shown()) return;
    draw_controls(context);
    draw_strip(context);
}

}  // namespace mailscope::gui
