// LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819) and SPECIAL-USE (RFC
// 6154) in the mock server: the selection options SUBSCRIBED, REMOTE,
// RECURSIVEMATCH and SPECIAL-USE, several patterns, and the return options
// SUBSCRIBED, CHILDREN, STATUS and SPECIAL-USE.
//
// Choices where the RFCs leave room: this server has no remote mailboxes,
// so REMOTE selects nothing more; \HasChildren and \HasNoChildren come only
// with RETURN (CHILDREN), as in RFC 5258's examples and in Dovecot; a level
// CREATE made for a deeper name exists, so it is \Noselect, not
// \NonExistent; CHILDINFO comes only where RECURSIVEMATCH asks for it;
// special-use attributes come only when SPECIAL-USE asks for them (RFC 6154
// 2 lets the plain LIST show them, and leaves it to the server).
#include <fmt/format.h>

#include <set>
#include <string>
#include <vector>

#include "server_mock/imap_server_session.hpp"
#include "server_mock/mailbox_name.hpp"

namespace mailscope::server {

namespace {

using imap::Command;

struct ListedMailbox {
    ListEntry entry;
    bool child_info = false;  // RECURSIVEMATCH: listed for its subscribed children only
};

struct ExtendedListRequest {
    bool subscribed = false;  // selection
    bool recursive = false;
    bool return_subscribed = false;
    bool return_children = false;
    bool special_use_only = false;  // selection; implies the return option
    bool return_special_use = false;
    std::optional<std::vector<std::string>> status_items;
};

}  // namespace

void ImapServerSession::cmd_list_extended(const Command& command) {
    const auto& args = std::get<imap::ListArgs>(command.typed);
    ExtendedListRequest request;
    for (const auto& option : args.select_options.value_or(imap::CommandOptions{})) {
        if (option.name == "SUBSCRIBED") {
            request.subscribed = true;
        } else if (option.name == "RECURSIVEMATCH") {
            request.recursive = true;
        } else if (option.name == "SPECIAL-USE") {
            // RFC 6154 2: only mailboxes with a special use, and their uses.
            request.special_use_only = request.return_special_use = true;
        } else if (option.name != "REMOTE") {
            // RFC 5258 3: "A server MUST respond to options it does not
            // recognize with a BAD response".
            bad(command.tag,
                fmt::format("Unknown LIST selection option {} (RFC 5258 3)", option.name));
            return;
        }
    }
    for (const auto& option : args.return_options.value_or(imap::CommandOptions{})) {
        if (option.name == "SUBSCRIBED") {
            request.return_subscribed = true;
        } else if (option.name == "CHILDREN") {
            request.return_children = true;
        } else if (option.name == "SPECIAL-USE") {
            request.return_special_use = true;
        } else if (option.name == "STATUS") {
            if (const auto unknown = unknown_status_item(option.values)) {
                bad(command.tag,
                    fmt::format("Unknown STATUS item {} in RETURN (STATUS ...)", *unknown));
                return;
            }
            request.status_items = option.values;
        } else {
            bad(command.tag,
                fmt::format("Unknown LIST return option {} (RFC 5258 3)", option.name));
            return;
        }
    }

    std::vector<std::string> patterns{args.pattern};
    patterns.insert(patterns.end(), args.more_patterns.begin(), args.more_patterns.end());
    const auto subscribed = m_store.subscriptions(m_user);
    std::vector<ListedMailbox> listed;
    std::set<std::string> seen;
    const auto add = [&](ListEntry entry, bool child_info) {
        if (seen.insert(entry.name).second) listed.push_back({std::move(entry), child_info});
    };
    for (const auto& pattern : patterns) {
        if (!request.subscribed) {
            for (auto& entry : m_store.list(m_user, args.reference, pattern))
                add(std::move(entry), false);
            continue;
        }
        // LSUB's unsubscribed superiors (RFC 3501 6.3.9) are no part of
        // LIST (SUBSCRIBED): it lists subscribed names, existing or not.
        for (auto& entry : m_store.lsub(m_user, args.reference, pattern)) {
            if (subscribed.contains(entry.name)) add(std::move(entry), false);
        }
        if (!request.recursive) continue;
        // RFC 5258 3.1: a name that matches and has a subscribed child is
        // returned too, with CHILDINFO, whether it exists or not.
        const std::string full = join_list_reference(args.reference, pattern, kPersonalDelimiter);
        for (const auto& name : subscribed) {
            for (const auto& superior : superior_names(name, kPersonalDelimiter)) {
                if (subscribed.contains(superior) || seen.contains(superior) ||
                    !list_match(full, superior, kPersonalDelimiter)) {
                    continue;
                }
                const Mailbox* mailbox = m_store.find(m_user, superior);
                ListEntry entry{superior, kPersonalDelimiter,
                                mailbox != nullptr && !mailbox->selectable, mailbox != nullptr,
                                true};
                add(std::move(entry), true);
            }
        }
    }

    for (const auto& [entry, child_info] : listed) {
        // A string rather than the optional view the store returns: GCC 12
        // warns, wrongly, that the view may be read uninitialised.
        std::string special_use;
        if (entry.exists) {
            if (const auto found = m_store.special_use(m_user, entry.name)) special_use = *found;
        }
        if (request.special_use_only && special_use.empty()) continue;
        imap::ListData data;
        data.delimiter = entry.delimiter;
        data.mailbox = entry.name;
        std::optional<StatusInfo> status;
        if (request.status_items && entry.exists && !entry.noselect) {
            if (auto found = m_store.status(m_user, entry.name, m_session)) status = found.value();
        }
        if (!entry.exists) {
            // RFC 5258 3: "\NonExistent" implies \NoSelect.
            data.attributes.emplace_back("\\NonExistent");
        } else {
            // RFC 5819 2: a mailbox whose STATUS fails is listed as \NoSelect.
            const bool status_failed = request.status_items && !status && !entry.noselect;
            if (entry.noselect || status_failed) data.attributes.emplace_back("\\Noselect");
            if (request.return_children) {
                data.attributes.emplace_back(entry.has_children ? "\\HasChildren"
                                                                : "\\HasNoChildren");
            }
        }
        if ((request.subscribed || request.return_subscribed) && subscribed.contains(entry.name))
            data.attributes.emplace_back("\\Subscribed");
        if (request.return_special_use && !special_use.empty())
            data.attributes.emplace_back(special_use);
        auto response = imap::make_list("LIST", std::move(data));
        if (child_info) {
            // RFC 5258 3.5: mbox-list-extended-item "CHILDINFO" ("SUBSCRIBED").
            response.data.push_back(
                imap::make_list({imap::make_quoted("CHILDINFO"),
                                 imap::make_list({imap::make_quoted("SUBSCRIBED")})}));
        }
        send(response);
        if (status)
            send(imap::make_status_data(status_data(entry.name, *request.status_items, *status)));
    }
    ok(command.tag, "LIST completed");
}

}  // namespace mailscope::server
