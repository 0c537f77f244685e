#include "gui/view_model/list_scan.hpp"

#include <charconv>

#include "sim/text/mutf7.hpp"

namespace mailscope::gui {

namespace {

constexpr std::size_t max_name = 1024;
constexpr std::size_t max_attributes = 16;

bool starts_with_word(std::string_view text, std::string_view word) {
    if (text.size() < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        const char c = text[i];
        const char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        if (upper != word[i]) return false;
    }
    return true;
}

// A quoted string at the start of `rest` (RFC 3501 9 "quoted"); consumes it.
std::optional<std::string> quoted(std::string_view& rest) {
    if (rest.empty() || rest.front() != '"') return std::nullopt;
    std::string out;
    for (std::size_t i = 1; i < rest.size(); ++i) {
        char c = rest[i];
        if (c == '"') {
            rest.remove_prefix(i + 1);
            return out;
        }
        if (c == '\\' && i + 1 < rest.size()) c = rest[++i];
        if (out.size() < max_name) out += c;
    }
    return std::nullopt;
}

// A literal "{n}\r\n" followed by n octets; consumes it.
std::optional<std::string> literal(std::string_view& rest) {
    if (rest.empty() || rest.front() != '{') return std::nullopt;
    std::size_t size = 0;
    const auto [end, error] = std::from_chars(rest.data() + 1, rest.data() + rest.size(), size);
    if (error != std::errc{}) return std::nullopt;
    std::size_t at = static_cast<std::size_t>(end - rest.data());
    if (at < rest.size() && rest[at] == '+') ++at;
    if (rest.substr(at, 3) != "}\r\n") return std::nullopt;
    at += 3;
    if (rest.size() - at < size) return std::nullopt;
    std::string out(rest.substr(at, std::min(size, max_name)));
    rest.remove_prefix(at + size);
    return out;
}

std::string_view trim_line_end(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

}  // namespace

std::optional<FolderRow> scan_list(std::string_view line) {
    std::string_view rest = trim_line_end(line);
    if (!starts_with_word(rest, "* ")) return std::nullopt;
    rest.remove_prefix(2);
    if (starts_with_word(rest, "LIST (")) {
        rest.remove_prefix(5);
    } else if (starts_with_word(rest, "LSUB (")) {
        rest.remove_prefix(5);
    } else {
        return std::nullopt;
    }
    const std::size_t close = rest.find(')');
    if (close == std::string_view::npos) return std::nullopt;
    FolderRow folder;
    std::string_view flags = rest.substr(1, close - 1);
    while (!flags.empty() && folder.attributes.size() < max_attributes) {
        const std::size_t space = flags.find(' ');
        const std::string_view flag = flags.substr(0, space);
        if (!flag.empty()) folder.attributes.emplace_back(flag.substr(0, 64));
        if (space == std::string_view::npos) break;
        flags.remove_prefix(space + 1);
    }
    rest.remove_prefix(close + 1);
    if (rest.empty() || rest.front() != ' ') return std::nullopt;
    rest.remove_prefix(1);
    if (starts_with_word(rest, "NIL")) {
        rest.remove_prefix(3);
    } else {
        const auto delimiter = quoted(rest);
        if (!delimiter || delimiter->size() != 1) return std::nullopt;
        folder.delimiter = delimiter->front();
    }
    if (rest.empty() || rest.front() != ' ') return std::nullopt;
    rest.remove_prefix(1);
    if (auto name = quoted(rest)) {
        folder.wire = std::move(*name);
    } else if (!rest.empty() && rest.front() == '{') {
        auto from_literal = literal(rest);
        if (!from_literal) return std::nullopt;
        folder.wire = std::move(*from_literal);
    } else {
        const std::size_t space = rest.find(' ');
        folder.wire = std::string(rest.substr(0, std::min(space, max_name)));
    }
    if (folder.wire.empty()) return std::nullopt;
    folder.decoded = text::mutf7_decode(folder.wire).value_or(folder.wire);
    return folder;
}

std::optional<std::uint32_t> code_number(std::string_view code, std::string_view name) {
    if (!starts_with_word(code, name) || code.size() <= name.size() + 1 ||
        code[name.size()] != ' ') {
        return std::nullopt;
    }
    std::uint32_t value = 0;
    const char* begin = code.data() + name.size() + 1;
    const auto [end, error] = std::from_chars(begin, code.data() + code.size(), value);
    if (error != std::errc{} || end == begin) return std::nullopt;
    return value;
}

}  // namespace mailscope::gui
