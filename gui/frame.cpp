#include "gui/frame.hpp"

#include <imgui_internal.h>

#include <array>
#include <string>

#include <fmt/format.h>

#include "gui/theme.hpp"

namespace mailscope::gui {

namespace {

using PanelDraw = void (*)(PanelContext&, bool*);

struct PanelEntry {
    Text title;
    bool OpenPanels::*open;
    PanelDraw draw;
};

// The one list of panels: the View menu and the frame both walk it.
constexpr std::array<PanelEntry, 6> panels{{
    {Text::WindowTimeline, &OpenPanels::timeline, draw_timeline_panel},
    {Text::WindowStateDiagram, &OpenPanels::state_diagram, draw_state_diagram_panel},
    {Text::WindowExchanges, &OpenPanels::exchanges, draw_exchange_panel},
    {Text::WindowMailbox, &OpenPanels::mailbox, draw_mailbox_panel},
    {Text::WindowLesson, &OpenPanels::lesson, draw_lesson_panel},
    {Text::WindowComposer, &OpenPanels::composer, draw_composer_panel},
}};

void draw_file_menu(PanelContext& context) {
    if (!ImGui::BeginMenu(context.text(Text::MenuFile))) return;
    constexpr std::array<std::pair<Text, ExportKind>, 5> exports{{
        {Text::ExportText, ExportKind::Text},
        {Text::ExportJsonl, ExportKind::Jsonl},
        {Text::ExportSvg, ExportKind::Svg},
        {Text::ExportSequencePng, ExportKind::SequencePng},
        {Text::ExportPng, ExportKind::Png},
    }};
    for (const auto& [label, kind] : exports) {
        if (ImGui::MenuItem(context.text(label))) context.intents.export_kind = kind;
    }
    ImGui::Separator();
    if (ImGui::MenuItem(context.text(Text::Quit))) context.intents.quit = true;
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
    ImGui::Separator();
    if (ImGui::MenuItem(context.text(Text::MenuConnect))) context.view.connect.open = true;
    if (context.model.live.active && ImGui::MenuItem(context.text(Text::MenuDisconnect))) {
        context.intents.disconnect = true;
    }
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
    ImGui::TextDisabled("%s", context.model.trace().label().c_str());
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

struct Placement {
    ImVec2 pos;
    ImVec2 size;
};

// First-use placement, in the order of `panels`: the timeline across the top,
// the diagram and the lesson on the left, the exchanges in the middle, the
// mailbox on the right; the composer where the lesson is (free play hides it).
std::array<Placement, panels.size()> placements(float scale) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    // Below the menu bar; WorkPos only accounts for it from the second frame on.
    const float menu = ImGui::GetFrameHeight();
    const ImVec2 origin{viewport->Pos.x, viewport->Pos.y + menu};
    const ImVec2 size{viewport->Size.x, viewport->Size.y - menu};
    const float timeline_height = 118.0f * scale;
    const float top = origin.y + timeline_height;
    const float height = size.y - timeline_height;
    const float left = size.x * 0.31f;
    const float right = size.x * 0.27f;
    const float diagram = height * 0.58f;
    return {{
        {origin, {size.x, timeline_height}},
        {{origin.x, top}, {left, diagram}},
        {{origin.x + left, top}, {size.x - left - right, height}},
        {{origin.x + size.x - right, top}, {right, height}},
        {{origin.x, top + diagram}, {left, height - diagram}},
        {{origin.x, top + diagram}, {left, height - diagram}},
    }};
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
    if (scale != view.applied_style_scale) {
        theme::apply_style(scale);
        view.applied_style_scale = scale;
    }

    PanelContext context{model, view, fonts, {}};
    ImGui::PushFont(view.large_text ? fonts.ui_large : fonts.ui);
    draw_menu(context);
    const auto places = placements(scale);
    for (std::size_t i = 0; i < panels.size(); ++i) {
        bool& open = view.open.*panels[i].open;
        if (!open) continue;
        ImGui::SetNextWindowPos(places[i].pos, ImGuiCond_FirstUseEver);
        ImGui::SetNextWindowSize(places[i].size, ImGuiCond_FirstUseEver);
        panels[i].draw(context, &open);
    }
    if (view.connect.open) draw_connect_dialog(context);
    draw_highlights(model.lesson, scale);
    ImGui::PopFont();
    return context.intents;
}

}  // namespace mailscope::gui
