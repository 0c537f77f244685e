// The GUI window: GLFW + OpenGL 3 + Dear ImGui, one loop of immediate-mode
// panels over a GuiModel.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "gui/fonts.hpp"
#include "gui/frame.hpp"
#include "gui/i18n.hpp"
#include "gui/sequence_figure.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::gui {

// run_gui results. The caller falls back to text mode on no_display.
inline constexpr int gui_ok = 0;
inline constexpr int gui_no_display = 2;  // GLFW could not start: no X server / Wayland
inline constexpr int gui_no_opengl = 3;   // a display, but no OpenGL 3.0 context
inline constexpr int gui_screenshot_failed = 4;
inline constexpr int gui_bad_options = 5;

struct GuiOptions {
    int width = 1600;
    int height = 1000;
    Language language = Language::Ru;
    bool large_text = false;   // bigger fonts and widgets
    bool projector = false;    // the projector preset (set_projector)
    bool class_table = false;  // the lab's class table window open

    // Non-empty: draw `warmup_frames` frames, save the window as a PNG here and return.
    std::string screenshot_path;
    // With a screenshot: what that frame shows (screen_summary.hpp), as JSON, here.
    std::string screen_json_path;
    // Non-empty: before the first frame, save the sequence diagram of
    // `trace` through `cursor` as a PNG here; return unless a screenshot is asked for too.
    std::string sequence_png_path;
    std::string sequence_title;
    int warmup_frames = 8;
    // With a screenshot: frames are drawn at the display's pace, and the
    // warm-up frames counted, only once this holds (a live session logged
    // in or failed), or after `settle_timeout`.
    std::function<bool()> settled;
    std::chrono::milliseconds settle_timeout{5000};

    std::string font_directory = default_font_directory;

    // Where ImGui keeps the window layout between runs; empty: nowhere.
    // Ignored while taking a screenshot, so screenshots never depend on it.
    std::string ini_path;
    // Where File menu exports are written.
    std::string export_directory = ".";

    // The session shown; must outlive run_gui. The caller may append to it
    // from `on_frame` (the UI thread): the views follow.
    const sim::SessionTrace* trace = nullptr;
    LessonView lesson;
    // Where the cursor starts; the newest event when absent.
    std::optional<std::uint64_t> cursor;

    // Called at the start of every frame, before the model syncs: drain
    // queues, step a lesson, update model.lesson.
    std::function<void(GuiModel&, ViewState&)> on_frame;
    // Called after every frame with what the learner asked for.
    std::function<void(const FrameIntents&, GuiModel&, ViewState&)> on_intents;
};

// $XDG_CONFIG_HOME/mailscope/imgui.ini, else ~/.config/mailscope/imgui.ini,
// its folder made; empty when neither can be made.
std::string default_layout_file();

// Returns gui_ok when the window was closed (or the screenshot saved), or one
// of the error codes above; the reason is printed on stderr.
int run_gui(const GuiOptions& options);

}  // namespace mailscope::gui
