#include "sim/imap/message_url.hpp"

#include <fmt/format.h>

#include <vector>

#include "sim/core/ascii.hpp"

namespace mailscope::imap {

namespace {

int url_hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> url_percent_decoded(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        const int high = url_hex_digit(text[i + 1]);
        const int low = url_hex_digit(text[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

std::optional<std::uint32_t> url_number(std::string_view digits, bool nonzero) {
    if (digits.empty() || digits.size() > 10 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (char c : digits)
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > UINT32_MAX || (nonzero && value == 0)) return std::nullopt;
    return static_cast<std::uint32_t>(value);
}

// One ";NAME=value" of the path, and whether a "/" came before it.
struct UrlParameter {
    std::string_view name, value;
    bool after_slash = false;
};

// `rest` starts with ";" or "/;"; each parameter runs to the next "/;" or ";".
std::optional<std::vector<UrlParameter>> split_url_parameters(std::string_view rest) {
    std::vector<UrlParameter> out;
    std::size_t i = 0;
    while (i < rest.size()) {
        UrlParameter parameter;
        if (rest[i] == '/') {
            parameter.after_slash = true;
            ++i;
        }
        if (i >= rest.size() || rest[i] != ';') return std::nullopt;
        ++i;
        std::size_t end = rest.find(';', i);
        if (end == std::string_view::npos) {
            end = rest.size();
        } else if (end > i && rest[end - 1] == '/') {
            --end;
        }
        const std::string_view token = rest.substr(i, end - i);
        const std::size_t equals = token.find('=');
        if (equals == std::string_view::npos) return std::nullopt;
        parameter.name = token.substr(0, equals);
        parameter.value = token.substr(equals + 1);
        out.push_back(parameter);
        i = end;
    }
    return out;
}

constexpr std::string_view kMessageUrlForm =
    "a message URL is /mailbox;UIDVALIDITY=n/;UID=n, then /;SECTION=s and /;PARTIAL=o.l if "
    "wanted (RFC 5092)";

}  // namespace

std::variant<MessageUrl, std::string> parse_message_url(std::string_view url) {
    MessageUrl out;
    std::string_view path = url;
    if (ascii::istarts_with(url, "imap://")) {
        out.absolute = true;
        const std::string_view rest = url.substr(7);
        const std::size_t slash = rest.find('/');
        const std::string_view server = rest.substr(0, slash);
        const std::size_t at = server.rfind('@');
        if (at != std::string_view::npos) {
            const std::string_view userinfo = server.substr(0, at);
            auto user = url_percent_decoded(userinfo.substr(0, userinfo.find(';')));
            if (!user) return std::string("the user name holds a broken %-escape");
            out.user = std::move(*user);
        }
        out.host = std::string(at == std::string_view::npos ? server : server.substr(at + 1));
        if (out.host.empty()) return std::string("the URL names no server");
        if (slash == std::string_view::npos) return std::string("the URL names no message");
        path = rest.substr(slash);
    } else {
        const std::size_t colon = url.find(':');
        if (colon != std::string_view::npos && colon < url.find_first_of("/;")) {
            return fmt::format("\"{}\" is not an IMAP URL scheme", url.substr(0, colon));
        }
    }
    std::string_view parameters = path;
    if (path.starts_with('/')) {
        // The name runs to the first ';' (an escaped one is %3B), less the
        // '/' of "/;UID=" when no UIDVALIDITY sits between them.
        std::size_t end = path.find(';');
        if (end == std::string_view::npos) return std::string(kMessageUrlForm);
        if (end > 1 && path[end - 1] == '/') --end;
        auto mailbox = url_percent_decoded(path.substr(1, end - 1));
        if (!mailbox) return std::string("the mailbox name holds a broken %-escape");
        if (mailbox->empty()) return std::string("the URL names no mailbox");
        out.mailbox = std::move(*mailbox);
        parameters = path.substr(end);
    } else if (out.absolute || !path.starts_with(';')) {
        return std::string(kMessageUrlForm);
    }
    const auto split = split_url_parameters(parameters);
    if (!split) return std::string(kMessageUrlForm);
    std::size_t i = 0;
    const auto& list = *split;
    const auto named = [&](std::string_view name) {
        return i < list.size() && ascii::iequals(list[i].name, name);
    };
    if (out.mailbox && named("UIDVALIDITY") && !list[i].after_slash) {
        out.uidvalidity = url_number(list[i].value, true);
        if (!out.uidvalidity) return std::string("UIDVALIDITY is a number from 1");
        ++i;
    }
    // After a mailbox the UID is a path segment of its own; relative to the
    // selected mailbox it comes first.
    if (!named("UID") || list[i].after_slash != out.mailbox.has_value()) {
        return std::string(kMessageUrlForm);
    }
    const auto uid = url_number(list[i].value, true);
    if (!uid) return std::string("UID is a number from 1");
    out.uid = *uid;
    ++i;
    if (named("SECTION") && list[i].after_slash) {
        const auto text = url_percent_decoded(list[i].value);
        auto section = text ? parse_section_text(*text) : std::nullopt;
        if (!section || text->empty()) {
            return fmt::format("\"{}\" is not a section such as 1.2, HEADER, TEXT or 1.MIME",
                               list[i].value);
        }
        out.section = std::move(*section);
        ++i;
    }
    if (named("PARTIAL") && list[i].after_slash) {
        const std::string_view range = list[i].value;
        const std::size_t dot = range.find('.');
        const auto origin = url_number(range.substr(0, dot), false);
        const auto length = dot == std::string_view::npos ? std::optional<std::uint32_t>()
                                                          : url_number(range.substr(dot + 1), true);
        if (!origin || (dot != std::string_view::npos && !length)) {
            return std::string("PARTIAL is an origin, then a length from 1 after a dot");
        }
        out.partial.emplace(*origin, length);
        ++i;
    }
    if (i != list.size()) {
        return fmt::format("\";{}=\" is not a part of a message URL this server reads",
                           list[i].name);
    }
    return out;
}

}  // namespace mailscope::imap
