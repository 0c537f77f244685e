// Everything mailscope knows about each POP3 command keyword, in one table:
// its name, the states it is valid in (RFC 1939 4 to 7, RFC 2449, RFC 2595,
// RFC 5034), the section that defines it, its arguments, whether its +OK
// is multi-line (RFC 1939 3), which argument is a secret and what its
// success does to the session's state.
//
// The parser, the engine and the mock server read it;
// tests/sim/pop3_state_rules.hpp reads the same facts from the RFCs on its
// own, and the tests compare the two.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/core/catalogue.hpp"
#include "sim/core/enum_set.hpp"
#include "sim/core/verb_table.hpp"
#include "sim/pop3/states.hpp"

namespace mailscope::pop3 {

enum class Verb : std::uint8_t {
    User,
    Pass,
    Apop,
    Stat,
    List,
    Retr,
    Dele,
    Noop,
    Rset,
    Quit,
    Top,
    Uidl,
    Capa,
    Stls,
    Last,
    Auth,
    Unknown,
};

inline constexpr std::size_t verb_count = static_cast<std::size_t>(Verb::Unknown) + 1;

// What one argument is. RFC 1939 3: "Keywords and arguments are each
// separated by a single SPACE character."
enum class Argument : std::uint8_t {
    Word,           // a name: USER's mailbox, AUTH's mechanism or initial response
    Rest,           // PASS: the rest of the line, spaces included (RFC 1939 7)
    MessageNumber,  // from 1 (RFC 1939 4)
    LineCount,      // TOP's count of body lines, 0 allowed (RFC 1939 7)
    Digest,         // APOP's MD5 digest: 32 hexadecimal digits (RFC 1939 7)
};

struct Arguments {
    std::uint8_t required = 0;
    std::uint8_t allowed = 0;  // the first two are typed, in order
    std::array<Argument, 2> kinds = {Argument::Word, Argument::Word};
};

// When a +OK carries a multi-line body ending in "." (RFC 1939 3: "Responses
// to certain commands are multi-line").
enum class ReplyForm : std::uint8_t {
    SingleLine,
    MultiLine,
    // LIST and UIDL without an argument; AUTH without one lists the
    // mechanisms (a common extension of RFC 5034).
    MultiLineWithoutArgument,
    Message,  // RETR and TOP: the body is (part of) a message, byte-stuffed
};

// What a successful completion does to the session (RFC 1939 4 and 6).
enum class Effect : std::uint8_t {
    None,
    LogsIn,  // AUTHORIZATION -> TRANSACTION: the maildrop is locked
    Quits,   // AUTHORIZATION -> closed, or TRANSACTION -> UPDATE -> closed
};

using StateSet = sim::EnumSet<State>;

struct VerbInfo {
    Verb verb;
    std::string_view name;
    StateSet states;           // where a client may send it
    std::string_view section;  // the section that defines it
    sim::Phrase purpose;       // what it asks for, in a few words a learner can read
    Arguments arguments = {};
    ReplyForm reply = ReplyForm::SingleLine;
    Effect effect = Effect::None;
    // The first argument that is a secret (PASS's password, APOP's digest,
    // AUTH's initial response): it and what follows are masked.
    std::optional<std::uint8_t> secret_from = {};
    // The sentence that narrows its states, when that is not the state's
    // own section (PASS: "immediately after a successful USER command").
    std::string_view states_section = {};
};

namespace verb_table {

using enum Verb;
using enum Argument;
using enum ReplyForm;
using enum Effect;

inline constexpr StateSet authorization{State::Authorization};
inline constexpr StateSet transaction{State::Transaction};
inline constexpr StateSet both{State::Authorization, State::Transaction};
inline constexpr Arguments no_arguments{};
inline constexpr Arguments name{1, 1};
inline constexpr Arguments password{1, 1, {Rest}};
inline constexpr Arguments name_and_digest{2, 2, {Word, Digest}};
inline constexpr Arguments message{1, 1, {MessageNumber}};
inline constexpr Arguments optional_message{0, 1, {MessageNumber}};
inline constexpr Arguments message_and_lines{2, 2, {MessageNumber, LineCount}};
inline constexpr Arguments mechanism_and_response{0, 2};

// In the order of the enum: verbs[v] describes Verb v.
inline constexpr std::array<VerbInfo, verb_count> verbs{{
    {User, "USER", authorization, "RFC 1939 7", sim::Phrase::Pop3PurposeUser, name},
    {Pass, "PASS", authorization, "RFC 1939 7", sim::Phrase::Pop3PurposePass, password, SingleLine,
     LogsIn, 0, "RFC 1939 7"},
    {Apop, "APOP", authorization, "RFC 1939 7", sim::Phrase::Pop3PurposeApop, name_and_digest,
     SingleLine, LogsIn, 1},
    {Stat, "STAT", transaction, "RFC 1939 5", sim::Phrase::Pop3PurposeStat},
    {List, "LIST", transaction, "RFC 1939 5", sim::Phrase::Pop3PurposeList, optional_message,
     MultiLineWithoutArgument},
    {Retr, "RETR", transaction, "RFC 1939 5", sim::Phrase::Pop3PurposeRetr, message, Message},
    {Dele, "DELE", transaction, "RFC 1939 5", sim::Phrase::Pop3PurposeDele, message},
    {Noop, "NOOP", transaction, "RFC 1939 5", sim::Phrase::Pop3PurposeNoop},
    {Rset, "RSET", transaction, "RFC 1939 5", sim::Phrase::Pop3PurposeRset},
    {Quit, "QUIT", both, "RFC 1939 6", sim::Phrase::Pop3PurposeQuit, no_arguments, SingleLine,
     Quits},
    {Top, "TOP", transaction, "RFC 1939 7", sim::Phrase::Pop3PurposeTop, message_and_lines,
     Message},
    {Uidl, "UIDL", transaction, "RFC 1939 7", sim::Phrase::Pop3PurposeUidl, optional_message,
     MultiLineWithoutArgument},
    {Capa, "CAPA", both, "RFC 2449 5", sim::Phrase::Pop3PurposeCapa, no_arguments, MultiLine},
    {Stls, "STLS", authorization, "RFC 2595 4", sim::Phrase::Pop3PurposeStls},
    {Last, "LAST", transaction, "RFC 1725 5", sim::Phrase::Pop3PurposeLast},
    {Auth, "AUTH", authorization, "RFC 5034 4", sim::Phrase::Pop3PurposeAuth,
     mechanism_and_response, MultiLineWithoutArgument, LogsIn, 1},
    // Not a POP3 command: no state error; the server answers -ERR (RFC 1939 3).
    {Unknown, "?", both, "RFC 1939 3", sim::Phrase::Pop3PurposeUnknown},
}};

}  // namespace verb_table

using verb_table::verbs;

// The table the lookups of sim/core/verb_table.hpp read for this Verb.
constexpr const auto& verb_rows(Verb) {
    return verbs;
}
using sim::command_allowed;
using sim::verb_info;
using sim::verb_name;

// Its success changes the state: until its reply, the state of a later
// pipelined command is not known.
constexpr bool changes_state(Verb verb) {
    return verb_info(verb).effect != Effect::None;
}

Verb verb_from_name(std::string_view name);  // case-insensitive; Unknown otherwise

}  // namespace mailscope::pop3
