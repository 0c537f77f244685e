// What each IMAP command is, written down from the RFCs apart from the verb
// table (sim/imap/verbs.hpp), so the tests that walk every verb in every
// state compare two independent readings: the states it is valid in, the
// section that defines it, the capability that announces it, its UID form,
// the edge of the RFC 3501 section 3 diagram its success takes and what its
// grammar lets its arguments be. Each rule quotes the sentence it rests on.
#pragma once

#include <array>
#include <string_view>

#include "sim/imap/command.hpp"
#include "sim/imap/states.hpp"

namespace mailscope::imap::testing {

// RFC 3501 9: "astring = 1*ASTRING-CHAR / string" and "string = quoted /
// literal": an argument that is an astring, string or nstring may be sent
// as a literal.
enum class Args : std::uint8_t {
    Atoms,     // none of its arguments is a string (or it has none)
    Quoted,    // its strings are quoted strings only, never a literal
    Strings,   // some argument may be a literal
    Mailboxes  // some argument is a mailbox name, an astring: a literal too
};

struct VerbRule {
    Verb verb;
    bool not_authenticated;
    bool authenticated;
    bool selected;
    std::string_view section;      // the section that defines the command
    std::string_view capability;   // the CAPABILITY atom that announces it; empty for IMAP4rev1
    std::string_view uid_section;  // the section that lets "UID" precede it; empty if none
    // The RFC 3501 section 3 edge a success takes: (4) "successful LOGIN or
    // AUTHENTICATE command", (5) "successful SELECT or EXAMINE command",
    // (6) "CLOSE command [...]", (7) "LOGOUT command [...]"; 0: none.
    int edge;
    Args args;
    std::string_view example;  // a well-formed command line of the verb, without tag and CRLF
};

// No command is valid in the three other states:
// - Connection Established: RFC 3501 3 "The initial state is identified in
//   the server greeting." Before it there is no state a command could be
//   valid in.
// - Logout: RFC 3501 3.4 "In the logout state, the connection is being
//   terminated."
// - Closed: nothing is read any more.
inline constexpr std::array<VerbRule, 43> verb_rules{{
    // RFC 3501 6.1: "The following commands are valid in any state:
    // CAPABILITY, NOOP, and LOGOUT."
    {Verb::Capability, true, true, true, "RFC 3501 6.1.1", "", "", 0, Args::Atoms, "CAPABILITY"},
    {Verb::Noop, true, true, true, "RFC 3501 6.1.2", "", "", 0, Args::Atoms, "NOOP"},
    {Verb::Logout, true, true, true, "RFC 3501 6.1.3", "", "", 7, Args::Atoms, "LOGOUT"},
    // RFC 3501 6.2: "In addition to the universal commands (CAPABILITY,
    // NOOP, and LOGOUT), the following commands are valid in the not
    // authenticated state: STARTTLS, AUTHENTICATE and LOGIN."
    // RFC 3501 9: "command-nonauth = login / authenticate / "STARTTLS"
    // ; Valid only when in Not Authenticated state"
    // RFC 3501 6.2.1: "The server remains in the non-authenticated state".
    {Verb::Starttls, true, false, false, "RFC 3501 6.2.1", "", "", 0, Args::Atoms, "STARTTLS"},
    // RFC 3501 9: "authenticate = "AUTHENTICATE" SP auth-type *(CRLF base64)"
    {Verb::Authenticate, true, false, false, "RFC 3501 6.2.2", "", "", 4, Args::Atoms,
     "AUTHENTICATE PLAIN"},
    // RFC 3501 9: "login = "LOGIN" SP userid SP password", "userid = astring"
    {Verb::Login, true, false, false, "RFC 3501 6.2.3", "", "", 4, Args::Strings,
     "LOGIN joe secret"},
    // RFC 3501 6.3: "the following commands are valid in the authenticated
    // state: SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE,
    // UNSUBSCRIBE, LIST, LSUB, STATUS, and APPEND."
    // RFC 3501 6.4: "In addition to the universal commands [...], and the
    // authenticated state commands (SELECT, EXAMINE, CREATE, DELETE, RENAME,
    // SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, STATUS, and APPEND), the following
    // commands are valid in the selected state: [...]"
    // RFC 3501 9: each takes a "mailbox" ("mailbox = "INBOX" / astring").
    {Verb::Select, false, true, true, "RFC 3501 6.3.1", "", "", 5, Args::Mailboxes, "SELECT INBOX"},
    {Verb::Examine, false, true, true, "RFC 3501 6.3.2", "", "", 5, Args::Mailboxes,
     "EXAMINE INBOX"},
    {Verb::Create, false, true, true, "RFC 3501 6.3.3", "", "", 0, Args::Mailboxes,
     "CREATE Drafts/New"},
    {Verb::Delete, false, true, true, "RFC 3501 6.3.4", "", "", 0, Args::Mailboxes,
     "DELETE Drafts/New"},
    {Verb::Rename, false, true, true, "RFC 3501 6.3.5", "", "", 0, Args::Mailboxes,
     "RENAME Drafts/New Drafts/Old"},
    {Verb::Subscribe, false, true, true, "RFC 3501 6.3.6", "", "", 0, Args::Mailboxes,
     "SUBSCRIBE Archive"},
    {Verb::Unsubscribe, false, true, true, "RFC 3501 6.3.7", "", "", 0, Args::Mailboxes,
     "UNSUBSCRIBE Archive"},
    {Verb::List, false, true, true, "RFC 3501 6.3.8", "", "", 0, Args::Mailboxes, "LIST \"\" *"},
    {Verb::Lsub, false, true, true, "RFC 3501 6.3.9", "", "", 0, Args::Mailboxes, "LSUB \"\" *"},
    {Verb::Status, false, true, true, "RFC 3501 6.3.10", "", "", 0, Args::Mailboxes,
     "STATUS INBOX (MESSAGES)"},
    {Verb::Append, false, true, true, "RFC 3501 6.3.11", "", "", 0, Args::Mailboxes,
     "APPEND Archive {2+}\r\nhi"},
    // RFC 3501 6.4: "the following commands are valid in the selected
    // state: CHECK, CLOSE, EXPUNGE, SEARCH, FETCH, STORE, COPY, and UID."
    // RFC 3501 9: "command-select = "CHECK" / "CLOSE" / "EXPUNGE" / copy /
    // fetch / store / uid / search ; Valid only when in Selected state"
    // RFC 3501 9: "uid = "UID" SP (copy / fetch / search / store)", the
    // command of RFC 3501 6.4.8.
    {Verb::Check, false, false, true, "RFC 3501 6.4.1", "", "", 0, Args::Atoms, "CHECK"},
    {Verb::Close, false, false, true, "RFC 3501 6.4.2", "", "", 6, Args::Atoms, "CLOSE"},
    // RFC 4315 2.1, UID EXPUNGE: "The following command definition is an
    // extension to [IMAP] section 6.4." and RFC 4315 4: "command-select =/
    // uid-expunge".
    {Verb::Expunge, false, false, true, "RFC 3501 6.4.3", "", "RFC 4315 2.1", 0, Args::Atoms,
     "EXPUNGE"},
    // RFC 3501 9: "search = "SEARCH" [SP "CHARSET" SP astring] 1*(SP search-key)"
    {Verb::Search, false, false, true, "RFC 3501 6.4.4", "", "RFC 3501 6.4.8", 0, Args::Strings,
     "SEARCH ALL"},
    // RFC 3501 9: "header-list = "(" header-fld-name *(SP header-fld-name) ")""
    // and "header-fld-name = astring".
    {Verb::Fetch, false, false, true, "RFC 3501 6.4.5", "", "RFC 3501 6.4.8", 0, Args::Strings,
     "FETCH 1 FLAGS"},
    // RFC 3501 9: "store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP
    // (flag-list / (flag *(SP flag)))"; a flag is an atom.
    {Verb::Store, false, false, true, "RFC 3501 6.4.6", "", "RFC 3501 6.4.8", 0, Args::Atoms,
     "STORE 1 +FLAGS (\\Seen)"},
    {Verb::Copy, false, false, true, "RFC 3501 6.4.7", "", "RFC 3501 6.4.8", 0, Args::Mailboxes,
     "COPY 1 Archive"},
    // RFC 6851 5: "command-select =/ move" (valid only when in Selected
    // state, as RFC 3501 9 says of command-select); RFC 6851 1: "The MOVE
    // extension is present in any IMAP implementation that returns "MOVE"
    // as one of the supported capabilities to the CAPABILITY command."
    {Verb::Move, false, false, true, "RFC 6851 3.1", "MOVE", "RFC 6851 3.2", 0, Args::Mailboxes,
     "MOVE 1 Archive"},
    // RFC 2177 4: "command_auth ::= append / create / delete / examine /
    // list / lsub / rename / select / status / subscribe / unsubscribe
    // / idle ;; Valid only in Authenticated or Selected state"; RFC 2177 3:
    // "any IMAP4 server implementation that returns "IDLE" as one of the
    // supported capabilities".
    {Verb::Idle, false, true, true, "RFC 2177 3", "IDLE", "", 0, Args::Atoms, "IDLE"},
    // RFC 2342 4: "IMAP4 servers that support this extension MUST list the
    // keyword NAMESPACE in their CAPABILITY response. The NAMESPACE command
    // is valid in the Authenticated and Selected state."
    {Verb::Namespace, false, true, true, "RFC 2342 5", "NAMESPACE", "", 0, Args::Atoms,
     "NAMESPACE"},
    // RFC 3691 4: "command-select /= "UNSELECT"" (Selected state only);
    // RFC 3691 2: "This command performs the same actions as CLOSE, except
    // that no messages are permanently removed".
    {Verb::Unselect, false, false, true, "RFC 3691 2", "UNSELECT", "", 6, Args::Atoms, "UNSELECT"},
    // RFC 2971 3: "This command is valid in any state." (any state in which
    // commands are read: the three above), and "the server advertises its
    // willingness to take the information with the atom "ID""; RFC 2971 4:
    // "id_params_list ::= "(" #(string SPACE nstring) ")" / nil".
    {Verb::Id, true, true, true, "RFC 2971 3.1", "ID", "", 0, Args::Strings, "ID NIL"},
    // RFC 5161 3.1: "The ENABLE command is only valid in the authenticated
    // state (see [RFC3501]), before any mailbox is selected. Clients MUST
    // NOT issue ENABLE once they SELECT/EXAMINE a mailbox"; RFC 9051 6.3.1
    // says the same of IMAP4rev2. RFC 5161 4: "command-any =/ "ENABLE"
    // 1*(SP capability)".
    {Verb::Enable, false, true, false, "RFC 5161 3.1", "ENABLE", "", 0, Args::Atoms,
     "ENABLE CONDSTORE"},
    // RFC 4314 9 adds its five commands to command-auth ("commands in
    // authenticated state"), which RFC 3501 6.3 also allows when selected;
    // RFC 4314 2: "The ACL extension is present in any IMAP4 implementation
    // that returns "ACL" as one of the supported capabilities to the
    // CAPABILITY command." Each takes a mailbox.
    {Verb::Setacl, false, true, true, "RFC 4314 3.1", "ACL", "", 0, Args::Mailboxes,
     "SETACL Archive bob lr"},
    {Verb::Deleteacl, false, true, true, "RFC 4314 3.2", "ACL", "", 0, Args::Mailboxes,
     "DELETEACL Archive bob"},
    {Verb::Getacl, false, true, true, "RFC 4314 3.3", "ACL", "", 0, Args::Mailboxes,
     "GETACL Archive"},
    {Verb::Listrights, false, true, true, "RFC 4314 3.4", "ACL", "", 0, Args::Mailboxes,
     "LISTRIGHTS Archive bob"},
    {Verb::Myrights, false, true, true, "RFC 4314 3.5", "ACL", "", 0, Args::Mailboxes,
     "MYRIGHTS Archive"},
    // RFC 9208 1: "The "QUOTA" capability denotes a server compliant with
    // [RFC2087]"; 4.1.3: "support for the SETQUOTA command requires the
    // server to advertise the "QUOTASET" capability". Neither RFC 2087 nor
    // RFC 9208 names the states; they act on mailboxes and quota roots, as
    // the authenticated state's commands do (RFC 3501 6.3), and RFC 9208
    // 4.3.1 speaks of quota "in the authenticated or the selected state".
    // GETQUOTA and SETQUOTA take a quota root, an astring that is no mailbox
    // name (RFC 9208 3.2).
    {Verb::Getquota, false, true, true, "RFC 9208 4.1.1", "QUOTA", "", 0, Args::Strings,
     "GETQUOTA \"\""},
    {Verb::Getquotaroot, false, true, true, "RFC 9208 4.1.2", "QUOTA", "", 0, Args::Mailboxes,
     "GETQUOTAROOT INBOX"},
    {Verb::Setquota, false, true, true, "RFC 9208 4.1.3", "QUOTASET", "", 0, Args::Strings,
     "SETQUOTA \"\" (STORAGE 512)"},
    // RFC 5256 3: "This document defines the following extension commands
    // for the selected state" (BASE.6.4.SORT, BASE.6.4.THREAD); RFC 5256 1:
    // a server lists "SORT", and "THREAD=" with each algorithm. Their
    // search criteria may hold strings.
    {Verb::Sort, false, false, true, "RFC 5256 3", "SORT", "RFC 5256 3", 0, Args::Strings,
     "SORT (DATE) UTF-8 ALL"},
    {Verb::Thread, false, false, true, "RFC 5256 3", "THREAD=", "RFC 5256 3", 0, Args::Strings,
     "THREAD ORDEREDSUBJECT UTF-8 ALL"},
    // RFC 5267 5: "command-select =/ "CANCELUPDATE" 1*(SP quoted)"; 4.1:
    // "The Contexts extension is present in any IMAP4rev1 server that
    // includes the string "CONTEXT=SEARCH", and/or "CONTEXT=SORT"". Its
    // arguments are tags, no mailbox.
    {Verb::Cancelupdate, false, false, true, "RFC 5267 4.3.5", "CONTEXT=", "", 0, Args::Quoted,
     "CANCELUPDATE \"B01\""},
    // RFC 5465 8: "command-auth =/ notify", "capability =/ "NOTIFY""; its
    // "subtree" and "mailboxes" filters name mailboxes.
    {Verb::Notify, false, true, true, "RFC 5465 3.1", "NOTIFY", "", 0, Args::Mailboxes,
     "NOTIFY NONE"},
    // Not a command of any RFC the codec knows: no state error, whatever
    // the state; the server answers it as every command's result list says
    // (RFC 3501 6.1.1 and on: "BAD - command unknown or arguments invalid").
    // RFC 3501 9 is the grammar it is not in.
    {Verb::Unknown, true, true, true, "RFC 3501 9", "", "", 0, Args::Strings, "XYZZY"},
}};

// The extensions RFC 9051 folded into IMAP4rev2, appendix E: "Folded in
// IMAP NAMESPACE [RFC2342], UNSELECT [RFC3691], UIDPLUS [RFC4315], [...]
// ENABLE [RFC5161], IDLE [RFC2177], [...] MOVE [RFC6851]".
inline constexpr std::array<std::string_view, 6> in_imap4rev2{"NAMESPACE", "UNSELECT", "UIDPLUS",
                                                              "ENABLE",    "IDLE",     "MOVE"};

// The UID forms take the state rule of the command they prefix:
// RFC 3501 6.4.8 (UID COPY, FETCH, STORE, SEARCH), RFC 6851 3.2 (UID
// MOVE) and RFC 4315 4: "command-select =/ uid-expunge". RFC 4315 1: "The
// UIDPLUS extension is present in any IMAP server implementation that
// returns "UIDPLUS" as one of the supported capabilities".
struct UidRule {
    Verb verb;
    std::string_view capability;
    std::string_view example;
};
inline constexpr std::array<UidRule, 8> uid_rules{{
    {Verb::Copy, "", "UID COPY 1 Archive"},
    {Verb::Fetch, "", "UID FETCH 1 FLAGS"},
    {Verb::Store, "", "UID STORE 1 +FLAGS (\\Seen)"},
    {Verb::Search, "", "UID SEARCH ALL"},
    {Verb::Move, "MOVE", "UID MOVE 1 Archive"},
    {Verb::Expunge, "UIDPLUS", "UID EXPUNGE 1"},
    // RFC 5256 5: sort = ["UID" SP] "SORT" ..., thread = ["UID" SP] "THREAD" ...
    {Verb::Sort, "SORT", "UID SORT (ARRIVAL) UTF-8 ALL"},
    {Verb::Thread, "THREAD=", "UID THREAD ORDEREDSUBJECT UTF-8 ALL"},
}};

// The state diagram of RFC 3501 section 3, edge by edge, with the numbers of
// its legend: "(1) connection without pre-authentication (OK greeting)
// (2) pre-authenticated connection (PREAUTH greeting) (3) rejected
// connection (BYE greeting) (4) successful LOGIN or AUTHENTICATE command
// (5) successful SELECT or EXAMINE command (6) CLOSE command, or failed
// SELECT or EXAMINE command (7) LOGOUT command, server shutdown, or
// connection closed". The diagram draws (5) into Selected from
// Authenticated; RFC 3501 6.3.1 adds it from Selected: "The SELECT command
// automatically deselects any currently selected mailbox before attempting
// the new selection." Logout leads to "both sides close the connection"
// without a number.
struct DiagramEdge {
    State from;
    State to;
    int number;
};
inline constexpr std::array<DiagramEdge, 11> diagram{{
    {State::Connecting, State::NotAuthenticated, 1},
    {State::Connecting, State::Authenticated, 2},
    {State::Connecting, State::Logout, 3},
    {State::NotAuthenticated, State::Authenticated, 4},
    {State::Authenticated, State::Selected, 5},
    {State::Selected, State::Selected, 5},
    {State::Selected, State::Authenticated, 6},
    {State::NotAuthenticated, State::Logout, 7},
    {State::Authenticated, State::Logout, 7},
    {State::Selected, State::Logout, 7},
    {State::Logout, State::Closed, 0},
}};

inline bool rule_allows(const VerbRule& rule, State state) {
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

inline const VerbRule& rule_of(Verb verb) {
    for (const auto& rule : verb_rules) {
        if (rule.verb == verb) return rule;
    }
    return verb_rules.back();
}

}  // namespace mailscope::imap::testing
