// Mailbox names as they travel on the wire (RFC 3501 5.1).
//
// The store keeps names in their wire form: modified UTF-7 (RFC 3501 5.1.3)
// is plain printable ASCII, so names compare, sort and become file names
// without decoding. Only INBOX is case-insensitive (RFC 3501 5.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailscope::server {

// Bounds that keep hostile CREATE/LIST commands cheap and every hierarchy
// level a valid file name (see maildir_store.hpp).
inline constexpr std::size_t kMaxMailboxNameLength = 1000;
inline constexpr std::size_t kMaxMailboxLevelLength = 200;

bool is_inbox(std::string_view name);

// "inbox" -> "INBOX", "Inbox/Sub" -> "INBOX/Sub": the first level is folded
// so that every spelling of INBOX names the same mailbox.
std::string canonical_mailbox_name(std::string_view name, char delimiter);

// Why `name` is not canonical modified UTF-7 (RFC 3501 5.1.3: "&AGE-" for
// "a", a lone surrogate, "&AOk-&AOk-" for one run, non-zero pad bits...) or
// encodes a control character; nothing when it is fine or holds octets
// outside printable ASCII (mailbox_name_error() covers those). The IMAP
// server answers BAD with this sentence.
std::optional<std::string> mailbox_encoding_error(std::string_view name);

// The same for a LIST or LSUB reference or pattern: every encoded run a
// wildcard does not cut short must be canonical.
std::optional<std::string> list_pattern_encoding_error(std::string_view pattern);

// Why `name` cannot name a mailbox, or nothing when it can.
std::optional<std::string> mailbox_name_error(std::string_view name, char delimiter);

// LIST pattern matching (RFC 3501 6.3.8): "*" matches any run of characters,
// "%" any run without the hierarchy delimiter; names and patterns in modified
// UTF-7 are compared character by character, as their UTF-8. Runs in
// O(pattern x name) time, so patterns like "*a*a*a*a*b" cannot make it crawl.
bool list_match(std::string_view pattern, std::string_view name, char delimiter);

// The canonical form of a LIST reference and pattern (RFC 3501 6.3.8): a
// pattern that starts with the delimiter, "#" or "~" stands alone; otherwise
// it is appended to the reference.
std::string join_list_reference(std::string_view reference, std::string_view pattern,
                                char delimiter);

// The superior levels of a name, shortest first: "a/b/c" -> {"a", "a/b"}.
std::vector<std::string> superior_names(std::string_view name, char delimiter);

// Whether `name` lies under `parent` in the hierarchy ("a/b" under "a").
bool is_inferior_of(std::string_view name, std::string_view parent, char delimiter);

}  // namespace mailscope::server
