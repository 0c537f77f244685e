#include "server_mock/mail_store.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include <fmt/format.h>

#include "server_mock/mailbox_name.hpp"

namespace mailscope::server {
namespace {

bool starts_with_delimited(std::string_view name, std::string_view prefix) {
    return name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix;
}

// Uppercases a leading "inbox" level so LIST "" "inbox" finds INBOX.
std::string canonical_pattern(std::string_view pattern) {
    const auto end = pattern.find(kPersonalDelimiter);
    const auto level = pattern.substr(0, end == std::string_view::npos ? pattern.size() : end);
    std::string out(pattern);
    if (is_inbox(level)) out.replace(0, 5, "INBOX");
    return out;
}

// The one answer for a mailbox that is missing and for one the user may not
// know of, so that the two cannot be told apart (RFC 4314 6).
StoreError no_such_mailbox(std::string_view name) {
    return store_error(StoreErrorKind::NoSuchMailbox,
                       fmt::format("There is no mailbox named \"{}\"", name.substr(0, 200)));
}

StoreError may_not_create(std::string_view name) {
    return store_error(StoreErrorKind::NoPermission,
                       fmt::format("You may not create \"{}\": that needs the \"k\" right on "
                                   "the mailbox above it (RFC 4314 4)",
                                   name.substr(0, 200)));
}

void sort_inbox_first(std::vector<ListEntry>& entries) {
    std::stable_sort(entries.begin(), entries.end(), [](const ListEntry& a, const ListEntry& b) {
        const bool a_inbox = a.name == "INBOX";
        const bool b_inbox = b.name == "INBOX";
        if (a_inbox != b_inbox) return a_inbox;
        return a.name < b.name;
    });
}

// A mailbox with only what names it (id, owner, name, delimiter, whether it
// is selectable): the start of the header a backend saves after a change.
Mailbox identity_of(const Mailbox& mailbox) {
    Mailbox identity;
    identity.id = mailbox.id;
    identity.owner = mailbox.owner;
    identity.name = mailbox.name;
    identity.delimiter = mailbox.delimiter;
    identity.selectable = mailbox.selectable;
    return identity;
}

}  // namespace

const Message* Mailbox::find(Uid uid) const {
    const auto it = std::lower_bound(messages.begin(), messages.end(), uid,
                                     [](const Message& m, Uid u) { return m.uid < u; });
    return it != messages.end() && it->uid == uid ? &*it : nullptr;
}

const Message* Mailbox::find(Uid uid, std::size_t position) const {
    if (position < messages.size() && messages[position].uid == uid) return &messages[position];
    return find(uid);
}

Message* Mailbox::find(Uid uid) {
    return const_cast<Message*>(static_cast<const Mailbox*>(this)->find(uid));
}

Message* Mailbox::find(Uid uid, std::size_t position) {
    return const_cast<Message*>(static_cast<const Mailbox*>(this)->find(uid, position));
}

std::optional<std::uint32_t> Mailbox::sequence_of(Uid uid) const {
    const Message* message = find(uid);
    if (message == nullptr) return std::nullopt;
    return static_cast<std::uint32_t>(message - messages.data()) + 1;
}

std::uint32_t Mailbox::unseen() const {
    return static_cast<std::uint32_t>(
        std::count_if(messages.begin(), messages.end(),
                      [](const Message& m) { return !m.flags.has(SystemFlag::Seen); }));
}

ModSeq Mailbox::highest_modseq() const {
    ModSeq highest = std::max<ModSeq>(1, tombstones_complete_after);
    if (!tombstones.empty()) highest = std::max(highest, tombstones.back().modseq);
    for (const Message& message : messages)
        highest = std::max(highest, message.modseq);
    return highest;
}

std::optional<std::vector<Uid>> Mailbox::removed_since(ModSeq modseq) const {
    if (modseq < tombstones_complete_after) return std::nullopt;
    std::vector<Uid> out;
    for (auto it = tombstones.rbegin(); it != tombstones.rend() && it->modseq > modseq; ++it)
        out.push_back(it->uid);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> ListEntry::attributes() const {
    std::vector<std::string> out;
    if (noselect) out.emplace_back("\\Noselect");
    out.emplace_back(has_children ? "\\HasChildren" : "\\HasNoChildren");
    return out;
}

std::optional<std::string_view> MailStore::special_use(std::string_view user,
                                                       std::string_view name) const {
    struct SpecialUse {
        std::string_view mailbox;
        std::string_view attribute;
    };
    static constexpr std::array<SpecialUse, 5> by_name{{
        {"Sent", "\\Sent"},
        {"Drafts", "\\Drafts"},
        {"Trash", "\\Trash"},
        {"Junk", "\\Junk"},
        {"Archive", "\\Archive"},
    }};
    const auto location = locate(user, name);
    if (!location || location.value().owner != user || !is_personal(user)) return std::nullopt;
    for (const auto& use : by_name) {
        if (location.value().name == use.mailbox) return use.attribute;
    }
    return std::nullopt;
}

MailStore::MailStore(std::uint32_t uidvalidity_seed)
    : m_next_uidvalidity(uidvalidity_seed == 0 ? 1 : uidvalidity_seed) {}

std::optional<std::string> MailStore::add_user(std::string name, std::string password) {
    const std::string owner = name;
    if (auto error = m_users.add(std::move(name), std::move(password))) return error;
    m_trees[owner];
    const auto inbox = add_mailbox({owner, "INBOX", kPersonalDelimiter}, true, {}, kNoSession);
    if (!inbox) return inbox.error().message;
    return std::nullopt;
}

StoreResult<MailboxId> MailStore::ensure_inbox(std::string_view user) {
    if (!m_users.contains(user)) {
        return store_error(StoreErrorKind::NoSuchMailbox,
                           fmt::format("there is no user called \"{}\".", user));
    }
    const MailboxLocation inbox{std::string(user), "INBOX", kPersonalDelimiter};
    if (const Mailbox* existing = find_mutable(inbox)) return existing->id;
    return add_mailbox(inbox, true, {}, kNoSession);
}

std::optional<std::string> MailStore::set_namespaces(NamespaceConfig config) {
    std::vector<const NamespaceDefinition*> all;
    if (config.other_users) all.push_back(&*config.other_users);
    for (const auto& shared : config.shared)
        all.push_back(&shared);
    for (const auto* ns : all) {
        if (ns->prefix.size() < 2 || (ns->prefix.front() != '#' && ns->prefix.front() != '~')) {
            return fmt::format(
                "the namespace prefix \"{}\" must start with \"#\" or \"~\" and have a name, so "
                "it cannot be mistaken for a personal mailbox",
                ns->prefix);
        }
        if (ns->prefix.back() != ns->delimiter) {
            return fmt::format("the namespace prefix \"{}\" must end with its delimiter \"{}\"",
                               ns->prefix, ns->delimiter);
        }
        if (ns->delimiter != '/' && ns->delimiter != '.') {
            return fmt::format("the namespace \"{}\" must use \"/\" or \".\" as its delimiter",
                               ns->prefix);
        }
        for (const auto* other : all) {
            if (other != ns && starts_with_delimited(other->prefix, ns->prefix)) {
                return fmt::format("the namespace \"{}\" lies inside \"{}\"", other->prefix,
                                   ns->prefix);
            }
            if (other != ns && other->prefix == ns->prefix) {
                return fmt::format("the namespace \"{}\" is defined twice", ns->prefix);
            }
        }
    }
    m_namespaces = std::move(config);
    for (const auto& shared : m_namespaces.shared)
        m_trees[shared.prefix];
    return std::nullopt;
}

void MailStore::set_next_uidvalidity(std::uint32_t value) {
    m_next_uidvalidity = std::max<std::uint32_t>(value, 1);
}

char MailStore::tree_delimiter(std::string_view owner) const {
    for (const auto& shared : m_namespaces.shared) {
        if (shared.prefix == owner) return shared.delimiter;
    }
    return kPersonalDelimiter;
}

StoreResult<MailboxLocation> MailStore::locate(std::string_view user, std::string_view name) const {
    MailboxLocation location;
    for (const auto& shared : m_namespaces.shared) {
        if (name.substr(0, shared.prefix.size()) == shared.prefix) {
            location = {shared.prefix, std::string(name.substr(shared.prefix.size())),
                        shared.delimiter};
            break;
        }
    }
    const auto& other = m_namespaces.other_users;
    if (location.owner.empty() && other && name.substr(0, other->prefix.size()) == other->prefix) {
        const auto rest = name.substr(other->prefix.size());
        const auto end = rest.find(other->delimiter);
        const auto owner = rest.substr(0, end);
        if (!m_users.contains(owner)) {
            return store_error(StoreErrorKind::NoSuchMailbox,
                               fmt::format("there is no user called \"{}\" whose mailboxes \"{}\" "
                                           "could name",
                                           owner.substr(0, 64), other->prefix));
        }
        location = {
            std::string(owner),
            end == std::string_view::npos ? std::string() : std::string(rest.substr(end + 1)),
            kPersonalDelimiter};
    }
    if (location.owner.empty()) {
        if (!name.empty() && (name.front() == '#' || name.front() == '~')) {
            return store_error(StoreErrorKind::NoSuchMailbox,
                               fmt::format("no namespace of this server starts \"{}\"; names "
                                           "starting with \"#\" or \"~\" belong to namespaces "
                                           "(see the NAMESPACE command)",
                                           name.substr(0, 64)));
        }
        location = {std::string(user), std::string(name), kPersonalDelimiter};
    }
    if (auto error = mailbox_name_error(location.name, location.delimiter)) {
        return store_error(
            StoreErrorKind::InvalidName,
            fmt::format("\"{}\" is not a valid mailbox name: {}.", name.substr(0, 100), *error));
    }
    if (location.delimiter != '/' && location.name.find('/') != std::string::npos) {
        return store_error(StoreErrorKind::InvalidName,
                           "a name in a namespace whose delimiter is \".\" cannot contain \"/\".");
    }
    location.name = canonical_mailbox_name(location.name, location.delimiter);
    return location;
}

std::string MailStore::visible_name(std::string_view user, const Mailbox& mailbox) const {
    if (mailbox.owner == user) return mailbox.name;
    for (const auto& shared : m_namespaces.shared) {
        if (shared.prefix == mailbox.owner) return shared.prefix + mailbox.name;
    }
    const std::string prefix = m_namespaces.other_users ? m_namespaces.other_users->prefix : "";
    return fmt::format("{}{}{}{}", prefix, mailbox.owner, kPersonalDelimiter, mailbox.name);
}

Mailbox* MailStore::find_mutable(MailboxId id) {
    const auto it = m_mailboxes.find(id);
    return it == m_mailboxes.end() ? nullptr : &it->second;
}

Mailbox* MailStore::find_mutable(const MailboxLocation& location) {
    const auto tree = m_trees.find(location.owner);
    if (tree == m_trees.end()) return nullptr;
    const auto it = tree->second.find(location.name);
    return it == tree->second.end() ? nullptr : find_mutable(it->second);
}

const Mailbox* MailStore::mailbox(MailboxId id) const {
    const auto it = m_mailboxes.find(id);
    return it == m_mailboxes.end() ? nullptr : &it->second;
}

const Mailbox* MailStore::find_location(const MailboxLocation& location) const {
    return const_cast<MailStore*>(this)->find_mutable(location);
}

const Mailbox* MailStore::find(std::string_view user, std::string_view name) const {
    const auto location = locate(user, name);
    if (!location) return nullptr;
    return find_location(location.value());
}

const Mailbox* MailStore::inbox_of(std::string_view user) const {
    if (!m_users.contains(user)) return nullptr;
    return find_location(MailboxLocation{std::string(user), "INBOX", kPersonalDelimiter});
}

bool MailStore::is_personal(std::string_view owner) const {
    return std::none_of(m_namespaces.shared.begin(), m_namespaces.shared.end(),
                        [&](const NamespaceDefinition& shared) { return shared.prefix == owner; });
}

AccessList MailStore::default_acl(std::string_view owner) const {
    for (const auto& shared : m_namespaces.shared) {
        if (shared.prefix == owner) return shared.acl;
    }
    return {};
}

Rights MailStore::rights(std::string_view user, const Mailbox& mailbox) const {
    Rights granted;
    if (mailbox.owner == user && is_personal(mailbox.owner)) granted = Rights::all();
    for (const auto& [identifier, rights] : mailbox.acl) {
        if (identifier == user || identifier == kAnyone) granted = granted | rights;
    }
    if (user == kAnonymous) granted = granted & kAnonymousRights;
    return granted;
}

const Mailbox* MailStore::nearest_superior(const MailboxLocation& location) const {
    const auto superiors = superior_names(location.name, location.delimiter);
    for (auto it = superiors.rbegin(); it != superiors.rend(); ++it) {
        if (const Mailbox* parent =
                find_location(MailboxLocation{location.owner, *it, location.delimiter})) {
            return parent;
        }
    }
    return nullptr;
}

Rights MailStore::parent_rights(std::string_view user, const MailboxLocation& location) const {
    if (const Mailbox* parent = nearest_superior(location)) return rights(user, *parent);
    Rights root;
    if (location.owner == user && is_personal(location.owner)) root = Rights::all();
    if (user == kAnonymous) root = root & kAnonymousRights;
    return root;
}

std::optional<StoreError> MailStore::refusal(std::string_view user, const Mailbox& mailbox,
                                             std::string_view name, Rights needed) const {
    const Rights held = rights(user, mailbox);
    if (!held.intersects(kExistenceRights)) return no_such_mailbox(name);
    if (held.contains(needed)) return std::nullopt;
    return store_error(
        StoreErrorKind::NoPermission,
        fmt::format("You lack the \"{}\" right on \"{}\"; your rights there "
                    "are \"{}\" (RFC 4314 4)",
                    needed.without(held).letters(), name.substr(0, 200), held.letters()));
}

StoreResult<const Mailbox*> MailStore::access(std::string_view user, std::string_view name,
                                              Rights needed) const {
    auto located = locate(user, name);
    if (!located) return located.error();
    const Mailbox* mailbox = find_location(located.value());
    if (mailbox == nullptr) return no_such_mailbox(name);
    if (auto refused = refusal(user, *mailbox, name, needed)) return *refused;
    return mailbox;
}

bool MailStore::has_inferiors(const MailboxLocation& location) const {
    const auto tree = m_trees.find(location.owner);
    if (tree == m_trees.end()) return false;
    const auto it = tree->second.upper_bound(location.name);
    return it != tree->second.end() && is_inferior_of(it->first, location.name, location.delimiter);
}

std::uint32_t MailStore::take_uidvalidity() {
    const std::uint32_t value = m_next_uidvalidity;
    m_next_uidvalidity = value == std::numeric_limits<std::uint32_t>::max() ? 1 : value + 1;
    return value;
}

ModSeq MailStore::record(Change change) {
    return m_log.record(std::move(change));
}

StoreResult<MailboxId> MailStore::add_mailbox(const MailboxLocation& location, bool selectable,
                                              std::optional<std::uint32_t> uidvalidity,
                                              SessionId by) {
    Mailbox mailbox;
    mailbox.owner = location.owner;
    mailbox.name = location.name;
    mailbox.delimiter = location.delimiter;
    mailbox.selectable = selectable;
    if (uidvalidity && *uidvalidity != 0) {
        mailbox.uidvalidity = *uidvalidity;
        if (*uidvalidity >= m_next_uidvalidity) set_next_uidvalidity(*uidvalidity + 1);
    } else {
        mailbox.uidvalidity = take_uidvalidity();
    }
    // RFC 4314 4: a new mailbox inherits the ACL of its parent.
    const Mailbox* parent = nearest_superior(location);
    mailbox.acl = parent != nullptr ? parent->acl : default_acl(location.owner);
    if (m_backend != nullptr) {
        if (auto saved = m_backend->save_counter(m_next_uidvalidity); !saved) return saved.error();
        if (auto saved = m_backend->save_mailbox(mailbox); !saved) return saved.error();
        if (mailbox.acl != default_acl(location.owner)) {
            if (auto saved = m_backend->save_acl(mailbox); !saved) return saved.error();
        }
    }
    mailbox.id = m_next_mailbox_id++;
    const MailboxId id = mailbox.id;
    m_trees[location.owner][location.name] = id;
    m_mailboxes.emplace(id, std::move(mailbox));
    record(Change{.by = by,
                  .kind = ChangeKind::MailboxCreated,
                  .mailbox = id,
                  .owner = location.owner,
                  .name = location.name});
    return id;
}

StoreResult<Done> MailStore::create_superiors(const MailboxLocation& location, SessionId by) {
    for (const auto& superior : superior_names(location.name, location.delimiter)) {
        const MailboxLocation level{location.owner, superior, location.delimiter};
        if (find_mutable(level) != nullptr) continue;
        if (auto added = add_mailbox(level, false, {}, by); !added) return added.error();
    }
    return Done{};
}

StoreResult<MailboxId> MailStore::create_mailbox(std::string_view user, std::string_view name,
                                                 SessionId by,
                                                 std::optional<std::uint32_t> uidvalidity) {
    // RFC 3501 6.3.3: a trailing delimiter only declares the intent to
    // create inferiors later; the name without it is what gets created.
    std::string trimmed(name);
    if (trimmed.size() > 1 && (trimmed.back() == '/' || trimmed.back() == '.')) {
        const auto plain = locate(user, std::string_view(trimmed).substr(0, trimmed.size() - 1));
        if (plain && plain.value().delimiter == trimmed.back()) trimmed.pop_back();
    }
    auto located = locate(user, trimmed);
    if (!located) return located.error();
    // Checked before anything is said about the name, which could tell
    // whether a mailbox the user may not see exists.
    if (!parent_rights(user, located.value()).has(Right::CreateMailbox)) {
        return may_not_create(trimmed);
    }
    return create_at(located.value(), trimmed, by, uidvalidity);
}

StoreResult<MailboxId> MailStore::provision_mailbox(std::string_view user, std::string_view name,
                                                    std::optional<std::uint32_t> uidvalidity) {
    auto located = locate(user, name);
    if (!located) return located.error();
    return create_at(located.value(), name, kNoSession, uidvalidity);
}

StoreResult<MailboxId> MailStore::create_at(const MailboxLocation& location, std::string_view name,
                                            SessionId by,
                                            std::optional<std::uint32_t> uidvalidity) {
    if (location.name == "INBOX") {
        return store_error(StoreErrorKind::AlreadyExists,
                           "INBOX always exists; it cannot be created (RFC 3501 6.3.3).");
    }
    if (Mailbox* existing = find_mutable(location)) {
        if (existing->selectable) {
            return store_error(StoreErrorKind::AlreadyExists,
                               fmt::format("a mailbox called \"{}\" already exists.", name));
        }
        // A \Noselect level becomes a real mailbox, with a fresh UIDVALIDITY.
        Mailbox updated = *existing;
        updated.selectable = true;
        updated.uidvalidity = uidvalidity.value_or(0) != 0 ? *uidvalidity : take_uidvalidity();
        if (m_backend != nullptr) {
            if (auto saved = m_backend->save_counter(m_next_uidvalidity); !saved) {
                return saved.error();
            }
            if (auto saved = m_backend->save_mailbox(updated); !saved) return saved.error();
        }
        *existing = std::move(updated);
        record(Change{.by = by,
                      .kind = ChangeKind::MailboxCreated,
                      .mailbox = existing->id,
                      .owner = location.owner,
                      .name = location.name});
        return existing->id;
    }
    if (location.name.size() > 1 && m_trees.find(location.owner) == m_trees.end()) {
        return store_error(StoreErrorKind::NoSuchMailbox, "that namespace has no mailbox tree.");
    }
    if (auto superiors = create_superiors(location, by); !superiors) return superiors.error();
    return add_mailbox(location, true, uidvalidity, by);
}

void MailStore::forget_mailbox(MailboxId id) {
    const auto it = m_mailboxes.find(id);
    if (it == m_mailboxes.end()) return;
    m_trees[it->second.owner].erase(it->second.name);
    m_mailboxes.erase(it);
    if (const auto watchers = m_watchers.find(id); watchers != m_watchers.end()) {
        for (const SessionId session : watchers->second)
            m_sessions[session].watched = 0;
        m_watchers.erase(watchers);
    }
}

StoreResult<Done> MailStore::delete_mailbox(std::string_view user, std::string_view name,
                                            SessionId by) {
    auto located = locate(user, name);
    if (!located) return located.error();
    const MailboxLocation& location = located.value();
    Mailbox* mailbox = find_mutable(location);
    if (mailbox == nullptr) return no_such_mailbox(name);
    if (auto refused = refusal(user, *mailbox, name, Right::DeleteMailbox)) return *refused;
    if (location.name == "INBOX") {
        return store_error(StoreErrorKind::NotPermitted,
                           "INBOX cannot be deleted (RFC 3501 6.3.4).");
    }
    const bool inferiors = has_inferiors(location);
    if (inferiors && !mailbox->selectable) {
        return store_error(StoreErrorKind::HasInferiors,
                           fmt::format("\"{}\" is \\Noselect and has inferior mailboxes; delete "
                                       "those first (RFC 3501 6.3.4).",
                                       name));
    }
    if (m_backend != nullptr) {
        if (auto removed = m_backend->remove_mailbox(*mailbox, inferiors); !removed) {
            return removed.error();
        }
    }
    const MailboxId id = mailbox->id;
    record(Change{.by = by,
                  .kind = ChangeKind::MailboxDeleted,
                  .mailbox = id,
                  .owner = location.owner,
                  .name = location.name});
    if (inferiors) {
        // RFC 3501 6.3.4: the messages go, the name stays as \Noselect; RFC
        // 4314 4: the ACL goes with the mailbox (the backend removed it).
        mailbox->selectable = false;
        mailbox->messages.clear();
        mailbox->keywords.clear();
        mailbox->acl = default_acl(location.owner);
        if (const auto watchers = m_watchers.find(id); watchers != m_watchers.end()) {
            for (const SessionId session : watchers->second)
                m_sessions[session].watched = 0;
            m_watchers.erase(watchers);
        }
    } else {
        forget_mailbox(id);
    }
    return Done{};
}

StoreResult<Done> MailStore::rename_mailbox(std::string_view user, std::string_view from,
                                            std::string_view to, SessionId by) {
    auto source_location = locate(user, from);
    if (!source_location) return source_location.error();
    auto target_location = locate(user, to);
    if (!target_location) return target_location.error();
    const MailboxLocation& source = source_location.value();
    const MailboxLocation& target = target_location.value();
    Mailbox* mailbox = find_mutable(source);
    if (mailbox == nullptr) return no_such_mailbox(from);
    // RFC 4314 4: "x" on the mailbox and "k" where it goes, both before the
    // target's existence is told.
    if (auto refused = refusal(user, *mailbox, from, Right::DeleteMailbox)) return *refused;
    if (!parent_rights(user, target).has(Right::CreateMailbox)) return may_not_create(to);
    if (find_mutable(target) != nullptr || target.name == "INBOX") {
        return store_error(StoreErrorKind::AlreadyExists,
                           fmt::format("a mailbox called \"{}\" already exists.", to));
    }
    if (source.owner != target.owner) {
        return store_error(StoreErrorKind::NotPermitted,
                           "RENAME cannot move a mailbox into another namespace.");
    }
    if (is_inferior_of(target.name, source.name, source.delimiter)) {
        return store_error(StoreErrorKind::InvalidName,
                           fmt::format("\"{}\" cannot be renamed to a name inside itself.", from));
    }
    if (auto superiors = create_superiors(target, by); !superiors) return superiors.error();

    if (source.name == "INBOX") {
        // RFC 3501 6.3.5: renaming INBOX moves its messages to a new mailbox
        // and leaves INBOX empty; INBOX's inferiors stay where they are.
        auto created = add_mailbox(target, true, {}, by);
        if (!created) return created.error();
        Mailbox* inbox = find_mutable(source);
        Mailbox* destination = find_mutable(created.value());
        destination->uidnext = inbox->uidnext;
        destination->keywords = inbox->keywords;
        if (m_backend != nullptr) {
            if (auto saved = m_backend->save_mailbox(*destination); !saved) return saved.error();
            for (const Message& message : inbox->messages) {
                if (auto saved = m_backend->save_message(*destination, message); !saved) {
                    return saved.error();
                }
            }
        }
        destination->messages = inbox->messages;
        for (const Message& message : destination->messages) {
            record(Change{.by = by,
                          .kind = ChangeKind::Appended,
                          .mailbox = destination->id,
                          .uid = message.uid,
                          .flags = message.flags});
        }
        std::vector<Uid> uids;
        for (const Message& message : inbox->messages)
            uids.push_back(message.uid);
        return remove_messages(*inbox, uids, by);
    }

    if (m_backend != nullptr) {
        if (auto renamed = m_backend->rename_mailbox(*mailbox, target.name); !renamed) {
            return renamed.error();
        }
    }
    Tree& tree = m_trees[source.owner];
    std::vector<std::pair<std::string, MailboxId>> moving;
    for (auto it = tree.lower_bound(source.name); it != tree.end(); ++it) {
        if (it->first != source.name && !is_inferior_of(it->first, source.name, source.delimiter)) {
            break;
        }
        moving.emplace_back(it->first, it->second);
    }
    for (const auto& [old_name, id] : moving)
        tree.erase(old_name);
    for (const auto& [old_name, id] : moving) {
        std::string new_name = target.name + old_name.substr(source.name.size());
        Mailbox& moved = m_mailboxes.at(id);
        moved.name = new_name;
        tree[new_name] = id;
        record(Change{.by = by,
                      .kind = ChangeKind::MailboxRenamed,
                      .mailbox = id,
                      .owner = source.owner,
                      .name = std::move(new_name),
                      .old_name = old_name});
    }
    return Done{};
}

StoreResult<Done> MailStore::subscribe(std::string_view user, std::string_view name) {
    auto located = locate(user, name);
    if (!located) return located.error();
    const std::string visible = canonical_mailbox_name(name, located.value().delimiter);
    auto names = subscriptions(user);
    if (!names.insert(visible).second) return Done{};
    if (m_backend != nullptr) {
        if (auto saved = m_backend->save_subscriptions(user, names); !saved) return saved.error();
    }
    m_subscriptions[std::string(user)] = std::move(names);
    return Done{};
}

StoreResult<Done> MailStore::unsubscribe(std::string_view user, std::string_view name) {
    auto names = subscriptions(user);
    const std::string visible = canonical_mailbox_name(name, kPersonalDelimiter);
    if (names.erase(visible) == 0) {
        return store_error(StoreErrorKind::NoSuchMailbox,
                           fmt::format("\"{}\" is not subscribed.", name));
    }
    if (m_backend != nullptr) {
        if (auto saved = m_backend->save_subscriptions(user, names); !saved) return saved.error();
    }
    m_subscriptions[std::string(user)] = std::move(names);
    return Done{};
}

std::set<std::string> MailStore::subscriptions(std::string_view user) const {
    const auto it = m_subscriptions.find(user);
    return it == m_subscriptions.end() ? std::set<std::string>{} : it->second;
}

std::vector<ListEntry> MailStore::list(std::string_view user, std::string_view reference,
                                       std::string_view pattern) const {
    const std::string full =
        canonical_pattern(join_list_reference(reference, pattern, kPersonalDelimiter));
    // Every name the user can see, with the levels other names imply
    // (RFC 3501 6.3.8: "%" returns levels that are not mailboxes as \Noselect).
    std::map<std::string, ListEntry> visible;
    auto add = [&](const Mailbox& mailbox, std::size_t prefix_size) {
        const std::string name = visible_name(user, mailbox);
        ListEntry& entry = visible[name];
        entry.name = name;
        entry.delimiter = mailbox.delimiter;
        entry.noselect = !mailbox.selectable;
        entry.exists = true;
        for (const auto& superior : superior_names(name, mailbox.delimiter)) {
            if (superior.size() <= prefix_size) continue;
            auto [it, inserted] = visible.try_emplace(superior);
            if (inserted) {
                it->second = ListEntry{superior, mailbox.delimiter, true, false, false};
            }
            it->second.has_children = true;
        }
    };
    for (const auto& [id, mailbox] : m_mailboxes) {
        // RFC 4314 4: without "l" the mailbox is not there; a level above a
        // mailbox that is listed shows only as \Noselect.
        if (!rights(user, mailbox).has(Right::Lookup)) continue;
        if (mailbox.owner == user) {
            add(mailbox, 0);
            continue;
        }
        bool shared = false;
        for (const auto& ns : m_namespaces.shared) {
            if (ns.prefix == mailbox.owner) {
                add(mailbox, ns.prefix.size());
                shared = true;
            }
        }
        if (!shared && m_namespaces.other_users)
            add(mailbox, m_namespaces.other_users->prefix.size());
    }
    std::vector<ListEntry> out;
    for (auto& [name, entry] : visible) {
        if (list_match(full, name, entry.delimiter)) out.push_back(entry);
    }
    sort_inbox_first(out);
    return out;
}

std::vector<ListEntry> MailStore::lsub(std::string_view user, std::string_view reference,
                                       std::string_view pattern) const {
    const std::string full =
        canonical_pattern(join_list_reference(reference, pattern, kPersonalDelimiter));
    const auto names = subscriptions(user);
    std::map<std::string, ListEntry> found;
    for (const auto& name : names) {
        const auto located = locate(user, name);
        const char delimiter = located ? located.value().delimiter : kPersonalDelimiter;
        const Mailbox* mailbox = find(user, name);
        // RFC 4314 4: LSUB never tells whether a mailbox without "l" exists.
        if (mailbox != nullptr && !rights(user, *mailbox).has(Right::Lookup)) mailbox = nullptr;
        if (list_match(full, name, delimiter)) {
            found[name] = ListEntry{name, delimiter, mailbox != nullptr && !mailbox->selectable,
                                    mailbox != nullptr, false};
        }
        // RFC 3501 6.3.9: with a trailing "%", an unsubscribed superior of a
        // subscribed name is returned as \Noselect.
        if (full.empty() || full.back() != '%') continue;
        for (const auto& superior : superior_names(name, delimiter)) {
            if (names.contains(superior) || !list_match(full, superior, delimiter)) continue;
            found.try_emplace(superior, ListEntry{superior, delimiter, true, false, true});
        }
    }
    std::vector<ListEntry> out;
    for (auto& [name, entry] : found) {
        for (const auto& other : names) {
            if (is_inferior_of(other, name, entry.delimiter)) entry.has_children = true;
        }
        out.push_back(entry);
    }
    sort_inbox_first(out);
    return out;
}

StoreResult<StatusInfo> MailStore::status(std::string_view user, std::string_view name,
                                          SessionId asking) const {
    auto accessed = access(user, name, Right::Read);
    if (!accessed) return accessed.error();
    const Mailbox* mailbox = accessed.value();
    if (!mailbox->selectable) {
        return store_error(StoreErrorKind::NotPermitted,
                           fmt::format("\"{}\" is \\Noselect: it holds no messages.", name));
    }
    StatusInfo info;
    info.messages = static_cast<std::uint32_t>(mailbox->messages.size());
    info.unseen = mailbox->unseen();
    info.uidnext = mailbox->uidnext;
    info.uidvalidity = mailbox->uidvalidity;
    info.highest_modseq = mailbox->highest_modseq();
    for (const Message& message : mailbox->messages) {
        info.octets += message.size();
        if (message.recent_pending || is_recent(message, asking)) ++info.recent;
        if (message.flags.has(SystemFlag::Deleted)) {
            ++info.deleted;
            info.deleted_octets += message.size();
        }
    }
    return info;
}

StoreResult<Done> MailStore::replace_acl(Mailbox& mailbox, AccessList acl, SessionId by) {
    if (acl == mailbox.acl) return Done{};
    Mailbox updated_header = identity_of(mailbox);
    updated_header.acl = std::move(acl);
    if (m_backend != nullptr) {
        if (auto saved = m_backend->save_acl(updated_header); !saved) return saved.error();
    }
    mailbox.acl = std::move(updated_header.acl);
    record(Change{.by = by, .kind = ChangeKind::AclChanged, .mailbox = mailbox.id});
    return Done{};
}

std::optional<StoreError> MailStore::entry_error(const Mailbox& mailbox,
                                                 std::string_view identifier, Rights rights) const {
    if (!identifier.empty() && identifier.front() == '-') {
        return store_error(StoreErrorKind::NotPermitted,
                           "Negative rights (an identifier starting with \"-\") are not "
                           "supported by this server (RFC 4314 2)");
    }
    if (identifier != kAnyone && identifier != kAnonymous && !m_users.contains(identifier)) {
        return store_error(StoreErrorKind::NotPermitted,
                           fmt::format("There is no user called \"{}\"; an identifier is a user "
                                       "name, \"anyone\" or \"anonymous\"",
                                       identifier.substr(0, 64)));
    }
    if (identifier == mailbox.owner) {
        return store_error(
            StoreErrorKind::NotPermitted,
            fmt::format("{} owns this mailbox and always holds every right", identifier));
    }
    if (identifier == kAnonymous && !kAnonymousRights.contains(rights)) {
        return store_error(StoreErrorKind::NotPermitted,
                           "The anonymous login is read-only: it can be granted only \"l\" and "
                           "\"r\"");
    }
    return std::nullopt;
}

StoreResult<Done> MailStore::set_entry(Mailbox& mailbox, std::string_view identifier, Rights rights,
                                       SessionId by) {
    if (auto error = entry_error(mailbox, identifier, rights)) return *error;
    AccessList acl = mailbox.acl;
    if (rights.empty()) {
        acl.erase(std::string(identifier));
    } else {
        acl[std::string(identifier)] = rights;
    }
    return replace_acl(mailbox, std::move(acl), by);
}

StoreResult<Done> MailStore::set_acl(std::string_view user, std::string_view name,
                                     std::string_view identifier, const RightsChange& change,
                                     SessionId by) {
    auto accessed = access(user, name, Right::Administer);
    if (!accessed) return accessed.error();
    Mailbox& mailbox = *find_mutable(accessed.value()->id);
    const auto existing = mailbox.acl.find(identifier);
    const Rights current = existing == mailbox.acl.end() ? Rights{} : existing->second;
    return set_entry(mailbox, identifier, change.apply(current), by);
}

StoreResult<Done> MailStore::delete_acl(std::string_view user, std::string_view name,
                                        std::string_view identifier, SessionId by) {
    auto accessed = access(user, name, Right::Administer);
    if (!accessed) return accessed.error();
    return set_entry(*find_mutable(accessed.value()->id), identifier, {}, by);
}

StoreResult<std::vector<AclEntry>> MailStore::get_acl(std::string_view user,
                                                      std::string_view name) const {
    auto accessed = access(user, name, Right::Administer);
    if (!accessed) return accessed.error();
    const Mailbox& mailbox = *accessed.value();
    std::vector<AclEntry> entries;
    if (is_personal(mailbox.owner)) entries.push_back({mailbox.owner, Rights::all()});
    for (const auto& [identifier, rights] : mailbox.acl)
        entries.push_back({identifier, rights});
    return entries;
}

StoreResult<GrantableRights> MailStore::list_rights(std::string_view user, std::string_view name,
                                                    std::string_view identifier) const {
    auto accessed = access(user, name, Right::Administer);
    if (!accessed) return accessed.error();
    if (identifier == accessed.value()->owner) return GrantableRights{Rights::all(), {}};
    if (identifier == kAnonymous) return GrantableRights{{}, kAnonymousRights};
    return GrantableRights{{}, Rights::all()};
}

StoreResult<Rights> MailStore::my_rights(std::string_view user, std::string_view name) const {
    // RFC 4314 4: any right that lets the user know the mailbox exists.
    auto accessed = access(user, name, {});
    if (!accessed) return accessed.error();
    return rights(user, *accessed.value());
}

StoreResult<Done> MailStore::grant(MailboxId id, std::string_view identifier, Rights rights) {
    Mailbox* mailbox = find_mutable(id);
    if (mailbox == nullptr) {
        return store_error(StoreErrorKind::NoSuchMailbox, "the mailbox no longer exists.");
    }
    return set_entry(*mailbox, identifier, rights, kNoSession);
}

void MailStore::assign_recent(const Mailbox& mailbox, Message& message) const {
    // The first read-write session that has the mailbox selected sees the
    // new message as \Recent; with none, the next SELECT will claim it.
    message.recent_session = kNoSession;
    message.recent_pending = true;
    const auto watchers = m_watchers.find(mailbox.id);
    if (watchers == m_watchers.end()) return;
    for (const SessionId session : watchers->second) {
        const auto info = m_sessions.find(session);
        if (info != m_sessions.end() && info->second.read_write) {
            message.recent_session = session;
            message.recent_pending = false;
            return;
        }
    }
}

StoreResult<Done> MailStore::add_keywords(Mailbox& mailbox, const FlagSet& flags, SessionId by) {
    std::vector<std::string> added;
    for (const auto& keyword : flags.keywords()) {
        const bool known =
            std::any_of(mailbox.keywords.begin(), mailbox.keywords.end(),
                        [&](const std::string& k) { return equal_ignoring_case(k, keyword); });
        if (!known) added.push_back(keyword);
    }
    if (added.empty()) return Done{};
    if (mailbox.keywords.size() + added.size() > kMaxKeywordsPerMailbox) {
        return store_error(StoreErrorKind::LimitReached,
                           fmt::format("this mailbox already uses {} keywords and can hold at "
                                       "most {}; reuse an existing keyword.",
                                       mailbox.keywords.size(), kMaxKeywordsPerMailbox));
    }
    Mailbox updated_header = identity_of(mailbox);
    updated_header.uidvalidity = mailbox.uidvalidity;
    updated_header.uidnext = mailbox.uidnext;
    updated_header.keywords = mailbox.keywords;
    updated_header.keywords.insert(updated_header.keywords.end(), added.begin(), added.end());
    if (m_backend != nullptr) {
        if (auto saved = m_backend->save_mailbox(updated_header); !saved) return saved.error();
    }
    mailbox.keywords = std::move(updated_header.keywords);
    record(Change{.by = by, .kind = ChangeKind::KeywordsChanged, .mailbox = mailbox.id});
    return Done{};
}

StoreResult<Uid> MailStore::append(MailboxId id, std::string octets, FlagSet flags,
                                   InternalDate internal_date, SessionId by) {
    Mailbox* mailbox = find_mutable(id);
    if (mailbox == nullptr || !mailbox->selectable) {
        return store_error(StoreErrorKind::NoSuchMailbox,
                           "the destination mailbox does not exist (any more).");
    }
    if (octets.size() > kMaxMessageSize) {
        return store_error(StoreErrorKind::LimitReached,
                           fmt::format("the message has {} octets; this server stores at most {}.",
                                       octets.size(), kMaxMessageSize));
    }
    if (mailbox->uidnext == std::numeric_limits<Uid>::max()) {
        return store_error(StoreErrorKind::LimitReached,
                           "this mailbox has used every UID; it must be re-created, which gives "
                           "it a new UIDVALIDITY (RFC 3501 2.3.1.1).");
    }
    if (auto over = over_quota(*mailbox, 1, octets.size())) return *over;
    if (auto keywords = add_keywords(*mailbox, flags, by); !keywords) return keywords.error();
    Message message;
    message.uid = mailbox->uidnext;
    message.octets = std::make_shared<const std::string>(std::move(octets));
    message.flags = std::move(flags);
    message.internal_date = internal_date;
    assign_recent(*mailbox, message);
    // The UID is spent even if the write fails: UIDs are never reused.
    ++mailbox->uidnext;
    if (m_backend != nullptr) {
        if (auto saved = m_backend->save_message(*mailbox, message); !saved) return saved.error();
    }
    message.modseq = m_log.last() + 1;
    record(Change{.by = by,
                  .kind = ChangeKind::Appended,
                  .mailbox = id,
                  .uid = message.uid,
                  .flags = message.flags,
                  .recent_session = message.recent_session});
    mailbox->messages.push_back(std::move(message));
    return mailbox->messages.back().uid;
}

StoreResult<std::vector<Uid>> MailStore::append_all(MailboxId id, std::vector<NewMessage> messages,
                                                    SessionId by) {
    const Mailbox* mailbox = find_mutable(id);
    if (mailbox == nullptr || !mailbox->selectable) {
        return store_error(StoreErrorKind::NoSuchMailbox,
                           "the destination mailbox does not exist (any more).");
    }
    std::uint64_t octets = 0;
    for (const auto& message : messages)
        octets += message.octets.size();
    if (auto over = over_quota(*mailbox, messages.size(), octets)) return *over;
    std::vector<Uid> uids;
    for (auto& message : messages) {
        auto appended = append(id, std::move(message.octets), std::move(message.flags),
                               message.internal_date, by);
        if (!appended) {
            // RFC 3502 6.3.11: "no partial appending is permitted".
            if (Mailbox* target = find_mutable(id)) (void)remove_messages(*target, uids, by);
            return appended.error();
        }
        uids.push_back(appended.value());
    }
    return uids;
}

StoreResult<CopyResult> MailStore::copy(MailboxId from, const std::vector<Uid>& uids, MailboxId to,
                                        SessionId by, Rights flag_rights) {
    return copy_to_end(from, uids, to, false, by, flag_rights);
}

StoreResult<CopyResult> MailStore::move(MailboxId from, const std::vector<Uid>& uids, MailboxId to,
                                        SessionId by, Rights flag_rights) {
    return copy_to_end(from, uids, to, true, by, flag_rights);
}

StoreResult<std::vector<FlagUpdate>> MailStore::store_flags(MailboxId id,
                                                            const std::vector<Uid>& uids,
                                                            FlagOperation operation,
                                                            const FlagSet& flags, SessionId by,
                                                            Rights rights) {
    Mailbox* mailbox = find_mutable(id);
    if (mailbox == nullptr || !mailbox->selectable) {
        return store_error(StoreErrorKind::NoSuchMailbox, "the mailbox no longer exists.");
    }
    if (operation != FlagOperation::Remove) {
        if (auto keywords = add_keywords(*mailbox, permitted_flags(flags, rights), by); !keywords) {
            return keywords.error();
        }
    }
    std::vector<Uid> wanted = uids;
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    std::vector<Message*> found;
    std::vector<FlagSet> afters;
    found.reserve(wanted.size());
    afters.reserve(wanted.size());
    // `wanted` ascends like the mailbox: each search starts where the last
    // one ended.
    std::size_t position = 0;
    for (const Uid uid : wanted) {
        Message* message = mailbox->find(uid, position);
        if (message == nullptr) continue;
        position = static_cast<std::size_t>(message - mailbox->messages.data()) + 1;
        found.push_back(message);
        afters.push_back(apply_flag_operation(message->flags, operation, flags, rights));
    }
    // One write for the whole STORE: the backend syncs once, not per message.
    if (m_backend != nullptr) {
        // The backend renames files by whole messages; only the changed ones
        // are copied.
        std::vector<Message> changed_messages;
        changed_messages.reserve(found.size());
        std::vector<FlagRewrite> rewrites;
        for (std::size_t i = 0; i < found.size(); ++i) {
            if (afters[i] == found[i]->flags) continue;
            changed_messages.push_back(*found[i]);
            changed_messages.back().flags = afters[i];
            rewrites.push_back({found[i], &changed_messages.back()});
        }
        if (!rewrites.empty()) {
            if (auto saved = m_backend->update_flags(*mailbox, rewrites); !saved)
                return saved.error();
        }
    }
    std::vector<FlagUpdate> updates;
    updates.reserve(found.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
        Message* message = found[i];
        const bool changed = !(afters[i] == message->flags);
        if (changed) {
            message->flags = std::move(afters[i]);
            message->modseq = m_log.last() + 1;
            record(Change{.by = by,
                          .kind = ChangeKind::FlagsChanged,
                          .mailbox = id,
                          .uid = message->uid,
                          .flags = message->flags});
        }
        updates.push_back(FlagUpdate{message->uid, message->flags, changed});
    }
    return updates;
}

StoreResult<Done> MailStore::remove_messages(Mailbox& mailbox, const std::vector<Uid>& uids,
                                             SessionId by) {
    std::vector<const Message*> leaving;
    for (const Uid uid : uids) {
        if (const Message* message = mailbox.find(uid)) leaving.push_back(message);
    }
    if (leaving.empty()) return Done{};
    if (m_backend != nullptr) {
        if (auto removed = m_backend->remove_messages(mailbox, leaving); !removed) {
            return removed.error();
        }
    }
    std::vector<Uid> gone;
    for (const Message* message : leaving)
        gone.push_back(message->uid);
    std::sort(gone.begin(), gone.end());
    std::erase_if(mailbox.messages, [&](const Message& m) {
        return std::binary_search(gone.begin(), gone.end(), m.uid);
    });
    for (const Uid uid : gone) {
        const ModSeq modseq = record(
            Change{.by = by, .kind = ChangeKind::Expunged, .mailbox = mailbox.id, .uid = uid});
        mailbox.tombstones.push_back({uid, modseq});
        if (mailbox.tombstones.size() > kMaxTombstones) {
            mailbox.tombstones_complete_after = mailbox.tombstones.front().modseq;
            mailbox.tombstones.pop_front();
        }
    }
    return Done{};
}

StoreResult<std::vector<Uid>> MailStore::expunge(MailboxId id, std::optional<std::vector<Uid>> only,
                                                 SessionId by) {
    Mailbox* mailbox = find_mutable(id);
    if (mailbox == nullptr || !mailbox->selectable) {
        return store_error(StoreErrorKind::NoSuchMailbox, "the mailbox no longer exists.");
    }
    if (only) std::sort(only->begin(), only->end());
    std::vector<Uid> doomed;
    for (const Message& message : mailbox->messages) {
        if (!message.flags.has(SystemFlag::Deleted)) continue;
        if (only && !std::binary_search(only->begin(), only->end(), message.uid)) continue;
        doomed.push_back(message.uid);
    }
    if (auto removed = remove_messages(*mailbox, doomed, by); !removed) return removed.error();
    return doomed;
}

SessionId MailStore::open_session() {
    const SessionId session = m_next_session++;
    m_sessions.emplace(session, SessionInfo{});
    m_log.open_cursor(session);
    return session;
}

void MailStore::close_session(SessionId session) {
    unwatch(session);
    std::erase_if(m_maildrop_locks, [session](const auto& lock) { return lock.second == session; });
    m_sessions.erase(session);
    m_log.close_cursor(session);
}

void MailStore::watch(SessionId session, MailboxId mailbox, bool read_write) {
    unwatch(session);
    const auto it = m_sessions.find(session);
    if (it == m_sessions.end() || m_mailboxes.find(mailbox) == m_mailboxes.end()) return;
    it->second = SessionInfo{mailbox, read_write};
    m_watchers[mailbox].push_back(session);
}

void MailStore::unwatch(SessionId session) {
    const auto it = m_sessions.find(session);
    if (it == m_sessions.end() || it->second.watched == 0) return;
    const auto watchers = m_watchers.find(it->second.watched);
    if (watchers != m_watchers.end()) {
        std::erase(watchers->second, session);
        if (watchers->second.empty()) m_watchers.erase(watchers);
    }
    it->second = SessionInfo{};
}

std::vector<Uid> MailStore::claim_recent(MailboxId id, SessionId session) {
    std::vector<Uid> claimed;
    Mailbox* mailbox = find_mutable(id);
    if (mailbox == nullptr || session == kNoSession) return claimed;
    for (Message& message : mailbox->messages) {
        if (!message.recent_pending) continue;
        message.recent_pending = false;
        message.recent_session = session;
        claimed.push_back(message.uid);
    }
    return claimed;
}

std::vector<Change> MailStore::pending_changes(SessionId session) const {
    return m_log.since(m_log.cursor(session));
}

bool MailStore::lock_maildrop(std::string_view user, SessionId session) {
    auto it = m_maildrop_locks.find(user);
    if (it != m_maildrop_locks.end()) return it->second == session;
    m_maildrop_locks.emplace(std::string(user), session);
    return true;
}

void MailStore::unlock_maildrop(std::string_view user, SessionId session) {
    auto it = m_maildrop_locks.find(user);
    if (it != m_maildrop_locks.end() && it->second == session) m_maildrop_locks.erase(it);
}

void MailStore::acknowledge(SessionId session, ModSeq modseq) {
    m_log.advance(session, modseq);
}

void MailStore::clear_mailboxes() {
    m_mailboxes.clear();
    for (auto& [owner, tree] : m_trees)
        tree.clear();
    m_subscriptions.clear();
    m_watchers.clear();
    for (auto& [session, info] : m_sessions)
        info = SessionInfo{};
}

StoreResult<MailboxId> MailStore::restore_mailbox(Mailbox mailbox) {
    if (auto error = mailbox_name_error(mailbox.name, mailbox.delimiter)) {
        return store_error(
            StoreErrorKind::BadInput,
            fmt::format("\"{}\" is not a valid mailbox name: {}.", mailbox.name, *error));
    }
    if (find_mutable(MailboxLocation{mailbox.owner, mailbox.name, mailbox.delimiter}) != nullptr) {
        return store_error(StoreErrorKind::AlreadyExists,
                           fmt::format("the mailbox \"{}\" appears twice.", mailbox.name));
    }
    if (mailbox.uidvalidity == 0 && mailbox.selectable) mailbox.uidvalidity = take_uidvalidity();
    if (mailbox.uidvalidity >= m_next_uidvalidity) set_next_uidvalidity(mailbox.uidvalidity + 1);
    mailbox.id = m_next_mailbox_id++;
    const MailboxId id = mailbox.id;
    m_trees[mailbox.owner][mailbox.name] = id;
    m_mailboxes.emplace(id, std::move(mailbox));
    return id;
}

StoreResult<Done> MailStore::restore_message(MailboxId id, Message message) {
    Mailbox* mailbox = find_mutable(id);
    if (mailbox == nullptr) {
        return store_error(StoreErrorKind::NoSuchMailbox, "the mailbox to fill does not exist.");
    }
    if (message.uid == 0 || message.uid >= mailbox->uidnext ||
        (!mailbox->messages.empty() && message.uid <= mailbox->messages.back().uid)) {
        return store_error(StoreErrorKind::BadInput,
                           fmt::format("UID {} is out of order in \"{}\" (UIDNEXT {}).",
                                       message.uid, mailbox->name, mailbox->uidnext));
    }
    for (const auto& keyword : message.flags.keywords()) {
        const bool known =
            std::any_of(mailbox->keywords.begin(), mailbox->keywords.end(),
                        [&](const std::string& k) { return equal_ignoring_case(k, keyword); });
        if (!known) mailbox->keywords.push_back(keyword);
    }
    mailbox->messages.push_back(std::move(message));
    return Done{};
}

void MailStore::restore_subscriptions(std::string_view user, std::set<std::string> names) {
    m_subscriptions[std::string(user)] = std::move(names);
}

}  // namespace mailscope::server
