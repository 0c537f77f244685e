#include "sim/core/catalogue.hpp"

#include <array>

#include <fmt/args.h>

namespace mailscope::sim {

namespace {

struct PhraseRow {
    std::string_view id;
    std::string_view en;
    std::string_view ru;
};

constexpr std::array<PhraseRow, static_cast<std::size_t>(Phrase::Count)> phrase_rows{{
    {"Verbatim", "{0}", "{0}"},
#define MAILSCOPE_PHRASE(id, en, ru) {#id, en, ru},
#include "sim/core/phrases/cli.def"
#include "sim/core/phrases/core.def"
#include "sim/core/phrases/data_file.def"
#include "sim/core/phrases/help.def"
#include "sim/core/phrases/imap.def"
#include "sim/core/phrases/lesson_file.def"
#include "sim/core/phrases/pop3.def"
#include "sim/core/phrases/server.def"
#include "sim/core/phrases/smtp.def"
#include "sim/core/phrases/window.def"
#undef MAILSCOPE_PHRASE
}};

const PhraseRow& row_of(Phrase phrase) {
    const auto index = static_cast<std::size_t>(phrase);
    return phrase_rows[index < phrase_rows.size() ? index : 0];
}

}  // namespace

Said verbatim(std::string text) {
    return Said{Phrase::Verbatim, std::move(text), {}};
}

std::string render(const Said& said, Language language) {
    if (said.phrase == Phrase::Verbatim) return said.text;
    fmt::dynamic_format_arg_store<fmt::format_context> store;
    for (const auto& arg : said.args)
        store.push_back(render(arg, language));
    const auto format = phrase_format(said.phrase, language);
    try {
        return fmt::vformat(format, store);
    } catch (const fmt::format_error&) {
        // The catalogue test keeps formats and arguments in step; should a
        // call site still pass too few, the sentence shows its format
        // rather than nothing.
        return std::string(format);
    }
}

std::size_t said_bytes(const Said& said) {
    std::size_t size = said.text.size();
    for (const auto& arg : said.args)
        size += sizeof(Said) + said_bytes(arg);
    return size;
}

std::string_view phrase_format(Phrase phrase, Language language) {
    const auto& row = row_of(phrase);
    return language == Language::Ru ? row.ru : row.en;
}

std::string_view phrase_id(Phrase phrase) {
    return row_of(phrase).id;
}

std::vector<Phrase> all_phrases() {
    std::vector<Phrase> phrases;
    for (std::size_t i = 1; i < phrase_rows.size(); ++i)
        phrases.push_back(static_cast<Phrase>(i));
    return phrases;
}

}  // namespace mailscope::sim
