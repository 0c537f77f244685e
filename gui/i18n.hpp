// Every string the GUI shows, in English and Russian. Panels ask for a Text
// id in the language chosen at runtime; nothing user-visible is hard-coded
// in a panel.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/core/catalogue.hpp"
#include "sim/core/language.hpp"

namespace mailscope::gui {

using sim::Language;

// The window's words are phrases of the one message catalogue
// (sim/core/phrases/window.def), beside everything the engines say.
using Text = sim::Phrase;

// The text in `language`. Never null, never empty. Entries with {0}, {1}...
// are fmt format strings.
const char* tr(Language language, Text id);

}  // namespace mailscope::gui
