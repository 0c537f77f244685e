#include "gui/theme.hpp"

#include <array>
#include <optional>

namespace mailscope::gui::theme {

ImU32 kind_color(RowKind kind) {
    switch (kind) {
        case RowKind::Command:
            return IM_COL32(25, 90, 200, 255);
        case RowKind::Untagged:
            return IM_COL32(100, 60, 170, 255);
        case RowKind::TaggedOk:
            return IM_COL32(20, 140, 60, 255);
        case RowKind::TaggedNo:
            return IM_COL32(200, 120, 0, 255);
        case RowKind::TaggedBad:
            return IM_COL32(200, 30, 30, 255);
        case RowKind::Continuation:
            return IM_COL32(0, 140, 150, 255);
        case RowKind::Bye:
            return IM_COL32(150, 30, 110, 255);
        case RowKind::Violation:
            return IM_COL32(230, 0, 0, 255);
        case RowKind::Literal:
            return IM_COL32(120, 90, 40, 255);
        case RowKind::Transition:
            return IM_COL32(220, 90, 0, 255);
        case RowKind::Flags:
            return IM_COL32(60, 120, 120, 255);
        case RowKind::Renumbering:
            return IM_COL32(160, 100, 20, 255);
        case RowKind::Note:
            return IM_COL32(110, 110, 120, 255);
    }
    return IM_COL32(110, 110, 120, 255);
}

ImU32 kind_background(RowKind kind) {
    ImVec4 color = ImGui::ColorConvertU32ToFloat4(kind_color(kind));
    color.w = kind == RowKind::Violation ? 0.22f : 0.10f;
    return ImGui::ColorConvertFloat4ToU32(color);
}

namespace {

// Where POP3 and SMTP name a row otherwise than IMAP does: their replies are
// +OK/-ERR and reply classes, not tagged OK/NO/BAD.
struct ProtocolLabel {
    sim::Protocol protocol;
    RowKind kind;
    Text text;
};

constexpr std::array<ProtocolLabel, 12> protocol_labels{{
    {sim::Protocol::Pop3, RowKind::Untagged, Text::KindGreeting},
    {sim::Protocol::Pop3, RowKind::TaggedOk, Text::KindPop3Ok},
    {sim::Protocol::Pop3, RowKind::TaggedBad, Text::KindPop3Err},
    {sim::Protocol::Pop3, RowKind::Bye, Text::KindRefused},
    {sim::Protocol::Pop3, RowKind::Literal, Text::KindMessage},
    {sim::Protocol::Smtp, RowKind::Untagged, Text::KindGreeting},
    {sim::Protocol::Smtp, RowKind::TaggedOk, Text::KindSmtp2xx},
    {sim::Protocol::Smtp, RowKind::Continuation, Text::KindSmtp3xx},
    {sim::Protocol::Smtp, RowKind::TaggedNo, Text::KindSmtp4xx},
    {sim::Protocol::Smtp, RowKind::TaggedBad, Text::KindSmtp5xx},
    {sim::Protocol::Smtp, RowKind::Bye, Text::KindRefused},
    {sim::Protocol::Smtp, RowKind::Literal, Text::KindMessage},
}};

}  // namespace

bool kind_used(RowKind kind, sim::Protocol protocol) {
    switch (kind) {
        case RowKind::Flags:
        case RowKind::Renumbering:
            return protocol == sim::Protocol::Imap;
        case RowKind::TaggedNo:
            return protocol != sim::Protocol::Pop3;
        default:
            return true;
    }
}

Text kind_label(RowKind kind, sim::Protocol protocol) {
    for (const auto& label : protocol_labels) {
        if (label.protocol == protocol && label.kind == kind) return label.text;
    }
    switch (kind) {
        case RowKind::Command:
            return Text::RowKindCommand;
        case RowKind::Untagged:
            return Text::RowKindUntagged;
        case RowKind::TaggedOk:
            return Text::KindTaggedOk;
        case RowKind::TaggedNo:
            return Text::KindTaggedNo;
        case RowKind::TaggedBad:
            return Text::KindTaggedBad;
        case RowKind::Continuation:
            return Text::RowKindContinuation;
        case RowKind::Bye:
            return Text::KindBye;
        case RowKind::Violation:
            return Text::RowKindViolation;
        case RowKind::Literal:
            return Text::RowKindLiteral;
        case RowKind::Transition:
            return Text::RowKindTransition;
        case RowKind::Flags:
            return Text::RowKindFlags;
        case RowKind::Renumbering:
            return Text::RowKindRenumbering;
        case RowKind::Note:
            return Text::RowKindNote;
    }
    return Text::RowKindNote;
}

void apply_style(float scale, bool high_contrast) {
    ImGuiStyle style;
    ImGui::StyleColorsLight(&style);
    style.WindowRounding = 4.0f;
    style.FrameRounding = 3.0f;
    style.GrabRounding = 3.0f;
    style.WindowBorderSize = 1.0f;
    style.FrameBorderSize = 1.0f;
    style.Colors[ImGuiCol_WindowBg] = ImVec4(0.98f, 0.98f, 0.97f, 1.0f);
    style.Colors[ImGuiCol_Text] = ImGui::ColorConvertU32ToFloat4(text);
    if (high_contrast) {
        style.WindowBorderSize = 2.0f;
        style.FrameBorderSize = 1.5f;
        style.Colors[ImGuiCol_WindowBg] = ImVec4(1, 1, 1, 1);
        style.Colors[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 1);
        style.Colors[ImGuiCol_Text] = ImVec4(0, 0, 0, 1);
        // Still far from the black text, so greyed cells read as greyed.
        style.Colors[ImGuiCol_TextDisabled] = ImVec4(0.40f, 0.40f, 0.42f, 1);
        style.Colors[ImGuiCol_Border] = ImVec4(0.15f, 0.15f, 0.18f, 1);
        style.Colors[ImGuiCol_TitleBg] = ImVec4(0.70f, 0.76f, 0.86f, 1);
        style.Colors[ImGuiCol_TitleBgActive] = ImVec4(0.55f, 0.66f, 0.84f, 1);
        style.Colors[ImGuiCol_TableBorderLight] = ImVec4(0.35f, 0.35f, 0.40f, 1);
        style.Colors[ImGuiCol_TableBorderStrong] = ImVec4(0.15f, 0.15f, 0.18f, 1);
    }
    style.ScaleAllSizes(scale);
    ImGui::GetStyle() = style;
}

}  // namespace mailscope::gui::theme
