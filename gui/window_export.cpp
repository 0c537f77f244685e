#include "gui/window_export.hpp"

#include <imgui.h>

#include <filesystem>

#include <fmt/format.h>

#include "gui/screenshot.hpp"
#include "gui/sequence_png.hpp"

namespace mailscope::gui {

std::string save_sequence_png(const sim::SessionTrace& trace, std::uint64_t through,
                              Language language, const std::string& title, const FontSet& fonts,
                              const std::string& path) {
    SequenceOptions figure;
    figure.language = language;
    figure.title = title;
    figure.through = through;
    figure.max_rows = png_max_rows;
    return write_sequence_png(sequence_figure(trace, figure), fonts, sequence_png_scale(fonts),
                              path);
}

std::string export_view(ExportKind kind, const std::string& directory, GuiModel& model,
                        ViewState& view, const FontSet& fonts) {
    const sim::SessionTrace& trace = model.trace();
    const std::string name = export_file_name(kind, trace.label(), view.cursor);
    const std::string path = (std::filesystem::path(directory) / name).string();
    std::string error;
    const std::string title = model.lesson.title.empty() ? trace.label() : model.lesson.title;
    if (kind == ExportKind::SequencePng) {
        error = save_sequence_png(trace, view.cursor, view.language, title, fonts, path);
    } else if (kind == ExportKind::Png) {
        const ImGuiIO& io = ImGui::GetIO();
        error = save_framebuffer_png(
            path, static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x),
            static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y));
    } else {
        error = write_export(kind, trace, view.cursor, view.language, title, path);
    }
    view.status = error.empty()
                      ? fmt::format(fmt::runtime(tr(view.language, Text::Saved)), path)
                      : fmt::format(fmt::runtime(tr(view.language, Text::SaveFailed)), path, error);
    return error.empty() ? path : std::string();
}

}  // namespace mailscope::gui
