#include "sim/imap/verbs.hpp"

#include <algorithm>

#include "sim/core/ascii.hpp"
#include "sim/core/verb_table.hpp"
#include "sim/imap/command.hpp"

namespace mailscope::imap {

namespace {

static_assert(sim::rows_in_enum_order(verbs), "verbs[v] must describe Verb v");

// Every effect that changes the state takes an edge of RFC 3501 section 3
// from each state its verbs are valid in.
constexpr bool effects_follow_the_diagram() {
    for (const auto& info : verbs) {
        const auto target = effect_target(info.effect);
        if (!target) continue;
        for (const auto state : all_states) {
            if (info.states.contains(state) && !find_transition(state, *target)) return false;
        }
    }
    return true;
}
static_assert(effects_follow_the_diagram());

// Extension commands the parser reads as unknown verbs, each with the
// section that defines it.
struct NamedExtension {
    std::string_view name;
    ExtensionCommand extension;
};

constexpr std::array<NamedExtension, 1> named_extensions{{
    {"COMPRESS", {"COMPRESS=", "RFC 4978 3"}},
}};

const NamedExtension* named_extension(std::string_view name) {
    const auto found =
        std::find_if(named_extensions.begin(), named_extensions.end(),
                     [&](const NamedExtension& named) { return ascii::iequals(named.name, name); });
    return found == named_extensions.end() ? nullptr : &*found;
}

}  // namespace

Verb verb_from_name(std::string_view name) {
    return sim::verb_named(verbs, name);
}

bool starts_with_verb(std::string_view line) {
    const auto word = line.substr(0, line.find_first_of(" \r\n"));
    return ascii::iequals(word, "UID") || verb_from_name(word) != Verb::Unknown;
}

std::vector<std::string_view> verbs_valid_in(State state) {
    std::vector<std::string_view> names;
    for (std::size_t i = 0; i + 1 < verbs.size(); ++i) {
        if (verbs[i].states.contains(state)) names.push_back(verbs[i].name);
    }
    return names;
}

bool has_uid_form(const Command& command) {
    return !verb_info(command.verb).uid.section.empty();
}

std::vector<std::string_view> uid_form_names() {
    std::vector<std::string_view> names;
    for (const auto& info : verbs) {
        if (!info.uid.section.empty()) names.push_back(info.name);
    }
    return names;
}

std::optional<ExtensionCommand> extension_command(const Command& command) {
    if (command.verb == Verb::Unknown) {
        if (const auto* named = named_extension(command.name)) return named->extension;
        return std::nullopt;
    }
    const auto& info = verb_info(command.verb);
    if (command.uid && !info.uid.extension.capability.empty()) return info.uid.extension;
    if (!info.extension.capability.empty()) return info.extension;
    return std::nullopt;
}

std::string_view command_section(const Command& command) {
    if (command.verb == Verb::Unknown) {
        // RFC 3501 6.5.1 is the X<atom> command: experimental commands only.
        if (!command.name.empty() && (command.name[0] == 'X' || command.name[0] == 'x')) {
            return "RFC 3501 6.5.1";
        }
        if (const auto* named = named_extension(command.name)) return named->extension.section;
        return verb_info(Verb::Unknown).section;
    }
    const auto& info = verb_info(command.verb);
    if (!command.uid) return info.section;
    // "UID" before a verb without a UID form: RFC 3501 6.4.8 says which may follow it.
    return info.uid.section.empty() ? verb_table::uid_form.section : info.uid.section;
}

}  // namespace mailscope::imap
