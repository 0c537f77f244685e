#include "gui/fonts.hpp"

#include <filesystem>

namespace mailscope::gui {

const ImWchar* glyph_ranges() {
    static const ImWchar ranges[] = {
        0x0020, 0x024F,  // Basic Latin, Latin-1, Latin Extended-A and -B
        0x0370, 0x03FF,  // Greek
        0x0400, 0x052F,  // Cyrillic and its supplement
        0x2000, 0x206F,  // General punctuation
        0x2100, 0x214F,  // Letterlike symbols (the numero sign)
        0x2190, 0x21FF,  // Arrows
        0x2500, 0x257F,  // Box drawing
        0x25A0, 0x25FF,  // Geometric shapes
        0,
    };
    return ranges;
}

namespace {

ImFont* add_font(ImFontAtlas& atlas, const std::filesystem::path& file, float size_px,
                 bool& from_file) {
    std::error_code error;
    if (std::filesystem::is_regular_file(file, error)) {
        ImFontConfig config;
        config.OversampleH = 2;
        if (ImFont* font =
                atlas.AddFontFromFileTTF(file.c_str(), size_px, &config, glyph_ranges())) {
            return font;
        }
    }
    from_file = false;
    ImFontConfig fallback;
    fallback.SizePixels = size_px;
    return atlas.AddFontDefault(&fallback);
}

}  // namespace

FontSet load_fonts(ImFontAtlas& atlas, float scale, const std::string& directory) {
    const std::filesystem::path dir(directory);
    const std::filesystem::path sans = dir / "DejaVuSans.ttf";
    const std::filesystem::path mono = dir / "DejaVuSansMono.ttf";
    FontSet set;
    set.from_files = true;
    set.ui = add_font(atlas, sans, normal_font_px * scale, set.from_files);
    set.mono = add_font(atlas, mono, normal_font_px * scale, set.from_files);
    set.ui_large = add_font(atlas, sans, large_font_px * scale, set.from_files);
    set.mono_large = add_font(atlas, mono, large_font_px * scale, set.from_files);
    return set;
}

}  // namespace mailscope::gui
