#include "sim/core/line_reader.hpp"

#include <algorithm>
#include <utility>

namespace mailscope::sim {

std::string_view LineReader::Line::text() const {
    std::string_view out(bytes);
    if (!too_long) {
        if (!out.empty() && out.back() == '\n') out.remove_suffix(1);
        if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
    }
    return out;
}

std::optional<LineReader::Line> LineReader::next(std::size_t max_line) {
    const auto newline = m_buffer.find('\n');
    if (m_discard) {
        const std::size_t take = newline == std::string::npos ? m_buffer.size() : newline + 1;
        m_discard->size += take;
        consume(take);
        if (newline == std::string::npos) return std::nullopt;
        Discard discard = std::move(*m_discard);
        m_discard.reset();
        if (m_overlong == Overlong::AtLimit) return next(max_line);
        Line line;
        line.offset = discard.offset;
        line.size = discard.size;
        line.bytes = std::move(discard.prefix);
        line.too_long = true;
        return line;
    }
    if (newline == std::string::npos) {
        if (m_buffer.size() <= max_line) return std::nullopt;
        // Over the limit with no end in sight: drop what came, and the rest
        // up to the next line end as it comes.
        Line line;
        line.offset = m_offset;
        line.size = max_line;
        line.too_long = true;
        m_discard = Discard{m_offset, m_buffer.size(), m_buffer.substr(0, m_kept_prefix)};
        consume(m_buffer.size());
        if (m_overlong == Overlong::WholeLine) return std::nullopt;
        return line;
    }
    Line line;
    line.offset = m_offset;
    line.size = newline + 1;
    if (line.size > max_line) {
        line.too_long = true;
        line.bytes = m_buffer.substr(0, m_kept_prefix);
        if (m_overlong == Overlong::AtLimit) line.size = max_line;
    } else {
        line.bytes = m_buffer.substr(0, newline + 1);
        line.bare_lf = newline == 0 || m_buffer[newline - 1] != '\r';
    }
    consume(newline + 1);
    return line;
}

void LineReader::consume(std::size_t octets) {
    octets = std::min(octets, m_buffer.size());
    m_buffer.erase(0, octets);
    m_offset += octets;
}

std::size_t LineReader::drop_buffered() {
    const std::size_t dropped = m_buffer.size();
    consume(dropped);
    return dropped;
}

}  // namespace mailscope::sim
