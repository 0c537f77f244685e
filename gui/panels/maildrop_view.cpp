// The mailbox panel for a POP3 session: the maildrop as the client knows it
// at the cursor (RFC 1939: message numbers, sizes from STAT and LIST, UIDL,
// the DELE marks RSET takes back), and the store's messages greyed where the
// client has not asked yet.
#include <algorithm>

#include <fmt/format.h>

#include "gui/panels/panels.hpp"
#include "gui/theme.hpp"

namespace mailscope::gui {

namespace {

constexpr float drop_number_fonts = 2.4f;
constexpr float drop_size_fonts = 4.0f;
constexpr float drop_mark_fonts = 5.0f;

void draw_header(PanelContext& context, const MaildropSnapshot& snapshot, const StoreTruth* truth) {
    if (snapshot.count) {
        std::string line =
            fmt::format(fmt::runtime(context.text(Text::MaildropCount)), *snapshot.count);
        if (snapshot.total_size) {
            line += "   " + fmt::format(fmt::runtime(context.text(Text::MaildropOctets)),
                                        *snapshot.total_size);
        }
        text_to_edge(line);
    } else {
        ImGui::TextWrapped("%s", context.text(Text::MaildropUnknown));
    }
    if (truth) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        text_to_edge(fmt::format(fmt::runtime(context.text(Text::StoreCount)), truth->store_count));
        ImGui::PopStyleColor();
    }
    if (const std::uint32_t marked = snapshot.deleted_count(); marked > 0 && !snapshot.updated) {
        ImGui::PushStyleColor(ImGuiCol_Text, theme::kind_color(RowKind::TaggedBad));
        ImGui::TextWrapped(
            "%s", fmt::format(fmt::runtime(context.text(Text::MaildropMarked)), marked).c_str());
        ImGui::PopStyleColor();
    }
    if (snapshot.updated) ImGui::TextWrapped("%s", context.text(Text::MaildropUpdated));
    // The subjects always come from the store: POP3 never says them.
    if (truth) truth_legend(context);
}

void draw_mark(PanelContext& context, const MaildropRow& row) {
    if (row.deleted) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kind_color(RowKind::TaggedBad)),
                           "%s", context.text(Text::MarkDeleted));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", context.text(Text::MarkDeletedTip));
    } else if (row.retrieved) {
        ImGui::TextUnformatted(context.text(Text::MarkRetrieved));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", context.text(Text::MarkRetrievedTip));
    }
}

void draw_row(PanelContext& context, const MaildropSnapshot& snapshot, std::size_t index,
              const StoreTruth* truth) {
    const MaildropRow unknown;
    const MaildropRow& row = index < snapshot.messages.size() ? snapshot.messages[index] : unknown;
    const TruthRow* store = truth_row(truth, index, std::nullopt);
    const auto number = static_cast<std::uint32_t>(index + 1);
    ImGui::TableNextRow();
    const bool changed = std::find(snapshot.changed.begin(), snapshot.changed.end(), number) !=
                         snapshot.changed.end();
    if (changed) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, theme::changed_row);
    if (row.deleted) {
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0,
                               theme::kind_background(RowKind::Violation));
    }
    ImGui::TableNextColumn();
    if (index < snapshot.messages.size()) {
        ImGui::Text("%u", number);
    } else {
        truth_cell(context, std::to_string(number));
    }
    ImGui::TableNextColumn();
    if (row.size) {
        ImGui::Text("%llu", static_cast<unsigned long long>(*row.size));
    } else if (store) {
        truth_cell(context, std::to_string(store->size));
    } else {
        ImGui::TextDisabled("?");
    }
    ImGui::TableNextColumn();
    if (row.uidl) {
        text_to_edge(*row.uidl);
    } else if (store) {
        truth_cell(context, server_uidl(*truth, *store));
    } else {
        ImGui::TextDisabled("?");
    }
    ImGui::TableNextColumn();
    draw_mark(context, row);
    ImGui::TableNextColumn();
    if (store) truth_cell(context, store->subject);
}

}  // namespace

void draw_maildrop(PanelContext& context) {
    const sim::SessionTrace& trace = context.model.trace();
    const std::uint64_t cursor = trace.empty() ? 0 : context.view.cursor;
    const MaildropSnapshot& snapshot = context.model.maildrop().at(trace, cursor);
    const StoreTruth* truth =
        context.model.store_truth ? context.model.store_truth->at(cursor) : nullptr;
    if (snapshot.updated) truth = nullptr;
    context.view.mailbox_shown = pop3_shown(snapshot, truth);
    draw_header(context, snapshot, truth);
    const std::size_t rows = context.view.mailbox_shown.rows;
    if (rows == 0) return;

    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable("###maildrop", 5, flags)) return;
    const float font = ImGui::GetFontSize();
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(context.text(Text::ColumnSeq), ImGuiTableColumnFlags_WidthFixed,
                            font * drop_number_fonts);
    ImGui::TableSetupColumn(context.text(Text::ColumnSize), ImGuiTableColumnFlags_WidthFixed,
                            font * drop_size_fonts);
    ImGui::TableSetupColumn("UIDL", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn(context.text(Text::ColumnMark), ImGuiTableColumnFlags_WidthFixed,
                            font * drop_mark_fonts);
    ImGui::TableSetupColumn(context.text(Text::ColumnSubject), ImGuiTableColumnFlags_WidthStretch,
                            1.4f);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i)
            draw_row(context, snapshot, static_cast<std::size_t>(i), truth);
    }
    ImGui::EndTable();
}

}  // namespace mailscope::gui
