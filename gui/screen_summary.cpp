#include "gui/screen_summary.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <string_view>
#include <utility>

#include "gui/view_model/protocol_states.hpp"
#include "gui/view_model/row_text.hpp"
#include "lessons/lesson.hpp"
#include "sim/core/enum_names.hpp"

namespace mailscope::gui {

namespace {

constexpr auto panel_names = sim::name_table<PanelId>({
    {PanelId::StateDiagram, "state_diagram"},
    {PanelId::Exchanges, "exchanges"},
    {PanelId::Mailbox, "mailbox"},
    {PanelId::Timeline, "timeline"},
    {PanelId::Lesson, "lesson"},
});

}  // namespace

ScreenSummary summarize_screen(const GuiModel& model, const ViewState& view) {
    const sim::SessionTrace& trace = model.trace();
    ScreenSummary summary;
    // In the order draw_frame walks the panels.
    const std::pair<bool, std::string_view> open[] = {
        {view.open.timeline, "timeline"},   {view.open.state_diagram, "state_diagram"},
        {view.open.exchanges, "exchanges"}, {view.open.mailbox, "mailbox"},
        {view.open.lesson, "lesson"},       {view.open.composer, "composer"}};
    for (const auto& [shown, name] : open) {
        if (shown) summary.panels.emplace_back(name);
    }
    for (const PanelId panel : model.lesson.highlights)
        summary.highlights.emplace_back(panel_names.name(panel, ""));
    summary.exchange_tab = view.shown_exchange_tab == ExchangeTab::Log          ? "log"
                           : view.shown_exchange_tab == ExchangeTab::AllClients ? "all-clients"
                                                                                : "sequence";
    summary.protocol = std::string(sim::protocol_name(trace.protocol()));
    // The panels draw events [0, cursor]; an empty trace draws none.
    const std::uint64_t cursor = trace.empty() ? 0 : view.cursor;
    summary.events = trace.empty() ? 0 : static_cast<std::size_t>(cursor) + 1;
    const StateAtCursor state = model.states().at(trace, cursor);
    summary.state = state.name;
    if (state.edge) {
        summary.transition = protocol_states(trace.protocol()).transitions[*state.edge].number;
    }
    const DisplayIndex& display = model.display();
    summary.rows = trace.empty() ? 0 : display.rows_through(cursor);
    if (summary.rows > 0) {
        const DisplayRow& row = display.rows()[summary.rows - 1];
        summary.last_row = row.line == 0 ? row_text(trace.at(row.seq), view.language)
                                         : display.line_text(row.seq, row.line);
    }
    const LessonView& lesson = model.lesson;
    summary.step = lesson.step_index;
    summary.steps = lesson.step_count;
    if (view.open.lesson && lesson.quiz) summary.quiz = lesson.quiz->question;
    if (view.open.lesson && lesson.last_ran && lesson.last_quiz) {
        summary.answered_quiz = lesson.last_quiz->question;
        summary.answered_right = lesson.last_quiz->correct;
    }
    if (view.open.lesson) summary.failures = lesson.failures;
    if (lesson.client < lesson.clients.size()) summary.client = lesson.clients[lesson.client];
    const LanesView& lanes = model.lanes;
    if (view.shown_exchange_tab == ExchangeTab::AllClients && lanes.offered()) {
        summary.lanes = lanes.names;
        const bool engine_events = model.display().show_internal();
        summary.lane_rows = lanes.rows_shown(view.cursor, engine_events);
        if (summary.lane_rows > 0) {
            const LaneRow& row = lanes.row(summary.lane_rows - 1, engine_events);
            summary.last_lane_row =
                fmt::format("{}: {}", lanes.names[row.lane],
                            row_text(lanes.traces[row.lane]->at(row.seq), view.language));
        }
    }
    for (std::size_t i = 0; i < layout_slot_count; ++i) {
        if (!view.layout.rects[i] || !open[i].first) continue;
        summary.layout.emplace_back(open[i].second, *view.layout.rects[i]);
    }
    summary.layout_problems = view.layout_problems;
    summary.diagram_scale = view.diagram_scale;
    if (view.open.mailbox) summary.mailbox = view.mailbox_shown;
    summary.projector = view.projector;
    summary.controls = view.controls;
    return summary;
}

std::string screen_summary_json(const ScreenSummary& summary) {
    nlohmann::ordered_json out;
    out["panels"] = summary.panels;
    out["highlights"] = summary.highlights;
    out["exchange_tab"] = summary.exchange_tab;
    out["protocol"] = summary.protocol;
    out["events"] = summary.events;
    out["state"] = summary.state;
    out["transition"] = summary.transition ? nlohmann::ordered_json(*summary.transition) : nullptr;
    out["rows"] = summary.rows;
    out["last_row"] = summary.last_row;
    out["step"] = summary.step;
    out["steps"] = summary.steps;
    out["quiz"] = summary.quiz;
    out["answered_quiz"] = summary.answered_quiz;
    out["answered_right"] =
        summary.answered_right ? nlohmann::ordered_json(*summary.answered_right) : nullptr;
    out["failures"] = summary.failures;
    out["client"] = summary.client;
    out["lanes"] = summary.lanes;
    out["lane_rows"] = summary.lane_rows;
    out["last_lane_row"] = summary.last_lane_row;
    nlohmann::ordered_json layout = nlohmann::ordered_json::object();
    for (const auto& [panel, rect] : summary.layout)
        layout[panel] = {rect.x, rect.y, rect.width, rect.height};
    out["layout"] = layout;
    out["layout_problems"] = summary.layout_problems;
    out["diagram_scale"] = summary.diagram_scale;
    out["mailbox_view"] = summary.mailbox.view;
    out["mailbox_rows"] = summary.mailbox.rows;
    out["mailbox_greyed_rows"] = summary.mailbox.greyed_rows;
    out["projector"] = summary.projector;
    nlohmann::ordered_json controls = nlohmann::ordered_json::object();
    for (const auto& [name, rect] : summary.controls)
        controls[name] = {rect.x, rect.y, rect.width, rect.height};
    out["controls"] = controls;
    return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace mailscope::gui
