// One colour per event kind, and the window style. Light background and
// saturated, dark colours: a projector washes out dark themes and pastels.
#pragma once

#include <imgui.h>

#include "gui/i18n.hpp"
#include "gui/view_model/event_class.hpp"

namespace mailscope::gui::theme {

ImU32 kind_color(RowKind kind);
// A pale version of kind_color for row backgrounds.
ImU32 kind_background(RowKind kind);
// The kind's name as the protocol calls it (POP3 "+OK", SMTP "2xx"...).
Text kind_label(RowKind kind, sim::Protocol protocol = sim::Protocol::Imap);
// Whether the protocol's sessions have rows of this kind (the legend lists those).
bool kind_used(RowKind kind, sim::Protocol protocol);

inline constexpr ImU32 text = IM_COL32(20, 20, 28, 255);
inline constexpr ImU32 muted = IM_COL32(110, 110, 120, 255);
inline constexpr ImU32 lane = IM_COL32(90, 90, 100, 255);
inline constexpr ImU32 cursor = IM_COL32(230, 120, 0, 255);
inline constexpr ImU32 link_highlight = IM_COL32(255, 200, 40, 110);
inline constexpr ImU32 changed_row = IM_COL32(255, 214, 90, 140);
inline constexpr ImU32 found_row = IM_COL32(120, 190, 255, 90);   // named by the last ESEARCH
inline constexpr ImU32 chosen_lane = IM_COL32(30, 110, 200, 22);  // the client the panels show
inline constexpr ImU32 node_fill = IM_COL32(245, 245, 250, 255);
inline constexpr ImU32 node_current = IM_COL32(30, 110, 200, 255);
inline constexpr ImU32 node_outline = IM_COL32(60, 60, 70, 255);
inline constexpr ImU32 edge = IM_COL32(120, 120, 130, 255);
inline constexpr ImU32 edge_last = IM_COL32(220, 90, 0, 255);
inline constexpr ImU32 edge_faint = IM_COL32(175, 175, 185, 255);

// Light style, rounded a little, scaled by `scale` (HiDPI times the large
// text factor). `high_contrast` (the projector preset): black text on white,
// darker secondary text, bolder borders and title bars, which a projector in
// a lit room does not wash out.
void apply_style(float scale, bool high_contrast = false);

}  // namespace mailscope::gui::theme
