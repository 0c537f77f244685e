#include "lessons/lesson.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "sim/core/ascii.hpp"
#include "sim/core/enum_names.hpp"
#include "sim/imap/states.hpp"
#include "sim/pop3/states.hpp"
#include "sim/smtp/states.hpp"

namespace mailscope::lessons {

namespace {

std::string folded(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    const auto end = text.find_last_not_of(" \t\r\n");
    // ASCII case only: Russian answers are compared as written.
    return ascii::lower(text.substr(begin, end - begin + 1));
}

// Lower case without spaces, "_" and "-": "Not Authenticated" == "not_authenticated".
std::string squeezed(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (c != ' ' && c != '_' && c != '-') out += ascii::to_lower(c);
    }
    return out;
}

template <typename States, typename Name>
std::vector<std::string_view> names_of(const States& states, Name name) {
    std::vector<std::string_view> out;
    for (auto state : states)
        out.push_back(name(state));
    return out;
}

}  // namespace

std::optional<sim::Protocol> protocol_from_name(std::string_view name) {
    for (auto protocol : {sim::Protocol::Imap, sim::Protocol::Pop3, sim::Protocol::Smtp}) {
        if (squeezed(name) == sim::protocol_name(protocol)) return protocol;
    }
    return std::nullopt;
}

std::vector<std::string_view> state_names(sim::Protocol protocol) {
    switch (protocol) {
        case sim::Protocol::Imap:
            return names_of(imap::all_states, [](imap::State s) { return imap::state_name(s); });
        case sim::Protocol::Pop3:
            return names_of(pop3::all_states, [](pop3::State s) { return pop3::state_name(s); });
        case sim::Protocol::Smtp:
            return names_of(smtp::all_states, [](smtp::State s) { return smtp::state_name(s); });
    }
    return {};
}

std::optional<std::string_view> canonical_state_name(sim::Protocol protocol,
                                                     std::string_view name) {
    const auto wanted = squeezed(name);
    const auto names = state_names(protocol);
    for (const auto candidate : names) {
        if (squeezed(candidate) == wanted) return candidate;
    }
    // Every table starts with the state before the greeting.
    if (wanted == "connecting" && !names.empty()) return names.front();
    return std::nullopt;
}

std::string to_string(const SourceMark& mark) {
    return fmt::format("{}:{}:{}", mark.file, mark.line, mark.column);
}

namespace {

constexpr auto highlight_names = sim::name_table<Highlight>({
    {Highlight::StateDiagram, "state_diagram"},
    {Highlight::Flags, "flags"},
    {Highlight::Literal, "literal"},
    {Highlight::Exchanges, "exchanges"},
    {Highlight::Mailbox, "mailbox"},
});

}  // namespace

std::string_view highlight_name(Highlight highlight) {
    return highlight_names.name(highlight, "exchanges");
}

std::optional<Highlight> highlight_from_name(std::string_view name) {
    return highlight_names.value(name);
}

bool quiz_accepts(const Quiz& quiz, std::string_view reply) {
    const auto answer = folded(reply);
    if (answer.empty()) return false;
    if (quiz.answer) {
        if (answer == std::to_string(*quiz.answer + 1)) return true;
        const auto& right = quiz.choices.at(*quiz.answer);
        return answer == folded(right.ru) || answer == folded(right.en);
    }
    return std::any_of(quiz.accept.begin(), quiz.accept.end(),
                       [&](const std::string& accepted) { return folded(accepted) == answer; });
}

}  // namespace mailscope::lessons
