// Runs of ordinary octets found eight at a time: mail is mostly long runs of
// text between the few octets a reader must act on (a line end, a quote, a
// control character), and checking a 64-bit word at once is several times
// faster than a test per octet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace mailscope::sim::word_scan {

inline constexpr std::uint64_t kOnes = 0x0101010101010101ull;
inline constexpr std::uint64_t kHighs = 0x8080808080808080ull;

// Non-zero when some octet of `word` equals `octet`. It may also flag octets
// after the first match (a borrow), never before: a scan stops at the word
// and finds the octet one at a time.
constexpr std::uint64_t has_octet(std::uint64_t word, unsigned char octet) {
    const std::uint64_t v = word ^ (kOnes * octet);
    return (v - kOnes) & ~v & kHighs;
}

// Non-zero when some octet of `word` is below `limit` (at most 0x80), with
// the same caveat.
constexpr std::uint64_t has_below(std::uint64_t word, unsigned char limit) {
    return (word - kOnes * limit) & ~word & kHighs;
}

// Where the first octet from `from` on that `stops(octet)` is in `text` (its
// size if none). `word_may_stop(word)` must be non-zero for every word that
// holds such an octet; words it passes are skipped whole.
template <class WordMayStop, class Stops>
std::size_t run_end(std::string_view text, std::size_t from, WordMayStop word_may_stop,
                    Stops stops) {
    std::size_t at = from;
    while (at + 8 <= text.size()) {
        std::uint64_t word;
        std::memcpy(&word, text.data() + at, sizeof word);
        if (word_may_stop(word) != 0) break;
        at += 8;
    }
    while (at < text.size() && !stops(static_cast<unsigned char>(text[at])))
        ++at;
    return at;
}

}  // namespace mailscope::sim::word_scan
