#include "sim/smtp/reply.hpp"
#include "sim/core/ascii.hpp"

#include <fmt/format.h>

namespace mailscope::smtp {

namespace {

using ascii::is_digit;

// 1*3digit followed by "." or the end of the code.
std::size_t digits(std::string_view text, std::size_t at, std::size_t most) {
    std::size_t n = 0;
    while (at + n < text.size() && n < most + 1 && is_digit(text[at + n]))
        ++n;
    return n >= 1 && n <= most ? n : 0;
}

}  // namespace

Reply make_reply(int code, std::string_view enhanced, std::string_view text) {
    Reply reply;
    reply.code = code;
    reply.enhanced = std::string(enhanced);
    while (true) {
        auto newline = text.find('\n');
        reply.lines.emplace_back(text.substr(0, newline));
        if (newline == std::string_view::npos) break;
        text.remove_prefix(newline + 1);
    }
    return reply;
}

std::string serialize(const Reply& reply) {
    std::string out;
    const std::size_t count = reply.lines.empty() ? 1 : reply.lines.size();
    for (std::size_t i = 0; i < count; ++i) {
        const bool last = i + 1 == count;
        std::string_view text = reply.lines.empty() ? std::string_view{} : reply.lines[i];
        out += fmt::format("{:03}", reply.code);
        if (reply.lines.empty()) {
            // "ddd" alone: RFC 5321 4.2 makes the text optional.
        } else {
            out += last ? ' ' : '-';
            if (!reply.enhanced.empty()) {
                out += reply.enhanced;
                if (!text.empty()) out += ' ';
            }
            out += text;
        }
        out += "\r\n";
    }
    return out;
}

std::optional<ReplyLine> parse_reply_line(std::string_view line) {
    if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) {
        return std::nullopt;
    }
    ReplyLine out;
    out.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (line.size() == 3) return out;
    if (line[3] != ' ' && line[3] != '-') return std::nullopt;
    out.last = line[3] == ' ';
    out.text = std::string(line.substr(4));
    return out;
}

bool code_in_range(int code) {
    const int first = code / 100;
    const int second = (code / 10) % 10;
    return first >= 2 && first <= 5 && second <= 5;
}

std::optional<std::string> leading_enhanced_code(std::string_view text, int code) {
    if (text.size() < 5 || text[1] != '.') return std::nullopt;
    if (text[0] != '2' && text[0] != '4' && text[0] != '5') return std::nullopt;
    if (text[0] - '0' != code / 100) return std::nullopt;
    auto subject = digits(text, 2, 3);
    if (subject == 0 || 2 + subject >= text.size() || text[2 + subject] != '.') return std::nullopt;
    auto detail = digits(text, 3 + subject, 3);
    if (detail == 0) return std::nullopt;
    auto end = 3 + subject + detail;
    if (end < text.size() && text[end] != ' ') return std::nullopt;
    return std::string(text.substr(0, end));
}

std::string_view reply_section(int code) {
    switch (code) {
        case 220:
        case 554:
            return "RFC 5321 4.2.3";
        case 334:
        case 235:
        case 535:
        case 538:
            return "RFC 4954 4";
        case 552:
            return "RFC 1870 6";
        case 354:
            return "RFC 5321 4.1.1.4";
        default:
            return "RFC 5321 4.2";
    }
}

std::string_view reply_meaning(int code) {
    switch (code) {
        case 211:
            return "system status";
        case 214:
            return "help message";
        case 220:
            return "service ready";
        case 221:
            return "closing the connection";
        case 235:
            return "authentication succeeded";
        case 250:
            return "requested action completed";
        case 251:
            return "user not local; will forward";
        case 252:
            return "cannot verify the user, but will accept the message";
        case 334:
            return "SASL challenge";
        case 354:
            return "start mail input; end with <CRLF>.<CRLF>";
        case 421:
            return "service not available, closing the connection";
        case 450:
            return "mailbox unavailable, try again later";
        case 451:
            return "local error in processing, try again later";
        case 452:
            return "insufficient system storage or too many recipients";
        case 454:
            return "TLS or authentication temporarily unavailable";
        case 500:
            return "syntax error, command unrecognized or line too long";
        case 501:
            return "syntax error in parameters or arguments";
        case 502:
            return "command not implemented";
        case 503:
            return "bad sequence of commands";
        case 504:
            return "command parameter not implemented";
        case 530:
            return "authentication required";
        case 535:
            return "authentication credentials invalid";
        case 538:
            return "encryption required for this authentication mechanism";
        case 550:
            return "mailbox unavailable or action refused";
        case 551:
            return "user not local";
        case 552:
            return "exceeded storage allocation (message too large)";
        case 553:
            return "mailbox name not allowed";
        case 554:
            return "transaction failed / no service";
        case 555:
            return "MAIL FROM/RCPT TO parameters not recognized";
        default:
            break;
    }
    switch (code / 100) {
        case 2:
            return "positive completion";
        case 3:
            return "positive intermediate";
        case 4:
            return "transient negative completion";
        case 5:
            return "permanent negative completion";
        default:
            return "not a valid reply code";
    }
}

}  // namespace mailscope::smtp
