// How the mailbox panel draws what the server's store holds and the client
// has not learned: greyed, so the client's own knowledge stands out.
#include "gui/panels/panels.hpp"

namespace mailscope::gui {

void truth_cell(const PanelContext& context, const std::string& value) {
    ImGui::TextDisabled("%s", value.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", context.text(Text::ServerKnows));
}

void truth_legend(const PanelContext& context) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", context.text(Text::TruthLegend));
    ImGui::PopStyleColor();
}

}  // namespace mailscope::gui
