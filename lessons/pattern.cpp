#include "lessons/pattern.hpp"

#include <cctype>
#include <regex>

namespace mailscope::lessons {

namespace {

std::string escape_regex(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

std::string_view bounded(std::string_view text) {
    return text.substr(0, std::min(text.size(), kMaxMatchedText));
}

}  // namespace

bool is_variable_name_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}

bool is_variable_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

std::optional<std::string> check_regex(std::string_view regex) {
    Variables stand_ins;
    for (std::size_t i = 0; i + 1 < regex.size(); ++i) {
        if (regex[i] != '$' || !is_variable_name_start(regex[i + 1])) continue;
        std::size_t end = i + 1;
        while (end < regex.size() && is_variable_name_char(regex[end]))
            ++end;
        stand_ins.try_emplace(std::string(regex.substr(i + 1, end - i - 1)), 1, 'x');
    }
    try {
        std::regex compiled(substitute(regex, stand_ins, true), std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        return std::string(e.what());
    }
    return std::nullopt;
}

std::string substitute(std::string_view text, const Variables& variables, bool escape_for_regex) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        // "$$" is a "$" that names no variable.
        if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '$') {
            out += escape_for_regex ? escape_regex("$") : "$";
            ++i;
            continue;
        }
        if (text[i] == '$' && i + 1 < text.size() && is_variable_name_start(text[i + 1])) {
            std::size_t end = i + 1;
            while (end < text.size() && is_variable_name_char(text[end]))
                ++end;
            const auto found = variables.find(text.substr(i + 1, end - i - 1));
            if (found != variables.end()) {
                out += escape_for_regex ? escape_regex(found->second) : found->second;
                i = end - 1;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

// Iterative matcher with one backtrack point (the last `*`): linear memory,
// quadratic time at worst on bounded text.
bool glob_matches(std::string_view glob, std::string_view text) {
    auto is_wild = [&](std::size_t i) {
        if (glob[i] != '*') return false;
        if (i == 0 && glob.size() > 1 && glob[1] == ' ') return false;
        if (i > 0 && glob[i - 1] == '\\') return false;
        return true;
    };
    std::size_t g = 0;
    std::size_t t = 0;
    std::optional<std::size_t> star;
    std::size_t star_text = 0;
    while (t < text.size()) {
        if (g < glob.size() && is_wild(g)) {
            star = g++;
            star_text = t;
        } else if (g < glob.size() && glob[g] == text[t]) {
            ++g;
            ++t;
        } else if (star) {
            g = *star + 1;
            t = ++star_text;
        } else {
            return false;
        }
    }
    while (g < glob.size() && is_wild(g))
        ++g;
    return g == glob.size();
}

bool pattern_matches(const Pattern& pattern, std::string_view text, const Variables& variables) {
    text = bounded(text);
    switch (pattern.kind) {
        case Pattern::Kind::Exact:
            return substitute(pattern.text, variables) == text;
        case Pattern::Kind::Glob: {
            const auto glob = substitute(pattern.text, variables);
            return glob == text || glob_matches(glob, text);
        }
        case Pattern::Kind::Regex: {
            try {
                std::regex re(substitute(pattern.text, variables, true), std::regex::ECMAScript);
                return std::regex_match(text.begin(), text.end(), re);
            } catch (const std::regex_error&) {
                return false;
            }
        }
    }
    return false;
}

std::optional<std::string> capture_from(const Pattern& pattern, std::string_view text,
                                        const Variables& variables) {
    text = bounded(text);
    try {
        std::regex re(substitute(pattern.text, variables, true), std::regex::ECMAScript);
        std::match_results<std::string_view::const_iterator> match;
        if (!std::regex_search(text.begin(), text.end(), match, re)) return std::nullopt;
        return match.size() > 1 ? match[1].str() : match[0].str();
    } catch (const std::regex_error&) {
        return std::nullopt;
    }
}

}  // namespace mailscope::lessons
