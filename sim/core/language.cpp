#include "sim/core/language.hpp"

#include <cstdlib>

namespace mailscope::sim {

std::optional<Language> language_from_name(std::string_view name) {
    if (name == "ru") return Language::Ru;
    if (name == "en") return Language::En;
    return std::nullopt;
}

std::string_view language_name(Language language) {
    return language == Language::Ru ? "ru" : "en";
}

Language language_from_locale() {
    for (const char* variable : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* value = std::getenv(variable);
        if (value == nullptr || *value == '\0') continue;
        const std::string_view locale(value);
        const bool russian = locale.starts_with("ru") && (locale.size() == 2 || locale[2] == '_' ||
                                                          locale[2] == '.' || locale[2] == '@');
        return russian ? Language::Ru : Language::En;
    }
    return Language::En;
}

}  // namespace mailscope::sim
