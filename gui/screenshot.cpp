#include "gui/screenshot.hpp"

#include <GLFW/glfw3.h>
#include <stb/stb_image_write.h>

#include <vector>

#include <fmt/format.h>

namespace mailscope::gui {

std::string save_framebuffer_png(const std::string& path, int width, int height) {
    if (width <= 0 || height <= 0) return "The window has no pixels to save.";
    std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * height * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    if (glGetError() != GL_NO_ERROR) return "OpenGL could not read the window's pixels.";
    // OpenGL's rows start at the bottom, PNG's at the top.
    stbi_flip_vertically_on_write(1);
    const int written = stbi_write_png(path.c_str(), width, height, 4, pixels.data(), width * 4);
    stbi_flip_vertically_on_write(0);
    if (written == 0) return fmt::format("Could not write the screenshot to {}.", path);
    return {};
}

}  // namespace mailscope::gui
