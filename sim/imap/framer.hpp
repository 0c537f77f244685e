// Framer: splits one direction's IMAP byte stream into complete messages.
//
// A message is a line plus every literal it announces (RFC 3501 4.3, RFC 7888),
// CRLFs included. Incremental: feed() any split and call next() until it
// returns nullopt; the events are the same whether the bytes arrive one at a
// time or all at once. Never blocks, never throws; memory is bounded by Limits.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/catalogue.hpp"
#include "sim/imap/limits.hpp"

namespace mailscope::imap {

struct LiteralPart {
    std::size_t header_begin = 0;  // offset in Frame::bytes of '{'
    std::size_t data_begin = 0;    // offset in Frame::bytes of the first literal octet
    std::uint64_t size = 0;
    bool synchronizing = true;  // {n}; false for {n+} (RFC 7888)
    bool binary = false;        // literal8 ~{n} (RFC 3516 4.2)
};

struct Frame {
    std::uint64_t stream_offset = 0;  // offset of bytes[0] in this direction's stream
    std::string bytes;                // everything, CRLFs and literal data included
    std::vector<LiteralPart> literals;
    bool bare_lf = false;  // some line of it ended with LF without CR (tolerated, reported)
};

// A synchronizing literal was announced and its data has not started: the
// receiver of a command (server role) must now answer "+ ..." or reject the
// command. `line` is the message so far.
struct LiteralAwaited {
    std::uint64_t stream_offset = 0;   // offset of the '{'
    std::uint64_t message_offset = 0;  // offset of line[0]
    std::uint64_t size = 0;
    std::string line;  // the message so far, ending with "{n}\r\n"
};

enum class FrameErrorKind : std::uint8_t {
    LineTooLong,
    LiteralTooLarge,
    BadLiteralSize,
    MessageTooLarge
};

struct FrameError {
    FrameErrorKind kind = FrameErrorKind::LineTooLong;
    std::uint64_t stream_offset = 0;
    std::string prefix;   // the first <= 256 octets of the offending message (holds the tag)
    std::string message;  // plain sentence, e.g. "line longer than 65536 octets"
    sim::Said said = {};  // the same sentence as a phrase of the catalogue
    bool fatal = false;   // the stream cannot be resynchronised (e.g. too-large {n+} literal)
};

using FramerEvent = std::variant<Frame, LiteralAwaited, FrameError>;

class Framer {
  public:
    explicit Framer(Limits limits = {});

    // Keeps a copy of `bytes`; next() then hands out the events.
    void feed(std::string_view bytes);
    std::optional<FramerEvent> next();  // nullopt: need more bytes

    // Hands each event to `on_event` as soon as it is complete, framing
    // straight from `bytes`: every message copied once, into its Frame, and
    // only what is left unfinished kept. The events and their order are the
    // ones feed(bytes) and next() give, and on_event may call the setters and
    // abandon_pending() between events just as between next() calls, but must
    // not feed this framer. on_event returns false to stop: the rest of
    // `bytes` is then kept, for next() or a later feed.
    using EventSink = std::function<bool(FramerEvent&&)>;
    void feed(std::string_view bytes, const EventSink& on_event);

    // The receiver refused the announced synchronizing literal (sent BAD/NO
    // instead of "+"): the partial message is dropped and the next octet starts
    // a new message (RFC 3501 7.5, 2.2.1).
    void abandon_pending();
    // The peer answered as if the literal in progress had ended (a server
    // completed the command while its data was still arriving): the message
    // ends with what has arrived, its last literal cut to those octets less
    // a final line end, which closes the message. nullopt when no literal
    // is in progress.
    // The literals of the unfinished message so far: after a LiteralAwaited,
    // the last one is the literal awaited.
    const std::vector<LiteralPart>& literals_so_far() const { return m_literals; }
    // The literal being received: its announced size and how many of its
    // octets have arrived.
    struct LiteralProgress {
        std::uint64_t announced = 0;
        std::uint64_t arrived = 0;
    };
    std::optional<LiteralProgress> literal_progress() const;
    struct CutLiteral {
        Frame frame;
        std::uint64_t announced = 0;
        std::uint64_t arrived = 0;  // octets after the announcement, the line end included
    };
    std::optional<CutLiteral> cut_literal();
    // Line mode for lines that are not commands, e.g. an AUTHENTICATE client
    // response or IDLE's DONE: literal announcements are not interpreted in the
    // next line.
    void set_raw_next_line(bool raw);
    // LiteralAwaited events are only useful to the receiver of commands; the
    // reader of responses can switch them off.
    void set_literal_events(bool enabled) { m_literal_events = enabled; }

    std::uint64_t consumed() const { return m_offset; }  // octets fully accounted for
    // Octets of the line being received (none inside a literal's data).
    std::size_t partial_line() const {
        return m_mode == Mode::Line ? input().size() - m_line_begin : 0;
    }
    std::size_t buffered() const { return input().size() - m_begin; }  // octets held
    bool dead() const { return m_mode == Mode::Dead; }  // a fatal error stopped framing

  private:
    enum class Mode : std::uint8_t { Line, Literal, Discard, Dead };

    std::optional<FramerEvent> on_line(std::size_t lf);
    // `end`: where the offending message ends in input() (or what there is of it).
    FrameError make_error(FrameErrorKind kind, sim::Said message, bool fatal,
                          std::size_t end) const;
    void drop_message(std::size_t end);
    // The octets being framed: m_buf, or the caller's bytes while
    // feed(bytes, on_event) frames them in place. The offsets below are in it.
    std::string_view input() const { return m_in_place ? m_caller_bytes : std::string_view(m_buf); }
    void drop_input();
    Frame take_frame(std::size_t end);
    void keep_unread();

    Limits m_limits;
    std::string m_buf;
    std::string_view m_caller_bytes;
    bool m_in_place = false;
    std::size_t m_begin = 0;        // start of the current message
    std::size_t m_line_begin = 0;   // start of the current line
    std::size_t m_scan = 0;         // where the search for LF resumes
    std::size_t m_literal_end = 0;  // Literal mode: end of the literal data
    std::uint64_t m_offset = 0;     // stream offset of input()[m_begin]
    Mode m_mode = Mode::Line;
    std::vector<LiteralPart> m_literals;
    bool m_bare_lf = false;
    bool m_raw_next_line = false;
    bool m_literal_events = true;
    FrameError m_discarded;  // Discard mode: the error reported once the line ends
};

}  // namespace mailscope::imap
