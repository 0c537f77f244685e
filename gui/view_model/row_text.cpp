#include "gui/view_model/row_text.hpp"

#include <string_view>

#include "gui/view_model/event_class.hpp"
#include "sim/core/event_text.hpp"

namespace mailscope::gui {

std::string row_text(const sim::TraceEvent& event, sim::Language language, std::size_t max_chars) {
    const std::string summary = sim::event_summary(event, language);
    std::string_view text = summary;
    if (is_wire_event(event) && event.kind != sim::EventKind::Literal && !event.raw.empty()) {
        text = event.raw;
    }
    const std::size_t line_end = text.find_first_of("\r\n");
    if (line_end != std::string_view::npos) text = text.substr(0, line_end);
    // The last piece of a command after its literal may be the line end alone.
    if (text.empty()) text = summary;
    if (text.size() <= max_chars) return std::string(text);
    std::size_t cut = max_chars;
    // Back up over UTF-8 continuation bytes so a character is never split.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return std::string(text.substr(0, cut)) + "...";
}

}  // namespace mailscope::gui
