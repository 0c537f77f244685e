#include "gui/sequence_svg.hpp"

#include <fmt/format.h>

#include <variant>

namespace mailscope::gui {

namespace {

// ImGui packs colours as ABGR; SVG wants #rrggbb.
std::string css(ImU32 color) {
    return fmt::format("#{:02x}{:02x}{:02x}", color & 0xFF, (color >> 8) & 0xFF,
                       (color >> 16) & 0xFF);
}

// Length of the UTF-8 sequence starting at text[i], 0 when it is not valid.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0 && lead >= 0xC2)
        length = 2;
    else if ((lead & 0xF0) == 0xE0)
        length = 3;
    else if ((lead & 0xF8) == 0xF0 && lead <= 0xF4)
        length = 4;
    if (length == 0 || i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
    }
    return length;
}

}  // namespace

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        const std::size_t length = utf8_length(text, i);
        if (length == 0) {
            out += '?';
            ++i;
            continue;
        }
        if (length > 1) {
            out.append(text.substr(i, length));
            i += length;
            continue;
        }
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? '?' : c;
        }
        ++i;
    }
    return out;
}

namespace {

std::string svg_shape(const FigureRect& rect) {
    std::string out = fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"", rect.x,
                                  rect.y, rect.width, rect.height);
    if (rect.radius > 0) out += fmt::format(" rx=\"{}\"", rect.radius);
    out += fmt::format(" fill=\"{}\"", css(rect.fill));
    if (rect.fill_opacity < 1) out += fmt::format(" fill-opacity=\"{}\"", rect.fill_opacity);
    if (rect.stroke_width > 0 && rect.stroke != 0) {
        out += fmt::format(" stroke=\"{}\"", css(rect.stroke));
        if (rect.stroke_width != 1) out += fmt::format(" stroke-width=\"{}\"", rect.stroke_width);
    }
    return out + "/>\n";
}

std::string svg_shape(const FigureLine& line) {
    std::string out = fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\"",
                                  line.x1, line.y1, line.x2, line.y2, css(line.color));
    if (line.width != 1) out += fmt::format(" stroke-width=\"{}\"", line.width);
    if (line.dash > 0) out += fmt::format(" stroke-dasharray=\"{} {}\"", line.dash, line.gap);
    if (line.arrow) out += " marker-end=\"url(#head)\"";
    return out + "/>\n";
}

std::string svg_shape(const FigureText& text) {
    std::string out = fmt::format("<text x=\"{}\" y=\"{}\"", text.x, text.y);
    if (text.centered) out += " text-anchor=\"middle\"";
    if (text.bold) out += " font-weight=\"bold\"";
    if (text.mono) out += " font-family=\"DejaVu Sans Mono, monospace\"";
    return out + fmt::format(" fill=\"{}\" font-size=\"{}\">{}</text>\n", css(text.color),
                             text.size, xml_escape(text.text));
}

}  // namespace

std::string sequence_svg(const sim::SessionTrace& trace, const SvgOptions& options) {
    const SequenceFigure figure = sequence_figure(trace, options);
    std::string out = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
        "viewBox=\"0 0 {0} {1}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"13\">\n"
        "<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
        "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">"
        "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>\n",
        figure.width, figure.height);
    for (const FigureShape& shape : figure.shapes) {
        out += std::visit([](const auto& item) { return svg_shape(item); }, shape);
    }
    out += "</svg>\n";
    return out;
}

}  // namespace mailscope::gui
