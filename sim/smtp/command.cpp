#include "sim/smtp/command.hpp"
#include "sim/core/ascii.hpp"

#include <fmt/format.h>

#include <utility>

namespace mailscope::smtp {

using sim::Phrase;
using sim::say;

namespace {

constexpr std::size_t kMaxLocalPart = 64;  // RFC 5321 4.5.3.1.1
constexpr std::size_t kMaxDomain = 255;    // RFC 5321 4.5.3.1.2
constexpr std::size_t kMaxPath = 256;      // RFC 5321 4.5.3.1.3

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
using ascii::is_digit;
bool is_let_dig(char c) {
    return is_alpha(c) || is_digit(c);
}

// RFC 5322 atext.
bool is_atext(char c) {
    if (is_let_dig(c)) return true;
    static constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
    return specials.find(c) != std::string_view::npos;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && ascii::upper(text.substr(0, prefix.size())) == prefix;
}

// Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str].
bool valid_domain(std::string_view domain) {
    if (domain.empty() || domain.size() > kMaxDomain) return false;
    std::size_t start = 0;
    while (true) {
        auto dot = domain.find('.', start);
        auto label = domain.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || !is_let_dig(label.front()) || !is_let_dig(label.back())) return false;
        for (char c : label) {
            if (!is_let_dig(c) && c != '-') return false;
        }
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

// address-literal = "[" ... "]" (RFC 5321 4.1.3); the forms inside are
// checked only for their characters (dcontent of the general form).
bool valid_address_literal(std::string_view text) {
    if (text.size() < 3 || text.front() != '[' || text.back() != ']') return false;
    for (char c : text.substr(1, text.size() - 2)) {
        auto u = static_cast<unsigned char>(c);
        if (u < 33 || u > 126 || c == '[' || c == ']' || c == '\\') return false;
    }
    return true;
}

bool valid_dot_string(std::string_view text) {
    if (text.empty() || text.front() == '.' || text.back() == '.') return false;
    char previous = 0;
    for (char c : text) {
        if (c == '.' && previous == '.') return false;
        if (c != '.' && !is_atext(c)) return false;
        previous = c;
    }
    return true;
}

// The length of the quoted string at the start of `text`, or 0.
std::size_t quoted_string_length(std::string_view text) {
    if (text.empty() || text.front() != '"') return 0;
    for (std::size_t i = 1; i < text.size(); ++i) {
        auto u = static_cast<unsigned char>(text[i]);
        if (text[i] == '\\') {
            if (i + 1 >= text.size()) return 0;
            auto next = static_cast<unsigned char>(text[i + 1]);
            if (next < 32 || next > 126) return 0;
            ++i;
        } else if (text[i] == '"') {
            return i + 1;
        } else if (u < 32 || u > 126) {
            return 0;
        }
    }
    return 0;
}

bool has_control(std::string_view text) {
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) return true;
    }
    return false;
}

// esmtp-param = esmtp-keyword ["=" esmtp-value] (RFC 5321 4.1.2).
std::optional<sim::Said> parse_parameters(std::string_view text, std::vector<Parameter>& out) {
    while (!text.empty()) {
        if (text.front() != ' ') return say(Phrase::SmtpParamsSeparated);
        while (!text.empty() && text.front() == ' ')
            text.remove_prefix(1);
        if (text.empty()) break;
        auto end = text.find(' ');
        auto word = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end);
        auto equals = word.find('=');
        auto keyword = word.substr(0, equals);
        if (keyword.empty() || !is_let_dig(keyword.front())) {
            return say(Phrase::SmtpNotParamKeyword, keyword);
        }
        for (char c : keyword) {
            if (!is_let_dig(c) && c != '-') return say(Phrase::SmtpNotParamKeyword, keyword);
        }
        Parameter parameter{ascii::upper(keyword), std::nullopt};
        if (equals != std::string_view::npos) {
            auto value = word.substr(equals + 1);
            if (value.empty()) return say(Phrase::SmtpParamEmptyValue, keyword);
            for (char c : value) {
                auto u = static_cast<unsigned char>(c);
                if (u < 33 || u > 126 || c == '=') {
                    return say(Phrase::SmtpParamBadValue, keyword);
                }
            }
            parameter.value = std::string(value);
        }
        out.push_back(std::move(parameter));
    }
    return std::nullopt;
}

}  // namespace

std::string Path::mailbox() const {
    if (domain.empty()) return local_part;
    return local_part + "@" + domain;
}

const Parameter* Command::parameter(std::string_view keyword) const {
    for (const auto& p : parameters) {
        if (p.keyword == keyword) return &p;
    }
    return nullptr;
}

ParsedPath parse_path(std::string_view text, bool allow_null, bool allow_postmaster) {
    ParsedPath out;
    if (text.empty() || text.front() != '<') {
        out.fail(say(Phrase::SmtpPathBrackets));
        return out;
    }
    // The closing bracket, skipping a quoted local part.
    std::size_t close = std::string_view::npos;
    for (std::size_t i = 1; i < text.size(); ++i) {
        if (text[i] == '"') {
            auto length = quoted_string_length(text.substr(i));
            if (length == 0) break;
            i += length - 1;
        } else if (text[i] == '>') {
            close = i;
            break;
        }
    }
    if (close == std::string_view::npos) {
        out.fail(say(Phrase::SmtpPathUnclosed));
        return out;
    }
    auto inside = text.substr(1, close - 1);
    out.rest = text.substr(close + 1);
    if (close + 1 > kMaxPath) {
        out.fail(say(Phrase::SmtpPathTooLong, kMaxPath));
        return out;
    }
    Path path;
    if (inside.empty()) {
        if (!allow_null) {
            out.fail(say(Phrase::SmtpNullPathOnlyMail));
            return out;
        }
        out.path = path;
        return out;
    }
    // A-d-l ":" : the obsolete source route.
    if (inside.front() == '@') {
        auto colon = inside.find(':');
        if (colon == std::string_view::npos) {
            out.fail(say(Phrase::SmtpRouteEndsColon));
            return out;
        }
        auto route = inside.substr(0, colon);
        inside.remove_prefix(colon + 1);
        while (!route.empty()) {
            auto comma = route.find(',');
            auto hop = route.substr(0, comma);
            route = comma == std::string_view::npos ? std::string_view{} : route.substr(comma + 1);
            if (hop.size() < 2 || hop.front() != '@' || !valid_domain(hop.substr(1))) {
                out.fail(say(Phrase::SmtpRouteBadHop, hop));
                return out;
            }
            path.route.emplace_back(hop.substr(1));
            if (comma != std::string_view::npos && route.empty()) {
                out.fail(say(Phrase::SmtpRouteEndsComma));
                return out;
            }
        }
    }
    std::size_t local_length = 0;
    if (!inside.empty() && inside.front() == '"') {
        local_length = quoted_string_length(inside);
        if (local_length == 0) {
            out.fail(say(Phrase::SmtpQuotedUnclosed));
            return out;
        }
    } else {
        local_length = inside.find('@');
        if (local_length == std::string_view::npos) local_length = inside.size();
        if (!valid_dot_string(inside.substr(0, local_length))) {
            out.fail(say(Phrase::SmtpBadLocalPart, inside.substr(0, local_length)));
            return out;
        }
    }
    path.local_part = std::string(inside.substr(0, local_length));
    if (path.local_part.size() > kMaxLocalPart) {
        out.fail(say(Phrase::SmtpLocalPartTooLong, kMaxLocalPart));
        return out;
    }
    inside.remove_prefix(local_length);
    if (inside.empty()) {
        if (allow_postmaster && path.route.empty() &&
            ascii::upper(path.local_part) == "POSTMASTER") {
            out.path = path;
            return out;
        }
        out.fail(say(Phrase::SmtpNoDomain));
        return out;
    }
    if (inside.front() != '@') {
        out.fail(say(Phrase::SmtpLocalPartThenJunk));
        return out;
    }
    inside.remove_prefix(1);
    if (!valid_domain(inside) && !valid_address_literal(inside)) {
        out.fail(say(Phrase::SmtpNotDomain, inside));
        return out;
    }
    path.domain = std::string(inside);
    out.path = path;
    return out;
}

ParsedCommand parse_command(std::string_view line) {
    ParsedCommand out;
    auto space = line.find(' ');
    auto word = line.substr(0, space);
    std::string name = ascii::upper(word);
    out.verb = verb_from_name(name);
    if (has_control(line)) {
        out.fail(say(Phrase::SmtpControlCharacter));
        return out;
    }
    if (name.empty()) {
        out.fail(say(Phrase::SmtpEmptyLine));
        return out;
    }
    Command command;
    command.verb = out.verb;
    command.name = name;
    std::string_view argument =
        space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    command.argument = std::string(argument);
    auto fail = [&](sim::Said message) {
        out.fail(std::move(message));
        return out;
    };
    switch (command.verb) {
        case Verb::Helo:
        case Verb::Ehlo: {
            auto domain = argument.substr(0, argument.find(' '));
            if (domain.empty()) return fail(say(Phrase::SmtpNeedsDomain, name));
            if (!valid_domain(domain) && !valid_address_literal(domain)) {
                command.warnings.push_back(say(Phrase::SmtpNeitherDomainNorLiteral, name, domain));
            }
            break;
        }
        case Verb::Mail:
        case Verb::Rcpt: {
            const bool mail = command.verb == Verb::Mail;
            std::string_view keyword = mail ? "FROM:" : "TO:";
            if (!starts_with_ci(argument, keyword)) {
                return fail(say(Phrase::SmtpFollowedByPath, name, keyword));
            }
            auto rest = argument.substr(keyword.size());
            if (!rest.empty() && rest.front() == ' ') {
                command.warnings.push_back(say(Phrase::SmtpSpaceAfterKeyword, keyword));
                while (!rest.empty() && rest.front() == ' ')
                    rest.remove_prefix(1);
            }
            auto parsed = parse_path(rest, mail, !mail);
            if (!parsed.path) return fail(parsed.said);
            command.path = std::move(parsed.path);
            if (auto error = parse_parameters(parsed.rest, command.parameters)) {
                return fail(*error);
            }
            break;
        }
        case Verb::Data:
        case Verb::Rset:
        case Verb::Quit:
        case Verb::Starttls:
            if (!argument.empty()) return fail(say(Phrase::SmtpTakesNoArgument, name));
            break;
        case Verb::Vrfy:
        case Verb::Expn:
            if (argument.empty()) return fail(say(Phrase::SmtpNeedsName, name));
            break;
        case Verb::Noop:
        case Verb::Help:
        case Verb::Unknown:
            break;
        case Verb::Auth: {
            auto mech_end = argument.find(' ');
            auto mechanism = argument.substr(0, mech_end);
            if (mechanism.empty()) return fail(say(Phrase::SmtpAuthNeedsMechanism));
            for (char c : mechanism) {
                if (!is_let_dig(c) && c != '-' && c != '_') {
                    return fail(say(Phrase::SmtpNotMechanism, mechanism));
                }
            }
            command.mechanism = ascii::upper(mechanism);
            if (mech_end != std::string_view::npos) {
                auto response = argument.substr(mech_end + 1);
                if (response.empty() || response.find(' ') != std::string_view::npos) {
                    return fail(say(Phrase::SmtpInitialResponseForm));
                }
                command.initial_response = std::string(response);
            }
            break;
        }
    }
    out.command = std::move(command);
    return out;
}

std::string serialize(const Path& path) {
    std::string out = "<";
    for (std::size_t i = 0; i < path.route.size(); ++i) {
        out += i ? ",@" : "@";
        out += path.route[i];
    }
    if (!path.route.empty()) out += ':';
    out += path.mailbox();
    return out + ">";
}

std::string serialize(const Command& command) {
    std::string out(command.verb == Verb::Unknown ? std::string_view(command.name)
                                                  : verb_name(command.verb));
    switch (command.verb) {
        case Verb::Mail:
        case Verb::Rcpt:
            out += command.verb == Verb::Mail ? " FROM:" : " TO:";
            out += serialize(command.path.value_or(Path{}));
            for (const auto& p : command.parameters) {
                out += ' ';
                out += p.keyword;
                if (p.value) out += '=' + *p.value;
            }
            break;
        case Verb::Auth:
            out += ' ' + command.mechanism;
            if (command.initial_response) out += ' ' + *command.initial_response;
            break;
        default:
            if (!command.argument.empty()) out += ' ' + command.argument;
            break;
    }
    return out + "\r\n";
}

}  // namespace mailscope::smtp
