// Building GUI frames without a window (ImGui's "null" backend): the context,
// a display size and a built font atlas, but no OpenGL. Used by the smoke
// tests and by the frame-build benchmark.
#pragma once

#include <cstddef>
#include <string>

#include "gui/fonts.hpp"
#include "gui/frame.hpp"

namespace mailscope::gui {

class HeadlessGui {
  public:
    HeadlessGui(int width, int height, const std::string& font_directory = default_font_directory);
    ~HeadlessGui();
    HeadlessGui(const HeadlessGui&) = delete;
    HeadlessGui& operator=(const HeadlessGui&) = delete;

    // NewFrame, draw_frame, Render. `dt` is the simulated frame time in seconds.
    FrameIntents frame(GuiModel& model, ViewState& view, float dt = 1.0f / 60);

    // Vertices of the last rendered frame: a cheap check that panels drew something.
    int last_vertex_count() const;
    const FontSet& fonts() const { return m_fonts; }

  private:
    struct ImGuiContext* m_context = nullptr;
    FontSet m_fonts;
};

struct FrameTiming {
    std::size_t events = 0;
    double index_build_ms = 0;  // first sync of the model over the whole trace
    double live_frame_ms = 0;   // mean CPU time per frame, cursor on the newest event
    double scrub_frame_ms = 0;  // mean CPU time per frame, cursor jumping across the trace
};

// Builds `frames` frames in each mode over `trace` and reports CPU times.
FrameTiming measure_frame_build(const sim::SessionTrace& trace, int frames, int width = 1600,
                                int height = 1000);

}  // namespace mailscope::gui
