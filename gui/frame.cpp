#include "gui/frame.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "gui/theme.hpp"
#include "gui/view_model/panel_layout.hpp"

namespace mailscope::gui {

namespace {

using PanelDraw = void (*)(PanelContext&, bool*);

struct PanelEntry {
    Text title;
    bool OpenPanels::*open;
    PanelDraw draw;
    const char* window;  // the ImGui window's id, as the panel names it
    // A panel whose content is laid out to its size (no list to scroll):
    // taller content than the tile means something is cut.
    bool fixed_height;
};

// The one list of panels, in LayoutSlot order: the View menu, the tiling
// and the frame all walk it.
constexpr std::array<PanelEntry, layout_slot_count> panels{{
    {Text::WindowTimeline, &OpenPanels::timeline, draw_timeline_panel, "timeline", true},
    {Text::WindowStateDiagram, &OpenPanels::state_diagram, draw_state_diagram_panel,
     "state_diagram", true},
    {Text::WindowExchanges, &OpenPanels::exchanges, draw_exchange_panel, "exchanges", false},
    {Text::WindowMailbox, &OpenPanels::mailbox, draw_mailbox_panel, "mailbox", false},
    {Text::WindowLesson, &OpenPanels::lesson, draw_lesson_panel, "lesson", false},
    {Text::WindowComposer, &OpenPanels::composer, draw_composer_panel, "composer", false},
}};

struct ExportItem {
    Text label;
    ExportKind kind;
    const char* control;  // its name in view.controls
};

void draw_file_menu(PanelContext& context) {
    const bool open = ImGui::BeginMenu(context.text(Text::MenuFile));
    note_control(context, "file");
    if (!open) return;
    constexpr std::array<ExportItem, 7> exports{{
        {Text::ExportText, ExportKind::Text, "export-text"},
        {Text::ExportJsonl, ExportKind::Jsonl, "export-jsonl"},
        {Text::ExportSvg, ExportKind::Svg, "export-svg"},
        {Text::ExportSequencePng, ExportKind::SequencePng, "export-sequence-png"},
        {Text::ExportPng, ExportKind::Png, "export-png"},
        {Text::ExportHandout, ExportKind::Html, "export-html"},
        {Text::ExportMermaid, ExportKind::Mermaid, "export-mermaid"},
    }};
    for (const ExportItem& item : exports) {
        if (ImGui::MenuItem(context.text(item.label))) context.intents.export_kind = item.kind;
        note_control(context, item.control);
    }
#ifndef __EMSCRIPTEN__
    // A page is closed by the browser.
    ImGui::Separator();
    if (ImGui::MenuItem(context.text(Text::Quit))) context.intents.quit = true;
#endif
    ImGui::EndMenu();
}

// The lesson's clients, free play, the lab's connections: whichever the
// program offers; choosing one rebinds every panel to its trace.
void draw_session_menu(PanelContext& context) {
    const SessionList& sessions = context.model.sessions;
    if (!ImGui::BeginMenu(context.text(Text::MenuSession))) return;
    for (std::size_t i = 0; i < sessions.labels.size(); ++i) {
        const std::string label = fmt::format("{}###session{}", sessions.labels[i], i);
        if (ImGui::MenuItem(label.c_str(), nullptr, i == sessions.active)) {
            context.intents.choose_session = i;
        }
    }
    if (!sessions.caption.empty()) {
        ImGui::Separator();
        ImGui::TextDisabled("%s", sessions.caption.c_str());
    }
    if (context.model.class_table.lab) {
        ImGui::MenuItem(context.text(Text::MenuClassTable), nullptr,
                        &context.view.class_table_open);
    }
    ImGui::Separator();
#ifdef MAILSCOPE_WITH_NET
    if (ImGui::MenuItem(context.text(Text::MenuConnect))) context.view.connect.open = true;
    if (context.model.live.active && ImGui::MenuItem(context.text(Text::MenuDisconnect))) {
        context.intents.disconnect = true;
    }
#else
    // Where the native app offers a real server, the browser says why it cannot.
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24);
    ImGui::TextDisabled("%s", context.text(Text::NativeAppOnly));
    ImGui::PopTextWrapPos();
#endif
    ImGui::EndMenu();
}

void draw_menu(PanelContext& context) {
    if (!ImGui::BeginMainMenuBar()) return;
    ViewState& view = context.view;
    draw_file_menu(context);
    if (ImGui::BeginMenu(context.text(Text::MenuView))) {
        for (const PanelEntry& panel : panels) {
            ImGui::MenuItem(context.text(panel.title), nullptr, &(view.open.*panel.open));
        }
        ImGui::Separator();
        ImGui::MenuItem(context.text(Text::MenuLargeText), nullptr, &view.large_text);
        if (ImGui::MenuItem(context.text(Text::MenuProjector), nullptr, view.projector)) {
            set_projector(view, !view.projector);
        }
        if (ImGui::MenuItem(context.text(Text::MenuArrangePanels))) view.arrange_panels = true;
        ImGui::EndMenu();
    }
    draw_session_menu(context);
    if (ImGui::BeginMenu(context.text(Text::MenuLanguage))) {
        if (ImGui::MenuItem(tr(Language::En, Text::LanguageEnglish), nullptr,
                            view.language == Language::En)) {
            view.language = Language::En;
        }
        if (ImGui::MenuItem(tr(Language::Ru, Text::LanguageRussian), nullptr,
                            view.language == Language::Ru)) {
            view.language = Language::Ru;
        }
        ImGui::EndMenu();
    }
    // The shown session's name in the window's language; the trace's own
    // label is for files.
    const SessionList& sessions = context.model.sessions;
    ImGui::TextDisabled("%s", sessions.active < sessions.labels.size()
                                  ? sessions.labels[sessions.active].c_str()
                                  : context.model.trace().label().c_str());
    if (context.model.live.active) {
        ImGui::SameLine();
        if (context.model.live.insecure) {
            ImGui::PushStyleColor(ImGuiCol_Text, theme::kind_color(RowKind::Violation));
            ImGui::TextUnformatted(context.text(Text::InsecureBadge));
            ImGui::PopStyleColor();
            ImGui::SameLine();
        }
        ImGui::TextUnformatted(context.model.live.status.c_str());
    }
    if (!view.status.empty()) {
        ImGui::SameLine();
        ImGui::TextUnformatted(view.status.c_str());
    }
    ImGui::EndMainMenuBar();
}

// What the tiling needs to know this frame: the area below the menu bar, the
// text size, the open panels, how narrow each may get, whether the mailbox
// has anything to show.
LayoutRequest layout_request(PanelContext& context) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    // Below the menu bar; WorkPos only accounts for it from the second frame on.
    const float menu = ImGui::GetFrameHeight();
    LayoutRequest request;
    request.x = viewport->Pos.x;
    request.y = viewport->Pos.y + menu;
    request.width = viewport->Size.x;
    request.height = viewport->Size.y - menu;
    request.font = ImGui::GetFontSize();
    // The collapse arrow, the close button and the padding around the title.
    const float title_chrome = ImGui::GetFontSize() * 2 + ImGui::GetStyle().FramePadding.x * 4;
    for (std::size_t i = 0; i < panels.size(); ++i) {
        request.open[i] = context.view.open.*panels[i].open;
        request.min_width[i] = ImGui::CalcTextSize(context.text(panels[i].title)).x + title_chrome;
    }
    float& mailbox = request.min_width[static_cast<std::size_t>(LayoutSlot::Mailbox)];
    mailbox = std::max(mailbox, mailbox_panel_min_width(context));
    request.mailbox_empty = context.model.mailbox_empty();
    return request;
}

// The tiles are laid again whenever the window, the text size, the set of
// panels or the mailbox's emptiness changes; in between, a panel the user
// moved or resized stays where it was put.
void place_panels(PanelContext& context) {
    const LayoutRequest request = layout_request(context);
    ViewState& view = context.view;
    const bool again = view.arrange_panels || !view.tiled_for || !(*view.tiled_for == request);
    view.arrange_panels = false;
    if (!again) return;
    view.tiled_for = request;
    view.layout = tile_panels(request);
}

// What a person would see cut off, found on the windows ImGui laid out this
// frame: a panel past the window's edge, a title too long for its bar,
// content wider than its panel (a horizontal scrollbar), or content taller
// than a panel that has no list to scroll.
void check_panels_fit(PanelContext& context) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const float title_chrome = ImGui::GetFontSize() * 2 + ImGui::GetStyle().FramePadding.x * 4;
    std::vector<std::string>& problems = context.view.layout_problems;
    for (const PanelEntry& panel : panels) {
        if (!(context.view.open.*panel.open)) continue;
        const ImGuiWindow* window =
            ImGui::FindWindowByName(fmt::format("###{}", panel.window).c_str());
        if (!window || !window->Active || window->Collapsed) continue;
        const auto problem = [&](std::string_view what) {
            problems.push_back(fmt::format("{}: {}", panel.window, what));
        };
        if (window->Pos.x < -0.5f || window->Pos.y < -0.5f ||
            window->Pos.x + window->Size.x > display.x + 0.5f ||
            window->Pos.y + window->Size.y > display.y + 0.5f) {
            problem("outside the window");
        }
        if (ImGui::CalcTextSize(context.text(panel.title)).x + title_chrome > window->Size.x + 0.5f)
            problem("title cut");
        if (window->ScrollMax.x > 0.5f) problem("content wider than the panel");
        if (panel.fixed_height && window->ScrollMax.y > 0.5f)
            problem("content taller than the panel");
    }
}

const char* window_id(PanelId panel) {
    switch (panel) {
        case PanelId::StateDiagram:
            return "###state_diagram";
        case PanelId::Exchanges:
            return "###exchanges";
        case PanelId::Mailbox:
            return "###mailbox";
        case PanelId::Timeline:
            return "###timeline";
        case PanelId::Lesson:
            return "###lesson";
    }
    return "";
}

// The step's `highlight:` list: a thick outline around each named panel,
// drawn over everything so no panel hides it.
void draw_highlights(const LessonView& lesson, float scale) {
    ImDrawList* draw = ImGui::GetForegroundDrawList();
    const float thickness = 4.0f * scale;
    for (const PanelId panel : lesson.highlights) {
        const ImGuiWindow* window = ImGui::FindWindowByName(window_id(panel));
        if (!window || !window->Active || window->Collapsed) continue;
        const ImVec2 min{window->Pos.x + thickness / 2, window->Pos.y + thickness / 2};
        const ImVec2 max{window->Pos.x + window->Size.x - thickness / 2,
                         window->Pos.y + window->Size.y - thickness / 2};
        draw->AddRect(min, max, theme::cursor, 6.0f * scale, 0, thickness);
    }
}

}  // namespace

FrameIntents draw_frame(GuiModel& model, ViewState& view, const FontSet& fonts) {
    model.sync();
    begin_view_frame(view, model.trace().size(), ImGui::GetIO().DeltaTime);
    const float scale = view.dpi_scale * (view.large_text ? large_font_px / normal_font_px : 1.0f);
    if (scale != view.applied_style_scale || view.projector != view.applied_high_contrast) {
        theme::apply_style(scale, view.projector);
        view.applied_style_scale = scale;
        view.applied_high_contrast = view.projector;
    }

    PanelContext context{model, view, fonts, {}};
    view.controls.clear();
    ImGui::PushFont(view.large_text ? fonts.ui_large : fonts.ui);
    draw_menu(context);
    const std::optional<LayoutRequest> tiled_before = view.tiled_for;
    place_panels(context);
    const bool retile = view.tiled_for != tiled_before;
    view.layout_problems.clear();
    for (std::size_t i = 0; i < panels.size(); ++i) {
        bool& open = view.open.*panels[i].open;
        if (!open) continue;
        if (const auto& rect = view.layout.rects[i]; rect && retile) {
            ImGui::SetNextWindowPos({rect->x, rect->y}, ImGuiCond_Always);
            ImGui::SetNextWindowSize({rect->width, rect->height}, ImGuiCond_Always);
            ImGui::SetNextWindowCollapsed(false, ImGuiCond_Always);
        }
        panels[i].draw(context, &open);
    }
    check_panels_fit(context);
#ifdef MAILSCOPE_WITH_NET
    if (view.connect.open) draw_connect_dialog(context);
#endif
    if (view.class_table_open && model.class_table.lab) draw_class_table(context);
    draw_highlights(model.lesson, scale);
    ImGui::PopFont();
    return context.intents;
}

}  // namespace mailscope::gui
