// AppController: the GUI application. It checks what `mailscope gui` was
// asked for, owns the sessions the window can show (the Session menu: the
// lesson, free play, the live session, then each of the lab's connections,
// all SessionSources), feeds the panels the one shown, and applies what the
// learner asks for in a frame (switch session, step a lesson, send a typed
// line, connect, disconnect). The live session and the lab exist where the
// network layer is built (MAILSCOPE_WITH_NET); the browser has neither.
//
// The window calls begin_frame() and apply() around every frame it draws
// (run() wires them to run_gui, the browser's page to its frame loop); tests
// call them around HeadlessGui::frame().
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "gui/app_options.hpp"
#include "gui/app_window.hpp"
#include "gui/frame.hpp"
#include "gui/i18n.hpp"
#include "gui/session_source.hpp"
#include "gui/view_model/lane_merge.hpp"

namespace mailscope::gui {

// The password of --connect's user, or why there is none. The command line
// asks for it on the terminal; the GUI never stores it.
struct PasswordAnswer {
    std::optional<std::string> password;
    sim::Said error;
};
using PasswordPrompt = std::function<PasswordAnswer(const std::string& prompt)>;

// How long a screenshot of a live session waits for its login to settle.
inline constexpr std::chrono::seconds live_settle_timeout{5};

class AppController {
  public:
    // Checks the options, loads the lesson and runs its first steps. Gives a
    // sentence saying what is wrong otherwise.
    static std::variant<std::unique_ptr<AppController>, std::string> create(
        const AppOptions& options);

    AppController(const AppController&) = delete;
    AppController& operator=(const AppController&) = delete;

    // Starts what the options ask for besides the lesson: free play and its
    // --type lines, the lab's server, the live session (asking `password`).
    // Gives the sentence saying what could not be started.
    std::optional<std::string> start_sessions(const PasswordPrompt& password);

    // The window's options for what was asked, wired to begin_frame() and
    // apply(); the controller must outlive the window.
    GuiOptions window_options();

    // Start of a frame: takes what the lab and the live session produced,
    // plays the lesson, rebinds `model` when the shown trace changed, and
    // fills in what the menus, the lesson panel and the composer show.
    void begin_frame(GuiModel& model, ViewState& view, float dt);
    // After a frame: applies what the learner asked for in it.
    void apply(const FrameIntents& intents, GuiModel& model, ViewState& view);

    // The Session menu, in its order, and the entry shown.
    const std::vector<std::unique_ptr<SessionSource>>& sources() const { return m_sources; }
    std::size_t shown() const { return m_shown; }
    const sim::SessionTrace& shown_trace() const { return m_sources[m_shown]->trace(); }

    LessonSession& lesson() { return m_lesson->session(); }

    // The native app's own: clang-format keeps one-line functions only
    // before the first preprocessor branch of a class.
#ifdef MAILSCOPE_WITH_NET
    // A session recorded elsewhere (a capture's), listed in the Session menu
    // before the live entry; `show`: the one shown at start.
    void add_recorded(std::string label, std::unique_ptr<sim::SessionTrace> trace, bool show);

    // The whole `mailscope gui`: the exports, the sessions, the window (under
    // Xvfb for a screenshot without a display), then the transcript. Reasons
    // for failing go to stderr; returns an app_exit_* code.
    int run(const PasswordPrompt& password);

    const LiveSession* live() const {
        return m_live->session();
    }
    const LabServer* lab() const {
        return m_lab.get();
    }
    // True once nothing a screenshot should wait for is still moving: no
    // live session, or it logged in, failed or closed.
    bool settled() const;
#endif

  private:
    AppController(const AppOptions& options, Language language, int width, int height,
                  lessons::Lesson lesson);

    void show(std::size_t entry, GuiModel& model, ViewState& view);
    void rebind(GuiModel& model, ViewState& view);
    void describe(GuiModel& model, const ViewState& view);
    // Catches the side-by-side view up with the sessions of the source shown.
    void sync_lanes();
    void sync_lesson_lanes();
    void send_typed(ViewState& view);
#ifdef MAILSCOPE_WITH_NET
    void sync_lab_lanes();
    std::size_t first_lab_entry() const;
    void follow_lab_connections(GuiModel& model, ViewState& view);
    void connect(GuiModel& model, ViewState& view);
    std::optional<std::string> start_live(const PasswordPrompt& password);
    // --export-svg, --export-html, --export-mermaid: the lesson's session as run.
    std::optional<std::string> export_files() const;
#endif

    AppOptions m_options;
    Language m_language;
    int m_width;
    int m_height;

    std::vector<std::unique_ptr<SessionSource>> m_sources;
    LessonSource* m_lesson;
    FreePlaySource* m_free_play;
#ifdef MAILSCOPE_WITH_NET
    LiveSource* m_live;
    std::unique_ptr<LabServer> m_lab;
    // With a lab and nothing else asked for, the window follows the newest
    // connection (the one a learner just opened) until a session is chosen.
    bool m_follow_lab = false;
#endif
    std::size_t m_shown = 0;

    // The trace the model is bound to and its generation, to notice a new one.
    const sim::SessionTrace* m_bound_trace = nullptr;
    std::uint64_t m_bound_generation = 0;
    bool m_first_frame = true;
    // The side-by-side view: whose sessions its lanes are and how far it has read.
    enum class LanesOf : std::uint8_t { None, Lesson, Lab };
    LaneMerge m_lanes;
    LanesOf m_lanes_of = LanesOf::None;
    std::vector<const sim::SessionTrace*> m_lane_traces;
    std::size_t m_lane_steps = 0;  // lesson steps merged
    sim::Said m_composer_error;
#ifdef MAILSCOPE_WITH_NET
    sim::Said m_live_error;
#endif
};

}  // namespace mailscope::gui
