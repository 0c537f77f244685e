// The message catalogue: everything the engines, the servers' reports and
// the terminal say to a user, in English and Russian.
//
// A phrase is an id with one format string per language (the tables under
// sim/core/phrases/). Code that writes text for a user builds a Said, the
// phrase with its arguments, and keeps it in the event; every view renders
// it in the language it shows. Arguments are Said values too: verbatim text
// (wire words, names, numbers) or nested phrases ("the client", a state's
// name), so a sentence is translated as a whole, never glued from pieces.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/core/language.hpp"

namespace mailscope::sim {

enum class Phrase : std::uint16_t {
    Verbatim,  // not a phrase: Said::text as it is
#define MAILSCOPE_PHRASE(id, en, ru) id,
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
    Count,
};

struct Said {
    Phrase phrase = Phrase::Verbatim;
    std::string text;  // Verbatim only
    std::vector<Said> args;

    bool operator==(const Said&) const = default;
};

Said verbatim(std::string text);

// A Said that says nothing: verbatim and empty (a value not set).
inline bool is_empty(const Said& said) {
    return said.phrase == Phrase::Verbatim && said.text.empty();
}

namespace detail {
inline Said said_arg(Said said) {
    return said;
}
inline Said said_arg(Phrase phrase) {
    return Said{phrase, {}, {}};
}
inline Said said_arg(std::string text) {
    return verbatim(std::move(text));
}
inline Said said_arg(std::string_view text) {
    return verbatim(std::string(text));
}
inline Said said_arg(const char* text) {
    return verbatim(text);
}
template <typename Number>
requires std::is_arithmetic_v<Number> Said said_arg(Number number) {
    return verbatim(fmt::to_string(number));
}
}  // namespace detail

// `phrase` with its arguments ({0}, {1}... in its format strings).
template <typename... Args>
Said say(Phrase phrase, Args&&... args) {
    Said said{phrase, {}, {}};
    said.args.reserve(sizeof...(Args));
    (said.args.push_back(detail::said_arg(std::forward<Args>(args))), ...);
    return said;
}

// The sentence in `language`.
std::string render(const Said& said, Language language);

// The memory a Said owns beyond its own record, for trace retention.
std::size_t said_bytes(const Said& said);

// The format string of `phrase` in `language`, and its id as the tables
// spell it ("ClientClosedMidLiteral").
std::string_view phrase_format(Phrase phrase, Language language);
std::string_view phrase_id(Phrase phrase);

// The phrases of the catalogue, for tests that check it is complete.
std::vector<Phrase> all_phrases();

}  // namespace mailscope::sim
