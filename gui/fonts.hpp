// Fonts: DejaVu Sans for the interface and DejaVu Sans Mono for protocol
// bytes, each at a normal and a projector size. When a font file is missing
// ImGui's built-in font stands in (ASCII only), so the GUI still starts.
#pragma once

#include <imgui.h>

#include <string>

namespace mailscope::gui {

struct FontSet {
    ImFont* ui = nullptr;
    ImFont* mono = nullptr;
    ImFont* ui_large = nullptr;
    ImFont* mono_large = nullptr;
    bool from_files = false;  // false: at least one DejaVu file was missing
};

inline constexpr float normal_font_px = 17.0f;
inline constexpr float large_font_px = 26.0f;
inline constexpr const char* default_font_directory = "/usr/share/fonts/truetype/dejavu";

// Latin with its extensions, Greek, Cyrillic, general punctuation, letterlike symbols, arrows
// (U+2190-21FF), box drawing and the geometric shapes used as play/pause signs.
const ImWchar* glyph_ranges();

// Adds the four fonts to `atlas` at `scale` (HiDPI). Call before the atlas is built.
FontSet load_fonts(ImFontAtlas& atlas, float scale,
                   const std::string& directory = default_font_directory);

}  // namespace mailscope::gui
