// LineReader: one direction's byte stream cut into lines, for the line-based
// protocols (POP3, SMTP).
//
// Lines end with LF; CRLF is what the RFCs require, and a line that ends with
// LF alone is handed out marked `bare_lf` so the engine can say which rule
// broke. A line longer than the limit the engine gives is never held whole:
// memory stays bounded whatever a peer sends. Octets that are not lines
// (SMTP message data, a POP3 multi-line body) are read from buffered() and
// taken with consume(), so stream offsets stay exact either way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailscope::sim {

class LineReader {
  public:
    // When a line longer than the limit is reported.
    enum class Overlong : std::uint8_t {
        // Once its LF arrives, with its whole size and a prefix of its octets.
        WholeLine,
        // As soon as it passes the limit, its span cut there; the rest of it,
        // up to its LF, is dropped without a word.
        AtLimit,
    };

    struct Line {
        std::string bytes;         // as on the wire with its line end; a prefix when too_long
        std::uint64_t offset = 0;  // where it starts in the stream
        std::uint64_t size = 0;    // octets it spans (line end included); the limit with AtLimit
        bool too_long = false;
        bool bare_lf = false;  // ended with LF alone
        // Without the line end (all of `bytes` when too_long).
        std::string_view text() const;
    };

    explicit LineReader(Overlong overlong = Overlong::WholeLine, std::size_t kept_prefix = 80)
        : m_overlong(overlong), m_kept_prefix(kept_prefix) {}

    void feed(std::string_view bytes) { m_buffer.append(bytes); }
    // The next complete line, or an over-long one; nullopt: more octets needed.
    std::optional<Line> next(std::size_t max_line);

    // Octets fed and not read yet.
    std::string_view buffered() const { return m_buffer; }
    // The stream offset of buffered()'s first octet.
    std::uint64_t offset() const { return m_offset; }
    // Takes `octets` of buffered() that were read another way.
    void consume(std::size_t octets);
    // Drops everything buffered; returns how many octets that was.
    std::size_t drop_buffered();
    // Part of a line has arrived (or an over-long one is being dropped).
    bool mid_line() const { return !m_buffer.empty() || m_discard.has_value(); }

  private:
    struct Discard {
        std::uint64_t offset = 0;
        std::uint64_t size = 0;
        std::string prefix;
    };

    Overlong m_overlong;
    std::size_t m_kept_prefix;
    std::string m_buffer;
    std::uint64_t m_offset = 0;
    std::optional<Discard> m_discard;
};

}  // namespace mailscope::sim
