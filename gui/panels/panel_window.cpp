#include <fmt/format.h>

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

}  // namespace mailscope::gui
