// The mailbox panel for an SMTP session: the mail transactions as the client
// knows them at the cursor (RFC 5321 3.3): MAIL FROM, each RCPT TO and DATA
// with the server's reply code, the message's size, and how the transaction
// ended. The current one comes first; earlier ones fold away below it.
#include <fmt/format.h>

#include "gui/panels/panels.hpp"
#include "gui/theme.hpp"

namespace mailscope::gui {

namespace {

constexpr float envelope_command_fonts = 5.5f;
constexpr float envelope_reply_fonts = 9.0f;

// Cut at the column's edge; hovering shows it whole.
void colored(RowKind kind, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, theme::kind_color(kind));
    text_to_edge(text);
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
}

void draw_reply(PanelContext& context, std::uint16_t code) {
    if (code == 0) {
        ImGui::TextDisabled("%s", context.text(Text::ReplyWaiting));
        return;
    }
    const bool accepted = code >= 200 && code < 400;
    colored(
        accepted ? RowKind::TaggedOk : RowKind::TaggedBad,
        fmt::format(fmt::runtime(context.text(accepted ? Text::ReplyAccepted : Text::ReplyRefused)),
                    code));
}

void draw_step(PanelContext& context, const char* command, const EnvelopeStep& step) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(command);
    ImGui::TableNextColumn();
    const std::string path = step.path.empty() ? context.text(Text::NullPath) : step.path;
    text_to_edge(path);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", path.c_str());
    ImGui::TableNextColumn();
    draw_reply(context, step.code);
}

void draw_end(PanelContext& context, const Transaction& transaction) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", context.text(Text::EnvelopeEnd));
    ImGui::TableNextColumn();
    switch (transaction.end) {
        case TransactionEnd::Open:
            ImGui::TextDisabled("%s", context.text(Text::EndOpen));
            break;
        case TransactionEnd::Queued:
            colored(RowKind::TaggedOk, fmt::format(fmt::runtime(context.text(Text::EndQueued)),
                                                   transaction.final_code));
            break;
        case TransactionEnd::Refused:
            colored(RowKind::TaggedBad, context.text(Text::EndRefused));
            break;
        case TransactionEnd::Reset:
            colored(RowKind::Renumbering, context.text(Text::EndReset));
            break;
        case TransactionEnd::Aborted:
            colored(RowKind::TaggedBad, context.text(Text::EndAborted));
            break;
    }
    ImGui::TableNextColumn();
    if (transaction.end == TransactionEnd::Refused && transaction.final_code != 0)
        draw_reply(context, transaction.final_code);
}

void draw_transaction(PanelContext& context, const Transaction& transaction, std::size_t number) {
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV;
    const std::string id = fmt::format("###transaction{}", number);
    if (!ImGui::BeginTable(id.c_str(), 3, flags)) return;
    const float font = ImGui::GetFontSize();
    ImGui::TableSetupColumn(context.text(Text::ColumnCommand), ImGuiTableColumnFlags_WidthFixed,
                            font * envelope_command_fonts);
    ImGui::TableSetupColumn(context.text(Text::ColumnArgument), ImGuiTableColumnFlags_WidthStretch,
                            1.0f);
    ImGui::TableSetupColumn(context.text(Text::ColumnReply), ImGuiTableColumnFlags_WidthFixed,
                            font * envelope_reply_fonts);
    ImGui::TableHeadersRow();
    draw_step(context, "MAIL FROM", transaction.mail_from);
    for (const EnvelopeStep& recipient : transaction.recipients)
        draw_step(context, "RCPT TO", recipient);
    if (transaction.recipients_not_listed > 0) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", fmt::format(fmt::runtime(context.text(Text::RecipientsNotListed)),
                                              transaction.recipients_not_listed)
                                      .c_str());
    }
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("DATA");
    ImGui::TableNextColumn();
    if (transaction.data_octets) {
        text_to_edge(fmt::format(fmt::runtime(context.text(Text::RowMessageOctets)),
                                 *transaction.data_octets));
    }
    ImGui::TableNextColumn();
    if (transaction.data_code && *transaction.data_code == 354) {
        colored(RowKind::TaggedOk,
                fmt::format(fmt::runtime(context.text(Text::DataGoOn)), *transaction.data_code));
    } else if (transaction.data_code) {
        draw_reply(context, *transaction.data_code);
    }
    draw_end(context, transaction);
    ImGui::EndTable();
}

}  // namespace

void draw_envelopes(PanelContext& context) {
    const sim::SessionTrace& trace = context.model.trace();
    const EnvelopeSnapshot& snapshot =
        context.model.envelopes().at(trace, trace.empty() ? 0 : context.view.cursor);
    context.view.mailbox_shown = smtp_shown(snapshot);
    if (snapshot.transactions.empty()) {
        ImGui::TextWrapped("%s", context.text(Text::NoTransaction));
        return;
    }
    const std::size_t count = snapshot.transactions.size();
    for (std::size_t i = count; i-- > 0;) {
        const std::size_t number = snapshot.dropped + i + 1;
        const std::string title = fmt::format(
            "{}###envelope{}",
            fmt::format(fmt::runtime(context.text(Text::TransactionNumber)), number), number);
        // The current transaction stays open; earlier ones start folded.
        const ImGuiTreeNodeFlags open = i + 1 == count ? ImGuiTreeNodeFlags_DefaultOpen : 0;
        if (ImGui::CollapsingHeader(title.c_str(), open))
            draw_transaction(context, snapshot.transactions[i], number);
    }
    if (snapshot.dropped > 0) {
        ImGui::TextDisabled("%s", fmt::format(fmt::runtime(context.text(Text::TransactionsDropped)),
                                              snapshot.dropped)
                                      .c_str());
    }
}

}  // namespace mailscope::gui
