// The two languages mailscope speaks to its users. Every layer takes the same
// value: the engines' catalogue, the lessons, the CLI and the window.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mailscope::sim {

enum class Language : std::uint8_t { En, Ru };

// "ru" / "en"; nullopt for anything else.
std::optional<Language> language_from_name(std::string_view name);
std::string_view language_name(Language language);

// The language of the user's locale, as POSIX picks the one for messages:
// LC_ALL, else LC_MESSAGES, else LANG, the first that is set and not empty.
// Russian when it is ru (ru_RU.UTF-8, ru); English otherwise.
Language language_from_locale();

}  // namespace mailscope::sim
