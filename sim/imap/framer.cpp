#include "sim/imap/framer.hpp"

#include <fmt/format.h>

#include <cstring>
#include <utility>

namespace mailscope::imap {

namespace {

constexpr std::size_t prefix_limit = 256;

// While a message begun in an earlier feed is unfinished, the caller's octets
// are copied a piece of this size at a time, so that little more than that
// message is copied before framing goes on in place.
constexpr std::size_t copied_piece = 64 * 1024;

const char* find_lf(std::string_view in, std::size_t from) {
    if (from >= in.size()) return nullptr;
    return static_cast<const char*>(std::memchr(in.data() + from, '\n', in.size() - from));
}

}  // namespace

Framer::Framer(Limits limits) : m_limits(limits) {}

void Framer::feed(std::string_view bytes) {
    if (m_mode == Mode::Dead || bytes.empty()) return;
    if (m_mode == Mode::Discard && m_begin == m_buf.size()) {
        // Skip the rest of an over-long line without holding it.
        const void* lf = std::memchr(bytes.data(), '\n', bytes.size());
        std::size_t skip =
            lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - bytes.data())
               : bytes.size();
        m_offset += skip;
        bytes.remove_prefix(skip);
        m_buf.clear();
        m_begin = m_line_begin = m_scan = 0;
        if (bytes.empty()) return;
    }
    if (m_begin > 0 && m_begin >= m_buf.size() - m_begin) {
        m_buf.erase(0, m_begin);
        m_line_begin -= m_begin;
        m_scan -= m_begin;
        m_literal_end = m_literal_end >= m_begin ? m_literal_end - m_begin : 0;
        m_begin = 0;
    }
    m_buf.append(bytes);
}

void Framer::feed(std::string_view bytes, const EventSink& on_event) {
    while (!bytes.empty() && m_mode != Mode::Dead) {
        if (buffered() > 0 || m_mode != Mode::Line) {
            const auto piece = bytes.substr(0, copied_piece);
            bytes.remove_prefix(piece.size());
            feed(piece);
            while (auto event = next()) {
                if (!on_event(std::move(*event))) {
                    feed(bytes);
                    return;
                }
            }
            // What is held now may be only the start of a first line, all of
            // it from this piece: nothing of it was framed, so it is framed
            // again from the caller's octets.
            const std::size_t held = buffered();
            if (m_mode == Mode::Line && m_line_begin == m_begin && held <= piece.size() &&
                !bytes.empty()) {
                bytes = std::string_view(piece.data() + piece.size() - held, held + bytes.size());
                m_buf.clear();
                m_begin = m_line_begin = m_scan = 0;
            }
            continue;
        }
        m_buf.clear();
        m_begin = m_line_begin = m_scan = 0;
        m_caller_bytes = bytes;
        m_in_place = true;
        // on_event may throw: the framer must not be left pointing at the caller's octets.
        struct KeepUnread {
            Framer& framer;
            ~KeepUnread() { framer.keep_unread(); }
        } keep_unread_on_exit{*this};
        while (auto event = next()) {
            if (!on_event(std::move(*event))) break;
        }
        return;
    }
}

std::optional<FramerEvent> Framer::next() {
    while (true) {
        switch (m_mode) {
            case Mode::Dead:
                return std::nullopt;
            case Mode::Discard: {
                const char* lf = find_lf(input(), m_scan);
                if (!lf) {
                    m_offset += input().size() - m_begin;
                    drop_input();
                    return std::nullopt;
                }
                std::size_t end = static_cast<std::size_t>(lf - input().data()) + 1;
                m_offset += end - m_begin;
                m_begin = m_line_begin = m_scan = end;
                m_mode = Mode::Line;
                return std::move(m_discarded);
            }
            case Mode::Literal:
                if (input().size() < m_literal_end) return std::nullopt;
                m_line_begin = m_scan = m_literal_end;
                m_mode = Mode::Line;
                break;
            case Mode::Line: {
                const char* lf = find_lf(input(), m_scan);
                if (!lf) {
                    m_scan = input().size();
                    // One octet of slack for the CR of a line that is exactly at the limit.
                    if (input().size() - m_line_begin > m_limits.max_line_length + 1) {
                        m_discarded =
                            make_error(FrameErrorKind::LineTooLong,
                                       sim::say(sim::Phrase::LineTooLong, m_limits.max_line_length),
                                       false, input().size());
                        m_offset += input().size() - m_begin;
                        drop_input();
                        m_literals.clear();
                        m_bare_lf = false;
                        m_mode = Mode::Discard;
                        return std::nullopt;
                    }
                    return std::nullopt;
                }
                if (auto event = on_line(static_cast<std::size_t>(lf - input().data())))
                    return event;
                break;
            }
        }
    }
}

std::optional<FramerEvent> Framer::on_line(std::size_t lf) {
    const std::string_view in = input();
    std::size_t content_end = lf;
    if (lf > m_line_begin && in[lf - 1] == '\r') {
        content_end = lf - 1;
    } else {
        m_bare_lf = true;
    }
    std::size_t line_end = lf + 1;
    bool at_message_start = m_line_begin == m_begin;
    bool raw = at_message_start && m_raw_next_line;
    if (at_message_start) m_raw_next_line = false;

    if (content_end - m_line_begin > m_limits.max_line_length) {
        FrameError error = make_error(FrameErrorKind::LineTooLong,
                                      sim::say(sim::Phrase::LineTooLong, m_limits.max_line_length),
                                      false, line_end);
        drop_message(line_end);
        return error;
    }

    if (!raw && content_end > m_line_begin && in[content_end - 1] == '}') {
        std::string_view line = in.substr(m_line_begin, content_end - 1 - m_line_begin);
        std::size_t open = line.rfind('{');
        if (open != std::string_view::npos) {
            std::string_view inner = line.substr(open + 1);
            if (!inner.empty() &&
                inner.find_first_not_of("0123456789+-") == std::string_view::npos) {
                bool sync = inner.back() != '+';
                std::string_view digits = sync ? inner : inner.substr(0, inner.size() - 1);
                bool valid = !digits.empty() &&
                             digits.find_first_not_of("0123456789") == std::string_view::npos;
                std::uint64_t size = 0;
                bool overflow = false;
                for (char c : valid ? digits : std::string_view{}) {
                    auto d = static_cast<std::uint64_t>(c - '0');
                    if (size > (UINT64_MAX - d) / 10) {
                        overflow = true;
                        break;
                    }
                    size = size * 10 + d;
                }
                if (!valid || overflow) {
                    FrameError error =
                        make_error(FrameErrorKind::BadLiteralSize,
                                   sim::say(overflow ? sim::Phrase::LiteralSizeOverflow
                                                     : sim::Phrase::LiteralSizeNotNumber,
                                            inner),
                                   false, line_end);
                    drop_message(line_end);
                    return error;
                }
                std::size_t so_far = line_end - m_begin;
                bool too_large = size > m_limits.max_literal_size;
                bool message_too_large =
                    !too_large &&
                    size > m_limits.max_message_size -
                               std::min<std::uint64_t>(so_far, m_limits.max_message_size);
                if (too_large || message_too_large) {
                    FrameError error =
                        too_large ? make_error(FrameErrorKind::LiteralTooLarge,
                                               sim::say(sim::Phrase::LiteralOverLimit, size,
                                                        m_limits.max_literal_size),
                                               !sync, line_end)
                                  : make_error(FrameErrorKind::MessageTooLarge,
                                               sim::say(sim::Phrase::MessageWouldExceedLimit,
                                                        m_limits.max_message_size),
                                               !sync, line_end);
                    if (sync) {
                        drop_message(line_end);
                    } else {
                        // The {n+} data follows right away and cannot be told apart from commands.
                        m_offset += in.size() - m_begin;
                        drop_input();
                        m_literals.clear();
                        m_mode = Mode::Dead;
                    }
                    return error;
                }
                LiteralPart part;
                part.header_begin = m_line_begin + open - m_begin;
                part.data_begin = so_far;
                part.size = size;
                part.synchronizing = sync;
                part.binary = open > 0 && line[open - 1] == '~';
                m_literals.push_back(part);
                m_literal_end = line_end + static_cast<std::size_t>(size);
                m_mode = Mode::Literal;
                if (sync && m_literal_events) {
                    LiteralAwaited awaited;
                    awaited.stream_offset = m_offset + part.header_begin;
                    awaited.message_offset = m_offset;
                    awaited.size = size;
                    awaited.line.assign(in.substr(m_begin, so_far));
                    return awaited;
                }
                return std::nullopt;
            }
        }
    }

    if (line_end - m_begin > m_limits.max_message_size) {
        FrameError error = make_error(
            FrameErrorKind::MessageTooLarge,
            sim::say(sim::Phrase::MessageOverLimit, m_limits.max_message_size), false, line_end);
        drop_message(line_end);
        return error;
    }
    return take_frame(line_end);
}

FrameError Framer::make_error(FrameErrorKind kind, sim::Said message, bool fatal,
                              std::size_t end) const {
    FrameError error;
    error.kind = kind;
    error.stream_offset = m_offset;
    // Never more than an over-long line shows before it is discarded, so the
    // prefix is the same however the bytes were split.
    std::size_t limit = std::min(prefix_limit, m_limits.max_line_length + 2);
    error.prefix.assign(input().substr(m_begin, std::min(limit, end - m_begin)));
    error.message = sim::render(message, sim::Language::En);
    error.said = std::move(message);
    error.fatal = fatal;
    return error;
}

void Framer::drop_message(std::size_t end) {
    m_offset += end - m_begin;
    m_begin = m_line_begin = m_scan = end;
    m_literals.clear();
    m_bare_lf = false;
    m_mode = Mode::Line;
}

Frame Framer::take_frame(std::size_t end) {
    Frame frame;
    frame.stream_offset = m_offset;
    if (!m_in_place && m_begin == 0 && end == m_buf.size()) {
        frame.bytes = std::move(m_buf);
        m_buf.clear();
        end = 0;
    } else {
        frame.bytes.assign(input().substr(m_begin, end - m_begin));
    }
    frame.literals = std::move(m_literals);
    m_literals.clear();
    frame.bare_lf = m_bare_lf;
    m_bare_lf = false;
    m_offset += frame.bytes.size();
    m_begin = m_line_begin = m_scan = end;
    m_mode = Mode::Line;
    return frame;
}

// Everything in input() is accounted for.
void Framer::drop_input() {
    if (!m_in_place) m_buf.clear();
    m_begin = m_line_begin = m_scan = input().size();
}

// The end of framing in place: what the caller's octets hold of an unfinished
// message is copied, and the offsets move over to m_buf.
void Framer::keep_unread() {
    m_buf.assign(m_caller_bytes.substr(m_begin));
    m_line_begin -= m_begin;
    m_scan -= m_begin;
    m_literal_end = m_literal_end >= m_begin ? m_literal_end - m_begin : 0;
    m_begin = 0;
    m_caller_bytes = {};
    m_in_place = false;
}

void Framer::abandon_pending() {
    if (m_mode != Mode::Literal || m_literals.empty()) return;
    drop_message(m_begin + m_literals.back().data_begin);
}

std::optional<Framer::LiteralProgress> Framer::literal_progress() const {
    if (m_mode != Mode::Literal || m_literals.empty()) return std::nullopt;
    const LiteralPart& part = m_literals.back();
    return LiteralProgress{part.size, input().size() - (m_begin + part.data_begin)};
}

std::optional<Framer::CutLiteral> Framer::cut_literal() {
    if (m_mode != Mode::Literal || m_literals.empty()) return std::nullopt;
    LiteralPart& part = m_literals.back();
    const std::string_view in = input();
    const std::size_t data_begin = m_begin + part.data_begin;
    const std::size_t end = in.size();
    CutLiteral cut;
    cut.announced = part.size;
    cut.arrived = end - data_begin;
    std::size_t data_end = end;
    if (data_end > data_begin && in[data_end - 1] == '\n') {
        --data_end;
        if (data_end > data_begin && in[data_end - 1] == '\r') {
            --data_end;
        } else {
            m_bare_lf = true;
        }
    }
    part.size = data_end - data_begin;
    cut.frame = take_frame(end);
    return cut;
}

void Framer::set_raw_next_line(bool raw) {
    m_raw_next_line = raw;
}

}  // namespace mailscope::imap
