// Free play: a line to type a command for the free-play client, a box for
// literal texts with their sizes counted live, and the commands valid in the
// current state as buttons that start the line (RFC 3501 6: each command
// names the states it is valid in).
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "gui/panels/panels.hpp"
#include "gui/theme.hpp"
#include "gui/view_model/command_composer.hpp"
#include "sim/core/protocol.hpp"

namespace mailscope::gui {

namespace {

// Replaces the typed line with "VERB " so the learner goes on with the arguments.
void start_line(ViewState& view, const std::string& verb) {
    view.composer_input.fill('\0');
    const std::string line = verb + " ";
    std::memcpy(view.composer_input.data(), line.data(),
                std::min(line.size(), view.composer_input.size() - 1));
}

void draw_suggestions(PanelContext& context, const ComposerView& composer) {
    ImGui::TextUnformatted(
        fmt::format(fmt::runtime(context.text(Text::ValidNow)), composer.state).c_str());
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    ImGui::PushFont(context.mono());
    for (std::size_t i = 0; i < composer.verbs.size(); ++i) {
        const std::string& verb = composer.verbs[i];
        const float width = ImGui::CalcTextSize(verb.c_str()).x +
                            ImGui::GetStyle().FramePadding.x * 2 + ImGui::GetStyle().ItemSpacing.x;
        if (i > 0) {
            ImGui::SameLine();
            if (ImGui::GetCursorScreenPos().x + width > right) ImGui::NewLine();
        }
        if (ImGui::SmallButton(verb.c_str())) start_line(context.view, verb);
    }
    ImGui::PopFont();
}

// The greyed example in the empty command line: the first command a learner
// types in each protocol.
const char* example_command(sim::Protocol protocol) {
    switch (protocol) {
        case sim::Protocol::Imap:
            return "LOGIN alice wonderland";
        case sim::Protocol::Pop3:
            return "USER alice";
        case sim::Protocol::Smtp:
            return "EHLO client.example.org";
    }
    return "";
}

}  // namespace

void draw_composer_panel(PanelContext& context, bool* open) {
    const PanelWindow window(context, Text::WindowComposer, "composer", open);
    if (!window.shown()) return;
    const ComposerView& composer = context.model.composer;
    if (!composer.active) {
        ImGui::TextWrapped("%s", context.text(Text::SessionFreePlayNotOn));
        return;
    }
    const bool imap = composer.protocol == sim::Protocol::Imap;
    ImGui::TextWrapped("%s", context.text(imap ? Text::ComposerHelp : Text::ComposerHelpLine));
    if (composer.free_play) ImGui::TextDisabled("%s", context.text(Text::ComposerStarted));
    ImGui::Spacing();
    draw_suggestions(context, composer);
    ImGui::Spacing();

    ViewState& view = context.view;
    ImGui::PushFont(context.mono());
    ImGui::SetNextItemWidth(-ImGui::CalcTextSize(context.text(Text::Send)).x -
                            ImGui::GetStyle().FramePadding.x * 4);
    const bool entered = ImGui::InputTextWithHint(
        "###command", example_command(composer.protocol), view.composer_input.data(),
        view.composer_input.size(), ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::PopFont();
    ImGui::SameLine();
    if ((ImGui::Button(context.text(Text::Send)) || entered) && view.composer_input[0] != '\0') {
        context.intents.composer_send = true;
    }

    // Literals are IMAP's (RFC 3501 4.3); a POP3 or SMTP line is sent as typed.
    const bool wants_literal = imap && std::strstr(view.composer_input.data(), "{}") != nullptr;
    if (imap) {
        ImGui::TextDisabled("%s", context.text(Text::ComposerLiteral));
        ImGui::PushFont(context.mono());
        ImGui::InputTextMultiline("###literal", view.composer_literal.data(),
                                  view.composer_literal.size(),
                                  {-1, ImGui::GetTextLineHeightWithSpacing() * 4});
        ImGui::PopFont();
    }
    if (wants_literal) {
        const std::string sizes = literal_size_hint(view.composer_literal.data());
        ImGui::TextUnformatted(
            fmt::format(fmt::runtime(context.text(Text::LiteralSizes)), sizes).c_str());
    }
    if (!composer.error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, theme::kind_color(RowKind::Violation));
        ImGui::TextWrapped("%s", composer.error.c_str());
        ImGui::PopStyleColor();
    }
}

}  // namespace mailscope::gui
