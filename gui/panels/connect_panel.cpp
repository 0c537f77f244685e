// The connect dialog: where a live session to a real server starts. The
// "insecure" choice is spelled out in red before and after connecting.
#include <fmt/format.h>
#include <imgui.h>

#include <array>
#include <string>

#include "gui/panels/panels.hpp"
#include "gui/theme.hpp"

namespace mailscope::gui {

namespace {

void red_text(const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, theme::kind_color(RowKind::Violation));
    ImGui::TextWrapped("%s", text);
    ImGui::PopStyleColor();
}

}  // namespace

void draw_connect_dialog(PanelContext& context) {
    ConnectForm& form = context.view.connect;
    ImGui::SetNextWindowSize({460.0f * context.view.dpi_scale, 0.0f}, ImGuiCond_FirstUseEver);
    const PanelWindow window(context, Text::ConnectTitle, "connect", &form.open);
    if (!window.shown()) return;
    const std::array<const char*, 3> protocols{"IMAP", "POP3", "SMTP"};
    ImGui::Combo(context.text(Text::ConnectProtocol), &form.protocol, protocols.data(),
                 static_cast<int>(protocols.size()));
    ImGui::InputText(context.text(Text::ConnectHost), form.host.data(), form.host.size());
    ImGui::InputInt(context.text(Text::ConnectPort), &form.port, 0);
    const std::array<const char*, 3> modes{context.text(Text::ModePlain),
                                           context.text(Text::ModeStartTls),
                                           context.text(Text::ModeImplicitTls)};
    ImGui::Combo(context.text(Text::ConnectMode), &form.mode, modes.data(),
                 static_cast<int>(modes.size()));
    ImGui::InputText(context.text(Text::ConnectUser), form.user.data(), form.user.size());
    const std::array<const char*, 2> credentials{context.text(Text::ConnectWithPassword),
                                                 context.text(Text::ConnectWithToken)};
    ImGui::Combo(context.text(Text::ConnectSignIn), &form.credential, credentials.data(),
                 static_cast<int>(credentials.size()));
    if (form.credential == 0) {
        ImGui::InputText(context.text(Text::ConnectPassword), form.password.data(),
                         form.password.size(), ImGuiInputTextFlags_Password);
    } else {
        ImGui::InputText(context.text(Text::ConnectTokenCommand), form.token_command.data(),
                         form.token_command.size());
        ImGui::TextWrapped("%s", context.text(Text::ConnectTokenHint));
        const std::array<const char*, 3> mechanisms{context.text(Text::ConnectMechanismOffered),
                                                    "XOAUTH2", "OAUTHBEARER"};
        ImGui::Combo(context.text(Text::ConnectOAuthMechanism), &form.oauth_mechanism,
                     mechanisms.data(), static_cast<int>(mechanisms.size()));
    }
    if (form.mode != 0) {
        ImGui::InputText(context.text(Text::ConnectCaFile), form.ca_file.data(),
                         form.ca_file.size());
        ImGui::Checkbox(context.text(Text::ConnectInsecure), &form.insecure);
        if (form.insecure) red_text(context.text(Text::ConnectInsecureWarning));
    }
    if (ImGui::Button(context.text(Text::ConnectButton))) context.intents.connect = true;
    const GuiModel::Live& live = context.model.live;
    if (!live.error.empty()) red_text(live.error.c_str());
    if (live.active) {
        if (live.insecure) red_text(context.text(Text::InsecureBadge));
        ImGui::TextWrapped("%s", live.status.c_str());
    }
}

}  // namespace mailscope::gui
