// The lesson player in the browser: the window of `mailscope gui` over the
// page's canvas, drawn from the browser's frame loop. index.html starts it
// with the arguments of its address (--lesson ID --lang ru|en --step N);
// without a lesson it only answers the page's questions (the lesson list).
// The layout and the language are kept in the browser's storage, File menu
// exports become downloads, and a lesson file the page reads from disk is
// opened with the loader's own errors. The page calls the functions marked
// EMSCRIPTEN_KEEPALIVE below.
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gui/app_controller.hpp"
#include "gui/screen_summary.hpp"
#include "gui/window_export.hpp"
#include "lessons/lesson_catalog.hpp"

namespace {

using namespace mailscope;

constexpr const char* layout_key = "mailscope.layout";
constexpr const char* language_key = "mailscope.lang";
// Where exports are written before the page hands them to the browser.
constexpr const char* export_directory = "/exports";
// ImGui asserts on a frame of no time; the browser may run two frames on
// one timestamp.
constexpr float shortest_frame_seconds = 1.0f / 1000;
// With nothing moving, a frame is drawn after input or every quarter of a
// second, as the native window waits for events: a lesson left open costs
// a laptop's battery nothing. ImGui shows what an input did (a menu opened,
// a hover) a frame or two after it.
constexpr double idle_frame_seconds = 0.25;
constexpr int frames_after_input = 3;

// clang-format off
EM_JS(void, store_setting, (const char* key, const char* value), {
    try { localStorage.setItem(UTF8ToString(key), UTF8ToString(value)); } catch (e) {}
});

// A copy the caller frees, or null when nothing is stored.
EM_JS(char*, stored_setting, (const char* key), {
    let value = null;
    try { value = localStorage.getItem(UTF8ToString(key)); } catch (e) {}
    if (value === null) return 0;
    const size = lengthBytesUTF8(value) + 1;
    const copy = _malloc(size);
    stringToUTF8(value, copy, size);
    return copy;
});

EM_JS(void, offer_download, (const char* path), {
    const file = UTF8ToString(path);
    const bytes = FS.readFile(file);
    FS.unlink(file);
    const url = URL.createObjectURL(new Blob([bytes]));
    const link = document.createElement("a");
    link.href = url;
    link.download = file.substring(file.lastIndexOf("/") + 1);
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
});

// Sizes the canvas's pixels (and GLFW's window with them) without GLFW's
// own glfwSetWindowSize, which goes full screen when the size equals the
// screen's.
EM_JS(void, set_canvas_pixels, (int width, int height), {
    Browser.setCanvasSize(width, height);
});

EM_JS(void, tell_page, (const char* what, const char* detail), {
    if (Module.onPlayer) Module.onPlayer(UTF8ToString(what), UTF8ToString(detail));
});
// clang-format on

std::optional<std::string> stored(const char* key) {
    char* value = stored_setting(key);
    if (!value) return std::nullopt;
    std::string copy(value);
    std::free(value);
    return copy;
}

// The canvas's size in CSS pixels, as the page's style lays it out.
std::pair<double, double> canvas_css_size() {
    double width = 0;
    double height = 0;
    emscripten_get_element_css_size("#canvas", &width, &height);
    return {std::max(width, 320.0), std::max(height, 240.0)};
}

// Everything the frame loop needs lives here, on the heap: the browser calls
// frame() long after main() has returned.
struct Player {
    GLFWwindow* window = nullptr;
    float pixel_ratio = 1;
    std::unique_ptr<gui::AppController> app;
    gui::FontSet fonts;
    std::unique_ptr<gui::GuiModel> model;
    gui::ViewState view;
    gui::Language stored_language = gui::Language::En;
    int width = 0;
    int height = 0;
    bool first_frame_told = false;
    int frames_owed = frames_after_input;
    double last_drawn = 0;  // seconds
    // What the last frame drew, taken before apply() may rebind the model
    // to a trace no frame has drawn yet: what the page reads between frames.
    gui::ScreenSummary drawn;
};

Player* player = nullptr;

void wake() {
    if (player) player->frames_owed = frames_after_input;
}

// Installed before ImGui's own handlers, which call them in turn.
void wake_on_input(GLFWwindow* window) {
    glfwSetCursorPosCallback(window, [](GLFWwindow*, double, double) { wake(); });
    glfwSetCursorEnterCallback(window, [](GLFWwindow*, int) { wake(); });
    glfwSetMouseButtonCallback(window, [](GLFWwindow*, int, int, int) { wake(); });
    glfwSetScrollCallback(window, [](GLFWwindow*, double, double) { wake(); });
    glfwSetKeyCallback(window, [](GLFWwindow*, int, int, int, int) { wake(); });
    glfwSetCharCallback(window, [](GLFWwindow*, unsigned int) { wake(); });
}

// Keeps the canvas's pixels at its CSS size times the device pixel ratio,
// so the window follows the browser's and stays sharp. True when it changed.
bool fit_canvas(Player& p) {
    const auto [css_width, css_height] = canvas_css_size();
    const int width = static_cast<int>(std::lround(css_width * p.pixel_ratio));
    const int height = static_cast<int>(std::lround(css_height * p.pixel_ratio));
    if (width == p.width && height == p.height) return false;
    p.width = width;
    p.height = height;
    set_canvas_pixels(width, height);
    return true;
}

void keep_settings(Player& p) {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantSaveIniSettings) {
        store_setting(layout_key, ImGui::SaveIniSettingsToMemory());
        io.WantSaveIniSettings = false;
    }
    if (p.view.language != p.stored_language) {
        p.stored_language = p.view.language;
        store_setting(language_key, std::string(sim::language_name(p.view.language)).c_str());
    }
}

void frame(void* arg) {
    Player& p = *static_cast<Player*>(arg);
    const double now = emscripten_get_now() / 1000;
    const bool resized = fit_canvas(p);
    const bool moving = p.view.playing || p.view.animating || p.model->lesson.playing;
    if (!resized && !moving && p.frames_owed == 0 && now - p.last_drawn < idle_frame_seconds) {
        return;
    }
    p.frames_owed = std::max(p.frames_owed - 1, 0);
    p.last_drawn = now;
    p.app->begin_frame(*p.model, p.view, ImGui::GetIO().DeltaTime);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    io.DeltaTime = std::max(io.DeltaTime, shortest_frame_seconds);
    ImGui::NewFrame();
    const gui::FrameIntents intents = gui::draw_frame(*p.model, p.view, p.fonts);
    ImGui::Render();
    int width = 0;
    int height = 0;
    glfwGetFramebufferSize(p.window, &width, &height);
    glViewport(0, 0, width, height);
    glClearColor(0.90f, 0.90f, 0.92f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    p.drawn = gui::summarize_screen(*p.model, p.view);
    if (intents.export_kind != gui::ExportKind::None) {
        const std::string file =
            gui::export_view(intents.export_kind, export_directory, *p.model, p.view, p.fonts);
        if (!file.empty()) {
            offer_download(file.c_str());
            p.view.status =
                fmt::format(fmt::runtime(gui::tr(p.view.language, gui::Text::Downloaded)),
                            std::filesystem::path(file).filename().string());
        }
    }
    p.app->apply(intents, *p.model, p.view);
    keep_settings(p);
    if (!p.first_frame_told) {
        p.first_frame_told = true;
        tell_page("first-frame", "");
    }
}

// A controller for `options`, or the sentence saying why there is none.
std::variant<std::unique_ptr<gui::AppController>, std::string> make_app(
    const gui::AppOptions& options) {
    auto made = gui::AppController::create(options);
    if (auto* error = std::get_if<std::string>(&made)) return *error;
    auto app = std::move(std::get<std::unique_ptr<gui::AppController>>(made));
    if (auto error = app->start_sessions({})) return *error;
    return app;
}

// Opens the window over the canvas and starts the frame loop. Gives the
// sentence saying why it could not.
std::optional<std::string> start_player(const gui::AppOptions& asked) {
    auto p = std::make_unique<Player>();
    p->pixel_ratio =
        std::clamp(static_cast<float>(emscripten_get_device_pixel_ratio()), 1.0f, 4.0f);
    const auto [css_width, css_height] = canvas_css_size();
    p->width = static_cast<int>(std::lround(css_width * p->pixel_ratio));
    p->height = static_cast<int>(std::lround(css_height * p->pixel_ratio));
    // Should it fail, each export says so in the status line.
    std::error_code ignored;
    std::filesystem::create_directories(export_directory, ignored);
    gui::AppOptions options = asked;
    options.size = fmt::format("{}x{}", p->width, p->height);
    auto made = make_app(options);
    if (auto* error = std::get_if<std::string>(&made)) return *error;
    p->app = std::move(std::get<std::unique_ptr<gui::AppController>>(made));

    const std::string no_webgl = gui::tr(
        sim::language_from_name(options.lang).value_or(gui::Language::En), gui::Text::NoWebGl);
    if (!glfwInit()) return no_webgl;
    // WebGL 2 is OpenGL ES 3.0.
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    p->window = glfwCreateWindow(p->width, p->height, "mailscope", nullptr, nullptr);
    if (!p->window) return no_webgl;
    glfwMakeContextCurrent(p->window);
    set_canvas_pixels(p->width, p->height);
    wake_on_input(p->window);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    if (const auto layout = stored(layout_key)) {
        ImGui::LoadIniSettingsFromMemory(layout->data(), layout->size());
    }
    ImGui_ImplGlfw_InitForOpenGL(p->window, true);
    ImGui_ImplOpenGL3_Init("#version 300 es");
    p->fonts = gui::load_fonts(*io.Fonts, p->pixel_ratio);

    const gui::GuiOptions window = p->app->window_options();
    p->model = std::make_unique<gui::GuiModel>(*window.trace);
    p->model->lesson = window.lesson;
    p->view.language = window.language;
    p->stored_language = window.language;
    p->view.dpi_scale = p->pixel_ratio;
    player = p.release();
    emscripten_set_main_loop_arg(frame, player, 0, false);
    return std::nullopt;
}

std::optional<gui::Language> language_named(const char* name) {
    return name ? sim::language_from_name(name) : std::nullopt;
}

// A returned string must outlive the call: the page copies it at once.
const char* hand_out(std::string text) {
    static std::string last;
    last = std::move(text);
    return last.c_str();
}

}  // namespace

extern "C" {

// What the last frame showed (gui/screen_summary.hpp), as JSON; "{}" before
// the player runs.
EMSCRIPTEN_KEEPALIVE const char* mailscope_screen_json() {
    if (!player) return "{}";
    return hand_out(gui::screen_summary_json(player->drawn));
}

// The page's own language switch: "ru" or "en".
EMSCRIPTEN_KEEPALIVE void mailscope_set_language(const char* name) {
    if (const auto language = language_named(name); language && player) {
        player->view.language = *language;
        wake();
    }
}

// The lessons the page lists, in course order: [{"group", "id", "title",
// "steps"}], the title and the number of steps in words of `language`; a
// lesson that does not load is left out.
EMSCRIPTEN_KEEPALIVE const char* mailscope_lesson_list(const char* name) {
    const gui::Language language = language_named(name).value_or(gui::Language::En);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [file, loaded] : lessons::load_catalog()) {
        if (!loaded.lesson) continue;
        list.push_back(
            {{"group", file.parent_path().filename().string()},
             {"id", loaded.lesson->id},
             {"title", loaded.lesson->title.in(language)},
             {"steps", sim::render(sim::say(sim::Phrase::PlayerSteps, loaded.lesson->steps.size()),
                                   language)}});
    }
    return hand_out(list.dump());
}

// Shows the lesson in `file` (written into the page's file system from the
// teacher's disk) in `language`. Empty when it is shown, else the sentence
// saying why not, with the file's line where the loader gives one.
EMSCRIPTEN_KEEPALIVE const char* mailscope_open_lesson(const char* file, const char* name) {
    gui::AppOptions options;
    options.lesson = file;
    options.lang = name ? name : "";
    if (!player) return hand_out(start_player(options).value_or(std::string()));
    options.size = fmt::format("{}x{}", player->width, player->height);
    auto made = make_app(options);
    if (auto* error = std::get_if<std::string>(&made)) return hand_out(*error);
    player->app = std::move(std::get<std::unique_ptr<gui::AppController>>(made));
    const gui::GuiOptions window = player->app->window_options();
    player->model = std::make_unique<gui::GuiModel>(*window.trace);
    player->model->lesson = window.lesson;
    player->view = gui::ViewState{};
    player->view.language = window.language;
    player->view.dpi_scale = player->pixel_ratio;
    wake();
    return hand_out({});
}

}  // extern "C"

// The page passes what its address asks for: --lesson ID, --lang ru|en,
// --step N. Without --lesson the page shows its list and waits.
int main(int argc, char** argv) {
    gui::AppOptions options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        const std::string value = argv[i + 1];
        if (option == "--lesson") options.lesson = value;
        if (option == "--lang") options.lang = value;
        if (option == "--step") {
            char* end = nullptr;
            const unsigned long step = std::strtoul(value.c_str(), &end, 10);
            if (end && *end == '\0') options.step = step;
        }
    }
    if (options.lesson.empty()) return 0;
    if (auto error = start_player(options)) {
        tell_page("error", error->c_str());
        return 1;
    }
    return 0;
}
