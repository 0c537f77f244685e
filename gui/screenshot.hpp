// Saves what the current OpenGL framebuffer shows as a PNG.
#pragma once

#include <string>

namespace mailscope::gui {

// Reads the back buffer (call after rendering, before swapping). Returns an
// empty string on success, otherwise a sentence saying what went wrong.
std::string save_framebuffer_png(const std::string& path, int width, int height);

}  // namespace mailscope::gui
