#include "server_mock/mailbox_name.hpp"

#include <cctype>

#include <fmt/format.h>

#include "server_mock/message_flags.hpp"
#include "sim/text/mutf7.hpp"

namespace mailscope::server {
namespace {

bool is_modified_base64(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == ',';
}

std::string_view first_level(std::string_view name, char delimiter) {
    const auto end = name.find(delimiter);
    return end == std::string_view::npos ? name : name.substr(0, end);
}

// The decoder's sentence, lower-cased and without its full stop, to follow a colon.
std::string as_clause(std::string sentence) {
    if (!sentence.empty() && sentence.front() >= 'A' && sentence.front() <= 'Z') {
        sentence.front() = static_cast<char>(sentence.front() - 'A' + 'a');
    }
    if (!sentence.empty() && sentence.back() == '.') sentence.pop_back();
    return sentence;
}

// A name that decodes to a control character would reach file names,
// terminals and reports; no client needs one.
std::optional<std::string> control_character_error(std::string_view decoded) {
    for (std::size_t i = 0; i < decoded.size(); ++i) {
        const auto byte = static_cast<unsigned char>(decoded[i]);
        const bool c1 = byte == 0xC2 && i + 1 < decoded.size() &&
                        static_cast<unsigned char>(decoded[i + 1]) < 0xA0;
        if (byte < 0x20 || byte == 0x7F || c1) {
            return std::string(
                "the name encodes a control character, which no mailbox name may "
                "hold");
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> mailbox_encoding_error(std::string_view name) {
    // Octets outside printable ASCII are not modified UTF-7 at all: the store
    // refuses such a name (NO [CANNOT]) with its own reason.
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7e) return std::nullopt;
    }
    std::string error;
    const auto decoded = text::mutf7_decode(name, &error);
    if (!decoded) {
        return fmt::format("the name is not canonical modified UTF-7 (RFC 3501 5.1.3): {}",
                           as_clause(std::move(error)));
    }
    return control_character_error(*decoded);
}

std::optional<std::string> list_pattern_encoding_error(std::string_view pattern) {
    // Runs a wildcard cuts short match encoded names piece by piece and are
    // left alone; every complete run must be canonical.
    std::size_t previous_run_end = std::string_view::npos;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '&') continue;
        std::size_t end = i + 1;
        while (end < pattern.size() && is_modified_base64(pattern[end]))
            ++end;
        if (end < pattern.size() && (pattern[end] == '*' || pattern[end] == '%')) {
            previous_run_end = std::string_view::npos;
            i = end;
            continue;
        }
        const bool closed = end < pattern.size() && pattern[end] == '-';
        const bool literal_ampersand = closed && end == i + 1;
        std::string_view run = pattern.substr(i, closed ? end - i + 1 : end - i);
        if (!literal_ampersand && previous_run_end == i) {
            return std::string(
                "the pattern is not canonical modified UTF-7 (RFC 3501 5.1.3): two encoded runs "
                "meet (\"-&\"); they must be one run");
        }
        std::string error;
        const auto decoded = text::mutf7_decode(run, &error);
        if (!decoded) {
            return fmt::format("the pattern is not canonical modified UTF-7 (RFC 3501 5.1.3): {}",
                               as_clause(std::move(error)));
        }
        if (auto control = control_character_error(*decoded)) return control;
        previous_run_end = literal_ampersand ? std::string_view::npos : end + 1;
        i = closed ? end : end - 1;
    }
    return std::nullopt;
}

bool is_inbox(std::string_view name) {
    return equal_ignoring_case(name, "INBOX");
}

std::string canonical_mailbox_name(std::string_view name, char delimiter) {
    std::string out(name);
    if (is_inbox(first_level(name, delimiter))) out.replace(0, 5, "INBOX");
    return out;
}

std::optional<std::string> mailbox_name_error(std::string_view name, char delimiter) {
    if (name.empty()) return std::string("a mailbox name cannot be empty");
    if (name.size() > kMaxMailboxNameLength) {
        return fmt::format("the name is {} characters long; this server accepts at most {}",
                           name.size(), kMaxMailboxNameLength);
    }
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u > 0x7e) {
            return std::string(
                "the name contains a character outside printable ASCII; international names "
                "travel in modified UTF-7 (RFC 3501 5.1.3)");
        }
        if (c == '*' || c == '%') {
            return std::string(
                "the name contains \"*\" or \"%\", which LIST would read as wildcards");
        }
    }
    std::size_t level_start = 0;
    while (level_start <= name.size()) {
        auto level_end = name.find(delimiter, level_start);
        if (level_end == std::string_view::npos) level_end = name.size();
        const auto level = name.substr(level_start, level_end - level_start);
        if (level.empty()) {
            return fmt::format(
                "the name has an empty hierarchy level (a leading, trailing or doubled \"{}\")",
                delimiter);
        }
        if (level.size() > kMaxMailboxLevelLength) {
            return fmt::format("one hierarchy level is {} characters long; at most {} are allowed",
                               level.size(), kMaxMailboxLevelLength);
        }
        level_start = level_end + 1;
    }
    return mailbox_encoding_error(name);
}

namespace {

bool match_octets(std::string_view pattern, std::string_view name, char delimiter) {
    // reachable[j]: the pattern read so far can match the first j octets.
    std::vector<char> reachable(name.size() + 1, 0);
    std::vector<char> next(name.size() + 1, 0);
    reachable[0] = 1;
    for (const char p : pattern) {
        if (p == '*') {
            next[0] = reachable[0];
            for (std::size_t j = 1; j <= name.size(); ++j)
                next[j] = reachable[j] || next[j - 1];
        } else if (p == '%') {
            next[0] = reachable[0];
            for (std::size_t j = 1; j <= name.size(); ++j) {
                next[j] = reachable[j] || (next[j - 1] && name[j - 1] != delimiter);
            }
        } else {
            next[0] = 0;
            for (std::size_t j = 1; j <= name.size(); ++j) {
                next[j] = reachable[j - 1] && name[j - 1] == p;
            }
        }
        reachable.swap(next);
    }
    return reachable[name.size()] != 0;
}

}  // namespace

bool list_match(std::string_view pattern, std::string_view name, char delimiter) {
    // Modified UTF-7 encodes a run of characters at once, so "&BB8-*" ("П*")
    // is no prefix of "&BB8EQAQ+BDUEOgRCBEs-" ("Проекты"): compare the
    // characters. UTF-8 never hides an ASCII delimiter inside a character.
    if (pattern.find('&') != std::string_view::npos || name.find('&') != std::string_view::npos) {
        const auto decoded_pattern = text::mutf7_decode(pattern);
        const auto decoded_name = text::mutf7_decode(name);
        if (decoded_pattern && decoded_name)
            return match_octets(*decoded_pattern, *decoded_name, delimiter);
    }
    return match_octets(pattern, name, delimiter);
}

std::string join_list_reference(std::string_view reference, std::string_view pattern,
                                char delimiter) {
    if (reference.empty()) return std::string(pattern);
    if (!pattern.empty() &&
        (pattern.front() == delimiter || pattern.front() == '#' || pattern.front() == '~')) {
        return std::string(pattern);
    }
    return fmt::format("{}{}", reference, pattern);
}

std::vector<std::string> superior_names(std::string_view name, char delimiter) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (name[i] == delimiter && i > 0) out.emplace_back(name.substr(0, i));
    }
    return out;
}

bool is_inferior_of(std::string_view name, std::string_view parent, char delimiter) {
    return name.size() > parent.size() + 1 && name.substr(0, parent.size()) == parent &&
           name[parent.size()] == delimiter;
}

}  // namespace mailscope::server
