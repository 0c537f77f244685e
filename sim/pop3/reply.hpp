// POP3 server replies: the status line (RFC 1939 3, RFC 2449 8 response
// codes, RFC 5034 4 SASL challenges) and multi-line data with its
// dot-stuffing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailscope::pop3 {

enum class ReplyKind : std::uint8_t { Ok, Err, Continuation };

struct Reply {
    ReplyKind kind = ReplyKind::Ok;
    std::string code;  // RFC 2449 8 response code without the brackets ("IN-USE")
    std::string text;  // after the status indicator and the code
    // A multi-line reply: `data` holds its lines without dot-stuffing, each
    // ending in CRLF; the terminating "." line is not part of it.
    bool multiline = false;
    std::string data;
    std::uint64_t data_size = 0;  // octets of data, also those beyond a client's limit
    bool truncated = false;       // `data` holds only a prefix
};

std::string_view status_text(ReplyKind kind);  // "+OK", "-ERR", "+"

// One status line without its CRLF, or nothing when it is not one.
std::optional<Reply> parse_status_line(std::string_view line);
// The status line with CRLF and, for a multi-line reply, the stuffed data
// and the terminating ".".
std::string serialize(const Reply& reply);

Reply make_ok(std::string text, std::string code = {});
Reply make_err(std::string text, std::string code = {});
Reply make_multiline(std::string text, std::string data);
Reply make_continuation(std::string text);

// RFC 1939 3: a line starting with "." gets another "." in front; the data
// ends with CRLF (added when missing) and the ".\r\n" terminator follows.
std::string dot_stuff(std::string_view data);
// The reverse for complete stuffed data without the terminator line.
std::string dot_unstuff(std::string_view stuffed);

// The lines of multi-line data, without their CRLF.
std::vector<std::string_view> data_lines(std::string_view data);

// Streaming decoder of a multi-line body: consumes octets up to and including
// the terminating "." line and removes the stuffing. Memory is bounded: only
// `keep` octets of the data are kept.
class MultilineDecoder {
  public:
    explicit MultilineDecoder(std::uint64_t keep = ~0ull) : m_keep(keep) {}

    // Returns how many octets of `bytes` belong to the body (all of them
    // until the terminator has been seen).
    std::size_t feed(std::string_view bytes);
    bool done() const { return m_done; }
    const std::string& data() const { return m_data; }
    std::uint64_t data_size() const { return m_data_size; }
    bool truncated() const { return m_data_size > m_data.size(); }
    bool bare_lf() const { return m_bare_lf; }
    // Octets of the terminating line (3, or 2 for ".\n").
    std::size_t terminator_size() const { return m_terminator; }

  private:
    enum class At : std::uint8_t { LineStart, Dot, DotCr, Middle, MiddleCr };
    void emit(char c);
    void emit(std::string_view run);

    std::uint64_t m_keep;
    std::string m_data;
    std::uint64_t m_data_size = 0;
    At m_at = At::LineStart;
    bool m_done = false;
    bool m_bare_lf = false;
    std::size_t m_terminator = 0;
};

}  // namespace mailscope::pop3
