// NOTIFY (RFC 5465) in the mock server. What the store's change log shows
// is what the server can tell: new, changed and expunged messages, and
// mailboxes created, deleted and renamed; subscriptions are compared with
// what was last told. The selected mailbox's changes go out as EXISTS,
// FETCH and EXPUNGE through report_changes(), between commands too; other
// mailboxes' as STATUS and LIST, each only to a user holding the lookup
// and read rights on the mailbox (RFC 5465 5), so a NOTIFY never names a
// mailbox the user could not LIST. The annotation and metadata events have
// nothing to watch here and are refused with BADEVENT. MessageNew's fetch
// attributes follow the EXISTS of each message another session added.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "server_mock/imap_server_session.hpp"

namespace mailscope::server {

namespace {

using imap::NotifyEvent;
using imap::NotifyEventGroup;
using imap::Status;

// What one pass of notifications may hold before the session gives up on
// them (RFC 5465 5.8): each costs a mailbox lookup and a response line.
constexpr std::size_t kNotifyPendingLimit = 64;

constexpr std::array<NotifyEvent::Kind, 5> notify_supported_events{
    NotifyEvent::Kind::MessageNew, NotifyEvent::Kind::MessageExpunge, NotifyEvent::Kind::FlagChange,
    NotifyEvent::Kind::MailboxName, NotifyEvent::Kind::SubscriptionChange};

bool notify_supported(NotifyEvent::Kind kind) {
    return std::find(notify_supported_events.begin(), notify_supported_events.end(), kind) !=
           notify_supported_events.end();
}

// RFC 5465 6.5: the mailbox itself and every mailbox below it.
bool notify_in_subtree(std::string_view name, std::string_view root) {
    if (name == root) return true;
    return name.size() > root.size() && name.starts_with(root) &&
           (name[root.size()] == kPersonalDelimiter || name[root.size()] == '.');
}

}  // namespace

// The hierarchy delimiter of the namespace `name` is in.
char ImapServerSession::notify_delimiter(std::string_view name) const {
    for (const auto& shared : m_store.namespaces().shared) {
        if (name.starts_with(shared.prefix)) return shared.delimiter;
    }
    if (const auto& other = m_store.namespaces().other_users;
        other && name.starts_with(other->prefix)) {
        return other->delimiter;
    }
    return kPersonalDelimiter;
}

void ImapServerSession::cmd_notify(const imap::Command& command) {
    const auto& args = std::get<imap::NotifyArgs>(command.typed);
    if (!args.replaces) {
        m_notify.reset();
        m_notify_due.clear();
        ok(command.tag, "NOTIFY completed; no more notifications");
        return;
    }
    // RFC 5465 3.1: an event this server cannot watch refuses the whole
    // command with NO, and BADEVENT lists what it can.
    for (const auto& group : args.groups) {
        for (const auto& event : group.events) {
            if (notify_supported(event.kind)) continue;
            std::vector<std::string> supported;
            for (const auto kind : notify_supported_events)
                supported.emplace_back(imap::notify_event_name(kind));
            no(command.tag,
               fmt::format("This server cannot notify of {} (RFC 5465 3.1)", event.name),
               imap::make_code_list("BADEVENT", std::move(supported)));
            return;
        }
    }
    // RFC 5465 3.1: a named mailbox the client may not list is ignored; one it
    // may list but not read for its events is told with \NoAccess.
    for (const auto& group : args.groups) {
        for (const auto& name : group.mailboxes) {
            auto visible = m_store.access(m_user, name, Right::Lookup);
            if (!visible || m_store.rights(m_user, *visible.value()).has(Right::Read)) continue;
            imap::ListData data;
            data.attributes = {"\\NoAccess"};
            data.delimiter = notify_delimiter(name);
            data.mailbox = name;
            send(imap::make_list("LIST", data));
        }
    }
    m_notify = args;
    m_notify_due.clear();
    m_notify_subscriptions = m_store.subscriptions(m_user);
    // Who may list what now: a later grant or revocation of "l" is news.
    m_notify_listable.clear();
    for (const auto& [id, mailbox] : m_store.mailboxes()) {
        if (mailbox.owner != m_user && m_store.rights(m_user, mailbox).has(Right::Lookup))
            m_notify_listable.insert(id);
    }
    m_last_poll = m_now;
    // Nothing selected: what happened before the NOTIFY is nobody's news.
    if (m_selected == 0) m_store.acknowledge(m_session, m_store.change_log().last());
    if (args.status_word) {
        // RFC 5465 3.1: a STATUS of each mailbox whose message events are
        // asked for, before the tagged OK.
        std::vector<const Mailbox*> watched;
        for (const auto& [id, mailbox] : m_store.mailboxes()) {
            if (id == m_selected || !mailbox.selectable) continue;
            if (!m_store.rights(m_user, mailbox).contains(Right::Lookup | Right::Read)) continue;
            const auto name = m_store.visible_name(m_user, mailbox);
            if (!notify_watches(mailbox.owner, name, NotifyEvent::Kind::MessageNew) &&
                !notify_watches(mailbox.owner, name, NotifyEvent::Kind::MessageExpunge))
                continue;
            if (watched.size() == kNotifyPendingLimit) {
                m_notify.reset();
                no(command.tag, "NOTIFY SET STATUS names more mailboxes than this server watches",
                   imap::make_code("NOTIFICATIONOVERFLOW"));
                return;
            }
            watched.push_back(&mailbox);
        }
        for (const auto* mailbox : watched)
            send(imap::make_status_data(notify_status(*mailbox, true)));
    }
    ok(command.tag, "NOTIFY completed");
}

bool ImapServerSession::notify_polls() const {
    // A deferred completion not yet sent: a command is still in progress.
    return m_notify && !m_user.empty() && !m_long && !m_sasl && !m_idle_tag && !m_deferred;
}

ImapServerSession::Report ImapServerSession::notify_report() const {
    for (const auto& group : m_notify->groups) {
        if (!group.selected() || group.events.empty()) continue;
        // RFC 5465 6.1.2: SELECTED-DELAYED keeps expunges for a command
        // that allows them.
        return group.filter == NotifyEventGroup::Filter::Selected ? Report::All : Report::NoExpunge;
    }
    return Report::OtherMailboxes;
}

bool ImapServerSession::notify_watches(std::string_view owner, std::string_view name,
                                       NotifyEvent::Kind event) const {
    if (!m_notify) return false;
    for (const auto& group : m_notify->groups) {
        if (group.selected() || !group.has(event)) continue;
        using Filter = NotifyEventGroup::Filter;
        switch (group.filter) {
            case Filter::Inboxes:
            // RFC 5465 6.3: a server that cannot tell which mailboxes receive
            // mail treats "inboxes" as "personal".
            case Filter::Personal:
                if (owner == m_user) return true;
                break;
            case Filter::Subscribed:
                if (m_notify_subscriptions.contains(std::string(name))) return true;
                break;
            case Filter::Subtree:
                for (const auto& root : group.mailboxes) {
                    if (notify_in_subtree(name, root)) return true;
                }
                break;
            case Filter::Mailboxes:
                // RFC 5465 6.6: the names as they are, no wildcards.
                if (std::find(group.mailboxes.begin(), group.mailboxes.end(), name) !=
                    group.mailboxes.end())
                    return true;
                break;
            case Filter::Selected:
            case Filter::SelectedDelayed:
                break;
        }
    }
    return false;
}

void ImapServerSession::notify_change(const Change& change) {
    // RFC 5465 5: what this client did itself it knows already.
    if (change.by == m_session) return;
    const Mailbox* mailbox = m_store.mailbox(change.mailbox);
    if (change.kind == ChangeKind::AclChanged) {
        notify_lookup_change(mailbox);
        return;
    }
    // A deleted mailbox can no longer say who could see it: only the
    // user's own are told of, so no other user's name leaks (RFC 5465 3.1).
    const bool own = change.owner == m_user;
    // RFC 5465 5: every event needs the lookup and read rights.
    if (mailbox && !own && !m_store.rights(m_user, *mailbox).contains(Right::Lookup | Right::Read))
        return;
    switch (change.kind) {
        case ChangeKind::Appended:
        case ChangeKind::Expunged:
        case ChangeKind::FlagsChanged: {
            if (!mailbox || change.mailbox == m_selected) return;
            const auto kind = change.kind == ChangeKind::Appended ? NotifyEvent::Kind::MessageNew
                              : change.kind == ChangeKind::Expunged
                                  ? NotifyEvent::Kind::MessageExpunge
                                  : NotifyEvent::Kind::FlagChange;
            if (!notify_watches(mailbox->owner, m_store.visible_name(m_user, *mailbox), kind))
                return;
            if (m_notify_due.contains(change.mailbox)) return;
            if (!notify_room()) return;
            m_notify_due.insert(change.mailbox);
            return;
        }
        case ChangeKind::MailboxCreated:
        case ChangeKind::MailboxDeleted:
        case ChangeKind::MailboxRenamed: {
            if (!own && (!mailbox || change.kind == ChangeKind::MailboxDeleted)) return;
            const std::string name = own ? change.name : m_store.visible_name(m_user, *mailbox);
            // The mailbox renamed or deleted again since: its name now is no news.
            if (!own && !name.ends_with(change.name)) return;
            if (!notify_watches(change.owner, name, NotifyEvent::Kind::MailboxName)) return;
            if (!notify_room()) return;
            imap::ListData data;
            data.delimiter = mailbox ? mailbox->delimiter : kPersonalDelimiter;
            data.mailbox = name;
            // RFC 5465 5.4: a name that no longer refers to a mailbox; a
            // level made for a deeper name holds no messages.
            if (change.kind == ChangeKind::MailboxDeleted) {
                data.attributes = {"\\NonExistent"};
            } else if (mailbox && !mailbox->selectable) {
                data.attributes = {"\\Noselect"};
            }
            m_notify_named.insert(name);
            auto response = imap::make_list("LIST", std::move(data));
            if (change.kind == ChangeKind::MailboxRenamed && m_config.capabilities.list_extended) {
                // RFC 5465 5.4, 8: oldname-extended-item, the old name as this
                // user names it: the new one's prefix before the owner's name.
                const std::string old_name =
                    own ? change.old_name
                        : name.substr(0, name.size() - change.name.size()) + change.old_name;
                response.data.push_back(
                    imap::make_list({imap::make_quoted("OLDNAME"),
                                     imap::make_list({imap::make_astring(old_name)})}));
            }
            send(response);
            // RFC 5465 5.4: a created or deleted mailbox's direct parent is
            // affected too, whether it exists or not.
            if (change.kind != ChangeKind::MailboxRenamed)
                notify_parent(name, data_delimiter(mailbox));
            return;
        }
        default:
            return;
    }
}

char ImapServerSession::data_delimiter(const Mailbox* mailbox) const {
    return mailbox ? mailbox->delimiter : kPersonalDelimiter;
}

void ImapServerSession::notify_parent(const std::string& name, char delimiter) {
    const auto cut = name.rfind(delimiter);
    if (cut == std::string::npos || cut == 0) return;
    const std::string parent = name.substr(0, cut);
    if (!m_notify_named.insert(parent).second) return;
    if (!notify_room()) return;
    imap::ListData data;
    data.delimiter = delimiter;
    data.mailbox = parent;
    // "If, after the event, the mailbox name does not refer to a mailbox
    // accessible to the client, the \Nonexistent flag MUST be included."
    const auto found = m_store.access(m_user, parent, Right::Lookup);
    if (!found || !found.value()->selectable) {
        data.attributes = {found ? "\\Noselect" : "\\NonExistent"};
    }
    send(imap::make_list("LIST", std::move(data)));
}

void ImapServerSession::notify_lookup_change(const Mailbox* mailbox) {
    // RFC 5465 5.4: granting the "l" right is the mailbox's creation for
    // this user, revoking it its deletion.
    if (!mailbox || mailbox->owner == m_user) return;
    const bool listable = m_store.rights(m_user, *mailbox).has(Right::Lookup);
    const bool was_listable = m_notify_listable.contains(mailbox->id);
    if (listable == was_listable) return;
    if (listable) {
        m_notify_listable.insert(mailbox->id);
    } else {
        m_notify_listable.erase(mailbox->id);
    }
    const std::string name = m_store.visible_name(m_user, *mailbox);
    if (!notify_watches(mailbox->owner, name, NotifyEvent::Kind::MailboxName)) return;
    if (!notify_room()) return;
    imap::ListData data;
    data.delimiter = mailbox->delimiter;
    data.mailbox = name;
    if (!listable) data.attributes = {"\\NonExistent"};
    send(imap::make_list("LIST", std::move(data)));
}

void ImapServerSession::send_notifications() {
    if (!m_notify) return;
    for (const auto id : m_notify_due) {
        const Mailbox* mailbox = m_store.mailbox(id);
        if (!mailbox || !m_store.rights(m_user, *mailbox).contains(Right::Lookup | Right::Read))
            continue;
        send(imap::make_status_data(notify_status(*mailbox, false)));
    }
    m_notify_due.clear();
    const bool subscriptions = std::any_of(
        m_notify->groups.begin(), m_notify->groups.end(), [](const NotifyEventGroup& group) {
            return group.has(NotifyEvent::Kind::SubscriptionChange);
        });
    if (subscriptions) {
        // RFC 5465 5.5: \Subscribed if and only if subscribed after the change.
        auto now = m_store.subscriptions(m_user);
        std::vector<std::pair<std::string, bool>> changed;
        for (const auto& name : now) {
            if (!m_notify_subscriptions.contains(name)) changed.emplace_back(name, true);
        }
        for (const auto& name : m_notify_subscriptions) {
            if (!now.contains(name)) changed.emplace_back(name, false);
        }
        // Both the old and the new list name the mailbox for "subscribed".
        m_notify_subscriptions.insert(now.begin(), now.end());
        for (const auto& [name, subscribed] : changed) {
            if (!notify_watches(m_user, name, NotifyEvent::Kind::SubscriptionChange)) continue;
            if (!notify_room()) return;
            imap::ListData data;
            data.delimiter = kPersonalDelimiter;
            data.mailbox = name;
            if (subscribed) data.attributes.emplace_back("\\Subscribed");
            if (!m_store.find(m_user, name)) data.attributes.emplace_back("\\NonExistent");
            send(imap::make_list("LIST", std::move(data)));
        }
        m_notify_subscriptions = std::move(now);
    }
    m_notify_sent = 0;
}

imap::StatusData ImapServerSession::notify_status(const Mailbox& mailbox, bool initial) const {
    // RFC 5465 3.1: MESSAGES, UIDNEXT and UIDVALIDITY when the NOTIFY
    // starts; 5.2 and 5.3: UIDNEXT and MESSAGES after a change, with
    // HIGHESTMODSEQ once CONDSTORE is in use; UNSEEN tells of flag changes.
    std::vector<std::string> items{"MESSAGES", "UIDNEXT", "UNSEEN"};
    if (initial) items.emplace_back("UIDVALIDITY");
    if (m_condstore_aware) items.emplace_back("HIGHESTMODSEQ");
    // From the mailbox itself: its visible name may not lead back to it when
    // no namespace of other users' mailboxes is configured.
    StatusInfo info;
    info.messages = static_cast<std::uint32_t>(mailbox.messages.size());
    info.unseen = mailbox.unseen();
    info.uidnext = mailbox.uidnext;
    info.uidvalidity = mailbox.uidvalidity;
    info.highest_modseq = mailbox.highest_modseq();
    return status_data(m_store.visible_name(m_user, mailbox), items, info);
}

void ImapServerSession::notify_new_messages(const std::vector<Uid>& uids) {
    if (!m_notify || uids.empty()) return;
    const std::vector<imap::FetchAtt>* atts = nullptr;
    for (const auto& group : m_notify->groups) {
        if (!group.selected()) continue;
        for (const auto& event : group.events) {
            if (event.kind == NotifyEvent::Kind::MessageNew && event.fetch_atts)
                atts = &*event.fetch_atts;
        }
    }
    const Mailbox* mailbox = selected();
    if (!atts || !mailbox) return;
    for (const auto uid : uids) {
        const Message* message = mailbox->find(uid);
        const auto position = find_in_view(uid);
        if (!message || position == m_view.end()) continue;
        if (!notify_room()) return;
        const auto seq = static_cast<std::uint32_t>(position - m_view.begin() + 1);
        FetchEffects effects;
        // A notification reads the message without marking it \Seen: RFC
        // 5465 5.2 asks clients for attributes that do not set it anyway.
        auto items =
            build_fetch_items({*message, seq, is_recent(uid)}, *atts, m_cache, false, effects);
        if (effects.unknown_encoding) continue;
        send_fetch(seq, std::move(items));
    }
}

bool ImapServerSession::notify_room() {
    if (m_notify_sent < kNotifyPendingLimit) {
        ++m_notify_sent;
        return true;
    }
    // RFC 5465 5.8: then the server behaves as after NOTIFY NONE.
    m_notify.reset();
    m_notify_due.clear();
    m_notify_sent = 0;
    send(imap::make_status("*", Status::Ok, imap::make_code("NOTIFICATIONOVERFLOW"),
                           "Too many changes to notify of; NOTIFY again to hear more"));
    return false;
}

}  // namespace mailscope::server
