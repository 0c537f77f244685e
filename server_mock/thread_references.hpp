// THREAD=REFERENCES (RFC 5256 3): the messages that answer a reply become its
// children, as the Message-IDs of their References and In-Reply-To fields
// say; then threads whose first messages share a base subject are merged, so
// that a reply whose references were lost still joins its conversation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/imap/response.hpp"

namespace mailscope::server {

// The msg-ids of a header field's value (RFC 5322 3.6.4), in order, each as
// "<" id-left "@" id-right ">" with the quoting of id-left undone: RFC 5256 3
// wants <"a.b"@host> and <a.b@host> to be one Message ID. Anything else in
// the value (comments, an address after the id) is skipped.
std::vector<std::string> message_ids(std::string_view field_value);

// What REFERENCES reads of one message. The ids are normalized by
// message_ids(); an empty string is no (valid) id.
struct ThreadMessage {
    std::uint32_t number = 0;             // reported: a sequence number or a UID
    std::string message_id;               // the first id of Message-ID
    std::vector<std::string> references;  // every id of References
    std::string in_reply_to;              // the first id of In-Reply-To
    std::string base_subject;             // RFC 5256 2.1, as base_subject() gives it
    bool reply_or_forward = false;        // as BaseSubject says
    std::int64_t sent = 0;                // RFC 5256 2.2, UTC seconds
};

// The threads of `messages`, which come in mailbox order: that order breaks
// ties of sent date and picks which of two messages with one Message-ID keeps
// it. A node numbered 0 is a dummy, a parent that is not among `messages`
// (imap::ThreadNode); only a thread's top can be one, with two children or
// more.
// The threading walks its trees recursively, as deep as the longest chain
// of replies: the server threads at most this many messages at once, so a
// mailbox filled with one endless conversation cannot exhaust its stack.
inline constexpr std::size_t kMaxThreadedMessages = 10'000;

std::vector<imap::ThreadNode> thread_by_references(const std::vector<ThreadMessage>& messages);

}  // namespace mailscope::server
