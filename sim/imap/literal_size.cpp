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

// "58 octets" ("1 octet"); in Russian the number alone, after "октетов:".
sim::Said octets(std::uint64_t n) {
    return sim::say(n == 1 ? sim::Phrase::OctetCountOne : sim::Phrase::OctetCount, n);
}

}  // namespace

sim::Said explain_literal_said(std::uint64_t announced, std::string_view text) {
    using sim::Phrase;
    using sim::say;
    const std::uint64_t sent = text.size();
    if (!text::is_valid_utf8(text)) {
        // Not UTF-8: most likely a single-byte Cyrillic code page, where each
        // octet is one character.
        const auto as_utf8 = text::to_utf8(text, "windows-1251");
        const std::uint64_t utf8_size = as_utf8 ? as_utf8->size() : sent;
        auto counts =
            say(Phrase::LiteralSizeNotUtf8, announced, octets(sent), sent, octets(utf8_size));
        if (announced == utf8_size && utf8_size != sent) {
            return say(Phrase::LiteralSizeWindowsSent, std::move(counts), announced, sent);
        }
        return say(Phrase::LiteralSizeNoCount, std::move(counts), announced, sent);
    }
    const std::uint64_t characters = count_characters(text);
    if (characters == sent) return say(Phrase::LiteralSizeAscii, announced, octets(sent), sent);
    const auto windows = text::from_utf8(text, "windows-1251");
    auto counts = windows
                      ? say(Phrase::LiteralSizeUtf8, announced, octets(sent), characters,
                            octets(windows->size()))
                      : say(Phrase::LiteralSizeUtf8NoWindows, announced, octets(sent), characters);
    if (announced == characters) {
        return say(windows ? Phrase::LiteralSizeCountsCharactersWindows
                           : Phrase::LiteralSizeCountsCharacters,
                   std::move(counts), announced, sent);
    }
    return say(Phrase::LiteralSizeNoCount, std::move(counts), announced, sent);
}

std::string explain_literal_size(std::uint64_t announced, std::string_view text) {
    return sim::render(explain_literal_said(announced, text), sim::Language::En);
}

}  // namespace mailscope::imap
