#include "server_mock/fault_injection.hpp"
#include "sim/core/ascii.hpp"
#include "sim/core/enum_names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace mailscope::server {

namespace {

constexpr auto fault_action_names = sim::name_table<FaultAction>({
    {FaultAction::Delay, "delay"},
    {FaultAction::Defer, "defer"},
    {FaultAction::Split, "split"},
    {FaultAction::Unsolicited, "unsolicited"},
    {FaultAction::No, "no"},
    {FaultAction::Bad, "bad"},
    {FaultAction::Bye, "bye"},
    {FaultAction::Cut, "cut"},
    {FaultAction::Stall, "stall"},
});

template <class T>
bool parse_number(std::string_view text, T& out) {
    if (text.empty()) return false;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size();
}

std::optional<transport::Micros> parse_duration(std::string_view text) {
    std::int64_t value = 0;
    if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
        if (!parse_number(text.substr(0, text.size() - 2), value)) return std::nullopt;
        if (value < 0 || value > 3'600'000) return std::nullopt;
        return value * 1000;
    }
    if (text.size() > 1 && text.back() == 's') {
        if (!parse_number(text.substr(0, text.size() - 1), value)) return std::nullopt;
        if (value < 0 || value > 3600) return std::nullopt;
        return value * 1'000'000;
    }
    return std::nullopt;
}

std::optional<double> parse_probability(std::string_view text) {
    // from_chars for double is missing from some standard libraries; the
    // forms needed are 0, 1, 0.5, .25.
    if (text.empty() || text.size() > 12) return std::nullopt;
    double value = 0;
    double scale = 1;
    bool fraction = false;
    bool digits = false;
    for (char c : text) {
        if (c == '.' && !fraction) {
            fraction = true;
        } else if (c >= '0' && c <= '9') {
            digits = true;
            if (fraction) {
                scale /= 10;
                value += (c - '0') * scale;
            } else {
                value = value * 10 + (c - '0');
            }
        } else {
            return std::nullopt;
        }
    }
    if (!digits || value > 1) return std::nullopt;
    return value;
}

std::vector<std::string_view> split(std::string_view text, std::string_view separators) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find_first_of(separators, start);
        if (end == std::string_view::npos) end = text.size();
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

std::optional<sim::Said> check_untagged(const std::string& text) {
    auto words = split(text, " ");
    const std::string name = words.empty() ? std::string() : ascii::upper(words[0]);
    std::uint32_t number = 0;
    if (name == "EXISTS" && words.size() == 1) return std::nullopt;
    if (name == "EXPUNGE" && words.size() == 2 && parse_number(words[1], number) && number > 0)
        return std::nullopt;
    if (name == "FETCH" && words.size() >= 2 && ascii::upper(words[1]) == "FLAGS" &&
        (words.size() == 2 || (words.size() == 3 && parse_number(words[2], number) && number > 0)))
        return std::nullopt;
    return sim::say(sim::Phrase::FaultBadUnsolicited, text);
}

}  // namespace

std::string_view fault_action_name(FaultAction action) {
    return fault_action_names.name(action);
}

std::string FaultRule::to_string() const {
    std::string out(fault_action_name(action));
    if (action == FaultAction::Unsolicited) {
        out += ":" + untagged;
        if (verb != "*") out += ":after=" + verb;
        if (nth != 0) out += fmt::format("@{}", nth);
    } else {
        out += ":" + verb;
        if (nth != 0) out += fmt::format("@{}", nth);
    }
    if (action == FaultAction::Delay || action == FaultAction::Defer)
        out += fmt::format(":{}ms", delay / 1000);
    if (probability < 1.0) out += fmt::format(":p={}", probability);
    if (!user.empty()) out += ":user=" + user;
    return out;
}

std::variant<FaultRule, sim::Said> parse_fault_rule(std::string_view text) {
    using sim::Phrase;
    using sim::say;
    text = trim(text);
    if (text.empty()) return say(Phrase::FaultEmpty);
    if (text.size() > 512) return say(Phrase::FaultTooLong);
    auto fields = split(text, ":");
    FaultRule rule;
    auto action = fault_action_names.value_ignoring_case(fields[0]);
    if (!action) {
        return say(Phrase::FaultUnknownAction, fields[0]);
    }
    rule.action = *action;
    auto read_verb = [&](std::string_view field) -> std::optional<sim::Said> {
        auto at = field.find('@');
        std::string_view verb = field.substr(0, at);
        if (verb.empty()) return say(Phrase::FaultNoCommand, text);
        for (char c : verb) {
            if (!std::isalpha(static_cast<unsigned char>(c)) && c != '*')
                return say(Phrase::FaultNotCommandName, verb);
        }
        rule.verb = ascii::upper(verb);
        if (at != std::string_view::npos) {
            if (!parse_number(field.substr(at + 1), rule.nth) || rule.nth == 0)
                return say(Phrase::FaultBadCount, field);
        }
        return std::nullopt;
    };
    std::size_t next = 1;
    if (rule.action == FaultAction::Unsolicited) {
        if (fields.size() < 2 || trim(fields[1]).empty())
            return say(Phrase::FaultUnsolicitedNeedsResponse);
        rule.untagged = std::string(trim(fields[1]));
        if (auto error = check_untagged(rule.untagged)) return *error;
        next = 2;
    } else if (fields.size() >= 2 && fields[1].find('=') == std::string_view::npos &&
               !parse_duration(fields[1])) {
        if (auto error = read_verb(fields[1])) return *error;
        next = 2;
    }
    bool has_delay = false;
    for (std::size_t i = next; i < fields.size(); ++i) {
        auto field = trim(fields[i]);
        if (auto duration = parse_duration(field)) {
            rule.delay = *duration;
            has_delay = true;
        } else if (field.starts_with("p=")) {
            auto p = parse_probability(field.substr(2));
            if (!p) return say(Phrase::FaultBadProbability, field);
            rule.probability = *p;
        } else if (field.starts_with("user=")) {
            rule.user = std::string(field.substr(5));
            if (rule.user.empty()) return say(Phrase::FaultUserEmpty);
        } else if (field.starts_with("after=")) {
            if (rule.action != FaultAction::Unsolicited)
                return say(Phrase::FaultAfterOnlyUnsolicited);
            if (auto error = read_verb(field.substr(6))) return *error;
        } else {
            return say(Phrase::FaultUnknownOption, field);
        }
    }
    if (rule.action == FaultAction::Delay && !has_delay)
        return say(Phrase::FaultDelayNeedsDuration, text);
    if (rule.action == FaultAction::Defer && !has_delay) rule.delay = kDefaultDeferLimit;
    return rule;
}

std::variant<std::vector<FaultRule>, sim::Said> parse_fault_rules(std::string_view text) {
    std::vector<FaultRule> rules;
    if (trim(text).empty()) return rules;
    for (auto part : split(text, ",;")) {
        auto parsed = parse_fault_rule(part);
        if (auto* error = std::get_if<sim::Said>(&parsed)) return *error;
        rules.push_back(std::get<FaultRule>(parsed));
    }
    return rules;
}

FaultInjector::FaultInjector(std::vector<FaultRule> rules, std::uint64_t seed)
    : m_rules(std::move(rules)), m_counts(m_rules.size(), 0), m_state(seed) {}

// splitmix64: tiny, and the same sequence on every platform (the standard
// distributions are not).
std::uint64_t FaultInjector::next() {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

std::uint64_t FaultInjector::next_below(std::uint64_t bound) {
    return bound == 0 ? 0 : next() % bound;
}

std::vector<FaultRule> FaultInjector::fire(std::string_view verb, std::string_view user) {
    std::vector<FaultRule> fired;
    const std::string name = ascii::upper(verb);
    for (std::size_t i = 0; i < m_rules.size(); ++i) {
        const auto& rule = m_rules[i];
        if (rule.verb != "*" && rule.verb != name) continue;
        if (!rule.user.empty() && rule.user != user) continue;
        const std::uint32_t count = ++m_counts[i];
        if (rule.nth != 0 && count != rule.nth) continue;
        if (rule.probability < 1.0) {
            const double draw = static_cast<double>(next() >> 11) / 9007199254740992.0;
            if (draw >= rule.probability) continue;
        }
        fired.push_back(rule);
    }
    return fired;
}

}  // namespace mailscope::server
