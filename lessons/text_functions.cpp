#include "lessons/text_functions.hpp"

#include <fmt/format.h>

#include <charconv>
#include <vector>

#include "server_mock/hmac_md5.hpp"

namespace mailscope::lessons {

namespace {

struct Call {
    std::size_t begin = 0;  // the "$"
    std::size_t end = 0;    // past the ")"
    std::string_view name;
    std::vector<std::string_view> arguments;
};

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    return text;
}

// The next "$md5(" or "$repeat(" at or after `from`; `error` is set when
// its closing parenthesis is missing.
std::optional<Call> next_call(std::string_view text, std::size_t from,
                              std::optional<sim::Said>& error) {
    for (auto at = text.find('$', from); at != std::string_view::npos;
         at = text.find('$', at + 1)) {
        for (std::string_view name : {"md5", "repeat"}) {
            if (text.substr(at + 1, name.size() + 1) != fmt::format("{}(", name)) continue;
            const auto open = at + 1 + name.size();
            const auto close = text.find(')', open);
            if (close == std::string_view::npos) {
                error = sim::say(sim::Phrase::LessonFunctionUnclosed, name);
                return std::nullopt;
            }
            Call call{at, close + 1, name, {}};
            auto inside = text.substr(open + 1, close - open - 1);
            for (;;) {
                const auto comma = inside.find(',');
                call.arguments.push_back(trimmed(inside.substr(0, comma)));
                if (comma == std::string_view::npos) break;
                inside.remove_prefix(comma + 1);
            }
            return call;
        }
    }
    return std::nullopt;
}

std::optional<std::size_t> repeat_count(std::string_view text) {
    std::size_t count = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, count);
    if (ec != std::errc() || ptr != end) return std::nullopt;
    return count;
}

std::optional<sim::Said> check_call(const Call& call) {
    if (call.name == "md5") {
        if (call.arguments.size() == 1 && call.arguments.front().empty()) {
            return sim::say(sim::Phrase::LessonMd5NeedsText);
        }
        return std::nullopt;
    }
    if (call.arguments.size() != 2) {
        return sim::say(sim::Phrase::LessonRepeatArguments, call.arguments.size());
    }
    const auto count = repeat_count(call.arguments[1]);
    if (!count || *count == 0) {
        return sim::say(sim::Phrase::LessonRepeatBadCount, call.arguments[1]);
    }
    if (call.arguments[0].empty() || *count > kMaxRepeatedText / call.arguments[0].size()) {
        return sim::say(sim::Phrase::LessonRepeatTooLong, kMaxRepeatedText);
    }
    return std::nullopt;
}

}  // namespace

std::optional<sim::Said> check_functions(std::string_view text) {
    std::optional<sim::Said> error;
    std::size_t from = 0;
    while (auto call = next_call(text, from, error)) {
        if (auto problem = check_call(*call)) return problem;
        from = call->end;
    }
    return error;
}

std::string expand(std::string_view text, const Variables& variables) {
    std::string out;
    std::optional<sim::Said> error;
    std::size_t from = 0;
    while (auto call = next_call(text, from, error)) {
        out += substitute(text.substr(from, call->begin - from), variables);
        std::vector<std::string> arguments;
        for (const auto argument : call->arguments)
            arguments.push_back(substitute(argument, variables));
        if (call->name == "md5") {
            std::string joined;
            for (const auto& argument : arguments)
                joined += argument;
            out += server::to_hex(server::md5(joined));
        } else if (const auto count = repeat_count(arguments.at(1));
                   count && !arguments[0].empty() &&
                   *count <= kMaxRepeatedText / arguments[0].size()) {
            for (std::size_t i = 0; i < *count; ++i)
                out += arguments[0];
        }
        from = call->end;
    }
    return out + substitute(text.substr(from), variables);
}

}  // namespace mailscope::lessons
