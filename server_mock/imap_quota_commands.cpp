// The QUOTA commands of ImapServerSession (RFC 9208 4.1): GETQUOTA,
// GETQUOTAROOT and SETQUOTA. The store keeps the roots, counts the usage and
// checks the limits (MailStore, mail_store_quota.cpp); this file speaks them.
#include <fmt/format.h>

#include "server_mock/imap_server_session.hpp"
#include "sim/imap/syntax.hpp"

namespace mailscope::server {

using imap::Command;

namespace {

// RFC 9208 4.2.1: a triple for each resource with a limit; the resources
// without one are not named.
imap::Response quota_response(const QuotaState& state) {
    imap::QuotaData data;
    data.root = state.root;
    if (state.limits.storage_kib) {
        data.resources.push_back({"STORAGE", state.usage.storage_kib(), *state.limits.storage_kib});
    }
    if (state.limits.messages) {
        data.resources.push_back({"MESSAGE", state.usage.messages, *state.limits.messages});
    }
    return imap::make_quota(std::move(data));
}

}  // namespace

void ImapServerSession::cmd_getquota(const Command& command) {
    const auto& args = std::get<imap::QuotaArgs>(command.typed);
    auto state = m_store.quota(m_user, args.root);
    if (!state) {
        no_from_store(command.tag, state.error());
        return;
    }
    send(quota_response(state.value()));
    ok(command.tag, "GETQUOTA completed");
}

void ImapServerSession::cmd_getquotaroot(const Command& command) {
    const auto& name = std::get<imap::MailboxArgs>(command.typed).mailbox;
    auto roots = m_store.quota_roots(m_user, name);
    if (!roots) {
        no_from_store(command.tag, roots.error());
        return;
    }
    imap::QuotaData data;
    data.mailbox = name;
    for (const auto& state : roots.value())
        data.roots.push_back(state.root);
    send(imap::make_quotaroot(std::move(data)));
    for (const auto& state : roots.value())
        send(quota_response(state));
    ok(command.tag, "GETQUOTAROOT completed");
}

void ImapServerSession::cmd_setquota(const Command& command) {
    if (refuse_read_only_user(command.tag)) return;
    const auto& args = std::get<imap::QuotaArgs>(command.typed);
    QuotaLimits limits;
    for (const auto& resource : args.limits) {
        const std::string name = imap::to_upper(resource.name);
        const bool storage = name == "STORAGE";
        if (!storage && name != "MESSAGE") {
            // RFC 9208 3.2: "A client MUST be prepared for a SETQUOTA
            // command to fail if a limit cannot be set."
            no(command.tag,
               fmt::format("{} is not a resource this server limits; it limits STORAGE and "
                           "MESSAGE (see CAPABILITY)",
                           resource.name.substr(0, 64)),
               imap::make_code("CANNOT"));
            return;
        }
        auto& slot = storage ? limits.storage_kib : limits.messages;
        if (slot) {
            bad(command.tag, fmt::format("{} is named twice", name));
            return;
        }
        slot = resource.limit;
    }
    auto state = m_store.set_quota(m_user, args.root, limits);
    if (!state) {
        no_from_store(command.tag, state.error());
        return;
    }
    send(quota_response(state.value()));
    ok(command.tag, "SETQUOTA completed");
}

}  // namespace mailscope::server
