#include "sim/core/secrets.hpp"

namespace mailscope::sim {

namespace {

bool blank(char c) {
    return c == ' ' || c == '\t';
}

std::string_view line_before_crlf(std::string_view text) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

// Where the first `count` words of `text` end (before the blanks after them).
std::size_t end_of_words(std::string_view text, std::size_t count) {
    std::size_t pos = 0;
    for (std::size_t word = 0; word < count; ++word) {
        while (pos < text.size() && blank(text[pos]))
            ++pos;
        while (pos < text.size() && !blank(text[pos]))
            ++pos;
    }
    return pos;
}

}  // namespace

std::string word_upper(std::string_view line, std::size_t index) {
    line = line_before_crlf(line);
    std::size_t pos = 0;
    for (std::size_t word = 0;; ++word) {
        while (pos < line.size() && blank(line[pos]))
            ++pos;
        if (pos >= line.size()) return {};
        const auto start = pos;
        while (pos < line.size() && !blank(line[pos]))
            ++pos;
        if (word == index) {
            std::string out(line.substr(start, pos - start));
            for (auto& c : out) {
                if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
            }
            return out;
        }
    }
}

std::string_view words_after(std::string_view line, std::size_t keep) {
    const auto text = line_before_crlf(line);
    std::size_t pos = end_of_words(text, keep);
    while (pos < text.size() && blank(text[pos]))
        ++pos;
    return text.substr(pos);
}

std::string mask_after_words(std::string_view line, std::size_t keep) {
    const auto newline = line.find('\n');
    const bool crlf = newline != std::string_view::npos && newline > 0 && line[newline - 1] == '\r';
    const std::string_view ending = newline == std::string_view::npos ? "" : crlf ? "\r\n" : "\n";
    const auto text = line_before_crlf(line);
    std::string out(text.substr(0, end_of_words(text, keep)));
    if (!out.empty()) out += ' ';
    out += kSecretMask;
    out += ending;
    return out;
}

bool looks_like_sasl_response(std::string_view line) {
    line = line_before_crlf(line);
    if (line.size() < 4) return false;
    std::size_t padding = 0;
    for (char c : line) {
        const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                              (c >= '0' && c <= '9') || c == '+' || c == '/';
        if (c == '=') {
            ++padding;
        } else if (!alphabet || padding > 0) {
            return false;
        }
    }
    return padding <= 2;
}

std::string safe_message(std::string message, std::string_view hidden, std::string fallback) {
    constexpr std::size_t kRun = 4;
    if (hidden.size() >= kRun) {
        for (std::size_t i = 0; i + kRun <= hidden.size(); ++i) {
            if (message.find(hidden.substr(i, kRun)) != std::string::npos) return fallback;
        }
    }
    // A quoted token shorter than four octets may still be a whole secret.
    for (std::size_t open = message.find('\''); open != std::string::npos;
         open = message.find('\'', open + 1)) {
        const auto close = message.find('\'', open + 1);
        if (close == std::string::npos) break;
        const auto quoted = std::string_view(message).substr(open + 1, close - open - 1);
        if (quoted.size() > 1 && hidden.find(quoted) != std::string_view::npos) return fallback;
        open = close;
    }
    return message;
}

}  // namespace mailscope::sim
