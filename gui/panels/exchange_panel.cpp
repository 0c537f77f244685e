// Exchanges: the session as a sequence diagram (client and server lanes,
// one arrow per message) and as a compact log; with several clients, all of
// them side by side on one time axis. Each lists its rows up to the cursor
// through ImGuiListClipper, so a frame costs the rows on screen, not the
// length of the traces.
//
// [SECTION] shared helpers: hover links, tooltips, clicks, scrolling
// [SECTION] sequence diagram
// [SECTION] log
// [SECTION] all clients
// [SECTION] panel
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "gui/panels/panels.hpp"
#include "gui/theme.hpp"
#include "gui/view_model/decoded_view.hpp"
#include "gui/view_model/row_text.hpp"
#include "sim/core/event_text.hpp"

namespace mailscope::gui {

namespace {

// [SECTION] shared helpers: hover links, tooltips, clicks, scrolling

// The command whose exchange the hovered event belongs to: hovering a
// command, any of its answers or its completion lights up all of them.
std::optional<std::uint64_t> related_command(const TraceIndex& index,
                                             std::optional<std::uint64_t> hovered) {
    if (!hovered || *hovered >= index.size()) return std::nullopt;
    if (index.span_of(*hovered)) return hovered;
    return index.command_of(*hovered);
}

bool is_related(const TraceIndex& index, std::uint64_t seq, std::optional<std::uint64_t> command) {
    return command && (seq == *command || index.command_of(seq) == command);
}

// IMAP literals are announced {n}; POP3 and SMTP literals are message bodies.
std::string literal_label(const PanelContext& context, const sim::TraceEvent& event,
                          bool expanded) {
    const std::uint64_t size = event.literal ? event.literal->size : event.raw.size();
    const Text octets =
        event.protocol == sim::Protocol::Imap ? Text::RowLiteralOctets : Text::RowMessageOctets;
    return fmt::format("{} {}", expanded ? "\u25BE" : "\u25B8",
                       fmt::format(fmt::runtime(context.text(octets)), size));
}

std::string literal_label(const PanelContext& context, const sim::TraceEvent& event) {
    return literal_label(context, event, context.model.display().expanded(event.seq));
}

// A command that goes out in pieces: the piece that ends with {n} says the
// client now waits for the server's "+", and the last piece after a literal
// may be the line end alone.
std::string wire_label(const PanelContext& context, const sim::TraceEvent& event) {
    if (event.kind == sim::EventKind::Literal) return literal_label(context, event);
    if (!event.piece) return row_text(event, context.view.language);
    std::string label = event.piece->index > 0 && event.raw.find_first_of("\r\n") == 0
                            ? std::string(context.text(Text::CommandLineEnd))
                            : row_text(event, context.view.language);
    if (event.piece->awaits_continuation) {
        label += fmt::format("  ({})", context.text(Text::WaitsForContinuation));
    }
    return label;
}

// The row's text, led by the decoded mailbox names or "hidden" for a masked
// secret: the raw text can be too long for the row, the decoding is the news.
std::string row_label(const PanelContext& context, const sim::TraceEvent& event) {
    const std::string note = decoded_note(event, context.text(Text::RowHidden), NoteForm::Short);
    if (note.empty() || event.kind == sim::EventKind::Literal) return wire_label(context, event);
    return fmt::format("[{}] {}", note, wire_label(context, event));
}

void event_tooltip(const PanelContext& context, const sim::TraceEvent& event) {
    const TraceIndex& index = context.model.index();
    const RowKind kind = index.kind(event.seq);
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kind_color(kind)), "#%llu  %s  %s",
                       static_cast<unsigned long long>(event.seq),
                       context.text(theme::kind_label(kind, context.model.trace().protocol())),
                       event.section.c_str());
    if (const std::string summary = sim::event_summary(event, context.view.language);
        !summary.empty()) {
        ImGui::TextWrapped("%s", summary.c_str());
    }
    if (const auto command = index.command_of(event.seq)) {
        ImGui::TextUnformatted(
            fmt::format(fmt::runtime(context.text(Text::AnswersCommand)), *command).c_str());
    } else if (event.link == sim::Link::Ambiguous) {
        ImGui::TextUnformatted(context.text(Text::AnswersAmbiguous));
    }
    if (index.span_of(event.seq)) {
        const auto completion = index.completion_of(event.seq);
        if (completion && *completion <= context.view.cursor) {
            ImGui::TextUnformatted(
                fmt::format(fmt::runtime(context.text(Text::CompletedBy)), *completion).c_str());
        } else {
            ImGui::TextUnformatted(context.text(Text::Outstanding));
        }
    }
    if (event.literal) {
        ImGui::TextUnformatted(literal_label(context, event).c_str());
        if (!event.literal->synchronizing) {
            ImGui::TextUnformatted(context.text(Text::LiteralNonSynchronizing));
        }
        if (event.literal->truncated) ImGui::TextUnformatted(context.text(Text::LiteralTruncated));
        ImGui::TextDisabled("%s", context.text(Text::ClickToExpand));
    }
    if (event.violation) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kind_color(RowKind::Violation)),
                           "%s (%s)",
                           sim::rule_text(*event.violation, context.view.language).c_str(),
                           event.violation->section.c_str());
    }
    if (event.transition) {
        ImGui::TextWrapped("%s", sim::cause_text(*event.transition, context.view.language).c_str());
    }
    if (event.redacted) ImGui::TextDisabled("%s", context.text(Text::Redacted));
    if (const std::string note = decoded_note(event, context.text(Text::RowHidden));
        !note.empty()) {
        ImGui::TextUnformatted(fmt::format("{}: {}", context.text(Text::Decoded), note).c_str());
    }
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

// Hover and click behaviour of the item just submitted for `row`.
void row_interaction(PanelContext& context, const DisplayRow& row) {
    const sim::TraceEvent& event = context.model.trace().at(row.seq);
    if (ImGui::IsItemHovered()) {
        context.view.hovered = row.seq;
        if (row.line == 0) event_tooltip(context, event);
    }
    if (!ImGui::IsItemClicked()) return;
    if (event.kind == sim::EventKind::Literal) {
        context.model.display().toggle_expanded(row.seq);
    } else {
        set_cursor(context.view, row.seq, context.model.trace().size());
        context.view.scroll_to_cursor = false;
    }
}

// Keeps the cursor row in sight after a jump, and the newest row while live.
void follow_cursor(PanelContext& context, std::size_t row_count, float row_height) {
    ViewState& view = context.view;
    if (view.scroll_to_cursor && row_count > 0) {
        const float row_top = static_cast<float>(row_count - 1) * row_height;
        ImGui::SetScrollY(std::max(0.0f, row_top - ImGui::GetWindowHeight() * 0.5f));
        view.scroll_to_cursor = false;
    } else if (view.live && row_count > view.rows_seen) {
        ImGui::SetScrollY(static_cast<float>(row_count) * row_height);
    }
    view.rows_seen = row_count;
}

// [SECTION] sequence diagram

struct SequenceLayout {
    float width = 0;
    float row_height = 0;
    float span_column = 0;
    int span_columns = 0;
    float seq_x = 0;
    float client_x = 0;
    float server_x = 0;
    float section_x = 0;
    bool show_section = true;
};

constexpr int max_span_columns = 8;

SequenceLayout sequence_layout(const PanelContext& context, float width) {
    SequenceLayout layout;
    const float font = ImGui::GetFontSize();
    layout.width = width;
    layout.row_height = ImGui::GetTextLineHeight() * 1.75f;
    layout.span_column = font * 0.6f;
    layout.span_columns = std::min(context.model.index().column_count(), max_span_columns);
    layout.seq_x = layout.span_column * static_cast<float>(layout.span_columns) + font * 0.4f;
    layout.client_x = layout.seq_x + ImGui::CalcTextSize("000000").x + font * 0.5f;
    // A narrow window (projector text) keeps the lanes and leaves the RFC
    // section to the tooltip.
    layout.show_section = width > font * 40;
    const float section_width =
        layout.show_section ? ImGui::CalcTextSize("RFC 3501 6.4.5").x : 0.0f;
    layout.server_x = std::max(layout.client_x + font * 8, width - section_width - font * 1.2f);
    layout.section_x = layout.server_x + font * 0.6f;
    return layout;
}

void arrow(ImDrawList* draw, ImVec2 from, ImVec2 to, ImU32 color, float head) {
    draw->AddLine(from, to, color, 2.0f);
    const float dir = to.x > from.x ? 1.0f : -1.0f;
    draw->AddTriangleFilled(to, {to.x - dir * head, to.y - head * 0.5f},
                            {to.x - dir * head, to.y + head * 0.5f}, color);
}

// One message between a client line and a server line, in `box` (x: the two
// lines, y: the row): an arrow in the direction it went with its text above,
// a violation's text marked without an arrow, the engine's own events
// centred. Both the sequence diagram and the side-by-side lanes draw it.
void draw_message(ImDrawList* draw, ImVec4 box, float text_y, Lane lane, RowKind kind,
                  std::string label) {
    const float client = box.x;
    const float server = box.z;
    const float h = box.w - box.y;
    const float font = ImGui::GetFontSize();
    const ImU32 color = theme::kind_color(kind);
    draw->PushClipRect({client, box.y}, {server, box.w}, true);
    if (lane == Lane::Internal) {
        label = "\u25C6 " + label;
        const float width = ImGui::CalcTextSize(label.c_str()).x;
        const float x = std::max(client + font * 0.5f, (client + server - width) * 0.5f);
        draw->AddText({x, text_y + h * 0.2f}, color, label.c_str());
        draw->PopClipRect();
        return;
    }
    const bool from_client = lane == Lane::Client;
    if (kind == RowKind::Violation) {
        label = "\u25B2 " + label;
    } else {
        const float arrow_y = box.y + h * 0.8f;
        const float inset = font * 0.2f;
        if (from_client) {
            arrow(draw, {client + inset, arrow_y}, {server - inset, arrow_y}, color, font * 0.6f);
        } else {
            arrow(draw, {server - inset, arrow_y}, {client + inset, arrow_y}, color, font * 0.6f);
        }
    }
    const float width = ImGui::CalcTextSize(label.c_str()).x;
    const float x = from_client ? client + font * 0.4f
                                : std::max(client + font * 0.4f, server - font * 0.4f - width);
    draw->AddText({x, text_y}, color, label.c_str());
    draw->PopClipRect();
}

void draw_sequence_row(PanelContext& context, const SequenceLayout& layout, const DisplayRow& row,
                       ImVec2 pos, std::optional<std::uint64_t> related) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const TraceIndex& index = context.model.index();
    const sim::TraceEvent& event = context.model.trace().at(row.seq);
    const RowKind kind = index.kind(row.seq);
    const float font = ImGui::GetFontSize();
    const float h = layout.row_height;
    const ImVec2 end{pos.x + layout.width, pos.y + h};
    const float client = pos.x + layout.client_x;
    const float server = pos.x + layout.server_x;

    if (kind == RowKind::Violation) draw->AddRectFilled(pos, end, theme::kind_background(kind));
    if (is_related(index, row.seq, related)) draw->AddRectFilled(pos, end, theme::link_highlight);
    if (row.seq == context.view.cursor && row.line == 0) {
        draw->AddRect(pos, end, theme::cursor, 0, 0, 2.0f);
    }
    draw->AddLine({client, pos.y}, {client, end.y}, theme::lane, 2.0f);
    draw->AddLine({server, pos.y}, {server, end.y}, theme::lane, 2.0f);

    const float text_y = pos.y + ImGui::GetStyle().ItemSpacing.y * 0.5f;
    if (row.line > 0) {
        // The raw line on the left half between the lanes, the decoded one on the right.
        const DisplayIndex& display = context.model.display();
        const float middle = (client + server) * 0.5f;
        const float indent =
            event.dir == sim::Direction::ClientToServer ? client : client + font * 2;
        draw->PushClipRect({client, pos.y}, {middle - font * 0.5f, end.y}, true);
        draw->AddText({indent + font * 0.6f, text_y + h * 0.15f}, theme::muted,
                      display.line_text(row.seq, row.line).c_str());
        draw->PopClipRect();
        draw->PushClipRect({middle, pos.y}, {server, end.y}, true);
        draw->AddText({middle + font * 0.3f, text_y + h * 0.15f}, theme::text,
                      display.decoded_text(row.seq, row.line).c_str());
        draw->PopClipRect();
        return;
    }
    const std::string seq = fmt::format("{}", row.seq);
    draw->AddText({pos.x + layout.seq_x, text_y}, theme::muted, seq.c_str());
    if (layout.show_section) {
        draw->AddText({pos.x + layout.section_x, text_y}, theme::muted, event.section.c_str());
    }

    const Lane lane = index.lane(row.seq);
    std::string label = row_label(context, event);
    draw_message(draw, {client, pos.y, server, end.y}, text_y, lane, kind, std::move(label));
}

// Pipelined commands: one bar per command from its row to its completion's
// row (or to the cursor while it is outstanding), overlapping bars side by side.
void draw_spans(PanelContext& context, const SequenceLayout& layout, ImVec2 origin,
                std::size_t first_row, std::size_t end_row, std::size_t row_count,
                std::optional<std::uint64_t> related) {
    if (first_row >= end_row) return;
    const TraceIndex& index = context.model.index();
    const DisplayIndex& display = context.model.display();
    const auto& rows = display.rows();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const auto row_center = [&](std::size_t row) {
        return origin.y + (static_cast<float>(row) + 0.5f) * layout.row_height;
    };
    for (std::size_t span_index :
         index.spans_overlapping(rows[first_row].seq, rows[end_row - 1].seq)) {
        const CommandSpan& span = index.spans()[span_index];
        if (span.column >= layout.span_columns) continue;
        const std::size_t start = display.row_of(span.command_seq);
        const bool done = span.completion_seq && *span.completion_seq <= context.view.cursor;
        const std::size_t stop = done ? display.row_of(*span.completion_seq) : row_count - 1;
        const float x = origin.x + (static_cast<float>(span.column) + 0.5f) * layout.span_column;
        const bool lit = related == span.command_seq;
        const ImU32 color = theme::kind_color(lit ? RowKind::Transition : RowKind::Command);
        const float thickness = layout.span_column * (lit ? 0.7f : 0.45f);
        draw->AddLine({x, row_center(start)}, {x, row_center(std::max(start, stop))}, color,
                      thickness);
        draw->AddCircleFilled({x, row_center(start)}, thickness * 0.8f, color);
        if (done) draw->AddCircleFilled({x, row_center(stop)}, thickness * 0.8f, color);
    }
}

void draw_sequence(PanelContext& context) {
    const float width = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize;
    ImGui::PushFont(context.mono());
    const SequenceLayout layout = sequence_layout(context, width);
    const ImVec2 header = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float font = ImGui::GetFontSize();
    const char* client = context.text(Text::Client);
    const char* server = context.text(Text::Server);
    draw->AddText(
        {header.x + layout.client_x - ImGui::CalcTextSize(client).x * 0.5f + font, header.y},
        theme::text, client);
    draw->AddText({header.x + layout.server_x - ImGui::CalcTextSize(server).x * 0.5f, header.y},
                  theme::text, server);
    ImGui::Dummy({width, ImGui::GetTextLineHeightWithSpacing()});

    ImGui::BeginChild("###sequence", {0, 0}, false);
    const DisplayIndex& display = context.model.display();
    const std::size_t count =
        context.model.trace().empty() ? 0 : display.rows_through(context.view.cursor);
    follow_cursor(context, count, layout.row_height);
    const auto related = related_command(context.model.index(), context.view.hovered_before);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, {0, 0});
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(count), layout.row_height);
    std::size_t first_row = count;
    std::size_t end_row = 0;
    while (clipper.Step()) {
        first_row = std::min(first_row, static_cast<std::size_t>(clipper.DisplayStart));
        end_row = std::max(end_row, static_cast<std::size_t>(clipper.DisplayEnd));
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const DisplayRow& row = display.rows()[static_cast<std::size_t>(i)];
            const ImVec2 pos = ImGui::GetCursorScreenPos();
            ImGui::PushID(i);
            ImGui::InvisibleButton("###row", {layout.width, layout.row_height});
            row_interaction(context, row);
            ImGui::PopID();
            draw_sequence_row(context, layout, row, pos, related);
        }
    }
    ImGui::PopStyleVar();
    draw_spans(context, layout, origin, first_row, end_row, count, related);
    ImGui::EndChild();
    ImGui::PopFont();
}

// [SECTION] log

const char* direction_mark(const PanelContext& context, std::uint64_t seq) {
    switch (context.model.index().lane(seq)) {
        case Lane::Client:
            return "C \u2192 S";
        case Lane::Server:
            return "C \u2190 S";
        case Lane::Internal:
            return "\u00B7";
    }
    return "\u00B7";
}

void draw_log_row(PanelContext& context, const DisplayRow& row, int row_number,
                  std::optional<std::uint64_t> related) {
    const TraceIndex& index = context.model.index();
    const sim::TraceEvent& event = context.model.trace().at(row.seq);
    const RowKind kind = index.kind(row.seq);
    ImGui::TableNextRow();
    if (kind == RowKind::Violation) {
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, theme::kind_background(kind));
    }
    if (is_related(index, row.seq, related)) {
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, theme::link_highlight);
    }
    if (row.seq == context.view.cursor && row.line == 0) {
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, theme::changed_row);
    }
    ImGui::TableNextColumn();
    const std::string id = row.line == 0 ? fmt::format("{}###log{}", row.seq, row_number)
                                         : fmt::format("###log{}", row_number);
    ImGui::Selectable(id.c_str(), false,
                      ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap);
    row_interaction(context, row);
    ImGui::TableNextColumn();
    if (row.line > 0) {
        ImGui::TableNextColumn();
        ImGui::TableNextColumn();
        ImGui::PushFont(context.mono());
        const float half = ImGui::GetContentRegionAvail().x * 0.5f;
        const float start = ImGui::GetCursorPosX();
        ImGui::TextDisabled("%s", context.model.display().line_text(row.seq, row.line).c_str());
        ImGui::SameLine(start + half);
        ImGui::TextUnformatted(context.model.display().decoded_text(row.seq, row.line).c_str());
        ImGui::PopFont();
        return;
    }
    ImGui::TextUnformatted(direction_mark(context, row.seq));
    ImGui::TableNextColumn();
    const ImVec4 color = ImGui::ColorConvertU32ToFloat4(theme::kind_color(kind));
    ImGui::TextColored(color, "%s",
                       context.text(theme::kind_label(kind, context.model.trace().protocol())));
    ImGui::TableNextColumn();
    ImGui::PushFont(context.mono());
    const std::string note = decoded_note(event, context.text(Text::RowHidden), NoteForm::Short);
    if (!note.empty()) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::text), "[%s]", note.c_str());
        ImGui::SameLine();
    }
    const std::string text = wire_label(context, event);
    ImGui::TextColored(color, "%s", text.c_str());
    ImGui::PopFont();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", event.section.c_str());
}

void draw_log(PanelContext& context) {
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable("###log", 5, flags)) return;
    const float font = ImGui::GetFontSize();
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(context.text(Text::ColumnSeq), ImGuiTableColumnFlags_WidthFixed,
                            font * 4);
    ImGui::TableSetupColumn(context.text(Text::ColumnDirection), ImGuiTableColumnFlags_WidthFixed,
                            font * 3.5f);
    ImGui::TableSetupColumn(context.text(Text::ColumnKind), ImGuiTableColumnFlags_WidthFixed,
                            font * 7);
    ImGui::TableSetupColumn(context.text(Text::ColumnMessage), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(context.text(Text::ColumnSection), ImGuiTableColumnFlags_WidthFixed,
                            font * 7);
    ImGui::TableHeadersRow();
    const DisplayIndex& display = context.model.display();
    const std::size_t count =
        context.model.trace().empty() ? 0 : display.rows_through(context.view.cursor);
    follow_cursor(context, count, ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y);
    const auto related = related_command(context.model.index(), context.view.hovered_before);
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(count));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            draw_log_row(context, display.rows()[static_cast<std::size_t>(i)], i, related);
        }
    }
    ImGui::EndTable();
}

// [SECTION] all clients

// Each lane is a client's own sequence diagram, its client line on the left
// and the server's on the right; a row draws in its lane only, so reading
// down shows who heard what, and when.
struct LanesLayout {
    float lane_width = 0;
    float row_height = 0;
    float inset = 0;  // from a lane's edge to its client and server lines
};

LanesLayout lanes_layout(std::size_t lanes, float width) {
    LanesLayout layout;
    layout.lane_width = width / static_cast<float>(std::max<std::size_t>(lanes, 1));
    layout.row_height = ImGui::GetTextLineHeight() * 1.75f;
    layout.inset = ImGui::GetFontSize() * 0.8f;
    return layout;
}

// The other panels follow one client: the lesson's client selector or the
// Session menu's lab connection, whichever the lanes come from.
void choose_lane(PanelContext& context, std::size_t lane) {
    const LanesView& lanes = context.model.lanes;
    if (lane == lanes.chosen) return;
    if (lanes.lab) {
        context.intents.choose_session = lanes.first_entry + lane;
    } else {
        context.intents.lesson.action = LessonAction::SelectClient;
        context.intents.lesson.answer = lane;
    }
}

void lane_tooltip(const PanelContext& context, const std::string& lane,
                  const sim::TraceEvent& event) {
    const RowKind kind = classify(event);
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kind_color(kind)), "%s  #%llu  %s  %s",
                       lane.c_str(), static_cast<unsigned long long>(event.seq),
                       context.text(theme::kind_label(kind, event.protocol)),
                       event.section.c_str());
    if (const std::string summary = sim::event_summary(event, context.view.language);
        !summary.empty()) {
        ImGui::TextWrapped("%s", summary.c_str());
    }
    if (event.violation) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kind_color(RowKind::Violation)),
                           "%s (%s)",
                           sim::rule_text(*event.violation, context.view.language).c_str(),
                           event.violation->section.c_str());
    }
    if (event.transition) {
        ImGui::TextWrapped("%s", sim::cause_text(*event.transition, context.view.language).c_str());
    }
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

void draw_lane_headers(PanelContext& context, const LanesLayout& layout) {
    const LanesView& lanes = context.model.lanes;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float font = ImGui::GetFontSize();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    for (std::size_t lane = 0; lane < lanes.traces.size(); ++lane) {
        const float x = origin.x + layout.lane_width * static_cast<float>(lane);
        const bool chosen = lane == lanes.chosen;
        ImGui::SetCursorScreenPos({x, origin.y});
        ImGui::PushID(static_cast<int>(lane));
        ImGui::PushStyleColor(ImGuiCol_Text, chosen ? IM_COL32_WHITE : theme::text);
        ImGui::PushStyleColor(ImGuiCol_Button,
                              chosen ? theme::node_current : ImGui::GetColorU32(ImGuiCol_Button));
        if (ImGui::Button(lanes.names[lane].c_str(), {layout.lane_width - font * 0.3f, 0})) {
            choose_lane(context, lane);
        }
        ImGui::PopStyleColor(2);
        if (ImGui::IsItemHovered()) {
            ImGui::SetTooltip("%s",
                              context.text(chosen ? Text::LaneShownHint : Text::LaneChooseHint));
        }
        ImGui::PopID();
        const float y = origin.y + ImGui::GetFrameHeightWithSpacing();
        const char* client = context.text(Text::Client);
        const char* server = context.text(Text::Server);
        draw->PushClipRect({x, y}, {x + layout.lane_width, y + line}, true);
        draw->AddText({x + layout.inset * 0.5f, y}, theme::muted, client);
        draw->AddText(
            {x + layout.lane_width - layout.inset * 0.5f - ImGui::CalcTextSize(server).x, y},
            theme::muted, server);
        draw->PopClipRect();
    }
    ImGui::SetCursorScreenPos(origin);
    ImGui::Dummy({layout.lane_width * static_cast<float>(lanes.traces.size()),
                  ImGui::GetFrameHeightWithSpacing() + line});
}

void draw_lane_row(PanelContext& context, const LanesLayout& layout, const LaneRow& row,
                   ImVec2 pos) {
    const LanesView& lanes = context.model.lanes;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float h = layout.row_height;
    const float text_y = pos.y + ImGui::GetStyle().ItemSpacing.y * 0.5f;
    for (std::size_t lane = 0; lane < lanes.traces.size(); ++lane) {
        const float x = pos.x + layout.lane_width * static_cast<float>(lane);
        if (lane == lanes.chosen) {
            draw->AddRectFilled({x, pos.y}, {x + layout.lane_width, pos.y + h}, theme::chosen_lane);
        }
        draw->AddLine({x + layout.inset, pos.y}, {x + layout.inset, pos.y + h}, theme::lane, 2.0f);
        draw->AddLine({x + layout.lane_width - layout.inset, pos.y},
                      {x + layout.lane_width - layout.inset, pos.y + h}, theme::lane, 2.0f);
    }
    const sim::TraceEvent& event = lanes.traces[row.lane]->at(row.seq);
    const RowKind kind = classify(event);
    const float left = pos.x + layout.lane_width * static_cast<float>(row.lane);
    const float client = left + layout.inset;
    const float server = left + layout.lane_width - layout.inset;
    const ImVec2 end{left + layout.lane_width, pos.y + h};
    if (kind == RowKind::Violation) {
        draw->AddRectFilled({left, pos.y}, end, theme::kind_background(kind));
    }
    if (row.lane == lanes.chosen && row.seq == context.view.cursor) {
        draw->AddRect({left, pos.y}, end, theme::cursor, 0, 0, 2.0f);
    }
    std::string label = event.kind == sim::EventKind::Literal
                            ? literal_label(context, event, false)
                            : row_text(event, context.view.language);
    const Lane side = lane_of(event);
    draw_message(draw, {client, pos.y, server, end.y}, text_y, side, kind, std::move(label));
}

// Narrower than this, in font heights, a lane's lines would show a word or
// two: a lab with many connections scrolls its lanes sideways instead.
constexpr float min_lane_fonts = 12;
// Below this height, in font heights, the view goes without its caption.
constexpr float caption_room_fonts = 16;

void draw_all_clients(PanelContext& context) {
    const LanesView& lanes = context.model.lanes;
    // A short panel (large text on a laptop) keeps its room for the rows.
    if (ImGui::GetContentRegionAvail().y > ImGui::GetFontSize() * caption_room_fonts) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextDisabled("%s", context.text(Text::LanesCaption));
        ImGui::PopTextWrapPos();
    }
    ImGui::PushFont(context.mono());
    const float scrollbar = ImGui::GetStyle().ScrollbarSize;
    const float width =
        std::max(ImGui::GetContentRegionAvail().x - scrollbar,
                 ImGui::GetFontSize() * min_lane_fonts * static_cast<float>(lanes.traces.size()));
    const LanesLayout layout = lanes_layout(lanes.traces.size(), width);
    // The headings scroll sideways with the lanes, the rows alone scroll down.
    ImGui::BeginChild("###all_clients_across", {0, 0}, false, ImGuiWindowFlags_HorizontalScrollbar);
    draw_lane_headers(context, layout);

    ImGui::BeginChild("###all_clients", {width + scrollbar, 0}, false);
    const sim::SessionTrace& chosen = *lanes.traces[lanes.chosen];
    const bool engine_events = context.model.display().show_internal();
    const std::size_t count = lanes.rows_shown(context.view.cursor, engine_events);
    follow_cursor(context, count, layout.row_height);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, {0, 0});
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(count), layout.row_height);
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const LaneRow& row = lanes.row(static_cast<std::size_t>(i), engine_events);
            const ImVec2 pos = ImGui::GetCursorScreenPos();
            ImGui::PushID(i);
            ImGui::InvisibleButton("###lane_row", {width, layout.row_height});
            ImGui::PopID();
            if (ImGui::IsItemHovered()) {
                if (row.lane == lanes.chosen) context.view.hovered = row.seq;
                lane_tooltip(context, lanes.names[row.lane], lanes.traces[row.lane]->at(row.seq));
            }
            if (ImGui::IsItemClicked()) {
                if (row.lane == lanes.chosen) {
                    set_cursor(context.view, row.seq, chosen.size());
                    context.view.scroll_to_cursor = false;
                } else {
                    choose_lane(context, row.lane);
                    context.intents.chosen_event = row.seq;
                }
            }
            draw_lane_row(context, layout, row, pos);
        }
    }
    ImGui::PopStyleVar();
    ImGui::EndChild();
    ImGui::EndChild();
    ImGui::PopFont();
}

// [SECTION] panel

// Below this height, in font heights, the colour key starts folded.
constexpr float legend_open_fonts = 34;

void draw_legend(const PanelContext& context) {
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    const float box = ImGui::GetTextLineHeight() * 0.7f;
    const sim::Protocol protocol = context.model.trace().protocol();
    bool first = true;
    for (int k = 0; k < row_kind_count; ++k) {
        const auto kind = static_cast<RowKind>(k);
        if (!theme::kind_used(kind, protocol)) continue;
        const char* label = context.text(theme::kind_label(kind, protocol));
        const float width =
            box + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label).x;
        if (!first) {
            ImGui::SameLine();
            if (ImGui::GetCursorScreenPos().x + width > right) ImGui::NewLine();
        }
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        const float pad = (ImGui::GetTextLineHeight() - box) * 0.5f;
        ImGui::GetWindowDrawList()->AddRectFilled(
            {pos.x, pos.y + pad}, {pos.x + box, pos.y + pad + box}, theme::kind_color(kind), 2.0f);
        ImGui::Dummy({box, ImGui::GetTextLineHeight()});
        ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
        ImGui::TextUnformatted(label);
        first = false;
    }
}

}  // namespace

void draw_exchange_panel(PanelContext& context, bool* open) {
    const PanelWindow window(context, Text::WindowExchanges, "exchanges", open);
    if (!window.shown()) return;
    bool show_internal = context.model.display().show_internal();
    if (ImGui::Checkbox(context.text(Text::ShowInternal), &show_internal)) {
        context.model.display().set_show_internal(show_internal);
        context.view.scroll_to_cursor = true;
    }
    // The colour key takes several lines: a short panel (large text, a small
    // window, the projector) starts with it folded so the exchanges keep the room.
    ImGui::SameLine();
    const bool roomy = ImGui::GetContentRegionAvail().y > ImGui::GetFontSize() * legend_open_fonts;
    ImGui::SetNextItemOpen(roomy && !context.view.projector, ImGuiCond_Once);
    const std::string legend = fmt::format("{}###legend", context.text(Text::ColourKey));
    if (ImGui::TreeNodeEx(legend.c_str(), ImGuiTreeNodeFlags_NoTreePushOnOpen))
        draw_legend(context);
    if (context.model.trace().empty()) {
        ImGui::TextDisabled("%s", context.text(Text::NoEvents));
        return;
    }
    const auto tab_flags = [&](ExchangeTab tab) {
        return context.view.select_exchange_tab == tab ? ImGuiTabItemFlags_SetSelected
                                                       : ImGuiTabItemFlags_None;
    };
    const auto show = [&](ExchangeTab tab) {
        // A tab coming into view has its own scroll position: bring the cursor into it.
        if (context.view.shown_exchange_tab != tab) context.view.scroll_to_cursor = true;
        context.view.shown_exchange_tab = tab;
    };
    if (ImGui::BeginTabBar("###exchange_tabs")) {
        const std::string sequence =
            fmt::format("{}###sequence_tab", context.text(Text::TabSequence));
        const std::string log = fmt::format("{}###log_tab", context.text(Text::TabLog));
        if (ImGui::BeginTabItem(sequence.c_str(), nullptr, tab_flags(ExchangeTab::Sequence))) {
            show(ExchangeTab::Sequence);
            draw_sequence(context);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(log.c_str(), nullptr, tab_flags(ExchangeTab::Log))) {
            show(ExchangeTab::Log);
            draw_log(context);
            ImGui::EndTabItem();
        }
        const bool lanes = context.model.lanes.offered();
        if (lanes) {
            const std::string all =
                fmt::format("{}###all_clients_tab", context.text(Text::TabAllClients));
            if (ImGui::BeginTabItem(all.c_str(), nullptr, tab_flags(ExchangeTab::AllClients))) {
                show(ExchangeTab::AllClients);
                draw_all_clients(context);
                ImGui::EndTabItem();
            }
        }
        ImGui::EndTabBar();
        // Asked for before the lab's second connection came: kept until the tab is there.
        if (lanes || context.view.select_exchange_tab != ExchangeTab::AllClients) {
            context.view.select_exchange_tab.reset();
        }
    }
}

}  // namespace mailscope::gui
