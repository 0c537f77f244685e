// Handouts: a stretch of one or more sessions written for people to keep.
// As one self-contained HTML page (no script, no font or picture to fetch,
// laid out for A4 paper): the state path, the mailbox changes, the rules
// broken and every exchange annotated with its RFC section; and as a
// Mermaid sequence diagram to paste into notes or a wiki. Both read the
// trace's events only; secrets are masked there already.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "sim/core/language.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::sim {

// One session's events [first, through] (through: the last held when unset).
struct HandoutPart {
    const SessionTrace* trace = nullptr;
    std::string client;  // who the client is ("A", "alice@127.0.0.1:50112"), may be empty
    std::uint64_t first = 0;
    std::optional<std::uint64_t> through;
};

struct HandoutOptions {
    Language language = Language::En;
    std::string title;
};

// An event's wire text longer than this is cut in a handout (the transcript
// export keeps it whole).
inline constexpr std::size_t handout_max_wire = 4096;

std::string handout_html(std::span<const HandoutPart> parts, const HandoutOptions& options);
std::string handout_mermaid(std::span<const HandoutPart> parts, const HandoutOptions& options);

}  // namespace mailscope::sim
