// Where each panel goes in the window: tiles that fill the area below the
// menu bar at any size from a laptop to a 4K projector, in font heights so
// large text gets the same arrangement with fewer, bigger words. A wide
// window gets three columns (diagram and lesson, exchanges, mailbox); a
// narrow one two (diagram and lesson, exchanges over mailbox). A panel with
// nothing to show yet (the mailbox before any SELECT) shrinks to a strip and
// gives its room to the exchanges.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace mailscope::gui {

// In the order frame.cpp walks its panels.
enum class LayoutSlot : std::uint8_t {
    Timeline,
    StateDiagram,
    Exchanges,
    Mailbox,
    Lesson,
    Composer
};
inline constexpr std::size_t layout_slot_count = 6;

struct PanelRect {
    float x = 0;
    float y = 0;
    float width = 0;
    float height = 0;

    float right() const { return x + width; }
    float bottom() const { return y + height; }
};

struct LayoutRequest {
    float x = 0;  // the work area: the window below the menu bar
    float y = 0;
    float width = 0;
    float height = 0;
    float font = 17;  // the text height, in pixels
    std::array<bool, layout_slot_count> open{};
    // The narrowest each panel may be (its title, its table's headers), in pixels.
    std::array<float, layout_slot_count> min_width{};
    bool mailbox_empty = false;

    bool operator==(const LayoutRequest&) const = default;
};

struct PanelLayout {
    std::array<std::optional<PanelRect>, layout_slot_count> rects;  // closed panels: none
    bool three_columns = false;
};

// Below this width, in font heights, the mailbox moves under the exchanges.
inline constexpr float three_column_min_fonts = 64;

PanelLayout tile_panels(const LayoutRequest& request);

// The slot's rectangle, if the panel is open.
inline const std::optional<PanelRect>& rect_of(const PanelLayout& layout, LayoutSlot slot) {
    return layout.rects[static_cast<std::size_t>(slot)];
}

}  // namespace mailscope::gui
