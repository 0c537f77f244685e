// IMAP4rev2 (RFC 9051) in the mock server: the mailbox names a client of
// that protocol sends and reads are UTF-8 (5.1), and SELECT names the
// mailbox it opened in a LIST response (6.3.2). The other rules of a
// session that follows RFC 9051 sit where each command is answered, behind
// imap4rev2().
#include <algorithm>

#include <fmt/format.h>

#include "server_mock/imap_server_session.hpp"
#include "server_mock/mailbox_name.hpp"
#include "sim/text/mutf7.hpp"
#include "sim/text/utf8.hpp"

namespace mailscope::server {

namespace {

// RFC 9051 5.1: a UTF-8 name; the store keeps its modified UTF-7, where a
// "&" of the name becomes "&-".
std::optional<std::string> to_store_name(std::string& name) {
    std::string error;
    auto encoded = text::mutf7_encode_strict(name, &error);
    if (!encoded) {
        return fmt::format("Mailbox name \"{}\" is not UTF-8 (RFC 9051 5.1): {}",
                           name.substr(0, 100), error);
    }
    name = std::move(*encoded);
    return std::nullopt;
}

// The node of a mailbox name, now in UTF-8; quoted while it can be.
imap::Node utf8_name_node(const imap::Node& stored) {
    auto decoded = text::mutf7_decode(stored.value);
    if (!decoded || *decoded == stored.value) return stored;
    const bool quotable = std::none_of(decoded->begin(), decoded->end(),
                                       [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
    imap::Node node = quotable ? imap::make_quoted(*decoded) : imap::make_astring(*decoded);
    node.space_before = stored.space_before;
    return node;
}

}  // namespace

std::optional<std::string> ImapServerSession::store_mailbox_names(imap::Command& command) const {
    return std::visit(
        [&](auto& args) -> std::optional<std::string> {
            using Args = std::decay_t<decltype(args)>;
            if constexpr (std::is_same_v<Args, imap::MailboxArgs> ||
                          std::is_same_v<Args, imap::StatusArgs> ||
                          std::is_same_v<Args, imap::AppendArgs> ||
                          std::is_same_v<Args, imap::CopyArgs> ||
                          std::is_same_v<Args, imap::AclArgs>) {
                return to_store_name(args.mailbox);
            } else if constexpr (std::is_same_v<Args, imap::RenameArgs>) {
                if (auto error = to_store_name(args.from)) return error;
                return to_store_name(args.to);
            } else if constexpr (std::is_same_v<Args, imap::ListArgs>) {
                // "*" and "%" are ASCII: they pass through the encoding as they are.
                if (auto error = to_store_name(args.reference)) return error;
                if (auto error = to_store_name(args.pattern)) return error;
                for (auto& pattern : args.more_patterns) {
                    if (auto error = to_store_name(pattern)) return error;
                }
                return std::nullopt;
            } else {
                return std::nullopt;
            }
        },
        command.typed);
}

imap::Response ImapServerSession::with_utf8_names(const imap::Response& response) const {
    // Where each response that names a mailbox holds the name.
    std::optional<std::size_t> at;
    if (response.name == "LIST" || response.name == "LSUB") {
        at = 2;
    } else if (response.name == "STATUS" || response.name == "ACL" ||
               response.name == "LISTRIGHTS" || response.name == "MYRIGHTS" ||
               response.name == "QUOTAROOT") {
        at = 0;
    }
    if (!at || *at >= response.data.size() || !response.data[*at].is_string()) return response;
    imap::Response out = response;
    out.data[*at] = utf8_name_node(response.data[*at]);
    const std::string& name = out.data[*at].value;
    if (out.list) out.list->mailbox = name;
    if (out.status_data) out.status_data->mailbox = name;
    if (out.acl) out.acl->mailbox = name;
    if (out.quota) out.quota->mailbox = name;
    return out;
}

void ImapServerSession::send_selected_list(const std::string& name) {
    // "The list of mailbox attributes MUST be accurate": those LIST gives.
    for (const auto& entry : m_store.list(m_user, "", name)) {
        if (entry.name != name && !(is_inbox(name) && is_inbox(entry.name))) continue;
        imap::ListData data;
        data.delimiter = entry.delimiter;
        data.mailbox = entry.name;
        data.attributes = entry.attributes();
        send(imap::make_list("LIST", std::move(data)));
        return;
    }
}

}  // namespace mailscope::server
