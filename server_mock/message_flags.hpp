// FlagSet: the permanent flags of one message (RFC 3501 2.3.2).
//
// \Recent is deliberately absent: it belongs to a session, not to the
// message, so the store tracks it separately (see MailStore::claim_recent).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailscope::server {

enum class SystemFlag : std::uint8_t {
    Seen = 1,
    Answered = 2,
    Flagged = 4,
    Deleted = 8,
    Draft = 16,
};

// The system flags in the order IMAP servers traditionally list them.
inline constexpr SystemFlag kSystemFlags[] = {SystemFlag::Answered, SystemFlag::Flagged,
                                              SystemFlag::Deleted, SystemFlag::Seen,
                                              SystemFlag::Draft};

std::string_view flag_name(SystemFlag flag);

// Longest keyword the store accepts; keeps hostile STORE commands bounded.
inline constexpr std::size_t kMaxKeywordLength = 128;

// What kind of flag a name is, as in a STORE or APPEND flag list.
enum class FlagKind : std::uint8_t { System, Keyword, Recent, Invalid };
FlagKind classify_flag(std::string_view name);

class FlagSet {
  public:
    bool has(SystemFlag flag) const { return (m_system & static_cast<std::uint8_t>(flag)) != 0; }
    void set(SystemFlag flag, bool on);

    // Keywords compare case-insensitively (RFC 3501 2.3.2 flags are atoms
    // matched without regard to case); the spelling first seen is kept.
    bool has_keyword(std::string_view keyword) const;
    void add_keyword(std::string_view keyword);
    void remove_keyword(std::string_view keyword);
    const std::vector<std::string>& keywords() const { return m_keywords; }
    std::uint8_t system_bits() const { return m_system; }

    // Adds "\Seen" or a keyword; returns a sentence when `name` is not a flag a
    // client may set (\Recent, an unknown system flag, a malformed atom).
    std::optional<std::string> add_name(std::string_view name);
    bool has_name(std::string_view name) const;

    void add_all(const FlagSet& other);
    void remove_all(const FlagSet& other);

    // System flags first, then keywords: "\Seen", "$Important".
    std::vector<std::string> names() const;
    bool empty() const { return m_system == 0 && m_keywords.empty(); }

    bool operator==(const FlagSet& other) const;

  private:
    std::uint8_t m_system = 0;
    std::vector<std::string> m_keywords;
};

bool equal_ignoring_case(std::string_view a, std::string_view b);

}  // namespace mailscope::server
