#include "server_mock/search_results.hpp"

#include <fmt/format.h>

#include <charconv>

namespace mailscope::server {

std::string ordered_set_text(const std::vector<std::uint32_t>& numbers) {
    std::string out;
    for (std::size_t i = 0; i < numbers.size();) {
        std::size_t j = i;
        while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1)
            ++j;
        if (!out.empty()) out.push_back(',');
        out +=
            j == i ? fmt::format("{}", numbers[i]) : fmt::format("{}:{}", numbers[i], numbers[j]);
        i = j + 1;
    }
    return out;
}

namespace {

std::optional<std::int64_t> signed_number(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc{} || ptr != end) return std::nullopt;
    return value;
}

}  // namespace

std::vector<std::uint32_t> partial_window(const std::vector<std::uint32_t>& found,
                                          std::string_view range) {
    const auto colon = range.find(':');
    auto first = signed_number(range.substr(0, colon));
    auto last = colon == std::string_view::npos ? first : signed_number(range.substr(colon + 1));
    if (!first || !last || *first == 0 || *last == 0) return {};
    const auto count = static_cast<std::int64_t>(found.size());
    // "-1" is the last result (RFC 9394 3.1); a range may be written either
    // way round (RFC 5267 5: "A range 500:400 is the same as 400:500").
    if (*first < 0) *first = count + 1 + *first;
    if (*last < 0) *last = count + 1 + *last;
    if (*first > *last) std::swap(*first, *last);
    const std::int64_t from = std::max<std::int64_t>(*first, 1);
    const std::int64_t to = std::min(*last, count);
    if (from > to) return {};
    return {found.begin() + (from - 1), found.begin() + to};
}

imap::EsearchData search_results(const std::string& tag, bool uid,
                                 const imap::CommandOptions& options,
                                 const std::vector<std::uint32_t>& found) {
    imap::EsearchData data;
    data.tag = tag;
    data.uid = uid;
    const auto asked = [&](std::string_view name) { return imap::has_option(options, name); };
    // RFC 4731 3.1: MIN, MAX and ALL only when something matched, COUNT always.
    if (!found.empty() && asked("MIN"))
        data.results.emplace_back("MIN", fmt::format("{}", found.front()));
    if (!found.empty() && asked("MAX"))
        data.results.emplace_back("MAX", fmt::format("{}", found.back()));
    if (!found.empty() && (asked("ALL") || options.empty()))
        data.results.emplace_back("ALL", ordered_set_text(found));
    if (asked("COUNT")) data.results.emplace_back("COUNT", fmt::format("{}", found.size()));
    for (const auto& option : options) {
        if (option.name != "PARTIAL" || option.values.size() != 1) continue;
        // RFC 5267 4.4: the range asked for, low end first ("A range 500:400
        // is the same as 400:500", 5), then what lies in it, or NIL.
        const std::string_view range = option.values[0];
        const auto colon = range.find(':');
        const auto first = signed_number(range.substr(0, colon));
        const auto last =
            colon == std::string_view::npos ? first : signed_number(range.substr(colon + 1));
        const std::string written = first && last && *first > *last
                                        ? fmt::format("{}:{}", *last, *first)
                                        : std::string(range);
        const auto window = partial_window(found, range);
        data.results.emplace_back(
            "PARTIAL",
            fmt::format("({} {})", written, window.empty() ? "NIL" : ordered_set_text(window)));
    }
    return data;
}

}  // namespace mailscope::server
