#include "server_mock/smtp_delivery.hpp"
#include "sim/core/ascii.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace mailscope::server {

namespace {

std::optional<std::string> postmaster(const MailStore& store, const SmtpConfig& config) {
    if (!config.postmaster_user.empty() && store.users().contains(config.postmaster_user)) {
        return config.postmaster_user;
    }
    auto names = store.users().names();
    if (names.empty()) return std::nullopt;
    return names.front();
}

}  // namespace

bool is_local_domain(const SmtpConfig& config, std::string_view domain) {
    const auto wanted = ascii::lower(domain);
    if (wanted == ascii::lower(config.hostname)) return true;
    return std::any_of(config.local_domains.begin(), config.local_domains.end(),
                       [&](const std::string& local) { return ascii::lower(local) == wanted; });
}

RecipientLookup resolve_recipient(const MailStore& store, const SmtpConfig& config,
                                  const smtp::Path& path) {
    const auto& users = store.users();
    const bool is_postmaster = ascii::lower(path.local_part) == "postmaster";
    if (path.domain.empty() || (is_postmaster && is_local_domain(config, path.domain))) {
        if (auto user = postmaster(store, config)) {
            return {*user, 250, "2.1.5", fmt::format("postmaster is {} here", *user)};
        }
        return {std::nullopt, 550, "5.1.1", "postmaster has no mailbox: this server has no users"};
    }
    // A user whose name is the whole address ("carol@elsewhere.net").
    if (users.contains(path.mailbox())) {
        return {path.mailbox(), 250, "2.1.5", "Ok"};
    }
    if (!is_local_domain(config, path.domain)) {
        return {std::nullopt, 550, "5.7.1",
                fmt::format("relaying denied: {} is not a domain of this server", path.domain)};
    }
    if (!users.contains(path.local_part)) {
        return {std::nullopt, 550, "5.1.1", fmt::format("no such user here: {}", path.mailbox())};
    }
    return {path.local_part, 250, "2.1.5", "Ok"};
}

std::string trace_headers(const Envelope& envelope, const SmtpConfig& config,
                          const InternalDate& date) {
    std::string out = fmt::format("Return-Path: <{}>\r\n", envelope.reverse_path);
    // RFC 5321 4.4: "for" names the recipient only when there is one.
    const std::string for_clause =
        envelope.addresses.size() == 1 ? fmt::format("\r\n\tfor <{}>", envelope.addresses[0]) : "";
    out += fmt::format("Received: from {} by {} with {}{};\r\n\t{}\r\n",
                       envelope.client_domain.empty() ? "unknown" : envelope.client_domain,
                       config.hostname, envelope.protocol, for_clause, format_rfc5322_date(date));
    return out;
}

StoreResult<std::size_t> deliver(MailStore& store, const Envelope& envelope, std::string content,
                                 const InternalDate& date) {
    std::vector<MailboxId> inboxes;
    for (const auto& user : envelope.users) {
        auto inbox = store.ensure_inbox(user);
        if (!inbox) return inbox.error();
        inboxes.push_back(inbox.value());
    }
    std::vector<std::pair<MailboxId, Uid>> stored;
    for (const auto inbox : inboxes) {
        auto appended = store.append(inbox, content, FlagSet{}, date);
        if (appended) {
            stored.emplace_back(inbox, appended.value());
            continue;
        }
        // Nothing half-delivered: take back the copies already stored.
        FlagSet deleted;
        deleted.set(SystemFlag::Deleted, true);
        for (const auto& [mailbox, uid] : stored) {
            store.store_flags(mailbox, {uid}, FlagOperation::Add, deleted);
            store.expunge(mailbox, std::vector<Uid>{uid});
        }
        return appended.error();
    }
    return stored.size();
}

}  // namespace mailscope::server
