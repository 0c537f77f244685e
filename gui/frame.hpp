// One frame of the GUI over a model: the menu bar and every open panel.
// Used by the window loop and by the headless benchmark alike, so both
// measure and show the same thing.
#pragma once

#include "gui/panels/panels.hpp"

namespace mailscope::gui {

// Call between ImGui::NewFrame() and ImGui::Render(). Syncs the model first.
FrameIntents draw_frame(GuiModel& model, ViewState& view, const FontSet& fonts);

}  // namespace mailscope::gui
