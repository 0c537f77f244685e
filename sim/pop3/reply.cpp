#include "sim/pop3/reply.hpp"
#include "sim/core/enum_names.hpp"
#include "sim/core/word_scan.hpp"

#include <cstdint>
#include <utility>

namespace mailscope::pop3 {

namespace {

// RFC 2449 8: resp-level = 1*rchar; rchar = %x21-2E / %x30-5C / %x5E-7F,
// levels joined by "/".
bool is_response_code(std::string_view code) {
    if (code.empty() || code.front() == '/' || code.back() == '/') return false;
    for (char c : code) {
        const auto octet = static_cast<unsigned char>(c);
        if (octet < 0x21 || octet > 0x7f || octet == ']') return false;
    }
    return true;
}

}  // namespace

constexpr auto reply_kind_names = sim::name_table<ReplyKind>({
    {ReplyKind::Ok, "+OK"},
    {ReplyKind::Err, "-ERR"},
    {ReplyKind::Continuation, "+"},
});

std::string_view status_text(ReplyKind kind) {
    return reply_kind_names.name(kind);
}

std::optional<Reply> parse_status_line(std::string_view line) {
    Reply reply;
    std::string_view rest;
    auto starts = [&](std::string_view prefix) {
        return line.substr(0, prefix.size()) == prefix &&
               (line.size() == prefix.size() || line[prefix.size()] == ' ');
    };
    if (starts("+OK")) {
        reply.kind = ReplyKind::Ok;
        rest = line.substr(3);
    } else if (starts("-ERR")) {
        reply.kind = ReplyKind::Err;
        rest = line.substr(4);
    } else if (starts("+")) {
        reply.kind = ReplyKind::Continuation;
        rest = line.substr(1);
    } else {
        return std::nullopt;
    }
    if (!rest.empty()) rest.remove_prefix(1);
    if (reply.kind != ReplyKind::Continuation && !rest.empty() && rest.front() == '[') {
        auto close = rest.find(']');
        if (close != std::string_view::npos && is_response_code(rest.substr(1, close - 1))) {
            reply.code = std::string(rest.substr(1, close - 1));
            rest.remove_prefix(close + 1);
            if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        }
    }
    reply.text = std::string(rest);
    return reply;
}

std::string serialize(const Reply& reply) {
    std::string out(status_text(reply.kind));
    if (reply.kind == ReplyKind::Continuation) {
        out += ' ';
        out += reply.text;
        out += "\r\n";
        return out;
    }
    if (!reply.code.empty()) {
        out += " [";
        out += reply.code;
        out += ']';
    }
    if (!reply.text.empty()) {
        out += ' ';
        out += reply.text;
    }
    out += "\r\n";
    if (reply.multiline && reply.kind == ReplyKind::Ok) out += dot_stuff(reply.data);
    return out;
}

namespace {

Reply make_status(ReplyKind kind, std::string text, std::string code) {
    Reply reply;
    reply.kind = kind;
    reply.text = std::move(text);
    reply.code = std::move(code);
    return reply;
}

}  // namespace

Reply make_ok(std::string text, std::string code) {
    return make_status(ReplyKind::Ok, std::move(text), std::move(code));
}

Reply make_err(std::string text, std::string code) {
    return make_status(ReplyKind::Err, std::move(text), std::move(code));
}

Reply make_multiline(std::string text, std::string data) {
    Reply reply = make_ok(std::move(text));
    reply.multiline = true;
    reply.data_size = data.size();
    reply.data = std::move(data);
    return reply;
}

Reply make_continuation(std::string text) {
    Reply reply;
    reply.kind = ReplyKind::Continuation;
    reply.text = std::move(text);
    return reply;
}

std::string dot_stuff(std::string_view data) {
    std::string out;
    out.reserve(data.size() + data.size() / 64 + 8);
    // Whole lines are copied at once: a message of megabytes is a few
    // thousand appends, not one per octet.
    std::size_t start = 0;
    while (start < data.size()) {
        if (data[start] == '.') out += '.';
        const auto end = data.find('\n', start);
        const std::size_t stop = end == std::string_view::npos ? data.size() : end + 1;
        out.append(data.substr(start, stop - start));
        start = stop;
    }
    if (!data.empty() && data.back() != '\n') out += "\r\n";
    out += ".\r\n";
    return out;
}

std::string dot_unstuff(std::string_view stuffed) {
    std::string out;
    out.reserve(stuffed.size());
    bool line_start = true;
    for (char c : stuffed) {
        const bool drop = line_start && c == '.';
        line_start = c == '\n';
        if (!drop) out += c;
    }
    return out;
}

std::vector<std::string_view> data_lines(std::string_view data) {
    std::vector<std::string_view> lines;
    while (!data.empty()) {
        auto end = data.find('\n');
        auto line = data.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (end == std::string_view::npos) break;
        data.remove_prefix(end + 1);
    }
    return lines;
}

void MultilineDecoder::emit(char c) {
    ++m_data_size;
    if (m_data.size() < m_keep) m_data += c;
}

void MultilineDecoder::emit(std::string_view run) {
    m_data_size += run.size();
    if (m_data.size() < m_keep) m_data.append(run.substr(0, m_keep - m_data.size()));
}

namespace {

// Where the next CR or LF is in `bytes` from `from` on (its size if none):
// most of a body is the middle of lines.
std::size_t line_break_at(std::string_view bytes, std::size_t from) {
    using namespace sim::word_scan;
    return run_end(
        bytes, from,
        [](std::uint64_t word) { return has_octet(word, '\r') | has_octet(word, '\n'); },
        [](unsigned char c) { return c == '\r' || c == '\n'; });
}

}  // namespace

std::size_t MultilineDecoder::feed(std::string_view bytes) {
    std::size_t used = 0;
    while (used < bytes.size() && !m_done) {
        if (m_at == At::Middle) {
            // The rest of the line up to its end is data as it is.
            const std::size_t end = line_break_at(bytes, used);
            emit(bytes.substr(used, end - used));
            used = end;
            if (used == bytes.size()) break;
        }
        const char c = bytes[used++];
        switch (m_at) {
            case At::LineStart:
                if (c == '.') {
                    m_at = At::Dot;
                } else {
                    emit(c);
                    m_at = c == '\r' ? At::MiddleCr : At::Middle;
                    if (c == '\n') {
                        m_bare_lf = true;
                        m_at = At::LineStart;
                    }
                }
                break;
            case At::Dot:
                if (c == '\r') {
                    m_at = At::DotCr;
                } else if (c == '\n') {
                    // ".\n": the terminator with a bare LF.
                    m_bare_lf = true;
                    m_terminator = 2;
                    m_done = true;
                } else {
                    // The leading dot was stuffing (or, for ".x", needless
                    // stuffing that RFC 1939 3 still says to strip).
                    emit(c);
                    m_at = At::Middle;
                }
                break;
            case At::DotCr:
                if (c == '\n') {
                    m_terminator = 3;
                    m_done = true;
                } else {
                    emit('\r');
                    emit(c);
                    m_at = c == '\r' ? At::MiddleCr : At::Middle;
                }
                break;
            case At::Middle:
                emit(c);
                if (c == '\r') {
                    m_at = At::MiddleCr;
                } else if (c == '\n') {
                    m_bare_lf = true;
                    m_at = At::LineStart;
                }
                break;
            case At::MiddleCr:
                emit(c);
                if (c == '\n') {
                    m_at = At::LineStart;
                } else if (c != '\r') {
                    m_at = At::Middle;
                }
                break;
        }
    }
    return used;
}

}  // namespace mailscope::pop3
