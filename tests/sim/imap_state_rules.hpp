// Where each IMAP command may be given, written down from the RFCs, apart
// from the codec's own table (command_allowed in sim/imap/session.cpp), so
// the tests that walk every verb in every state compare two independent
// readings. Each rule quotes the sentence it rests on.
#pragma once

#include <array>
#include <string_view>

#include "sim/imap/command.hpp"
#include "sim/imap/states.hpp"

namespace mailscope::imap::test {

struct StateRule {
    Verb verb;
    bool not_authenticated;
    bool authenticated;
    bool selected;
    std::string_view example;  // a well-formed command line of the verb, without tag and CRLF
};

// No command is valid in the three other states:
// - Connection Established: RFC 3501 3 "The initial state is identified in
//   the server greeting." Before it there is no state a command could be
//   valid in.
// - Logout: RFC 3501 3.4 "In the logout state, the connection is being
//   terminated."
// - Closed: nothing is read any more.
inline constexpr std::array<StateRule, 36> state_rules{{
    // RFC 3501 6.1: "The following commands are valid in any state:
    // CAPABILITY, NOOP, and LOGOUT."
    {Verb::Capability, true, true, true, "CAPABILITY"},
    {Verb::Noop, true, true, true, "NOOP"},
    {Verb::Logout, true, true, true, "LOGOUT"},
    // RFC 3501 6.2: "In addition to the universal commands (CAPABILITY,
    // NOOP, and LOGOUT), the following commands are valid in the not
    // authenticated state: STARTTLS, AUTHENTICATE and LOGIN."
    // RFC 3501 9: "command-nonauth = login / authenticate / "STARTTLS"
    // ; Valid only when in Not Authenticated state"
    {Verb::Starttls, true, false, false, "STARTTLS"},
    {Verb::Authenticate, true, false, false, "AUTHENTICATE PLAIN"},
    {Verb::Login, true, false, false, "LOGIN joe secret"},
    // RFC 3501 6.3: "the following commands are valid in the authenticated
    // state: SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE,
    // UNSUBSCRIBE, LIST, LSUB, STATUS, and APPEND."
    // RFC 3501 6.4: "In addition to the universal commands [...], and the
    // authenticated state commands (SELECT, EXAMINE, CREATE, DELETE, RENAME,
    // SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, STATUS, and APPEND), the following
    // commands are valid in the selected state: [...]"
    {Verb::Select, false, true, true, "SELECT INBOX"},
    {Verb::Examine, false, true, true, "EXAMINE INBOX"},
    {Verb::Create, false, true, true, "CREATE Drafts/New"},
    {Verb::Delete, false, true, true, "DELETE Drafts/New"},
    {Verb::Rename, false, true, true, "RENAME Drafts/New Drafts/Old"},
    {Verb::Subscribe, false, true, true, "SUBSCRIBE Archive"},
    {Verb::Unsubscribe, false, true, true, "UNSUBSCRIBE Archive"},
    {Verb::List, false, true, true, "LIST \"\" *"},
    {Verb::Lsub, false, true, true, "LSUB \"\" *"},
    {Verb::Status, false, true, true, "STATUS INBOX (MESSAGES)"},
    {Verb::Append, false, true, true, "APPEND Archive {2+}\r\nhi"},
    // RFC 3501 6.4: "the following commands are valid in the selected
    // state: CHECK, CLOSE, EXPUNGE, SEARCH, FETCH, STORE, COPY, and UID."
    // RFC 3501 9: "command-select = "CHECK" / "CLOSE" / "EXPUNGE" / copy /
    // fetch / store / uid / search ; Valid only when in Selected state"
    {Verb::Check, false, false, true, "CHECK"},
    {Verb::Close, false, false, true, "CLOSE"},
    {Verb::Expunge, false, false, true, "EXPUNGE"},
    {Verb::Search, false, false, true, "SEARCH ALL"},
    {Verb::Fetch, false, false, true, "FETCH 1 FLAGS"},
    {Verb::Store, false, false, true, "STORE 1 +FLAGS (\\Seen)"},
    {Verb::Copy, false, false, true, "COPY 1 Archive"},
    // RFC 6851 5: "command-select =/ move" (valid only when in Selected
    // state, as RFC 3501 9 says of command-select).
    {Verb::Move, false, false, true, "MOVE 1 Archive"},
    // RFC 2177 4: "command_auth ::= append / create / delete / examine /
    // list / lsub / rename / select / status / subscribe / unsubscribe
    // / idle ;; Valid only in Authenticated or Selected state"
    {Verb::Idle, false, true, true, "IDLE"},
    // RFC 2342 4: "The NAMESPACE command is valid in the Authenticated and
    // Selected state."
    {Verb::Namespace, false, true, true, "NAMESPACE"},
    // RFC 3691 4: "command-select /= "UNSELECT"" (Selected state only).
    {Verb::Unselect, false, false, true, "UNSELECT"},
    // RFC 2971 3: "This command is valid in any state." (any state in which
    // commands are read: the three above).
    {Verb::Id, true, true, true, "ID NIL"},
    // RFC 5161 3.1: "The ENABLE command is only valid in the authenticated
    // state (see [RFC3501]), before any mailbox is selected. Clients MUST
    // NOT issue ENABLE once they SELECT/EXAMINE a mailbox"; RFC 9051 6.3.1
    // says the same of IMAP4rev2.
    {Verb::Enable, false, true, false, "ENABLE CONDSTORE"},
    // RFC 4314 9 adds its five commands to command-auth ("commands in
    // authenticated state"), which RFC 3501 6.3 also allows when selected.
    {Verb::Setacl, false, true, true, "SETACL Archive bob lr"},
    {Verb::Deleteacl, false, true, true, "DELETEACL Archive bob"},
    {Verb::Getacl, false, true, true, "GETACL Archive"},
    {Verb::Listrights, false, true, true, "LISTRIGHTS Archive bob"},
    {Verb::Myrights, false, true, true, "MYRIGHTS Archive"},
    // Not a command of any RFC the codec knows: no state error, whatever
    // the state; the server answers it as every command's result list says
    // (RFC 3501 6.1.1 and on: "BAD - command unknown or arguments invalid").
    {Verb::Unknown, true, true, true, "XYZZY"},
}};

// The UID forms take the state rule of the command they prefix:
// RFC 3501 6.4.8 (UID COPY, FETCH, STORE, SEARCH), RFC 6851 3.2 (UID
// MOVE) and RFC 4315 4: "command-select =/ uid-expunge".
inline constexpr std::array<std::string_view, 6> uid_examples{
    "UID COPY 1 Archive", "UID FETCH 1 FLAGS",  "UID STORE 1 +FLAGS (\\Seen)",
    "UID SEARCH ALL",     "UID MOVE 1 Archive", "UID EXPUNGE 1",
};

inline bool rule_allows(const StateRule& rule, State state) {
    switch (state) {
        case State::NotAuthenticated:
            return rule.not_authenticated;
        case State::Authenticated:
            return rule.authenticated;
        case State::Selected:
            return rule.selected;
        case State::Connecting:
        case State::Logout:
        case State::Closed:
            return false;
    }
    return false;
}

}  // namespace mailscope::imap::test
