#include "gui/sequence_svg.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "gui/theme.hpp"
#include "gui/view_model/event_class.hpp"
#include "gui/view_model/row_text.hpp"

namespace mailscope::gui {

namespace {

constexpr int width = 1100;
constexpr int client_x = 140;
constexpr int server_x = 960;
constexpr int row_height = 30;
constexpr int top = 110;

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

std::string label_of(const sim::TraceEvent& event, Language language) {
    const bool ru = language == Language::Ru;
    switch (event.kind) {
        case sim::EventKind::Literal: {
            const std::uint64_t size = event.literal ? event.literal->size : event.raw.size();
            const bool sync = !event.literal || event.literal->synchronizing;
            std::string_view first = event.raw;
            first = first.substr(0, std::min(first.find_first_of("\r\n"), std::size_t{60}));
            return fmt::format("{{{}{}}} {} {}", size, sync ? "" : "+",
                               ru ? "октетов литерала:" : "octets of literal:", first);
        }
        case sim::EventKind::StateTransition:
            if (event.transition) {
                const auto& change = *event.transition;
                const std::string number =
                    change.number > 0 ? fmt::format("({}) ", change.number) : std::string();
                return fmt::format("{}{} \u2192 {}: {}", number, change.from, change.to,
                                   change.cause);
            }
            break;
        case sim::EventKind::Violation:
            if (event.violation) {
                return fmt::format("\u26A0 {} ({})", event.violation->rule,
                                   event.violation->section);
            }
            break;
        default:
            break;
    }
    return row_text(event, 110);
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

std::string sequence_svg(const sim::SessionTrace& trace, const SvgOptions& options) {
    const auto& events = trace.events();
    const std::size_t end = events.empty() ? 0
                                           : static_cast<std::size_t>(std::min<std::uint64_t>(
                                                 options.through, events.size() - 1)) +
                                                 1;
    const std::size_t rows = std::min(end, options.max_rows);
    const bool cut = end > rows;
    const int height = top + static_cast<int>(rows + (cut ? 1 : 0)) * row_height + 40;
    const bool ru = options.language == Language::Ru;

    std::string out = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
        "viewBox=\"0 0 {0} {1}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"13\">\n"
        "<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
        "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">"
        "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>\n"
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
        width, height);
    if (!options.title.empty()) {
        out += fmt::format(
            "<text x=\"{}\" y=\"30\" text-anchor=\"middle\" font-size=\"18\" "
            "font-weight=\"bold\">{}</text>\n",
            width / 2, xml_escape(options.title));
    }
    const std::string lane = css(theme::lane);
    for (const auto& [x, name] : {std::pair{client_x, ru ? "Клиент" : "Client"},
                                  std::pair{server_x, ru ? "Сервер" : "Server"}}) {
        out += fmt::format(
            "<rect x=\"{}\" y=\"50\" width=\"160\" height=\"34\" rx=\"6\" fill=\"#f5f5fa\" "
            "stroke=\"{}\"/>\n<text x=\"{}\" y=\"72\" text-anchor=\"middle\" "
            "font-weight=\"bold\">{}</text>\n"
            "<line x1=\"{}\" y1=\"84\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" "
            "stroke-dasharray=\"4 4\"/>\n",
            x - 80, lane, x, name, x, x, height - 20, lane);
    }

    for (std::size_t i = 0; i < rows; ++i) {
        const sim::TraceEvent& event = events[i];
        const int y = top + static_cast<int>(i) * row_height;
        const std::string color = css(theme::kind_color(classify(event)));
        const std::string label = xml_escape(label_of(event, options.language));
        const std::string seq =
            fmt::format("<text x=\"8\" y=\"{}\" fill=\"#888890\" font-size=\"11\">{}</text>\n",
                        y + 4, event.seq);
        out += seq;
        const Lane where = lane_of(event);
        if (is_wire_event(event) && where != Lane::Internal) {
            const bool to_server = event.dir == sim::Direction::ClientToServer;
            const int from = to_server ? client_x : server_x;
            const int to = to_server ? server_x : client_x;
            const bool literal = event.kind == sim::EventKind::Literal;
            out += fmt::format(
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\" "
                "{}marker-end=\"url(#head)\"/>\n",
                from, y + 8, to, y + 8, color, literal ? 1 : 2,
                literal ? "stroke-dasharray=\"6 3\" " : "");
            out += fmt::format(
                "<text x=\"{}\" y=\"{}\" fill=\"{}\" font-family=\"DejaVu Sans Mono, monospace\" "
                "font-size=\"12\">{}</text>\n",
                std::min(from, to) + 12, y + 3, color, label);
        } else {
            const bool transition = event.kind == sim::EventKind::StateTransition;
            const int box = server_x - client_x - 40;
            out += fmt::format(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"{}\" "
                "fill-opacity=\"0.12\" stroke=\"{}\" stroke-width=\"{}\"/>\n",
                client_x + 20, y - 10, box, row_height - 6, color, color, transition ? 2 : 1);
            out += fmt::format(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\"{}>{}</text>\n",
                width / 2, y + 8, color, transition ? " font-weight=\"bold\"" : "", label);
        }
    }
    if (cut) {
        out += fmt::format(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#888890\">{}</text>\n",
            width / 2, top + static_cast<int>(rows) * row_height + 8,
            fmt::format(fmt::runtime(ru ? "... ещё событий: {}" : "... {} more events"),
                        end - rows));
    }
    out += "</svg>\n";
    return out;
}

}  // namespace mailscope::gui
