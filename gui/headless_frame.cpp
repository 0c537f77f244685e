#include "gui/headless_frame.hpp"

#include <imgui.h>

#include <ctime>

namespace mailscope::gui {

namespace {

double cpu_ms() {
    return static_cast<double>(std::clock()) * 1000.0 / CLOCKS_PER_SEC;
}

}  // namespace

HeadlessGui::HeadlessGui(int width, int height, const std::string& font_directory) {
    m_context = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
    m_fonts = load_fonts(*io.Fonts, 1.0f, font_directory);
    unsigned char* pixels = nullptr;
    int atlas_width = 0;
    int atlas_height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &atlas_width, &atlas_height);
}

HeadlessGui::~HeadlessGui() {
    ImGui::DestroyContext(m_context);
}

FrameIntents HeadlessGui::frame(GuiModel& model, ViewState& view, float dt) {
    ImGui::SetCurrentContext(m_context);
    ImGui::GetIO().DeltaTime = dt;
    ImGui::NewFrame();
    const FrameIntents intents = draw_frame(model, view, m_fonts);
    ImGui::Render();
    return intents;
}

int HeadlessGui::last_vertex_count() const {
    const ImDrawData* data = ImGui::GetDrawData();
    return data ? data->TotalVtxCount : 0;
}

FrameTiming measure_frame_build(const sim::SessionTrace& trace, int frames, int width, int height) {
    FrameTiming timing;
    timing.events = trace.size();
    HeadlessGui gui(width, height);
    GuiModel model(trace);
    ViewState view;

    double start = cpu_ms();
    model.sync();
    timing.index_build_ms = cpu_ms() - start;
    // Two frames first so windows exist and fonts are laid out.
    gui.frame(model, view);
    gui.frame(model, view);

    start = cpu_ms();
    for (int i = 0; i < frames; ++i)
        gui.frame(model, view);
    timing.live_frame_ms = (cpu_ms() - start) / frames;

    std::uint64_t jump = 0x9E3779B97F4A7C15ull;
    start = cpu_ms();
    for (int i = 0; i < frames; ++i) {
        jump = jump * 6364136223846793005ull + 1442695040888963407ull;
        if (!trace.empty()) set_cursor(view, (jump >> 11) % trace.size(), trace.size());
        gui.frame(model, view);
    }
    timing.scrub_frame_ms = (cpu_ms() - start) / frames;
    return timing;
}

}  // namespace mailscope::gui
