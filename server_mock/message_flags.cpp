#include "server_mock/message_flags.hpp"

#include <algorithm>
#include <bit>
#include <cctype>

#include <fmt/format.h>

#include "sim/core/ascii.hpp"
#include "sim/core/enum_names.hpp"
#include "sim/imap/syntax.hpp"

namespace mailscope::server {
namespace {

constexpr auto system_flag_names = sim::name_table<SystemFlag>({
    {SystemFlag::Seen, "\\Seen"},
    {SystemFlag::Answered, "\\Answered"},
    {SystemFlag::Flagged, "\\Flagged"},
    {SystemFlag::Deleted, "\\Deleted"},
    {SystemFlag::Draft, "\\Draft"},
});

}  // namespace

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return ascii::iequals(a, b);
}

std::string_view flag_name(SystemFlag flag) {
    return system_flag_names.name(flag, "");
}

FlagKind classify_flag(std::string_view name) {
    if (name.empty()) return FlagKind::Invalid;
    if (name.front() == '\\') {
        if (equal_ignoring_case(name, "\\Recent")) return FlagKind::Recent;
        return system_flag_names.value_ignoring_case(name) ? FlagKind::System : FlagKind::Invalid;
    }
    if (name.size() > kMaxKeywordLength) return FlagKind::Invalid;
    return std::all_of(name.begin(), name.end(), imap::is_atom_char) ? FlagKind::Keyword
                                                                     : FlagKind::Invalid;
}

void FlagSet::set(SystemFlag flag, bool on) {
    const auto bit = static_cast<std::uint8_t>(flag);
    m_system =
        on ? static_cast<std::uint8_t>(m_system | bit) : static_cast<std::uint8_t>(m_system & ~bit);
}

bool FlagSet::has_keyword(std::string_view keyword) const {
    return std::any_of(m_keywords.begin(), m_keywords.end(),
                       [&](const std::string& k) { return equal_ignoring_case(k, keyword); });
}

void FlagSet::add_keyword(std::string_view keyword) {
    if (!has_keyword(keyword)) m_keywords.emplace_back(keyword);
}

void FlagSet::remove_keyword(std::string_view keyword) {
    std::erase_if(m_keywords,
                  [&](const std::string& k) { return equal_ignoring_case(k, keyword); });
}

std::optional<std::string> FlagSet::add_name(std::string_view name) {
    switch (classify_flag(name)) {
        case FlagKind::System:
            set(*system_flag_names.value_ignoring_case(name), true);
            return std::nullopt;
        case FlagKind::Keyword:
            add_keyword(name);
            return std::nullopt;
        case FlagKind::Recent:
            return std::string(
                "\\Recent cannot be set or cleared by a client; the server manages it "
                "(RFC 3501 2.3.2).");
        case FlagKind::Invalid:
            break;
    }
    if (!name.empty() && name.front() == '\\') {
        return fmt::format(
            "\"{}\" is not a system flag; the system flags are \\Seen, \\Answered, \\Flagged, "
            "\\Deleted and \\Draft.",
            name.substr(0, 64));
    }
    return fmt::format(
        "\"{}\" is not a valid keyword: a keyword is an atom of at most {} "
        "characters without spaces, brackets, quotes, %, * or backslash.",
        name.substr(0, 64), kMaxKeywordLength);
}

bool FlagSet::has_name(std::string_view name) const {
    if (const auto flag = system_flag_names.value_ignoring_case(name)) return has(*flag);
    return has_keyword(name);
}

void FlagSet::add_all(const FlagSet& other) {
    m_system = static_cast<std::uint8_t>(m_system | other.m_system);
    for (const auto& k : other.m_keywords)
        add_keyword(k);
}

void FlagSet::remove_all(const FlagSet& other) {
    m_system = static_cast<std::uint8_t>(m_system & ~other.m_system);
    for (const auto& k : other.m_keywords)
        remove_keyword(k);
}

std::vector<std::string> FlagSet::names() const {
    std::vector<std::string> out;
    // One more: a FETCH may add \Recent (flags_item).
    out.reserve(static_cast<std::size_t>(std::popcount(m_system)) + m_keywords.size() + 1);
    for (const SystemFlag flag : kSystemFlags) {
        if (has(flag)) out.emplace_back(flag_name(flag));
    }
    out.insert(out.end(), m_keywords.begin(), m_keywords.end());
    return out;
}

bool FlagSet::operator==(const FlagSet& other) const {
    if (m_system != other.m_system || m_keywords.size() != other.m_keywords.size()) return false;
    return std::all_of(m_keywords.begin(), m_keywords.end(),
                       [&](const std::string& k) { return other.has_keyword(k); });
}

}  // namespace mailscope::server
