// Which commands each untagged server-data response answers, in one table.
//
// The engine links an untagged response to the oldest command in flight
// whose verb is listed for it. Some responses exist only as the answer to
// their command (RFC 3501 7.2: "The LIST response occurs as a result of a
// LIST command"); one of those with no such command in flight answers
// nothing, and the engine says so with the section below. The others may
// also come unasked: FLAGS, EXISTS and RECENT tell the client of changes
// at any time (RFC 3501 7.2.6, 7.3.1, 7.3.2).
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "sim/imap/verbs.hpp"

namespace mailscope::imap {

struct UntaggedAnswer {
    std::string_view name;
    VerbSet verbs;
    // The sentence that ties the response to its command; empty when the
    // server may also send it unasked.
    std::string_view only_answer_section = {};
};

namespace untagged_table {

using enum Verb;

inline constexpr std::array<UntaggedAnswer, 18> answers{{
    // Servers also announce their new capabilities after a login or
    // STARTTLS, as an untagged CAPABILITY before the tagged OK.
    {"CAPABILITY", {Capability, Login, Authenticate, Starttls}, "RFC 3501 7.2.1"},
    // IMAP4rev2's SELECT names the mailbox in a LIST response when the
    // client used another form of its name (RFC 9051 6.3.2).
    // NOTIFY answers with STATUS for its mailboxes, and LIST \NoAccess for
    // those it may not watch (RFC 5465 3.1).
    {"LIST", {List, Select, Examine, Notify}, "RFC 3501 7.2.2"},
    {"LSUB", {Lsub}, "RFC 3501 7.2.3"},
    {"STATUS", {Status, Notify}, "RFC 3501 7.2.4"},
    {"SEARCH", {Search}, "RFC 3501 7.2.5"},
    {"FLAGS", {Select, Examine}},
    {"EXISTS", {Select, Examine}},
    {"RECENT", {Select, Examine}},
    {"NAMESPACE", {Namespace}, "RFC 2342 5"},
    {"ID", {Id}, "RFC 2971 3.2"},
    {"ENABLED", {Enable}, "RFC 5161 3.2"},
    {"ACL", {Getacl}, "RFC 4314 3.6"},
    {"LISTRIGHTS", {Listrights}, "RFC 4314 3.7"},
    {"MYRIGHTS", {Myrights}, "RFC 4314 3.8"},
    {"QUOTA", {Getquota, Getquotaroot, Setquota}, "RFC 9208 4.2.1"},
    {"QUOTAROOT", {Getquotaroot}, "RFC 9208 4.2.2"},
    {"SORT", {Sort}, "RFC 5256 4"},
    {"THREAD", {Thread}, "RFC 5256 4"},
}};

}  // namespace untagged_table

// The row for an untagged response name (upper case, as the parser gives
// it); nothing for EXPUNGE, FETCH and the responses of other extensions,
// which the engine matches by their content.
std::optional<UntaggedAnswer> untagged_answer(std::string_view name);

}  // namespace mailscope::imap
