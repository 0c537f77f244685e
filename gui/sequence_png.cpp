#include "gui/sequence_png.hpp"

#include <GLFW/glfw3.h>
#include <imgui_impl_opengl3.h>
#include <imgui_internal.h>
#include <stb/stb_image_write.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <variant>
#include <vector>

namespace mailscope::gui {

namespace {

constexpr float figure_text_size = 13;
// Rows of pixels rendered at a time: well under every driver's limit.
constexpr int band_height = 2048;

// Framebuffer objects are core OpenGL 3.0, but the system headers only
// declare OpenGL 1.x: the entry points come from the window system.
struct FramebufferCalls {
    PFNGLGENFRAMEBUFFERSPROC gen_framebuffers = nullptr;
    PFNGLBINDFRAMEBUFFERPROC bind_framebuffer = nullptr;
    PFNGLDELETEFRAMEBUFFERSPROC delete_framebuffers = nullptr;
    PFNGLGENRENDERBUFFERSPROC gen_renderbuffers = nullptr;
    PFNGLBINDRENDERBUFFERPROC bind_renderbuffer = nullptr;
    PFNGLDELETERENDERBUFFERSPROC delete_renderbuffers = nullptr;
    PFNGLRENDERBUFFERSTORAGEPROC renderbuffer_storage = nullptr;
    PFNGLFRAMEBUFFERRENDERBUFFERPROC framebuffer_renderbuffer = nullptr;
    PFNGLCHECKFRAMEBUFFERSTATUSPROC check_framebuffer_status = nullptr;

    template <typename Function>
    static bool load(Function& function, const char* name) {
        function = reinterpret_cast<Function>(glfwGetProcAddress(name));
        return function != nullptr;
    }

    bool load_all() {
        return load(gen_framebuffers, "glGenFramebuffers") &&
               load(bind_framebuffer, "glBindFramebuffer") &&
               load(delete_framebuffers, "glDeleteFramebuffers") &&
               load(gen_renderbuffers, "glGenRenderbuffers") &&
               load(bind_renderbuffer, "glBindRenderbuffer") &&
               load(delete_renderbuffers, "glDeleteRenderbuffers") &&
               load(renderbuffer_storage, "glRenderbufferStorage") &&
               load(framebuffer_renderbuffer, "glFramebufferRenderbuffer") &&
               load(check_framebuffer_status, "glCheckFramebufferStatus");
    }
};

// One offscreen colour buffer, bound for drawing while it lives.
class Offscreen {
  public:
    Offscreen(const FramebufferCalls& gl, int width, int height) : m_gl(gl) {
        m_gl.gen_framebuffers(1, &m_framebuffer);
        m_gl.gen_renderbuffers(1, &m_color);
        m_gl.bind_renderbuffer(GL_RENDERBUFFER, m_color);
        m_gl.renderbuffer_storage(GL_RENDERBUFFER, GL_RGBA8, width, height);
        m_gl.bind_framebuffer(GL_FRAMEBUFFER, m_framebuffer);
        m_gl.framebuffer_renderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER,
                                      m_color);
    }
    Offscreen(const Offscreen&) = delete;
    Offscreen& operator=(const Offscreen&) = delete;
    ~Offscreen() {
        m_gl.bind_framebuffer(GL_FRAMEBUFFER, 0);
        m_gl.delete_renderbuffers(1, &m_color);
        m_gl.delete_framebuffers(1, &m_framebuffer);
    }

    bool complete() const {
        return m_gl.check_framebuffer_status(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
    }

  private:
    const FramebufferCalls& m_gl;
    GLuint m_framebuffer = 0;
    GLuint m_color = 0;
};

ImU32 with_opacity(ImU32 color, float opacity) {
    const auto alpha = static_cast<unsigned>(
        std::lround(static_cast<float>((color >> IM_COL32_A_SHIFT) & 0xFF) * opacity));
    return (color & ~IM_COL32_A_MASK) | (std::min(alpha, 255u) << IM_COL32_A_SHIFT);
}

// Turns the figure's shapes into ImGui draw lists, in figure order; a list
// is closed before its 16-bit indices would run out.
class FigurePainter {
  public:
    FigurePainter(const FontSet& fonts, float scale) : m_fonts(fonts), m_scale(scale) {
        ImFontAtlas* atlas = fonts.ui->ContainerAtlas;
        m_shared.TexUvWhitePixel = atlas->TexUvWhitePixel;
        m_shared.TexUvLines = atlas->TexUvLines;
        m_shared.Font = fonts.ui;
        m_shared.FontSize = fonts.ui->FontSize;
        m_shared.CurveTessellationTol = 1.25f;
        m_shared.SetCircleTessellationMaxError(0.30f);
        m_shared.InitialFlags = ImDrawListFlags_AntiAliasedLines | ImDrawListFlags_AntiAliasedFill;
        m_texture = atlas->TexID;
    }

    void paint(const SequenceFigure& figure) {
        m_size = {static_cast<float>(figure.width) * m_scale,
                  static_cast<float>(figure.height) * m_scale};
        for (const FigureShape& shape : figure.shapes) {
            if (m_lists.empty() || m_lists.back()->VtxBuffer.Size > 40000) open_list();
            std::visit([this](const auto& item) { draw(*m_lists.back(), item); }, shape);
        }
    }

    std::vector<ImDrawList*> lists() const {
        std::vector<ImDrawList*> result;
        for (const auto& list : m_lists)
            result.push_back(list.get());
        return result;
    }

  private:
    void open_list() {
        auto list = std::make_unique<ImDrawList>(&m_shared);
        list->_ResetForNewFrame();
        list->PushTextureID(m_texture);
        list->PushClipRect({0, 0}, m_size);
        m_lists.push_back(std::move(list));
    }

    ImVec2 at(float x, float y) const { return {x * m_scale, y * m_scale}; }

    void draw(ImDrawList& list, const FigureRect& rect) const {
        const ImVec2 min = at(rect.x, rect.y);
        const ImVec2 max = at(rect.x + rect.width, rect.y + rect.height);
        list.AddRectFilled(min, max, with_opacity(rect.fill, rect.fill_opacity),
                           rect.radius * m_scale);
        if (rect.stroke != 0 && rect.stroke_width > 0) {
            list.AddRect(min, max, rect.stroke, rect.radius * m_scale, 0,
                         rect.stroke_width * m_scale);
        }
    }

    void draw(ImDrawList& list, const FigureLine& line) const {
        const ImVec2 from = at(line.x1, line.y1);
        ImVec2 to = at(line.x2, line.y2);
        const float width = line.width * m_scale;
        const float dx = to.x - from.x;
        const float dy = to.y - from.y;
        const float length = std::sqrt(dx * dx + dy * dy);
        if (length <= 0) return;
        const ImVec2 dir{dx / length, dy / length};
        // The SVG marker: 8 stroke widths long, 8 wide, its tip on the end point.
        const float head = line.arrow ? 8.0f * width : 0.0f;
        const ImVec2 tip = to;
        if (line.arrow) to = {to.x - dir.x * head * 0.9f, to.y - dir.y * head * 0.9f};
        if (line.dash <= 0) {
            list.AddLine(from, to, line.color, width);
        } else {
            const float dash = line.dash * m_scale;
            const float period = (line.dash + line.gap) * m_scale;
            const float drawn = std::max(0.0f, length - head * 0.9f);
            for (float start = 0; start < drawn; start += period) {
                const float stop = std::min(drawn, start + dash);
                list.AddLine({from.x + dir.x * start, from.y + dir.y * start},
                             {from.x + dir.x * stop, from.y + dir.y * stop}, line.color, width);
            }
        }
        if (line.arrow) {
            const ImVec2 side{-dir.y * head * 0.5f, dir.x * head * 0.5f};
            const ImVec2 back{tip.x - dir.x * head, tip.y - dir.y * head};
            list.AddTriangleFilled(tip, {back.x + side.x, back.y + side.y},
                                   {back.x - side.x, back.y - side.y}, line.color);
        }
    }

    void draw(ImDrawList& list, const FigureText& text) const {
        ImFont* font = text.mono ? m_fonts.mono : m_fonts.ui;
        const float size = text.size * m_scale;
        const char* begin = text.text.data();
        const char* end = begin + text.text.size();
        ImVec2 pos = at(text.x, text.y);
        pos.y -= font->Ascent * size / font->FontSize;
        if (text.centered) pos.x -= font->CalcTextSizeA(size, FLT_MAX, 0, begin, end).x * 0.5f;
        pos = {std::round(pos.x), std::round(pos.y)};
        list.AddText(font, size, pos, text.color, begin, end);
        // No bold face is loaded: a second pass a little to the right stands in.
        if (text.bold) {
            list.AddText(font, size, {pos.x + std::max(1.0f, size / 16), pos.y}, text.color, begin,
                         end);
        }
    }

    const FontSet& m_fonts;
    float m_scale;
    ImDrawListSharedData m_shared;
    ImTextureID m_texture = nullptr;
    ImVec2 m_size;
    std::vector<std::unique_ptr<ImDrawList>> m_lists;
};

}  // namespace

float sequence_png_scale(const FontSet& fonts) {
    return fonts.ui ? fonts.ui->FontSize / figure_text_size : 1.0f;
}

std::string write_sequence_png(const SequenceFigure& figure, const FontSet& fonts, float scale,
                               const std::string& path) {
    if (!fonts.ui || !fonts.mono || !fonts.ui->ContainerAtlas->TexID) {
        return "The fonts are not ready for drawing yet.";
    }
    const int width = static_cast<int>(std::ceil(static_cast<float>(figure.width) * scale));
    const int height = static_cast<int>(std::ceil(static_cast<float>(figure.height) * scale));
    if (width <= 0 || height <= 0) return "The diagram has no pixels to save.";
    FramebufferCalls gl;
    if (!gl.load_all()) return "OpenGL offers no offscreen framebuffers here.";

    FigurePainter painter(fonts, scale);
    painter.paint(figure);
    std::vector<ImDrawList*> lists = painter.lists();
    ImDrawData data;
    data.Valid = true;
    data.CmdLists = lists.data();
    data.CmdListsCount = static_cast<int>(lists.size());
    for (const ImDrawList* list : lists) {
        data.TotalVtxCount += list->VtxBuffer.Size;
        data.TotalIdxCount += list->IdxBuffer.Size;
    }
    data.FramebufferScale = {1, 1};

    const int band = std::min(height, band_height);
    std::vector<unsigned char> image(static_cast<std::size_t>(width) * height * 3);
    std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * band * 4);
    GLint viewport[4] = {};
    glGetIntegerv(GL_VIEWPORT, viewport);
    {
        Offscreen offscreen(gl, width, band);
        if (!offscreen.complete()) return "OpenGL could not make an offscreen framebuffer.";
        for (int top = 0; top < height; top += band) {
            glViewport(0, 0, width, band);
            glClearColor(1, 1, 1, 1);
            glClear(GL_COLOR_BUFFER_BIT);
            data.DisplayPos = {0, static_cast<float>(top)};
            data.DisplaySize = {static_cast<float>(width), static_cast<float>(band)};
            ImGui_ImplOpenGL3_RenderDrawData(&data);
            glPixelStorei(GL_PACK_ALIGNMENT, 1);
            glReadPixels(0, 0, width, band, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
            if (glGetError() != GL_NO_ERROR) return "OpenGL could not read the diagram's pixels.";
            // OpenGL's rows start at the bottom, PNG's at the top.
            for (int row = 0; row < band && top + row < height; ++row) {
                const unsigned char* from =
                    pixels.data() + static_cast<std::size_t>(band - 1 - row) * width * 4;
                unsigned char* to = image.data() + static_cast<std::size_t>(top + row) * width * 3;
                for (int x = 0; x < width; ++x) {
                    to[x * 3] = from[x * 4];
                    to[x * 3 + 1] = from[x * 4 + 1];
                    to[x * 3 + 2] = from[x * 4 + 2];
                }
            }
        }
    }
    glViewport(viewport[0], viewport[1], viewport[2], viewport[3]);
    if (stbi_write_png(path.c_str(), width, height, 3, image.data(), width * 3) == 0) {
        return fmt::format("Could not write the diagram to {}.", path);
    }
    return {};
}

}  // namespace mailscope::gui
