#include "server_mock/mbox_splitter.hpp"

#include <utility>

namespace mailscope::server {

namespace {

constexpr std::string_view kFrom = "From ";

}  // namespace

MboxSplitter::MboxSplitter(InternalDate fallback, std::size_t max_message_size, Sink sink)
    : m_fallback(fallback), m_max_message_size(max_message_size), m_sink(std::move(sink)) {}

bool MboxSplitter::feed(std::string_view bytes) {
    if (m_stopped) return false;
    while (!bytes.empty()) {
        const auto end = bytes.find('\n');
        if (end == std::string_view::npos) {
            m_unended.append(bytes);
            return check_unended_line();
        }
        bool going = true;
        if (m_unended.empty()) {
            going = take_line(bytes.substr(0, end));
        } else {
            m_unended.append(bytes.substr(0, end));
            going = take_line(m_unended);
            m_unended.clear();
        }
        if (!going) return false;
        bytes.remove_prefix(end + 1);
    }
    return true;
}

bool MboxSplitter::finish() {
    if (m_stopped) return false;
    if (!m_unended.empty()) {
        const bool going = take_line(m_unended);
        m_unended.clear();
        if (!going) return false;
    }
    return deliver();
}

bool MboxSplitter::take_line(std::string_view line) {
    ++m_lines;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.starts_with(kFrom)) {
        if (!deliver()) return false;
        // "From sender Mon Jan 15 09:30:00 2024": the date follows the sender.
        const auto sender_end = line.find(' ', kFrom.size());
        const auto stamp =
            sender_end == std::string_view::npos ? std::string_view() : line.substr(sender_end + 1);
        m_message.octets.clear();
        m_message.date = parse_asctime(stamp).value_or(m_fallback);
        m_message.number = ++m_messages;
        m_message.line = m_lines;
        m_in_message = true;
        return true;
    }
    if (!m_in_message) {
        if (line.empty()) return true;
        return fail(MboxProblem::Kind::NoFromLine, 0, m_lines);
    }
    // mboxrd: the writer added one ">".
    const auto quotes = line.find_first_not_of('>');
    if (quotes != std::string_view::npos && quotes > 0 && line.substr(quotes).starts_with(kFrom)) {
        line.remove_prefix(1);
    }
    m_message.octets.append(line);
    m_message.octets += "\r\n";
    if (message_size() > m_max_message_size) {
        return fail(MboxProblem::Kind::MessageTooLarge, m_message.number, m_message.line);
    }
    return true;
}

// A line longer than a block is refused as soon as it is sure to make its
// message too large, so it never takes more memory than the limit does.
bool MboxSplitter::check_unended_line() {
    const std::string_view line = m_unended;
    if (kFrom.starts_with(line)) return true;
    if (line.starts_with(kFrom)) {
        // Only its date is needed, but a From_ line longer than a message may
        // be is no mbox's; refusing it as the message it starts bounds memory.
        if (line.size() <= m_max_message_size) return true;
        return fail(MboxProblem::Kind::MessageTooLarge, m_messages + 1, m_lines + 1);
    }
    // Two octets or more are a line that is not blank, whatever ends it, and
    // it adds at least its length to the message: one ">" and one CR may go,
    // CRLF comes.
    if (line.size() < 2) return true;
    if (!m_in_message) return fail(MboxProblem::Kind::NoFromLine, 0, m_lines + 1);
    if (m_message.octets.size() + line.size() > m_max_message_size) {
        return fail(MboxProblem::Kind::MessageTooLarge, m_message.number, m_message.line);
    }
    return true;
}

bool MboxSplitter::deliver() {
    if (!m_in_message) return true;
    m_in_message = false;
    if (m_message.octets.ends_with("\r\n\r\n"))
        m_message.octets.resize(m_message.octets.size() - 2);
    // A copy of its own size: the store keeps it for good, and the buffer,
    // grown by appending, may have twice the room; the buffer serves the next.
    MboxMessage message{std::string(m_message.octets), m_message.date, m_message.number,
                        m_message.line};
    if (!m_sink(std::move(message))) {
        m_stopped = true;
        return false;
    }
    return true;
}

bool MboxSplitter::fail(MboxProblem::Kind kind, std::size_t number, std::size_t line) {
    m_problem = MboxProblem{kind, number, line};
    m_stopped = true;
    m_unended.clear();
    m_message = {};
    return false;
}

// The message's size were it to end here: the end of the mbox or a From_ line
// takes the separating blank line away. Later lines only add to it.
std::size_t MboxSplitter::message_size() const {
    const std::string& octets = m_message.octets;
    return octets.ends_with("\r\n\r\n") ? octets.size() - 2 : octets.size();
}

}  // namespace mailscope::server
