// Quotas of the mail store (RFC 9208): one root per user over the user's
// personal mailboxes, its usage counted from the messages, its limits set by
// the server's configuration or by the owner's SETQUOTA.
#include <fmt/format.h>

#include "server_mock/mail_store.hpp"

namespace mailscope::server {

namespace {

constexpr std::string_view kUserRootPrefix = "#user/";

}  // namespace

std::optional<std::string> MailStore::quota_root(const Mailbox& mailbox) const {
    if (!is_personal(mailbox.owner)) return std::nullopt;
    return fmt::format("{}{}", kUserRootPrefix, mailbox.owner);
}

QuotaState MailStore::quota_state(std::string_view owner) const {
    QuotaState state;
    state.root = fmt::format("{}{}", kUserRootPrefix, owner);
    for (const auto& [id, mailbox] : m_mailboxes) {
        if (mailbox.owner != owner) continue;
        state.usage.messages += mailbox.messages.size();
        for (const Message& message : mailbox.messages)
            state.usage.octets += message.size();
    }
    const auto limits = m_quota_limits.find(owner);
    state.limits = limits == m_quota_limits.end() ? m_default_quota : limits->second;
    return state;
}

std::optional<StoreError> MailStore::over_quota(const Mailbox& mailbox, std::uint64_t messages,
                                                std::uint64_t octets) const {
    if (!is_personal(mailbox.owner)) return std::nullopt;
    const auto limits = m_quota_limits.find(mailbox.owner);
    const QuotaLimits& limit = limits == m_quota_limits.end() ? m_default_quota : limits->second;
    if (!limit.messages && !limit.storage_kib) return std::nullopt;
    const QuotaState state = quota_state(mailbox.owner);
    QuotaUsage after = state.usage;
    after.messages += messages;
    after.octets += octets;
    if (limit.messages && after.messages > *limit.messages) {
        return store_error(StoreErrorKind::OverQuota,
                           fmt::format("{} would hold {} messages; its MESSAGE limit is {} "
                                       "(RFC 9208 5.2).",
                                       state.root, after.messages, *limit.messages));
    }
    if (limit.storage_kib && after.storage_kib() > *limit.storage_kib) {
        return store_error(StoreErrorKind::OverQuota,
                           fmt::format("{} would use {} KiB; its STORAGE limit is {} KiB "
                                       "(RFC 9208 5.1).",
                                       state.root, after.storage_kib(), *limit.storage_kib));
    }
    return std::nullopt;
}

StoreResult<QuotaState> MailStore::quota(std::string_view user, std::string_view root) const {
    const std::string_view owner =
        root.starts_with(kUserRootPrefix) ? root.substr(kUserRootPrefix.size()) : "";
    bool may_read = !owner.empty() && owner == user;
    if (!may_read && !owner.empty() && m_users.contains(owner)) {
        for (const auto& [id, mailbox] : m_mailboxes) {
            if (mailbox.owner == owner && rights(user, mailbox).has(Right::Read)) {
                may_read = true;
                break;
            }
        }
    }
    if (!may_read) {
        return store_error(StoreErrorKind::NoSuchMailbox,
                           fmt::format("there is no quota root \"{}\" you may read; GETQUOTAROOT "
                                       "names the roots of a mailbox.",
                                       root.substr(0, 100)));
    }
    return quota_state(owner);
}

StoreResult<std::vector<QuotaState>> MailStore::quota_roots(std::string_view user,
                                                            std::string_view name) const {
    std::vector<QuotaState> roots;
    auto accessed = access(user, name, Right::Read);
    if (accessed) {
        if (is_personal(accessed.value()->owner))
            roots.push_back(quota_state(accessed.value()->owner));
        return roots;
    }
    // A name that does not exist yet: the root it would have if created in
    // the user's own tree (RFC 9208 4.1.2).
    const auto location = locate(user, name);
    if (accessed.error().kind != StoreErrorKind::NoSuchMailbox || !location ||
        find_location(location.value()) != nullptr) {
        return accessed.error();
    }
    if (location.value().owner == user) {
        roots.push_back(quota_state(user));
    } else if (!is_personal(location.value().owner)) {
        return roots;
    } else {
        return accessed.error();
    }
    return roots;
}

StoreResult<QuotaState> MailStore::set_quota(std::string_view user, std::string_view root,
                                             QuotaLimits limits) {
    if (root != fmt::format("{}{}", kUserRootPrefix, user)) {
        return store_error(StoreErrorKind::NoPermission,
                           fmt::format("on this server each user sets the limits of their own "
                                       "quota root only, \"{}{}\".",
                                       kUserRootPrefix, user));
    }
    m_quota_limits[std::string(user)] = limits;
    return quota_state(user);
}

}  // namespace mailscope::server
