#include "sim/smtp/message_data.hpp"

#include <algorithm>

namespace mailscope::smtp {

std::string dot_stuff(std::string_view content) {
    std::string out;
    out.reserve(content.size() + content.size() / 64 + 5);
    bool line_start = true;
    for (std::size_t i = 0; i < content.size(); ++i) {
        char c = content[i];
        if (line_start && c == '.') out += '.';
        line_start = false;
        if (c == '\n') {
            if (out.empty() || out.back() != '\r') out += '\r';
            out += '\n';
            line_start = true;
        } else if (c == '\r' && (i + 1 >= content.size() || content[i + 1] != '\n')) {
            out += "\r\n";
            line_start = true;
        } else {
            out += c;
        }
    }
    if (!out.empty() && !line_start) out += "\r\n";
    out += ".\r\n";
    return out;
}

std::string dot_unstuff(std::string_view wire) {
    Limits limits;
    limits.max_message_size = wire.size();
    DataReader reader(limits);
    reader.feed(wire);
    return reader.take_content();
}

std::size_t DataReader::feed(std::string_view bytes) {
    std::size_t used = 0;
    while (used < bytes.size() && !m_done) {
        const char c = bytes[used++];
        ++m_wire_size;
        ++m_line_length;
        switch (m_where) {
            case Where::LineStart:
                if (c == '.') {
                    m_where = Where::Dot;
                } else {
                    middle(c);
                }
                break;
            case Where::Dot:
                if (c == '\r') {
                    m_where = Where::DotCr;
                } else {
                    // The first "." of a line is stuffing: drop it.
                    middle(c);
                }
                break;
            case Where::DotCr:
                if (c == '\n') {
                    m_done = true;
                } else {
                    emit('\r');
                    ++m_bare_line_ends;
                    m_where = Where::Middle;
                    middle(c);
                }
                break;
            case Where::Middle:
                middle(c);
                break;
            case Where::Cr:
                if (c == '\n') {
                    emit('\n');
                    end_line();
                } else {
                    ++m_bare_line_ends;
                    m_where = Where::Middle;
                    middle(c);
                }
                break;
        }
    }
    return used;
}

void DataReader::middle(char c) {
    emit(c);
    if (c == '\r') {
        m_where = Where::Cr;
        return;
    }
    if (c == '\n') ++m_bare_line_ends;
    m_where = Where::Middle;
}

void DataReader::emit(char c) {
    if (m_content.size() < m_limits.max_message_size) m_content += c;
    ++m_content_size;
}

void DataReader::end_line() {
    m_longest_line = std::max(m_longest_line, m_line_length);
    if (m_line_length > m_limits.max_text_line) ++m_long_lines;
    m_line_length = 0;
    m_where = Where::LineStart;
}

}  // namespace mailscope::smtp
