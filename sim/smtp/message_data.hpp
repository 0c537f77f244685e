// The mail data after "354" (RFC 5321 4.1.1.4, 4.5.2): lines ending in
// CRLF, a leading "." doubled on the wire ("dot-stuffing"), and the end
// marked by a line holding a single "." (<CRLF>.<CRLF>).
//
// Only CRLF ends a line: a bare LF or CR is content, and "\n.\n" is not the
// end (treating it so is what makes "SMTP smuggling" possible).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/smtp/limits.hpp"

namespace mailscope::smtp {

// The wire form of `content`: line ends made CRLF, leading dots doubled and
// the terminating ".\r\n" added (a CRLF first when the content lacks one).
std::string dot_stuff(std::string_view content);

// Reads the data stream as it arrives, keeping at most
// `limits.max_message_size` octets of content and counting the rest.
class DataReader {
  public:
    explicit DataReader(const Limits& limits) : m_limits(limits) {}

    // Consumes octets up to and including the terminating line; returns how
    // many it took (fewer than given only when the end was reached).
    std::size_t feed(std::string_view bytes);
    bool done() const { return m_done; }

    // The content with the stuffing removed (a prefix when truncated()).
    const std::string& content() const { return m_content; }
    std::string take_content() { return std::move(m_content); }
    std::uint64_t content_size() const { return m_content_size; }
    bool truncated() const { return m_content_size > m_content.size(); }
    std::uint64_t wire_size() const { return m_wire_size; }
    // Lines over RFC 5321 4.5.3.1.6's 1000 octets, bare LFs and bare CRs.
    std::uint64_t long_lines() const { return m_long_lines; }
    std::uint64_t bare_line_ends() const { return m_bare_line_ends; }
    std::size_t longest_line() const { return m_longest_line; }

  private:
    enum class Where : std::uint8_t { LineStart, Dot, DotCr, Middle, Cr };

    void middle(char c);
    void emit(char c);
    void end_line();

    Limits m_limits;
    Where m_where = Where::LineStart;
    bool m_done = false;
    std::string m_content;
    std::uint64_t m_content_size = 0;
    std::uint64_t m_wire_size = 0;
    std::size_t m_line_length = 0;
    std::size_t m_longest_line = 0;
    std::uint64_t m_long_lines = 0;
    std::uint64_t m_bare_line_ends = 0;
};

// The content of complete wire data (terminator included or not).
std::string dot_unstuff(std::string_view wire);

}  // namespace mailscope::smtp
