#include <fmt/format.h>
#include <imgui_internal.h>

#include <algorithm>
#include <string>

#include "gui/panels/panels.hpp"

namespace mailscope::gui {

PanelWindow::PanelWindow(const PanelContext& context, Text title, std::string_view id, bool* open) {
    const std::string label = fmt::format("{}###{}", context.text(title), id);
    m_shown = ImGui::Begin(label.c_str(), open);
}

PanelWindow::~PanelWindow() {
    ImGui::End();
}

void same_line_if_room(float width) {
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <= right)
        ImGui::SameLine();
}

float button_width(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
}

void note_control(PanelContext& context, const char* name) {
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    context.view.controls.emplace_back(name, PanelRect{min.x, min.y, max.x - min.x, max.y - min.y});
}

void text_to_edge(std::string_view text) {
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    const ImVec2 size = ImGui::CalcTextSize(begin, end);
    const float room = std::max(ImGui::GetContentRegionAvail().x, 0.0f);
    const ImVec2 min = ImGui::GetCursorScreenPos();
    ImGui::Dummy({std::min(size.x, room), size.y});
    const float right = min.x + room;
    ImGui::RenderTextEllipsis(ImGui::GetWindowDrawList(), min, {right, min.y + size.y}, right,
                              right, begin, end, &size);
}

}  // namespace mailscope::gui
