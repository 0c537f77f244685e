#include "gui/i18n.hpp"

namespace mailscope::gui {

const char* tr(Language language, Text id) {
    // The catalogue's formats are string literals: their views end in a NUL.
    const std::string_view text = sim::phrase_format(id, language);
    return text.empty() ? "?" : text.data();
}

}  // namespace mailscope::gui
