#include "sim/core/capability_list.hpp"

#include <vector>

#include "sim/core/ascii.hpp"

namespace mailscope::sim {

namespace {

constexpr std::string_view kStarttls = "STARTTLS";

// The reply's lines, each with its own line end.
std::vector<std::string_view> split_lines(std::string_view reply) {
    std::vector<std::string_view> lines;
    while (!reply.empty()) {
        const auto end = reply.find('\n');
        const auto size = end == std::string_view::npos ? reply.size() : end + 1;
        lines.push_back(reply.substr(0, size));
        reply.remove_prefix(size);
    }
    return lines;
}

std::string_view without_line_end(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    return line;
}

std::string_view line_end_of(std::string_view reply) {
    return reply.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
}

std::string_view first_word(std::string_view text) {
    return text.substr(0, text.find(' '));
}

std::string joined(const std::vector<std::string_view>& lines) {
    std::string out;
    for (auto line : lines)
        out += line;
    return out;
}

// IMAP: the space-separated list after "* CAPABILITY" or "[CAPABILITY".
EditedList edit_imap(std::string_view reply, bool offer) {
    std::size_t begin = std::string_view::npos;
    std::size_t end = std::string_view::npos;
    if (ascii::istarts_with(reply, "* CAPABILITY")) {
        begin = 12;
        end = without_line_end(reply).size();
    } else {
        for (std::size_t i = 0; i + 11 <= reply.size(); ++i) {
            if (reply[i] == '[' && ascii::istarts_with(reply.substr(i + 1), "CAPABILITY")) {
                begin = i + 11;
                end = reply.find(']', begin);
                break;
            }
        }
    }
    if (begin == std::string_view::npos || end == std::string_view::npos || end < begin)
        return {std::string(reply)};
    // Each item with the space before it.
    std::size_t found = std::string_view::npos;
    for (std::size_t i = begin; i < end;) {
        const auto next = std::min(end, reply.find(' ', i + 1));
        const auto item = reply.substr(i, next - i);
        if (item.size() > 1 && item[0] == ' ' && ascii::iequals(item.substr(1), kStarttls)) {
            found = i;
            break;
        }
        i = next;
    }
    if (offer && found == std::string_view::npos) {
        std::string text(reply);
        text.insert(end, " STARTTLS");
        return {std::move(text), ListChange::Added};
    }
    if (!offer && found != std::string_view::npos) {
        std::string text(reply);
        text.erase(found, 1 + kStarttls.size());
        return {std::move(text), ListChange::Removed};
    }
    return {std::string(reply)};
}

// POP3: "+OK", one capability per line, ".".
EditedList edit_pop3(std::string_view reply, bool offer) {
    auto lines = split_lines(reply);
    if (lines.size() < 2 || !reply.starts_with("+OK") || without_line_end(lines.back()) != ".") {
        return {std::string(reply)};
    }
    std::size_t found = 0;
    for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
        if (ascii::iequals(first_word(without_line_end(lines[i])), "STLS")) found = i;
    }
    const std::string added = "STLS" + std::string(line_end_of(reply));
    if (offer && found == 0) {
        lines.insert(lines.end() - 1, added);
        return {joined(lines), ListChange::Added};
    }
    if (!offer && found != 0) {
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(found));
        return {joined(lines), ListChange::Removed};
    }
    return {std::string(reply)};
}

// SMTP: "250-domain", "250-KEYWORD"..., the last line with "250 ".
EditedList edit_smtp(std::string_view reply, bool offer) {
    auto lines = split_lines(reply);
    auto code_line = [](std::string_view line) {
        return line.size() >= 4 && line.starts_with("250") && (line[3] == '-' || line[3] == ' ');
    };
    if (lines.empty()) return {std::string(reply)};
    for (auto line : lines) {
        if (!code_line(without_line_end(line))) return {std::string(reply)};
    }
    std::size_t found = 0;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto text = without_line_end(lines[i]);
        if (text.size() > 4 && ascii::iequals(first_word(text.substr(4)), kStarttls)) found = i;
    }
    const auto line_end = std::string(line_end_of(reply));
    if (offer && found == 0) {
        std::string text;
        for (std::size_t i = 0; i + 1 < lines.size(); ++i)
            text += lines[i];
        std::string last(lines.back());
        if (lines.size() == 1) {
            // "250 domain" becomes "250-domain" followed by the new last line.
            last[3] = '-';
            return {text + last + "250 STARTTLS" + line_end, ListChange::Added};
        }
        return {text + "250-STARTTLS" + line_end + last, ListChange::Added};
    }
    if (!offer && found != 0) {
        const bool was_last = found + 1 == lines.size();
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(found));
        std::string text = joined(lines);
        if (was_last) {
            // The line before it ends the reply now.
            const auto last_start = text.size() - lines.back().size();
            text[last_start + 3] = ' ';
        }
        return {std::move(text), ListChange::Removed};
    }
    return {std::string(reply)};
}

}  // namespace

EditedList offer_starttls(Protocol protocol, std::string_view reply, bool offer) {
    switch (protocol) {
        case Protocol::Imap:
            return edit_imap(reply, offer);
        case Protocol::Pop3:
            return edit_pop3(reply, offer);
        case Protocol::Smtp:
            return edit_smtp(reply, offer);
    }
    return {std::string(reply)};
}

std::string_view capability_verb(Protocol protocol) {
    switch (protocol) {
        case Protocol::Imap:
            return "CAPABILITY";
        case Protocol::Pop3:
            return "CAPA";
        case Protocol::Smtp:
            return "EHLO";
    }
    return {};
}

}  // namespace mailscope::sim
