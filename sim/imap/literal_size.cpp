#include "sim/imap/literal_size.hpp"

#include <fmt/format.h>

#include <optional>

#include "sim/text/charset.hpp"
#include "sim/text/utf8.hpp"

namespace mailscope::imap {

namespace {

std::uint64_t count_characters(std::string_view utf8) {
    std::uint64_t characters = 0;
    for (std::size_t pos = 0; pos < utf8.size(); ++characters)
        pos += text::decode_utf8_at(utf8, pos).length;
    return characters;
}

std::string octets(std::uint64_t n) {
    return fmt::format("{} octet{}", n, n == 1 ? "" : "s");
}

}  // namespace

std::string explain_literal_size(std::uint64_t announced, std::string_view text) {
    const std::uint64_t sent = text.size();
    const std::string lead = fmt::format("{{{}}} was announced, but the text is", announced);
    if (!text::is_valid_utf8(text)) {
        // Not UTF-8: most likely a single-byte Cyrillic code page, where each
        // octet is one character.
        const auto as_utf8 = text::to_utf8(text, "windows-1251");
        const std::uint64_t utf8_size = as_utf8 ? as_utf8->size() : sent;
        const std::string counts =
            fmt::format("{} {}, not UTF-8 (read as windows-1251: {} characters, {} in UTF-8)", lead,
                        octets(sent), sent, octets(utf8_size));
        if (announced == utf8_size && utf8_size != sent) {
            return fmt::format(
                "{}: {{{}}} is the size of the text in UTF-8, but windows-1251 octets were "
                "sent; a literal counts the octets sent, so this text needs {{{}}}",
                counts, announced, sent);
        }
        return fmt::format(
            "{}: no count of it gives {}, so this is not the characters-versus-octets mistake; "
            "this text needs {{{}}}",
            counts, announced, sent);
    }
    const std::uint64_t characters = count_characters(text);
    if (characters == sent) {
        return fmt::format(
            "{} {} of ASCII (as many characters, in UTF-8 and in windows-1251 alike), so this is "
            "not the "
            "characters-versus-octets mistake; this text needs {{{}}}",
            lead, octets(sent), sent);
    }
    const auto windows = text::from_utf8(text, "windows-1251");
    const std::string counts =
        windows ? fmt::format("{} {} of UTF-8 ({} characters, {} in windows-1251)", lead,
                              octets(sent), characters, octets(windows->size()))
                : fmt::format("{} {} of UTF-8 ({} characters; some have no windows-1251 code)",
                              lead, octets(sent), characters);
    if (announced == characters) {
        return fmt::format(
            "{}: {{{}}} counts characters{}, not the UTF-8 octets sent, the "
            "characters-versus-octets "
            "mistake; a literal counts octets, so this text needs {{{}}}",
            counts, announced, windows ? " (as windows-1251 octets would)" : "", sent);
    }
    return fmt::format(
        "{}: no count of it gives {}, so this is not the characters-versus-octets mistake; this "
        "text needs {{{}}}",
        counts, announced, sent);
}

}  // namespace mailscope::imap
