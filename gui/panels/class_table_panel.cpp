// The class table: what each student's clients did in the lab, as the class
// report counts it (a session once it ended), so a teacher sees at a glance
// who has not logged in yet, who broke which rule and who finished the
// assignment. The same rows as `--class-report FILE.csv`.
#include <fmt/format.h>
#include <imgui.h>

#include <ctime>
#include <string>

#include "gui/panels/panels.hpp"
#include "gui/theme.hpp"

namespace mailscope::gui {

namespace {

// "14:05:09" in UTC, like the CSV's times without the date.
std::string clock_time(std::int64_t seconds) {
    const std::time_t time = static_cast<std::time_t>(seconds);
    std::tm parts{};
    gmtime_r(&time, &parts);
    return fmt::format("{:02}:{:02}:{:02}", parts.tm_hour, parts.tm_min, parts.tm_sec);
}

std::string by_rule(const server::ClassRow& row) {
    std::string text;
    for (const auto& [section, count] : row.violations_by_rule)
        text += fmt::format("{}{}: {}", text.empty() ? "" : "; ", section, count);
    return text;
}

void cell(const std::string& text) {
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(text.c_str());
    if (ImGui::IsItemHovered() && ImGui::GetItemRectSize().x > ImGui::GetColumnWidth())
        ImGui::SetTooltip("%s", text.c_str());
}

}  // namespace

void draw_class_table(PanelContext& context) {
    const ClassTable& table = context.model.class_table;
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowSize({viewport->Size.x * 0.7f, viewport->Size.y * 0.5f},
                             ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowPos(
        {viewport->Pos.x + viewport->Size.x * 0.5f, viewport->Pos.y + viewport->Size.y * 0.5f},
        ImGuiCond_FirstUseEver, {0.5f, 0.5f});
    const PanelWindow window(context, Text::ClassTableTitle, "class_table",
                             &context.view.class_table_open);
    if (!window.shown()) return;
    ImGui::TextWrapped("%s", fmt::format(fmt::runtime(context.text(Text::ClassTableCaption)),
                                         table.rows.size(), table.open_sessions)
                                 .c_str());
    const bool steps = !table.rows.empty() && table.rows.front().steps > 0;
    const int columns = steps ? 8 : 7;
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable("###class_rows", columns, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(context.text(Text::ClassStudent), ImGuiTableColumnFlags_WidthStretch,
                            1.2f);
    ImGui::TableSetupColumn(context.text(Text::ClassSessions), ImGuiTableColumnFlags_WidthStretch,
                            0.6f);
    ImGui::TableSetupColumn(context.text(Text::ClassCommands), ImGuiTableColumnFlags_WidthStretch,
                            0.6f);
    ImGui::TableSetupColumn(context.text(Text::ClassViolations), ImGuiTableColumnFlags_WidthStretch,
                            0.6f);
    ImGui::TableSetupColumn(context.text(Text::ClassByRule), ImGuiTableColumnFlags_WidthStretch,
                            1.6f);
    if (steps) {
        ImGui::TableSetupColumn(context.text(Text::ClassSteps), ImGuiTableColumnFlags_WidthStretch,
                                2.0f);
    }
    ImGui::TableSetupColumn(context.text(Text::ClassFirstSeen), ImGuiTableColumnFlags_WidthStretch,
                            0.7f);
    ImGui::TableSetupColumn(context.text(Text::ClassLastSeen), ImGuiTableColumnFlags_WidthStretch,
                            0.7f);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(table.rows.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const server::ClassRow& row = table.rows[static_cast<std::size_t>(i)];
            ImGui::TableNextRow();
            if (row.violations > 0) {
                ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0,
                                       theme::kind_background(RowKind::Violation));
            }
            cell(row.logged_in ? row.student : context.text(Text::ClassNoLogin));
            cell(fmt::format("{}", row.sessions));
            cell(fmt::format("{}", row.commands));
            cell(fmt::format("{}", row.violations));
            cell(by_rule(row));
            if (steps) {
                cell(row.steps_missing.empty()
                         ? fmt::format("{}/{}", row.steps_done, row.steps)
                         : fmt::format(fmt::runtime(context.text(Text::ClassStepsMissing)),
                                       row.steps_done, row.steps,
                                       fmt::join(row.steps_missing, ", ")));
            }
            cell(clock_time(row.first_seen));
            cell(clock_time(row.last_seen));
        }
    }
    ImGui::EndTable();
}

}  // namespace mailscope::gui
