// The panels. Each one lives in its own file and has the same shape: open
// a PanelWindow, return early when collapsed, draw the content. They read the
// model and the view state and report what the learner asked for through
// PanelContext::intents; they never change the model.
#pragma once

#include <imgui.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gui/export.hpp"
#include "gui/fonts.hpp"
#include "gui/gui_model.hpp"
#include "gui/view_model/lesson_view.hpp"
#include "gui/view_state.hpp"

namespace mailscope::gui {

struct FrameIntents {
    LessonIntent lesson;
    ExportKind export_kind = ExportKind::None;  // File menu
    bool quit = false;
    bool composer_send = false;                 // free play: send view.composer_input
    std::optional<std::size_t> choose_session;  // Session menu: index into model.sessions
    // A row of another client clicked in the side-by-side view: once that
    // client is shown, the cursor goes to this event of its trace.
    std::optional<std::uint64_t> chosen_event;
    bool connect = false;     // connect dialog: start view.connect
    bool disconnect = false;  // Session menu: end the live session
};

struct PanelContext {
    GuiModel& model;
    ViewState& view;
    const FontSet& fonts;
    FrameIntents intents;

    const char* text(Text id) const { return tr(view.language, id); }
    ImFont* mono() const { return view.large_text ? fonts.mono_large : fonts.mono; }
};

// One panel's ImGui window. The title is in the learner's language and the
// id after "###" is fixed, so switching the language keeps the window's place
// and size; ImGui wants End after every Begin, collapsed or not, and the
// destructor gives it on every way out of the panel.
class PanelWindow {
  public:
    PanelWindow(const PanelContext& context, Text title, std::string_view id, bool* open);
    ~PanelWindow();
    PanelWindow(const PanelWindow&) = delete;
    PanelWindow& operator=(const PanelWindow&) = delete;

    bool shown() const { return m_shown; }

  private:
    bool m_shown = false;
};

// One line of text that ends in "…" where the panel ends, instead of
// running past it (which would make the panel scroll sideways).
void text_to_edge(std::string_view text);
// SameLine when an item `width` wide still fits on the line, else a new line:
// a row of buttons wraps in a narrow panel instead of running past its edge.
void same_line_if_room(float width);
// The width of a button labelled `label` (up to any "###").
float button_width(const char* label);
// Notes where the item just drawn is, as view.controls[name], so that a
// script can click it (the browser page's test does).
void note_control(PanelContext& context, const char* name);

void draw_state_diagram_panel(PanelContext& context, bool* open);
void draw_exchange_panel(PanelContext& context, bool* open);
void draw_timeline_panel(PanelContext& context, bool* open);
void draw_mailbox_panel(PanelContext& context, bool* open);
// The narrowest the mailbox panel may be with every column header readable.
float mailbox_panel_min_width(const PanelContext& context);
// Inside the mailbox panel, for a POP3 or an SMTP session.
void draw_maildrop(PanelContext& context);
void draw_envelopes(PanelContext& context);
// A value the server's store holds and the client has not learned: greyed,
// with a tooltip saying so; and the line that explains the grey.
void truth_cell(const PanelContext& context, const std::string& value);
void truth_legend(const PanelContext& context);
void draw_lesson_panel(PanelContext& context, bool* open);
void draw_composer_panel(PanelContext& context, bool* open);
#ifdef MAILSCOPE_WITH_NET
// A window of its own while view.connect.open.
void draw_connect_dialog(PanelContext& context);
#endif
// A window of its own while view.class_table_open and a lab runs.
void draw_class_table(PanelContext& context);

}  // namespace mailscope::gui
