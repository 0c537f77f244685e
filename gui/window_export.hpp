// The File menu's exports as the window makes them, after rendering a frame
// so that a PNG holds that very frame: the native window and the browser's
// share it.
#pragma once

#include <cstdint>
#include <string>

#include "gui/export.hpp"
#include "gui/fonts.hpp"
#include "gui/gui_model.hpp"
#include "gui/view_state.hpp"

namespace mailscope::gui {

// The sequence diagram of `trace` through event `through`, as a PNG at `path`.
// Empty on success, else a sentence.
std::string save_sequence_png(const sim::SessionTrace& trace, std::uint64_t through,
                              Language language, const std::string& title, const FontSet& fonts,
                              const std::string& path);

// Writes the export `kind` of what the window shows into `directory` and
// says so in view.status. Gives the file written; empty when it failed.
std::string export_view(ExportKind kind, const std::string& directory, GuiModel& model,
                        ViewState& view, const FontSet& fonts);

}  // namespace mailscope::gui
