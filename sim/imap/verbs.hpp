// Everything mailscope knows about each IMAP command verb, in one table:
// its name, the states it is valid in (RFC 3501 6.1 to 6.4 and the
// extensions' RFCs), the section that defines it, the capability a server
// lists when it has the command, its UID form, what its success does to the
// session's state (RFC 3501 3), and what its arguments carry.
//
// The parser looks names up here, the engine checks states and cites
// sections from here, the mock server dispatches and switches extensions by
// it, and the GUI's composer offers the verbs valid in the current state.
// tests/sim/imap_state_rules.hpp reads the same facts from the RFCs on its
// own, and the tests compare the two.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sim/core/enum_set.hpp"
#include "sim/core/verb_table.hpp"
#include "sim/imap/states.hpp"

namespace mailscope::imap {

enum class Verb : std::uint8_t {
    Capability,
    Noop,
    Logout,
    Starttls,
    Authenticate,
    Login,
    Select,
    Examine,
    Create,
    Delete,
    Rename,
    Subscribe,
    Unsubscribe,
    List,
    Lsub,
    Status,
    Append,
    Check,
    Close,
    Expunge,
    Search,
    Fetch,
    Store,
    Copy,
    Move,
    Idle,
    Namespace,
    Unselect,
    Id,
    Enable,
    Setacl,
    Deleteacl,
    Getacl,
    Listrights,
    Myrights,
    Getquota,
    Getquotaroot,
    Setquota,
    Sort,
    Thread,
    Cancelupdate,
    Notify,
    Unknown,
};

inline constexpr std::size_t verb_count = static_cast<std::size_t>(Verb::Unknown) + 1;

enum class VerbFlag : std::uint8_t {
    // An argument may be a literal (RFC 3501 4.3): an astring, string or
    // nstring in its grammar, or APPEND's message.
    Literals,
    // An argument names a mailbox (or a LIST pattern of names), in modified
    // UTF-7 (RFC 3501 5.1.3).
    MailboxArgument,
    // Its arguments carry credentials: LOGIN's password, AUTHENTICATE's
    // SASL responses. Masked in every trace; never sent in the clear.
    Credentials,
    // The command goes on after the server's "+" with lines of its own:
    // AUTHENTICATE's SASL responses (RFC 3501 6.2.2), IDLE's DONE (RFC 2177 3).
    Continues,
    // No EXPUNGE response while it is in progress (RFC 3501 7.4.1); its UID
    // form is exempt, since UIDs do not shift.
    HoldsExpunge,
};
using VerbFlags = sim::EnumSet<VerbFlag>;
using StateSet = sim::EnumSet<State>;
using VerbSet = sim::EnumSet<Verb>;

// What a successful completion does to the session (RFC 3501 3): each
// effect but StartsTls takes one numbered edge of the state diagram.
enum class Effect : std::uint8_t {
    None,
    Authenticates,  // edge 4, to Authenticated
    Selects,        // edge 5, to Selected (a failure while selected is edge 6)
    Deselects,      // edge 6, to Authenticated
    LogsOut,        // edge 7, to Logout
    StartsTls,      // TLS begins; the state stays (RFC 3501 6.2.1)
};

// The state an effect leads to; nothing for the effects that keep the state.
constexpr std::optional<State> effect_target(Effect effect) {
    switch (effect) {
        case Effect::Authenticates:
        case Effect::Deselects:
            return State::Authenticated;
        case Effect::Selects:
            return State::Selected;
        case Effect::LogsOut:
            return State::Logout;
        case Effect::None:
        case Effect::StartsTls:
            break;
    }
    return std::nullopt;
}

// An extension command and the capability a server lists when it has it.
struct ExtensionCommand {
    std::string_view capability = {};  // "MOVE"; ending in '=' for a family ("COMPRESS=")
    std::string_view section = {};     // the RFC sentence that ties the command to it
    // Folded into IMAP4rev2 (RFC 9051 appendix E): a server that lists
    // IMAP4rev2 has it whether it lists the capability or not.
    bool in_imap4rev2 = false;
};

struct UidForm {
    std::string_view section = {};  // empty: "UID <verb>" is no command
    // The extension the UID form needs beyond the command's own (UID
    // EXPUNGE: UIDPLUS); an empty capability when none.
    ExtensionCommand extension = {};
};

struct VerbInfo {
    Verb verb;
    std::string_view name;
    StateSet states;           // where a client may send it
    std::string_view section;  // the section that defines it
    Effect effect = Effect::None;
    VerbFlags flags = {};
    ExtensionCommand extension = {};  // an empty capability for IMAP4rev1 commands
    UidForm uid = {};
    // The sentence that narrows its states, when that is not the state's
    // own section (ENABLE: "only valid in the authenticated state").
    std::string_view states_section = {};
};

namespace verb_table {

using enum Verb;
using enum VerbFlag;
using enum Effect;

inline constexpr StateSet any_state{State::NotAuthenticated, State::Authenticated, State::Selected};
inline constexpr StateSet not_authenticated{State::NotAuthenticated};
inline constexpr StateSet authenticated{State::Authenticated, State::Selected};
inline constexpr StateSet selected{State::Selected};
inline constexpr StateSet before_select{State::Authenticated};
inline constexpr VerbFlags mailbox{Literals, MailboxArgument};
inline constexpr VerbFlags sasl{Credentials, Continues};
inline constexpr VerbFlags search{Literals, HoldsExpunge};
inline constexpr ExtensionCommand move_extension{"MOVE", "RFC 6851 1", true};
inline constexpr ExtensionCommand idle_extension{"IDLE", "RFC 2177 3", true};
inline constexpr ExtensionCommand namespace_extension{"NAMESPACE", "RFC 2342 4", true};
inline constexpr ExtensionCommand unselect_extension{"UNSELECT", "RFC 3691 1", true};
inline constexpr ExtensionCommand id_extension{"ID", "RFC 2971 3"};
inline constexpr ExtensionCommand enable_extension{"ENABLE", "RFC 5161 1", true};
// RFC 5161 3.1 defines ENABLE and says where it is valid.
inline constexpr std::string_view rfc5161_3_1 = "RFC 5161 3.1";
inline constexpr ExtensionCommand acl_extension{"ACL", "RFC 4314 2"};
// RFC 9208 1: "The "QUOTA" capability denotes a server compliant with
// [RFC2087]"; SETQUOTA needs QUOTASET besides (RFC 9208 4.1.3).
inline constexpr ExtensionCommand quota_extension{"QUOTA", "RFC 9208 1"};
inline constexpr ExtensionCommand quotaset_extension{"QUOTASET", "RFC 9208 4.1.3"};
// RFC 5256 1: "a server that supports SORT advertises "SORT"; THREAD, a
// "THREAD=" capability for each algorithm it has.
inline constexpr ExtensionCommand sort_extension{"SORT", "RFC 5256 1"};
inline constexpr ExtensionCommand thread_extension{"THREAD=", "RFC 5256 1"};
inline constexpr UidForm uid_sort{"RFC 5256 3"};
// RFC 5267 5: "command-select =/ "CANCELUPDATE" 1*(SP quoted)"; either
// CONTEXT= capability brings update contexts (4.1).
inline constexpr ExtensionCommand context_extension{"CONTEXT=", "RFC 5267 4.1"};
// RFC 5465 8: "command-auth =/ notify", so authenticated and selected.
inline constexpr ExtensionCommand notify_extension{"NOTIFY", "RFC 5465 3.1"};
inline constexpr UidForm uid_form{"RFC 3501 6.4.8"};
inline constexpr UidForm uid_move{"RFC 6851 3.2"};
inline constexpr UidForm uid_expunge{"RFC 4315 2.1", {"UIDPLUS", "RFC 4315 2.1", true}};

// In the order of the enum: verbs[v] describes Verb v.
inline constexpr std::array<VerbInfo, verb_count> verbs{{
    // RFC 3501 6.1: "valid in any state"
    {Capability, "CAPABILITY", any_state, "RFC 3501 6.1.1"},
    {Noop, "NOOP", any_state, "RFC 3501 6.1.2"},
    {Logout, "LOGOUT", any_state, "RFC 3501 6.1.3", LogsOut},
    // RFC 3501 6.2: the not authenticated state
    {Starttls, "STARTTLS", not_authenticated, "RFC 3501 6.2.1", StartsTls},
    {Authenticate, "AUTHENTICATE", not_authenticated, "RFC 3501 6.2.2", Authenticates, sasl},
    {Login, "LOGIN", not_authenticated, "RFC 3501 6.2.3", Authenticates, {Credentials, Literals}},
    // RFC 3501 6.3: the authenticated state, and so the selected state too
    {Select, "SELECT", authenticated, "RFC 3501 6.3.1", Selects, mailbox},
    {Examine, "EXAMINE", authenticated, "RFC 3501 6.3.2", Selects, mailbox},
    {Create, "CREATE", authenticated, "RFC 3501 6.3.3", None, mailbox},
    {Delete, "DELETE", authenticated, "RFC 3501 6.3.4", None, mailbox},
    {Rename, "RENAME", authenticated, "RFC 3501 6.3.5", None, mailbox},
    {Subscribe, "SUBSCRIBE", authenticated, "RFC 3501 6.3.6", None, mailbox},
    {Unsubscribe, "UNSUBSCRIBE", authenticated, "RFC 3501 6.3.7", None, mailbox},
    {List, "LIST", authenticated, "RFC 3501 6.3.8", None, mailbox},
    {Lsub, "LSUB", authenticated, "RFC 3501 6.3.9", None, mailbox},
    {Status, "STATUS", authenticated, "RFC 3501 6.3.10", None, mailbox},
    {Append, "APPEND", authenticated, "RFC 3501 6.3.11", None, mailbox},
    // RFC 3501 6.4: the selected state
    {Check, "CHECK", selected, "RFC 3501 6.4.1"},
    {Close, "CLOSE", selected, "RFC 3501 6.4.2", Deselects},
    {Expunge, "EXPUNGE", selected, "RFC 3501 6.4.3", None, {}, {}, uid_expunge},
    {Search, "SEARCH", selected, "RFC 3501 6.4.4", None, search, {}, uid_form},
    {Fetch, "FETCH", selected, "RFC 3501 6.4.5", None, search, {}, uid_form},
    {Store, "STORE", selected, "RFC 3501 6.4.6", None, {HoldsExpunge}, {}, uid_form},
    {Copy, "COPY", selected, "RFC 3501 6.4.7", None, mailbox, {}, uid_form},
    // The extensions
    {Move, "MOVE", selected, "RFC 6851 3.1", None, mailbox, move_extension, uid_move},
    {Idle, "IDLE", authenticated, "RFC 2177 3", None, {Continues}, idle_extension},
    {Namespace, "NAMESPACE", authenticated, "RFC 2342 5", None, {}, namespace_extension},
    {Unselect, "UNSELECT", selected, "RFC 3691 2", Deselects, {}, unselect_extension},
    {Id, "ID", any_state, "RFC 2971 3.1", None, {Literals}, id_extension},
    {Enable, "ENABLE", before_select, rfc5161_3_1, None, {}, enable_extension, {}, rfc5161_3_1},
    {Setacl, "SETACL", authenticated, "RFC 4314 3.1", None, mailbox, acl_extension},
    {Deleteacl, "DELETEACL", authenticated, "RFC 4314 3.2", None, mailbox, acl_extension},
    {Getacl, "GETACL", authenticated, "RFC 4314 3.3", None, mailbox, acl_extension},
    {Listrights, "LISTRIGHTS", authenticated, "RFC 4314 3.4", None, mailbox, acl_extension},
    {Myrights, "MYRIGHTS", authenticated, "RFC 4314 3.5", None, mailbox, acl_extension},
    {Getquota, "GETQUOTA", authenticated, "RFC 9208 4.1.1", None, {Literals}, quota_extension},
    {Getquotaroot, "GETQUOTAROOT", authenticated, "RFC 9208 4.1.2", None, mailbox, quota_extension},
    {Setquota, "SETQUOTA", authenticated, "RFC 9208 4.1.3", None, {Literals}, quotaset_extension},
    {Sort, "SORT", selected, "RFC 5256 3", None, search, sort_extension, uid_sort},
    {Thread, "THREAD", selected, "RFC 5256 3", None, search, thread_extension, uid_sort},
    {Cancelupdate, "CANCELUPDATE", selected, "RFC 5267 4.3.5", None, {}, context_extension},
    {Notify, "NOTIFY", authenticated, "RFC 5465 3.1", None, mailbox, notify_extension},
    // Not in the command grammar: no state error, and the server answers
    // BAD (RFC 3501 7.1.3); its arguments follow the generic grammar.
    {Unknown, "UNKNOWN", any_state, "RFC 3501 9", None, {Literals}},
}};

}  // namespace verb_table

using verb_table::verbs;

// The table the lookups of sim/core/verb_table.hpp read for this Verb.
constexpr const auto& verb_rows(Verb) {
    return verbs;
}
using sim::command_allowed;
using sim::has_flag;
using sim::verb_info;
using sim::verb_name;

// Its success changes the state (RFC 3501 3): until it completes, the
// state of a later pipelined command is not known.
constexpr bool changes_state(Verb verb) {
    return effect_target(verb_info(verb).effect).has_value();
}

Verb verb_from_name(std::string_view name);  // case-insensitive; Unknown otherwise
// A line a person typed that starts with a command verb ("UID SEARCH ALL",
// "select INBOX") carries no tag of its own: the tool adds one.
bool starts_with_verb(std::string_view line);
// The verbs valid in `state`, in the table's order: what a composer offers.
std::vector<std::string_view> verbs_valid_in(State state);

struct Command;

// May "UID" precede the command's name? The UID forms of the table.
bool has_uid_form(const Command& command);
// The names that may follow "UID": "EXPUNGE", "SEARCH"... "SORT", "THREAD".
std::vector<std::string_view> uid_form_names();
// The extension `command` belongs to (MOVE, IDLE, UID EXPUNGE, GETQUOTA...);
// nothing for the IMAP4rev1 commands and for unknown ones.
std::optional<ExtensionCommand> extension_command(const Command& command);
// The section that defines `command`: also the UID forms, X<atom> commands
// (RFC 3501 6.5.1) and the extension commands parsed as unknown verbs.
std::string_view command_section(const Command& command);

}  // namespace mailscope::imap
