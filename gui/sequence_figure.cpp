#include "gui/sequence_figure.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "gui/i18n.hpp"
#include "gui/theme.hpp"
#include "gui/view_model/event_class.hpp"
#include "gui/view_model/row_text.hpp"
#include "sim/core/event_text.hpp"

namespace mailscope::gui {

namespace {

constexpr int width = 1100;
constexpr float client_x = 140;
constexpr float server_x = 960;
constexpr int row_height = 30;
constexpr int top = 110;
constexpr ImU32 white = IM_COL32(255, 255, 255, 255);
constexpr ImU32 lane_box = IM_COL32(245, 245, 250, 255);
constexpr ImU32 grey = IM_COL32(136, 136, 144, 255);

std::string label_of(const sim::TraceEvent& event, Language language) {
    const auto text = [language](sim::Phrase phrase, auto&&... args) {
        return sim::render(sim::say(phrase, std::forward<decltype(args)>(args)...), language);
    };
    switch (event.kind) {
        case sim::EventKind::Literal: {
            const std::uint64_t size = event.literal ? event.literal->size : event.raw.size();
            const bool sync = !event.literal || event.literal->synchronizing;
            std::string_view first = event.raw;
            first = first.substr(0, std::min(first.find_first_of("\r\n"), std::size_t{60}));
            // IMAP announces literals as {n}; POP3 and SMTP carry message bodies.
            if (event.protocol != sim::Protocol::Imap) {
                return text(sim::Phrase::FigureMessageOctets, size, first);
            }
            return text(sim::Phrase::FigureLiteralOctets,
                        fmt::format("{{{}{}}}", size, sync ? "" : "+"), first);
        }
        case sim::EventKind::Command:
            // A command that goes out in pieces, as in the window.
            if (event.piece && event.piece->index > 0 && event.raw.find_first_of("\r\n") == 0) {
                return text(sim::Phrase::FigureLineEnd);
            }
            if (event.piece && event.piece->awaits_continuation) {
                return text(sim::Phrase::FigureWaitsForPlus, row_text(event, language, 90));
            }
            break;
        case sim::EventKind::StateTransition:
            if (event.transition) {
                const auto& change = *event.transition;
                const std::string number =
                    change.number > 0 ? fmt::format("({}) ", change.number) : std::string();
                return fmt::format(
                    "{}{} \u2192 {}: {}", number, sim::state_label(change.from, language),
                    sim::state_label(change.to, language), sim::cause_text(change, language));
            }
            break;
        case sim::EventKind::Violation:
            if (event.violation) {
                return fmt::format("\u26A0 {} ({})", sim::rule_text(*event.violation, language),
                                   event.violation->section);
            }
            break;
        default:
            break;
    }
    return row_text(event, language, 110);
}

}  // namespace

SequenceFigure sequence_figure(const sim::SessionTrace& trace, const SequenceOptions& options) {
    const auto& events = trace.events();
    const std::size_t end = events.empty() ? 0
                                           : static_cast<std::size_t>(std::min<std::uint64_t>(
                                                 options.through, events.size() - 1)) +
                                                 1;
    const std::size_t rows = std::min(end, options.max_rows);
    const bool cut = end > rows;
    SequenceFigure figure;
    figure.width = width;
    figure.height = top + static_cast<int>(rows + (cut ? 1 : 0)) * row_height + 40;
    auto& shapes = figure.shapes;
    const auto height = static_cast<float>(figure.height);

    shapes.push_back(FigureRect{0, 0, static_cast<float>(width), height, 0, white, 1, 0, 0});
    if (!options.title.empty()) {
        shapes.push_back(
            FigureText{width / 2.0f, 30, options.title, theme::text, 18, false, true, true});
    }
    for (const auto& [x, name] :
         {std::pair{client_x, std::string(tr(options.language, Text::Client))},
          std::pair{server_x, std::string(tr(options.language, Text::Server))}}) {
        shapes.push_back(FigureRect{x - 80, 50, 160, 34, 6, lane_box, 1, theme::lane, 1});
        shapes.push_back(FigureText{x, 72, name, theme::text, 13, false, true, true});
        shapes.push_back(FigureLine{x, 84, x, height - 20, theme::lane, 1, 4, 4, false});
    }

    for (std::size_t i = 0; i < rows; ++i) {
        const sim::TraceEvent& event = events[i];
        const float y = static_cast<float>(top + static_cast<int>(i) * row_height);
        const ImU32 color = theme::kind_color(classify(event));
        std::string label = label_of(event, options.language);
        shapes.push_back(FigureText{8, y + 4, fmt::format("{}", event.seq), grey, 11});
        if (is_wire_event(event) && lane_of(event) != Lane::Internal) {
            const bool to_server = event.dir == sim::Direction::ClientToServer;
            const float from = to_server ? client_x : server_x;
            const float to = to_server ? server_x : client_x;
            const bool literal = event.kind == sim::EventKind::Literal;
            shapes.push_back(FigureLine{from, y + 8, to, y + 8, color, literal ? 1.0f : 2.0f,
                                        literal ? 6.0f : 0.0f, literal ? 3.0f : 0.0f, true});
            // Clear of the arrow head when the arrow points at the client.
            const float indent = to_server ? 12.0f : 24.0f;
            shapes.push_back(
                FigureText{std::min(from, to) + indent, y + 3, std::move(label), color, 12, true});
        } else {
            const bool transition = event.kind == sim::EventKind::StateTransition;
            shapes.push_back(FigureRect{client_x + 20, y - 10, server_x - client_x - 40,
                                        row_height - 6, 4, color, 0.12f, color,
                                        transition ? 2.0f : 1.0f});
            shapes.push_back(FigureText{width / 2.0f, y + 8, std::move(label), color, 13, false,
                                        transition, true});
        }
    }
    if (cut) {
        shapes.push_back(FigureText{
            width / 2.0f, static_cast<float>(top + static_cast<int>(rows) * row_height + 8),
            sim::render(sim::say(sim::Phrase::FigureMoreEvents, end - rows), options.language),
            grey, 13, false, false, true});
    }
    return figure;
}

}  // namespace mailscope::gui
