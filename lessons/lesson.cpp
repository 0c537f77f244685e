#include "lessons/lesson.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace mailscope::lessons {

namespace {

std::string folded(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    const auto end = text.find_last_not_of(" \t\r\n");
    std::string out(text.substr(begin, end - begin + 1));
    // ASCII case only: Russian answers are compared as written.
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::optional<Language> language_from_name(std::string_view name) {
    if (name == "ru") return Language::Ru;
    if (name == "en") return Language::En;
    return std::nullopt;
}

std::string to_string(const SourceMark& mark) {
    return fmt::format("{}:{}:{}", mark.file, mark.line, mark.column);
}

std::string_view highlight_name(Highlight highlight) {
    switch (highlight) {
        case Highlight::StateDiagram:
            return "state_diagram";
        case Highlight::Flags:
            return "flags";
        case Highlight::Literal:
            return "literal";
        case Highlight::Exchanges:
            return "exchanges";
        case Highlight::Mailbox:
            return "mailbox";
    }
    return "exchanges";
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
