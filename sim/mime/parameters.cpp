#include "sim/mime/parameters.hpp"
#include "sim/core/ascii.hpp"

namespace mailscope::mime {

namespace {

using ascii::is_space;

using ascii::trim_spaces;

// Splits at unquoted ";" after dropping comments. Quoted strings keep their
// quotes here; unquote() removes them later.
std::vector<std::string> split_clauses(std::string_view text) {
    std::vector<std::string> clauses(1);
    bool quoted = false;
    std::size_t comment_depth = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (comment_depth > 0) {
            if (c == '\\') {
                ++i;
            } else if (c == '(') {
                ++comment_depth;
            } else if (c == ')') {
                --comment_depth;
            }
            continue;
        }
        if (quoted) {
            clauses.back().push_back(c);
            if (c == '\\' && i + 1 < text.size()) {
                clauses.back().push_back(text[++i]);
            } else if (c == '"') {
                quoted = false;
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
        } else if (c == '(') {
            comment_depth = 1;
            continue;
        } else if (c == ';') {
            if (clauses.size() > max_parameters) break;
            clauses.emplace_back();
            continue;
        }
        clauses.back().push_back(c);
    }
    return clauses;
}

std::string unquote(std::string_view text) {
    text = trim_spaces(text);
    if (text.empty() || text.front() != '"') return std::string(text);
    std::string out;
    for (std::size_t i = 1; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            out.push_back(text[++i]);
        } else if (text[i] == '"') {
            break;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

}  // namespace

ParameterizedValue parse_parameterized_value(std::string_view text) {
    const std::vector<std::string> clauses = split_clauses(text);
    ParameterizedValue result;
    result.value = std::string(trim_spaces(clauses.front()));
    for (std::size_t i = 1; i < clauses.size(); ++i) {
        const std::string_view clause = clauses[i];
        const std::size_t equals = clause.find('=');
        if (equals == std::string_view::npos) continue;
        const std::string_view name = trim_spaces(clause.substr(0, equals));
        if (name.empty()) continue;
        result.params.push_back({std::string(name), unquote(clause.substr(equals + 1))});
    }
    return result;
}

}  // namespace mailscope::mime
