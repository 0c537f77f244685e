// How the mailbox panel draws what the server's store holds and the client
// has not learned: greyed, so the client's own knowledge stands out.
#include "gui/panels/panels.hpp"

namespace mailscope::gui {

namespace {

// Below this much room left, in font heights, the legend line is left out.
constexpr float legend_room_fonts = 10;

}  // namespace

void truth_cell(const PanelContext& context, const std::string& value) {
    ImGui::TextDisabled("%s", value.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", context.text(Text::ServerKnows));
}

void truth_legend(const PanelContext& context) {
    // A short panel (a small window, the projector) keeps its rows for the
    // messages: each grey cell's tooltip already says what grey means.
    if (ImGui::GetContentRegionAvail().y < ImGui::GetFontSize() * legend_room_fonts) return;
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", context.text(Text::TruthLegend));
    ImGui::PopStyleColor();
}

}  // namespace mailscope::gui
