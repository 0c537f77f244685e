#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>

#include "gui/headless_frame.hpp"
#include "gui/state_layout.hpp"
#include "gui/view_model/panel_layout.hpp"
#include "tests/support/synthetic_trace.hpp"

using namespace mailscope;
using namespace mailscope::gui;

namespace {

LayoutRequest lesson_request(float width, float height, float font) {
    LayoutRequest request;
    request.y = 30;
    request.width = width;
    request.height = height - 30;
    request.font = font;
    request.open = {true, true, true, true, true, false};
    request.min_width.fill(font * 10);
    return request;
}

bool overlap(const PanelRect& a, const PanelRect& b) {
    const float eps = 0.01f;
    return a.x < b.right() - eps && b.x < a.right() - eps && a.y < b.bottom() - eps &&
           b.y < a.bottom() - eps;
}

// Every open panel gets a tile inside the area, no two tiles overlap, none is
// narrower than asked, and together they cover the whole area.
void check_tiling(const LayoutRequest& request, const PanelLayout& layout) {
    float covered = 0;
    for (std::size_t i = 0; i < layout_slot_count; ++i) {
        CAPTURE(i);
        REQUIRE(layout.rects[i].has_value() == request.open[i]);
        if (!layout.rects[i]) continue;
        const PanelRect& rect = *layout.rects[i];
        CHECK(rect.x >= request.x - 0.01f);
        CHECK(rect.y >= request.y - 0.01f);
        CHECK(rect.right() <= request.x + request.width + 0.01f);
        CHECK(rect.bottom() <= request.y + request.height + 0.01f);
        CHECK(rect.width >= request.min_width[i] - 0.01f);
        covered += rect.width * rect.height;
        for (std::size_t j = i + 1; j < layout_slot_count; ++j) {
            if (layout.rects[j]) CHECK_FALSE(overlap(rect, *layout.rects[j]));
        }
    }
    CHECK(covered == doctest::Approx(request.width * request.height).epsilon(0.001));
}

}  // namespace

TEST_CASE("the panels tile the window at every size, in three columns or two") {
    struct Size {
        float width, height, font;
        bool three_columns;
    };
    for (const Size size :
         {Size{1280, 720, 17, true}, Size{1280, 720, 26, false}, Size{1920, 1080, 17, true},
          Size{1920, 1080, 26, true}, Size{3840, 2160, 52, true}, Size{1024, 600, 17, false}}) {
        CAPTURE(size.width);
        CAPTURE(size.font);
        const LayoutRequest request = lesson_request(size.width, size.height, size.font);
        const PanelLayout layout = tile_panels(request);
        CHECK(layout.three_columns == size.three_columns);
        check_tiling(request, layout);
        // The timeline spans the top; the diagram sits above the lesson.
        CHECK(rect_of(layout, LayoutSlot::Timeline)->width == size.width);
        CHECK(rect_of(layout, LayoutSlot::StateDiagram)->bottom() ==
              doctest::Approx(rect_of(layout, LayoutSlot::Lesson)->y));
    }
}

TEST_CASE("an empty mailbox yields its room to the exchanges, and closed panels theirs") {
    LayoutRequest request = lesson_request(1920, 1080, 17);
    const PanelLayout full = tile_panels(request);
    request.mailbox_empty = true;
    const PanelLayout empty = tile_panels(request);
    check_tiling(request, empty);
    CHECK_FALSE(empty.three_columns);
    CHECK(rect_of(empty, LayoutSlot::Exchanges)->width >
          rect_of(full, LayoutSlot::Exchanges)->width);
    CHECK(rect_of(empty, LayoutSlot::Mailbox)->height <= 17 * 4);

    // The projector's panels: no timeline, no composer.
    request.mailbox_empty = false;
    request.open = {false, true, true, true, true, false};
    const PanelLayout projector = tile_panels(request);
    check_tiling(request, projector);
    CHECK(rect_of(projector, LayoutSlot::StateDiagram)->y == request.y);

    // Free play: the composer takes the lesson's place; both open share the column.
    request.open = {true, true, true, true, false, true};
    check_tiling(request, tile_panels(request));
    request.open = {true, true, true, true, true, true};
    check_tiling(request, tile_panels(request));
    // A column is widened for a title that would not fit.
    request.min_width[static_cast<std::size_t>(LayoutSlot::Mailbox)] = 900;
    const PanelLayout wide = tile_panels(request);
    check_tiling(request, wide);
    CHECK(rect_of(wide, LayoutSlot::Mailbox)->width >= 900);
}

TEST_CASE("an edge shifted off the centres ends on the box it points at") {
    // A box at (10, 10) with half extents (2, 1); an edge coming from the left,
    // shifted 0.5 below the centre line.
    const auto entry = box_entry({0, 10.5f}, {10, 10.5f}, {10, 10}, {2, 1});
    REQUIRE(entry);
    CHECK(entry->x == doctest::Approx(8));
    CHECK(entry->y == doctest::Approx(10.5f));
    // Shifted past the box: no entry, the caller falls back to the centre.
    CHECK_FALSE(box_entry({0, 13}, {10, 13}, {10, 10}, {2, 1}));
}

TEST_CASE("nothing is cut at laptop, full HD and 4K sizes, in normal and large text") {
    const auto trace = test::make_synthetic_trace(400);
    struct Size {
        int width, height;
    };
    for (const Size size : {Size{1280, 720}, Size{1920, 1080}, Size{3840, 2160}}) {
        HeadlessGui gui(size.width, size.height);
        for (const Language language : {Language::Ru, Language::En}) {
            for (const bool large : {false, true}) {
                for (const bool projector : {false, true}) {
                    CAPTURE(size.width);
                    CAPTURE(static_cast<int>(language));
                    CAPTURE(large);
                    CAPTURE(projector);
                    GuiModel model(trace);
                    model.lesson.title = "SELECT и EXAMINE: каждая строка ответа на SELECT";
                    model.lesson.narration = "Текст шага";
                    model.lesson.step_count = 5;
                    model.lesson.step_index = 2;
                    model.lesson.clients = {"A", "B"};
                    ViewState view;
                    view.language = language;
                    view.large_text = large;
                    if (projector) set_projector(view, true);
                    for (int frame = 0; frame < 4; ++frame)
                        gui.frame(model, view);
                    CHECK(view.layout_problems.empty());
                    for (const std::string& problem : view.layout_problems)
                        MESSAGE(problem);
                    CHECK(view.diagram_scale > 0.3f);
                    CHECK(view.open.timeline == !projector);
                    for (const auto& rect : view.layout.rects) {
                        if (!rect) continue;
                        CHECK(rect->right() <= static_cast<float>(size.width) + 0.5f);
                        CHECK(rect->bottom() <= static_cast<float>(size.height) + 0.5f);
                    }
                }
            }
        }
    }
}

TEST_CASE("panels are laid again when the window changes size, and only then") {
    const auto trace = test::make_synthetic_trace(50);
    HeadlessGui gui(1600, 1000);
    GuiModel model(trace);
    ViewState view;
    gui.frame(model, view);
    REQUIRE(view.tiled_for);
    const LayoutRequest first = *view.tiled_for;
    gui.frame(model, view);
    CHECK(*view.tiled_for == first);
    view.large_text = true;
    gui.frame(model, view);
    CHECK_FALSE(*view.tiled_for == first);
    CHECK(view.tiled_for->font > first.font);
}

TEST_CASE("a window too small for the panels is reported as cut") {
    // The check that guards the sizes above: in a window a quarter of a
    // laptop's, titles and rows of buttons cannot fit, and the frame says so.
    const auto trace = test::make_synthetic_trace(50);
    HeadlessGui gui(420, 300);
    GuiModel model(trace);
    model.lesson.title = "Урок";
    model.lesson.step_count = 3;
    ViewState view;
    view.large_text = true;
    for (int frame = 0; frame < 4; ++frame)
        gui.frame(model, view);
    CHECK_FALSE(view.layout_problems.empty());
}
