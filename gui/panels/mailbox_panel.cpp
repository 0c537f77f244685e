// Mailbox inspector: at the cursor, the selected mailbox as an IMAP client
// saw it, a POP3 client's maildrop (maildrop_view.cpp) or an SMTP client's
// mail transactions (envelope_view.cpp); beside the client's view, greyed,
// what the embedded server's store held then.
#include <algorithm>

#include <fmt/format.h>

#include "gui/panels/panels.hpp"
#include "gui/theme.hpp"
#include "sim/text/mutf7.hpp"

namespace mailscope::gui {

namespace {

std::string flags_text(const MessageRow& row) {
    if (!row.flags_known) return "?";
    return fmt::format("{}", fmt::join(row.flags, " "));
}

// The MODSEQ column appears once the session has seen mod-sequences (RFC 7162).
bool shows_modseq(const MailboxSnapshot& snapshot) {
    if (snapshot.highest_modseq) return true;
    return std::any_of(snapshot.messages.begin(), snapshot.messages.end(),
                       [](const MessageRow& row) { return row.modseq.has_value(); });
}

// A value the client has learned, or the store's greyed, or "?".
template <typename Known, typename Draw>
void cell(PanelContext& context, const Known& known, const TruthRow* truth,
          std::string (*from_truth)(const TruthRow&), Draw draw) {
    if (known) {
        draw();
    } else if (truth && truth->in_store) {
        truth_cell(context, from_truth(*truth));
    } else {
        ImGui::TextDisabled("?");
    }
}

std::string truth_uid(const TruthRow& truth) {
    return std::to_string(truth.uid);
}
std::string truth_flags(const TruthRow& truth) {
    return fmt::format("({})", fmt::join(truth.flags, " "));
}
std::string truth_size(const TruthRow& truth) {
    return std::to_string(truth.size);
}
std::string truth_subject(const TruthRow& truth) {
    return truth.subject;
}

void draw_cells(PanelContext& context, const MessageRow& row, const TruthRow* truth, bool modseq) {
    ImGui::TableNextColumn();
    cell(context, row.uid, truth, truth_uid, [&] { ImGui::Text("%u", *row.uid); });
    ImGui::TableNextColumn();
    cell(context, row.flags_known, truth, truth_flags, [&] {
        const bool recent =
            std::find(row.flags.begin(), row.flags.end(), "\\Recent") != row.flags.end();
        if (recent) ImGui::PushStyleColor(ImGuiCol_Text, theme::kind_color(RowKind::Command));
        ImGui::TextUnformatted(flags_text(row).c_str());
        if (recent) ImGui::PopStyleColor();
    });
    ImGui::TableNextColumn();
    cell(context, row.size, truth, truth_size,
         [&] { ImGui::Text("%llu", static_cast<unsigned long long>(*row.size)); });
    ImGui::TableNextColumn();
    cell(context, row.subject, truth, truth_subject, [&] {
        ImGui::TextUnformatted(row.subject->c_str());
        if (row.raw_subject && *row.raw_subject != *row.subject && ImGui::IsItemHovered())
            ImGui::SetTooltip("%s", row.raw_subject->c_str());
    });
    if (!modseq) return;
    ImGui::TableNextColumn();
    if (row.modseq) {
        ImGui::Text("%llu", static_cast<unsigned long long>(*row.modseq));
    } else {
        ImGui::TextDisabled("?");
    }
}

// Fixed column widths, in font heights: "№" with room for "12 → 11", UID, size.
constexpr float seq_column_fonts = 3.6f;
constexpr float uid_column_fonts = 2.2f;
constexpr float size_column_fonts = 3.5f;

void draw_table(PanelContext& context, const MailboxSnapshot& snapshot, const StoreTruth* truth) {
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
    const bool modseq = shows_modseq(snapshot);
    if (!ImGui::BeginTable("###messages", modseq ? 6 : 5, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(context.text(Text::ColumnSeq), ImGuiTableColumnFlags_WidthFixed,
                            ImGui::GetFontSize() * seq_column_fonts);
    ImGui::TableSetupColumn(context.text(Text::ColumnUid), ImGuiTableColumnFlags_WidthFixed,
                            ImGui::GetFontSize() * uid_column_fonts);
    ImGui::TableSetupColumn(context.text(Text::ColumnFlags), ImGuiTableColumnFlags_WidthStretch,
                            1.0f);
    ImGui::TableSetupColumn(context.text(Text::ColumnSize), ImGuiTableColumnFlags_WidthFixed,
                            ImGui::GetFontSize() * size_column_fonts);
    ImGui::TableSetupColumn(context.text(Text::ColumnSubject), ImGuiTableColumnFlags_WidthStretch,
                            1.6f);
    if (modseq) {
        ImGui::TableSetupColumn(context.text(Text::ColumnModSeq), ImGuiTableColumnFlags_WidthFixed,
                                ImGui::GetFontSize() * 4.0f);
    }
    ImGui::TableHeadersRow();

    const auto& renumbered = snapshot.renumbered;
    if (renumbered) {
        // The message that just left, struck out, where it used to be.
        ImGui::TableNextRow();
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0,
                               theme::kind_background(RowKind::Violation));
        ImGui::TableNextColumn();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kind_color(RowKind::TaggedBad)),
                           "\u00D7 %u", renumbered->expunged);
        draw_cells(context, renumbered->removed, nullptr, modseq);
    }

    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(snapshot.messages.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const auto seq = static_cast<std::uint32_t>(i + 1);
            ImGui::TableNextRow();
            const bool changed = std::find(snapshot.changed.begin(), snapshot.changed.end(), seq) !=
                                 snapshot.changed.end();
            const bool found =
                std::binary_search(snapshot.found.begin(), snapshot.found.end(), seq);
            if (found) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, theme::found_row);
            if (changed) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, theme::changed_row);
            ImGui::TableNextColumn();
            if (renumbered && seq >= renumbered->expunged) {
                ImGui::TextColored(
                    ImGui::ColorConvertU32ToFloat4(theme::kind_color(RowKind::Renumbering)),
                    "%u \u2192 %u", seq + 1, seq);
            } else {
                ImGui::Text("%u", seq);
            }
            const MessageRow& row = snapshot.messages[static_cast<std::size_t>(i)];
            const TruthRow* store = truth_row(truth, static_cast<std::size_t>(i), row.uid);
            if (store && !store->in_store) {
                // Gone from the store; the client will hear at its next command.
                ImGui::SameLine();
                ImGui::TextColored(
                    ImGui::ColorConvertU32ToFloat4(theme::kind_color(RowKind::TaggedBad)),
                    "\u00D7");
                if (ImGui::IsItemHovered())
                    ImGui::SetTooltip("%s", context.text(Text::ExpungedElsewhere));
            }
            draw_cells(context, row, store, modseq);
        }
    }
    if (truth) {
        for (const TruthRow& arrived : truth->unannounced) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextDisabled("+");
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", context.text(Text::Unannounced));
            draw_cells(context, MessageRow{}, &arrived, modseq);
        }
    }
    ImGui::EndTable();
}

std::string folder_label(const FolderRow& folder) {
    std::string label = folder.decoded;
    if (folder.decoded != folder.wire) label += fmt::format("   ← {}", folder.wire);
    for (const std::string& attribute : folder.attributes)
        label += " " + attribute;
    return label;
}

// Each folder indented by its depth: the hierarchy delimiter (RFC 3501 5.1.1)
// splits the name, so "Work/2024" sits under "Work".
void draw_folders(PanelContext& context, const MailboxSnapshot& snapshot) {
    if (snapshot.folders.empty()) return;
    const std::string header =
        fmt::format("{} ({})###folders", context.text(Text::Folders), snapshot.folders.size());
    if (!ImGui::CollapsingHeader(header.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) return;
    const std::string selected = text::mutf7_decode(snapshot.mailbox).value_or(snapshot.mailbox);
    for (const FolderRow& folder : snapshot.folders) {
        int depth = 0;
        if (folder.delimiter) {
            depth = static_cast<int>(
                std::count(folder.decoded.begin(), folder.decoded.end(), *folder.delimiter));
        }
        const float indent = ImGui::GetFontSize() * (1.0f + std::min(depth, 8));
        ImGui::Indent(indent);
        const bool current = folder.decoded == selected;
        if (current) ImGui::PushStyleColor(ImGuiCol_Text, theme::node_current);
        // A long name with its wire form ends at the panel's edge; hovering shows it whole.
        const std::string label = fmt::format("{} {}", current ? "▶" : "□", folder_label(folder));
        text_to_edge(label);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", label.c_str());
        if (current) ImGui::PopStyleColor();
        ImGui::Unindent(indent);
    }
}

// The selected mailbox as the client learned it, with the store's truth
// greyed where it has not.
void draw_imap_mailbox(PanelContext& context) {
    const sim::SessionTrace& trace = context.model.trace();
    const std::uint64_t cursor = trace.empty() ? 0 : context.view.cursor;
    const MailboxSnapshot& snapshot = context.model.mailbox().at(trace, cursor);
    const StoreTruth* truth =
        truth_beside(context.model.store_truth ? context.model.store_truth->at(cursor) : nullptr,
                     snapshot.mailbox);
    context.view.mailbox_shown = imap_shown(snapshot, truth);
    draw_folders(context, snapshot);
    if (snapshot.mailbox.empty() && snapshot.messages.empty()) {
        ImGui::TextWrapped("%s", context.text(Text::NoMailbox));
        return;
    }
    const std::string mailbox = text::mutf7_decode(snapshot.mailbox).value_or(snapshot.mailbox);
    ImGui::TextUnformatted(
        fmt::format(fmt::runtime(context.text(Text::MessageCount)), mailbox, snapshot.exists)
            .c_str());
    if (snapshot.recent) {
        ImGui::SameLine();
        ImGui::TextDisabled(
            "%s",
            fmt::format(fmt::runtime(context.text(Text::RecentCount)), *snapshot.recent).c_str());
    }
    std::string uids;
    if (snapshot.uid_validity) {
        uids = fmt::format(fmt::runtime(context.text(Text::UidValidity)), *snapshot.uid_validity);
    }
    if (snapshot.uid_next) {
        if (!uids.empty()) uids += "   ";
        uids += fmt::format(fmt::runtime(context.text(Text::UidNext)), *snapshot.uid_next);
    }
    if (!uids.empty()) ImGui::TextDisabled("%s", uids.c_str());
    if (snapshot.highest_modseq) {
        ImGui::TextDisabled("%s", fmt::format(fmt::runtime(context.text(Text::HighestModSeq)),
                                              *snapshot.highest_modseq)
                                      .c_str());
    }
    if (snapshot.renumbered) {
        ImGui::PushStyleColor(ImGuiCol_Text, theme::kind_color(RowKind::Renumbering));
        ImGui::TextWrapped("%s", fmt::format(fmt::runtime(context.text(Text::Expunged)),
                                             snapshot.renumbered->expunged)
                                     .c_str());
        ImGui::PopStyleColor();
    }
    if (!snapshot.search_results.empty()) {
        ImGui::TextWrapped("%s", fmt::format(fmt::runtime(context.text(Text::SearchResults)),
                                             snapshot.search_results)
                                     .c_str());
    }
    if (snapshot.exists > snapshot.messages.size()) {
        ImGui::TextDisabled("%s", fmt::format(fmt::runtime(context.text(Text::RowsNotListed)),
                                              snapshot.exists - snapshot.messages.size())
                                      .c_str());
    }
    if (truth) {
        ImGui::TextDisabled(
            "%s",
            fmt::format(fmt::runtime(context.text(Text::StoreCount)), truth->store_count).c_str());
        if (context.view.mailbox_shown.greyed_rows > 0) truth_legend(context);
    }
    draw_table(context, snapshot, truth);
}

}  // namespace

float mailbox_panel_min_width(const PanelContext& context) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float fixed =
        ImGui::GetFontSize() * (seq_column_fonts + uid_column_fonts + size_column_fonts);
    const float stretched = ImGui::CalcTextSize(context.text(Text::ColumnFlags)).x +
                            ImGui::CalcTextSize(context.text(Text::ColumnSubject)).x;
    return fixed + stretched + style.CellPadding.x * 10 + style.WindowPadding.x * 2 +
           style.ScrollbarSize;
}

void draw_mailbox_panel(PanelContext& context, bool* open) {
    const PanelWindow window(context, Text::WindowMailbox, "mailbox", open);
    if (!window.shown()) return;
    switch (context.model.trace().protocol()) {
        case sim::Protocol::Pop3:
            return draw_maildrop(context);
        case sim::Protocol::Smtp:
            return draw_envelopes(context);
        case sim::Protocol::Imap:
            return draw_imap_mailbox(context);
    }
}

}  // namespace mailscope::gui
