#include "gui/view_model/panel_layout.hpp"

#include <algorithm>
#include <initializer_list>

namespace mailscope::gui {

namespace {

// Heights in font heights: what the timeline's buttons and bar need, and the
// strip an empty mailbox keeps (its title and one line saying it is empty).
constexpr float timeline_fonts = 5.8f;
constexpr float empty_strip_fonts = 3.6f;

bool is_open(const LayoutRequest& request, LayoutSlot slot) {
    return request.open[static_cast<std::size_t>(slot)];
}

float min_width(const LayoutRequest& request, std::initializer_list<LayoutSlot> slots) {
    float widest = 0;
    for (const LayoutSlot slot : slots) {
        if (is_open(request, slot))
            widest = std::max(widest, request.min_width[static_cast<std::size_t>(slot)]);
    }
    return widest;
}

void place(PanelLayout& layout, LayoutSlot slot, PanelRect rect) {
    layout.rects[static_cast<std::size_t>(slot)] = rect;
}

// Stacks the open panels of `slots` top to bottom in `column`, each taking
// its weight's share of the height.
void stack(PanelLayout& layout, const LayoutRequest& request, PanelRect column,
           std::initializer_list<std::pair<LayoutSlot, float>> slots) {
    float total = 0;
    for (const auto& [slot, weight] : slots) {
        if (is_open(request, slot)) total += weight;
    }
    if (total <= 0) return;
    float y = column.y;
    for (const auto& [slot, weight] : slots) {
        if (!is_open(request, slot)) continue;
        const float height = column.height * weight / total;
        place(layout, slot, {column.x, y, column.width, height});
        y += height;
    }
}

}  // namespace

PanelLayout tile_panels(const LayoutRequest& request) {
    PanelLayout layout;
    const float font = request.font;
    float top = request.y;
    if (is_open(request, LayoutSlot::Timeline)) {
        const float height = std::min(font * timeline_fonts, request.height * 0.24f);
        place(layout, LayoutSlot::Timeline, {request.x, top, request.width, height});
        top += height;
    }
    const float height = request.y + request.height - top;
    const bool left_open = is_open(request, LayoutSlot::StateDiagram) ||
                           is_open(request, LayoutSlot::Lesson) ||
                           is_open(request, LayoutSlot::Composer);
    const bool mailbox = is_open(request, LayoutSlot::Mailbox);
    const bool exchanges = is_open(request, LayoutSlot::Exchanges);
    layout.three_columns = mailbox && exchanges && !request.mailbox_empty &&
                           request.width >= font * three_column_min_fonts;

    float left = 0;
    if (left_open) {
        left = request.width * (layout.three_columns ? 0.31f : 0.40f);
        if (!mailbox && !exchanges) left = request.width;
        left = std::max(left, min_width(request, {LayoutSlot::StateDiagram, LayoutSlot::Lesson,
                                                  LayoutSlot::Composer}));
        left = std::min(left, request.width);
    }
    float right = 0;
    if (layout.three_columns) {
        right = std::max(request.width * 0.27f, min_width(request, {LayoutSlot::Mailbox}));
        right = std::min(right, request.width - left);
    }
    const float middle = request.width - left - right;

    const bool lesson_and_composer =
        is_open(request, LayoutSlot::Lesson) && is_open(request, LayoutSlot::Composer);
    stack(layout, request, {request.x, top, left, height},
          {{LayoutSlot::StateDiagram, lesson_and_composer ? 0.48f : 0.6f},
           {LayoutSlot::Lesson, lesson_and_composer ? 0.28f : 0.4f},
           {LayoutSlot::Composer, lesson_and_composer ? 0.24f : 0.4f}});

    const PanelRect middle_column{request.x + left, top, middle, height};
    if (layout.three_columns) {
        place(layout, LayoutSlot::Exchanges, middle_column);
        place(layout, LayoutSlot::Mailbox, {request.x + left + middle, top, right, height});
        return layout;
    }
    if (!mailbox) {
        if (exchanges) place(layout, LayoutSlot::Exchanges, middle_column);
        return layout;
    }
    if (!exchanges) {
        place(layout, LayoutSlot::Mailbox, middle_column);
        return layout;
    }
    const float mailbox_height = request.mailbox_empty
                                     ? std::min(font * empty_strip_fonts, height * 0.3f)
                                     : std::max(height * 0.36f, std::min(font * 8, height * 0.5f));
    place(layout, LayoutSlot::Exchanges, {middle_column.x, top, middle, height - mailbox_height});
    place(layout, LayoutSlot::Mailbox,
          {middle_column.x, top + height - mailbox_height, middle, mailbox_height});
    return layout;
}

}  // namespace mailscope::gui
