#include "gui/app_window.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <fmt/format.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "gui/export.hpp"
#include "gui/screen_summary.hpp"
#include "gui/screenshot.hpp"
#include "gui/window_export.hpp"

namespace mailscope::gui {

namespace {

void report_glfw_error(int code, const char* description) {
    std::fprintf(stderr, "mailscope: window system error %d: %s\n", code, description);
}

// Owns GLFW and the window for the length of run_gui, so every exit path
// releases them.
class Window {
  public:
    Window() = default;
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;
    ~Window() {
        if (m_window) glfwDestroyWindow(m_window);
        if (m_glfw) glfwTerminate();
    }

    int open(const GuiOptions& options) {
        glfwSetErrorCallback(report_glfw_error);
        if (!glfwInit()) {
            std::fprintf(stderr, "mailscope: no display could be opened; use the text mode.\n");
            return gui_no_display;
        }
        m_glfw = true;
        // GL 3.0 and GLSL 130: what Mesa's software renderer offers under Xvfb.
        glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
        glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
        if (!options.screenshot_path.empty()) glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);
        // Only the sequence diagram, drawn offscreen: no window to show.
        if (options.screenshot_path.empty() && !options.sequence_png_path.empty()) {
            glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
        }
        m_window = glfwCreateWindow(options.width, options.height, "mailscope", nullptr, nullptr);
        if (!m_window) {
            std::fprintf(stderr, "mailscope: the display offers no OpenGL 3.0 window.\n");
            return gui_no_opengl;
        }
        glfwMakeContextCurrent(m_window);
        glfwSwapInterval(options.screenshot_path.empty() ? 1 : 0);
        return gui_ok;
    }

    GLFWwindow* get() const { return m_window; }

  private:
    bool m_glfw = false;
    GLFWwindow* m_window = nullptr;
};

class ImGuiSession {
  public:
    ImGuiSession(GLFWwindow* window, const char* ini_path) {
        IMGUI_CHECKVERSION();
        ImGui::CreateContext();
        ImGui::GetIO().IniFilename = ini_path;
        ImGui_ImplGlfw_InitForOpenGL(window, true);
        ImGui_ImplOpenGL3_Init("#version 130");
    }
    ImGuiSession(const ImGuiSession&) = delete;
    ImGuiSession& operator=(const ImGuiSession&) = delete;
    ~ImGuiSession() {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
    }
};

}  // namespace

std::string default_layout_file() {
    std::filesystem::path base;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
        base = xdg;
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        base = std::filesystem::path(home) / ".config";
    } else {
        return {};
    }
    std::error_code error;
    std::filesystem::create_directories(base / "mailscope", error);
    if (error) return {};
    return (base / "mailscope" / "imgui.ini").string();
}

int run_gui(const GuiOptions& options) {
    if (!options.trace || options.width <= 0 || options.height <= 0) {
        std::fprintf(stderr, "mailscope: the GUI needs a session trace and a positive size.\n");
        return gui_bad_options;
    }
    Window window;
    if (const int status = window.open(options); status != gui_ok) return status;
    const bool screenshot = !options.screenshot_path.empty();
    // ImGui keeps the pointer: the string lives in `options` until run_gui returns.
    const char* ini = screenshot || options.ini_path.empty() ? nullptr : options.ini_path.c_str();
    ImGuiSession imgui(window.get(), ini);

    float scale_x = 1.0f;
    float scale_y = 1.0f;
    glfwGetWindowContentScale(window.get(), &scale_x, &scale_y);
    const float dpi_scale = std::clamp(std::max(scale_x, scale_y), 1.0f, 4.0f);
    const FontSet fonts = load_fonts(*ImGui::GetIO().Fonts, dpi_scale, options.font_directory);
    if (!fonts.from_files) {
        std::fprintf(stderr, "mailscope: DejaVu fonts not found in %s; using the built-in font.\n",
                     options.font_directory.c_str());
    }

    GuiModel model(*options.trace);
    model.lesson = options.lesson;
    ViewState view;
    view.language = options.language;
    view.large_text = options.large_text;
    view.class_table_open = options.class_table;
    if (options.projector) set_projector(view, true);
    view.dpi_scale = dpi_scale;
    view.animate = !screenshot;
    if (options.cursor) {
        model.sync();
        set_cursor(view, *options.cursor, options.trace->size());
    }

    if (!options.sequence_png_path.empty()) {
        // The renderer makes the font texture the diagram's text needs.
        ImGui_ImplOpenGL3_NewFrame();
        const std::uint64_t through = options.cursor.value_or(~0ull);
        const std::string error =
            save_sequence_png(*options.trace, through, options.language, options.sequence_title,
                              fonts, options.sequence_png_path);
        if (!error.empty()) {
            std::fprintf(stderr, "mailscope: %s\n", error.c_str());
            return gui_screenshot_failed;
        }
        if (!screenshot) return gui_ok;
    }

    // A screenshot waits for the session to settle, one frame per refresh
    // meanwhile, then counts its warm-up frames.
    const auto settle_deadline = std::chrono::steady_clock::now() + options.settle_timeout;
    bool settling = screenshot && options.settled && !options.settled();
    int warm_frames = 0;
    while (!glfwWindowShouldClose(window.get())) {
        if (settling) {
            glfwWaitEventsTimeout(1.0 / 60);
        } else if (screenshot) {
            glfwPollEvents();
        } else {
            // Sleep until input arrives, but wake for playback and for
            // events another thread announces with glfwPostEmptyEvent().
            glfwWaitEventsTimeout(view.playing || view.animating ? 1.0 / 60 : 0.25);
        }
        if (options.on_frame) options.on_frame(model, view);
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        // The pointer of a virtual screen sits in its middle: keep it out of
        // screenshots so no tooltip or hover makes two runs differ.
        if (screenshot) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        ImGui::NewFrame();
        const FrameIntents intents = draw_frame(model, view, fonts);
        ImGui::Render();
        int width = 0;
        int height = 0;
        glfwGetFramebufferSize(window.get(), &width, &height);
        glViewport(0, 0, width, height);
        glClearColor(0.90f, 0.90f, 0.92f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        if (intents.export_kind != ExportKind::None) {
            export_view(intents.export_kind, options.export_directory, model, view, fonts);
        }
        if (options.on_intents) options.on_intents(intents, model, view);
        if (intents.quit) glfwSetWindowShouldClose(window.get(), GLFW_TRUE);
        if (settling) {
            settling = !options.settled() && std::chrono::steady_clock::now() < settle_deadline;
        } else if (screenshot && ++warm_frames >= std::max(options.warmup_frames, 2)) {
            std::string error = save_framebuffer_png(options.screenshot_path, width, height);
            if (error.empty() && !options.screen_json_path.empty()) {
                error = write_file(options.screen_json_path,
                                   screen_summary_json(summarize_screen(model, view)));
            }
            if (!error.empty()) {
                std::fprintf(stderr, "mailscope: %s\n", error.c_str());
                return gui_screenshot_failed;
            }
            return gui_ok;
        }
        glfwSwapBuffers(window.get());
    }
    return gui_ok;
}

}  // namespace mailscope::gui
