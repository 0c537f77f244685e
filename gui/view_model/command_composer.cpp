#include "gui/view_model/command_composer.hpp"

#include <fmt/format.h>

#include "sim/core/ascii.hpp"

namespace mailscope::gui {

namespace {

constexpr std::string_view literal_separator = "---";

std::string without_line_end(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    return std::string(line);
}

std::string expand_literals(std::string_view line, const std::vector<std::string>& literals) {
    std::string out;
    std::size_t next = 0;
    std::size_t pos = 0;
    while (pos < line.size()) {
        const std::size_t found = line.find("{}", pos);
        if (found == std::string_view::npos) {
            out.append(line.substr(pos));
            break;
        }
        out.append(line.substr(pos, found - pos));
        const std::string literal = next < literals.size() ? literals[next] : std::string();
        ++next;
        out += fmt::format("{{{}}}\r\n", literal.size());
        out += literal;
        pos = found + 2;
    }
    return out;
}

// The verb a typed line names: its first word, or the second after a tag,
// past a "UID".
imap::Verb typed_verb(std::string_view line) {
    const auto word = [&](std::size_t index) {
        std::size_t begin = 0;
        for (std::size_t i = 0; i < index && begin != std::string_view::npos; ++i) {
            begin = line.find(' ', begin);
            if (begin != std::string_view::npos) ++begin;
        }
        if (begin == std::string_view::npos) return std::string_view();
        return line.substr(begin, line.find_first_of(" \r\n", begin) - begin);
    };
    std::size_t at = imap::starts_with_verb(line) ? 0 : 1;
    if (ascii::iequals(word(at), "UID")) ++at;
    return imap::verb_from_name(word(at));
}

}  // namespace

std::vector<std::string> split_literal_texts(std::string_view typed) {
    std::vector<std::string> texts;
    std::string current;
    std::size_t pos = 0;
    bool first_line = true;
    while (pos <= typed.size()) {
        std::size_t end = typed.find('\n', pos);
        if (end == std::string_view::npos) end = typed.size();
        std::string_view line = typed.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const bool last = end == typed.size();
        if (line == literal_separator) {
            texts.push_back(std::move(current));
            current.clear();
            first_line = true;
        } else {
            if (!first_line) current += "\r\n";
            current.append(line);
            first_line = false;
        }
        if (last) break;
        pos = end + 1;
    }
    texts.push_back(std::move(current));
    return texts;
}

std::string literal_size_hint(std::string_view typed_literals) {
    std::string hint;
    for (const std::string& text : split_literal_texts(typed_literals)) {
        if (!hint.empty()) hint += ' ';
        hint += fmt::format("{{{}}}", text.size());
    }
    return hint;
}

ComposedCommand compose_command(std::string_view line, std::string_view typed_literals,
                                const std::string& tag) {
    const std::string typed = without_line_end(line);
    ComposedCommand result;
    if (const auto verb = typed_verb(typed); typed.find("{}") != std::string::npos &&
                                             verb != imap::Verb::Unknown &&
                                             !imap::has_flag(verb, imap::VerbFlag::Literals)) {
        result.error = sim::say(sim::Phrase::ComposerNoLiteralArgument, imap::verb_name(verb));
        return result;
    }
    const std::string body = expand_literals(typed, split_literal_texts(typed_literals));
    // "UID SEARCH ALL" would read as tag "UID" and a SEARCH: the tag is missing.
    if (imap::starts_with_verb(body)) {
        const std::string wire = fmt::format("{} {}\r\n", tag, body);
        if (auto parsed = imap::parse_command(wire); parsed.command) {
            result.wire = wire;
            result.command = std::move(parsed.command);
            return result;
        }
    }
    result.wire = body + "\r\n";
    auto parsed = imap::parse_command(result.wire);
    if (parsed.command && parsed.command->verb != imap::Verb::Unknown) {
        result.command = std::move(parsed.command);
        return result;
    }
    // "LOGIN alice x" reads as tag "LOGIN" and an unknown verb: the tag is missing.
    result.wire = fmt::format("{} {}\r\n", tag, body);
    parsed = imap::parse_command(result.wire);
    if (parsed.command && parsed.command->verb != imap::Verb::Unknown) {
        result.command = std::move(parsed.command);
    } else if (parsed.error) {
        result.error = parsed.error->as_said();
    } else {
        result.error = sim::say(sim::Phrase::ComposerUnknownCommand);
    }
    return result;
}

}  // namespace mailscope::gui
