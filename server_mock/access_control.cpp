#include "server_mock/access_control.hpp"

#include <fmt/format.h>

#include "sim/text/utf8.hpp"

namespace mailscope::server {

namespace {

constexpr Rights kCreateMembers = Right::CreateMailbox;
constexpr Rights kDeleteMembers = Right::DeleteMailbox | Right::DeleteMessages | Right::Expunge;

bool equals_lower(std::string_view text, std::string_view lower) {
    if (text.size() != lower.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c =
            text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
        if (c != lower[i]) return false;
    }
    return true;
}

}  // namespace

std::string Rights::letters() const {
    std::string out;
    for (std::size_t i = 0; i < kRightLetters.size(); ++i) {
        if ((m_bits & (1U << i)) != 0) out += kRightLetters[i];
    }
    return out;
}

std::string Rights::response_letters() const {
    std::string out = letters();
    if (intersects(kCreateMembers)) out += 'c';
    if (intersects(kDeleteMembers)) out += 'd';
    return out;
}

std::optional<Rights> parse_rights(std::string_view letters, std::string* error) {
    Rights rights;
    for (const char letter : letters) {
        const auto at = kRightLetters.find(letter);
        if (at != std::string_view::npos) {
            rights = rights | Rights(static_cast<Right>(1U << at));
        } else if (letter == 'c') {
            rights = rights | kCreateMembers;
        } else if (letter == 'd') {
            rights = rights | kDeleteMembers;
        } else {
            if (error != nullptr) {
                *error = letter >= 'A' && letter <= 'Z'
                             ? std::string("Upper-case rights are not allowed (RFC 4314 2)")
                             : fmt::format(
                                   "The right \"{}\" is not supported; the rights are "
                                   "\"{}\" and the virtual \"c\" and \"d\" (RFC 4314 2.1)",
                                   letter, kRightLetters);
            }
            return std::nullopt;
        }
    }
    return rights;
}

Rights RightsChange::apply(Rights current) const {
    switch (mode) {
        case Mode::Add:
            return current | rights;
        case Mode::Remove:
            return current.without(rights);
        case Mode::Replace:
            break;
    }
    return rights;
}

std::optional<RightsChange> parse_rights_change(std::string_view text, std::string* error) {
    RightsChange change;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        change.mode = text.front() == '+' ? RightsChange::Mode::Add : RightsChange::Mode::Remove;
        text.remove_prefix(1);
    }
    const auto rights = parse_rights(text, error);
    if (!rights) return std::nullopt;
    change.rights = *rights;
    return change;
}

std::optional<std::string> identifier_syntax_error(std::string_view identifier) {
    if (identifier.empty()) return std::string("An identifier cannot be empty (RFC 4314 3)");
    if (identifier.size() > 255) return std::string("An identifier can have at most 255 octets");
    if (!text::is_valid_utf8(identifier)) {
        return std::string("An identifier must be UTF-8 (RFC 4314 2)");
    }
    for (const char c : identifier) {
        const auto octet = static_cast<unsigned char>(c);
        if (octet < 0x20 || octet == 0x7f) {
            return std::string("An identifier cannot contain control characters (RFC 4314 3)");
        }
    }
    return std::nullopt;
}

std::string canonical_identifier(std::string_view identifier) {
    if (equals_lower(identifier, kAnyone)) return std::string(kAnyone);
    if (equals_lower(identifier, kAnonymous)) return std::string(kAnonymous);
    return std::string(identifier);
}

Right right_for_flag(std::string_view flag_name) {
    if (equal_ignoring_case(flag_name, "\\Seen")) return Right::KeepSeen;
    if (equal_ignoring_case(flag_name, "\\Deleted")) return Right::DeleteMessages;
    return Right::Write;
}

bool may_change_flag(Rights rights, std::string_view flag_name) {
    return rights.has(right_for_flag(flag_name));
}

Rights rights_for_flags(const FlagSet& flags) {
    Rights needed;
    for (const auto& name : flags.names())
        needed = needed | right_for_flag(name);
    return needed;
}

FlagSet permitted_flags(const FlagSet& flags, Rights rights) {
    if (rights.contains(kFlagRights)) return flags;
    FlagSet out;
    for (const auto& name : flags.names()) {
        if (may_change_flag(rights, name)) (void)out.add_name(name);
    }
    return out;
}

FlagSet apply_flag_operation(const FlagSet& before, FlagOperation operation, const FlagSet& flags,
                             Rights rights) {
    const FlagSet allowed = permitted_flags(flags, rights);
    FlagSet after = before;
    switch (operation) {
        case FlagOperation::Add:
            after.add_all(allowed);
            break;
        case FlagOperation::Remove:
            after.remove_all(allowed);
            break;
        case FlagOperation::Replace:
            after.remove_all(permitted_flags(before, rights));
            after.add_all(allowed);
            break;
    }
    return after;
}

}  // namespace mailscope::server
