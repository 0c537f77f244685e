// Access control (RFC 4314, IMAP ACL): the rights letters, the list of
// <identifier, rights> pairs each mailbox keeps, and which right each flag
// needs.
//
// Identifiers are user names, "anyone" (every login, the anonymous one
// included) and "anonymous" (the anonymous login of RFC 4505). A user holds
// the union of the rights of the identifiers that apply to it; the owner of a
// personal mailbox always holds every right, and the anonymous login never
// more than lookup and read (MailStore::rights combines these).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "server_mock/message_flags.hpp"

namespace mailscope::server {

enum class Right : std::uint16_t {
    Lookup = 1 << 0,          // l: LIST, LSUB
    Read = 1 << 1,            // r: SELECT, EXAMINE, STATUS
    KeepSeen = 1 << 2,        // s: set or clear \Seen
    Write = 1 << 3,           // w: set or clear the other flags
    Insert = 1 << 4,          // i: APPEND, COPY and MOVE into
    Post = 1 << 5,            // p: mail to the mailbox's address (not enforced by IMAP)
    CreateMailbox = 1 << 6,   // k: CREATE below, RENAME to below
    DeleteMailbox = 1 << 7,   // x: DELETE, RENAME away
    DeleteMessages = 1 << 8,  // t: set or clear \Deleted
    Expunge = 1 << 9,         // e: EXPUNGE, CLOSE's expunge
    Administer = 1 << 10,     // a: SETACL, DELETEACL, GETACL, LISTRIGHTS
};

// The standard rights in the order of RFC 4314 2.1, one letter per Right bit.
inline constexpr std::string_view kRightLetters = "lrswipkxtea";

class Rights {
  public:
    constexpr Rights() = default;
    constexpr Rights(Right right) : m_bits(static_cast<std::uint16_t>(right)) {}

    static constexpr Rights all() { return Rights(static_cast<std::uint16_t>(0x7ff)); }

    constexpr bool has(Right right) const {
        return (m_bits & static_cast<std::uint16_t>(right)) != 0;
    }
    constexpr bool contains(Rights other) const { return (m_bits & other.m_bits) == other.m_bits; }
    constexpr bool intersects(Rights other) const { return (m_bits & other.m_bits) != 0; }
    constexpr bool empty() const { return m_bits == 0; }

    constexpr Rights operator|(Rights other) const { return Rights(m_bits | other.m_bits); }
    constexpr Rights operator&(Rights other) const { return Rights(m_bits & other.m_bits); }
    constexpr Rights without(Rights other) const {
        return Rights(static_cast<std::uint16_t>(m_bits & ~other.m_bits));
    }
    constexpr bool operator==(const Rights& other) const = default;

    // The letters in the order of kRightLetters: "lrs".
    std::string letters() const;
    // letters() plus the virtual "c" (for k) and "d" (for x, t or e) that
    // ACL, MYRIGHTS and LISTRIGHTS responses must show (RFC 4314 2.1.1).
    std::string response_letters() const;

  private:
    constexpr explicit Rights(unsigned bits) : m_bits(static_cast<std::uint16_t>(bits)) {}
    std::uint16_t m_bits = 0;
};

constexpr Rights operator|(Right a, Right b) {
    return Rights(a) | Rights(b);
}

// What the anonymous login may ever do: look mailboxes up and read them.
inline constexpr Rights kAnonymousRights = Right::Lookup | Right::Read;
// A user holding none of these may not learn that a mailbox exists: RFC 4314
// 4 lets MYRIGHTS answer with any one of them, and section 6 requires every
// other refusal to read as "no such mailbox".
inline constexpr Rights kExistenceRights = Right::Lookup | Right::Read | Right::Insert |
                                           Right::CreateMailbox | Right::DeleteMailbox |
                                           Right::Administer;
// The rights that change stored flags ("shared flag rights", RFC 4314 5.2):
// with none of them, nor i or e, a SELECT is READ-ONLY.
inline constexpr Rights kFlagRights = Right::KeepSeen | Right::Write | Right::DeleteMessages;

inline constexpr std::string_view kAnyone = "anyone";
inline constexpr std::string_view kAnonymous = "anonymous";

// identifier -> rights, in identifier order; an identifier with no rights is
// not kept. The owner of a personal mailbox is not listed: it always holds
// every right.
using AccessList = std::map<std::string, Rights, std::less<>>;

// "lr" with the virtual "c" (= k) and "d" (= x t e) expanded, RFC 4314 2.1.1.
// On an upper-case, unknown or digit letter, nothing, and `error` says which:
// RFC 4314 3.1 wants such a SETACL refused with BAD.
std::optional<Rights> parse_rights(std::string_view letters, std::string* error = nullptr);

// SETACL's third argument (RFC 4314 3.1): "+lr" adds, "-w" removes, "lr"
// replaces the identifier's rights.
struct RightsChange {
    enum class Mode : std::uint8_t { Replace, Add, Remove };
    Mode mode = Mode::Replace;
    Rights rights;

    Rights apply(Rights current) const;
};
std::optional<RightsChange> parse_rights_change(std::string_view text, std::string* error);

// Why `identifier` cannot appear in an ACL command at all (RFC 4314 3: an
// empty identifier, or one that cannot be a prepared string, gets BAD).
std::optional<std::string> identifier_syntax_error(std::string_view identifier);
// "anyone" and "anonymous" in any case become lower case; user names are
// compared as written.
std::string canonical_identifier(std::string_view identifier);

// RFC 4314 4: \Seen needs s, \Deleted needs t, every other flag w.
Right right_for_flag(std::string_view flag_name);
bool may_change_flag(Rights rights, std::string_view flag_name);
// The rights changing every flag of `flags` needs.
Rights rights_for_flags(const FlagSet& flags);
// The part of `flags` that `rights` may set or clear.
FlagSet permitted_flags(const FlagSet& flags, Rights rights);
// STORE under `rights`: `before` changed by `operation` of `flags`, leaving
// alone every flag `rights` may not touch.
enum class FlagOperation : std::uint8_t { Replace, Add, Remove };
FlagSet apply_flag_operation(const FlagSet& before, FlagOperation operation, const FlagSet& flags,
                             Rights rights);

}  // namespace mailscope::server
