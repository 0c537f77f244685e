// The ACL commands of ImapServerSession (RFC 4314 3): SETACL, DELETEACL,
// GETACL, LISTRIGHTS and MYRIGHTS. The rights themselves are checked, and
// kept, by the store (MailStore::access and the ACL operations); an
// identifier that cannot be a prepared string gets BAD (RFC 4314 3).
#include <fmt/format.h>

#include "server_mock/imap_server_session.hpp"

namespace mailscope::server {

using imap::Command;

void ImapServerSession::cmd_setacl(const Command& command) {
    if (refuse_read_only_user(command.tag)) return;
    const auto& args = std::get<imap::AclArgs>(command.typed);
    if (auto problem = identifier_syntax_error(args.identifier)) {
        bad(command.tag, *problem);
        return;
    }
    std::string error;
    const auto change = parse_rights_change(args.rights, &error);
    if (!change) {
        bad(command.tag, error);
        return;
    }
    auto set = m_store.set_acl(m_user, args.mailbox, canonical_identifier(args.identifier), *change,
                               m_session);
    if (!set) {
        no_from_store(command.tag, set.error());
        return;
    }
    ok(command.tag, "SETACL completed");
}

void ImapServerSession::cmd_deleteacl(const Command& command) {
    if (refuse_read_only_user(command.tag)) return;
    const auto& args = std::get<imap::AclArgs>(command.typed);
    if (auto problem = identifier_syntax_error(args.identifier)) {
        bad(command.tag, *problem);
        return;
    }
    auto deleted =
        m_store.delete_acl(m_user, args.mailbox, canonical_identifier(args.identifier), m_session);
    if (!deleted) {
        no_from_store(command.tag, deleted.error());
        return;
    }
    ok(command.tag, "DELETEACL completed");
}

void ImapServerSession::cmd_getacl(const Command& command) {
    const auto& name = std::get<imap::MailboxArgs>(command.typed).mailbox;
    auto acl = m_store.get_acl(m_user, name);
    if (!acl) {
        no_from_store(command.tag, acl.error());
        return;
    }
    imap::AclData data;
    data.mailbox = name;
    for (const auto& entry : acl.value())
        data.entries.emplace_back(entry.identifier, entry.rights.response_letters());
    send(imap::make_acl(std::move(data)));
    ok(command.tag, "GETACL completed");
}

void ImapServerSession::cmd_listrights(const Command& command) {
    const auto& args = std::get<imap::AclArgs>(command.typed);
    if (auto problem = identifier_syntax_error(args.identifier)) {
        bad(command.tag, *problem);
        return;
    }
    auto grantable =
        m_store.list_rights(m_user, args.mailbox, canonical_identifier(args.identifier));
    if (!grantable) {
        no_from_store(command.tag, grantable.error());
        return;
    }
    // RFC 4314 3.7: the identifier as the client wrote it; no right is tied
    // to another, so each optional one stands alone, with the virtual "c"
    // and "d" after them (2.1.1).
    imap::AclData data;
    data.mailbox = args.mailbox;
    data.identifier = args.identifier;
    data.rights.push_back(grantable.value().required.response_letters());
    const Rights optional = grantable.value().optional;
    for (const char letter : optional.letters())
        data.rights.emplace_back(1, letter);
    const std::string virtual_rights =
        optional.response_letters().substr(optional.letters().size());
    for (const char letter : virtual_rights)
        data.rights.emplace_back(1, letter);
    send(imap::make_listrights(std::move(data)));
    ok(command.tag, "LISTRIGHTS completed");
}

void ImapServerSession::cmd_myrights(const Command& command) {
    const auto& name = std::get<imap::MailboxArgs>(command.typed).mailbox;
    auto rights = m_store.my_rights(m_user, name);
    if (!rights) {
        no_from_store(command.tag, rights.error());
        return;
    }
    imap::AclData data;
    data.mailbox = name;
    data.rights.push_back(rights.value().response_letters());
    send(imap::make_myrights(std::move(data)));
    ok(command.tag, "MYRIGHTS completed");
}

}  // namespace mailscope::server
