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

sim::Phrase reply_meaning_phrase(int code) {
    switch (code) {
        case 211:
            return sim::Phrase::SmtpReply211;
        case 214:
            return sim::Phrase::SmtpReply214;
        case 220:
            return sim::Phrase::SmtpReply220;
        case 221:
            return sim::Phrase::SmtpReply221;
        case 235:
            return sim::Phrase::SmtpReply235;
        case 250:
            return sim::Phrase::SmtpReply250;
        case 251:
            return sim::Phrase::SmtpReply251;
        case 252:
            return sim::Phrase::SmtpReply252;
        case 334:
            return sim::Phrase::SmtpReply334;
        case 354:
            return sim::Phrase::SmtpReply354;
        case 421:
            return sim::Phrase::SmtpReply421;
        case 450:
            return sim::Phrase::SmtpReply450;
        case 451:
            return sim::Phrase::SmtpReply451;
        case 452:
            return sim::Phrase::SmtpReply452;
        case 454:
            return sim::Phrase::SmtpReply454;
        case 500:
            return sim::Phrase::SmtpReply500;
        case 501:
            return sim::Phrase::SmtpReply501;
        case 502:
            return sim::Phrase::SmtpReply502;
        case 503:
            return sim::Phrase::SmtpReply503;
        case 504:
            return sim::Phrase::SmtpReply504;
        case 530:
            return sim::Phrase::SmtpReply530;
        case 535:
            return sim::Phrase::SmtpReply535;
        case 538:
            return sim::Phrase::SmtpReply538;
        case 550:
            return sim::Phrase::SmtpReply550;
        case 551:
            return sim::Phrase::SmtpReply551;
        case 552:
            return sim::Phrase::SmtpReply552;
        case 553:
            return sim::Phrase::SmtpReply553;
        case 554:
            return sim::Phrase::SmtpReply554;
        case 555:
            return sim::Phrase::SmtpReply555;
        default:
            break;
    }
    switch (code / 100) {
        case 2:
            return sim::Phrase::SmtpReply2xx;
        case 3:
            return sim::Phrase::SmtpReply3xx;
        case 4:
            return sim::Phrase::SmtpReply4xx;
        case 5:
            return sim::Phrase::SmtpReply5xx;
        default:
            return sim::Phrase::SmtpReplyInvalid;
    }
}

}  // namespace mailscope::smtp
