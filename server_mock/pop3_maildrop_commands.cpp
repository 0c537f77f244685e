// TRANSACTION commands of Pop3ServerSession (RFC 1939 5 and 7) and QUIT
// with the UPDATE state (RFC 1939 6).
#include <fmt/format.h>

#include "server_mock/pop3_server_session.hpp"
#include "server_mock/wire_safety.hpp"

namespace mailscope::server {

using pop3::Command;

namespace {

// The data of a message as sent: CRLF after the last line too.
std::string as_sent(const std::string& octets) {
    if (octets.empty() || octets.back() == '\n') return octets;
    return octets + "\r\n";
}

// RFC 1939 7 TOP: the headers, the blank line after them, and `lines` lines
// of the body.
std::string top_of(const std::string& octets, std::uint32_t lines) {
    const std::string message = as_sent(octets);
    auto body = message.find("\r\n\r\n");
    if (body == std::string::npos) return message;
    std::size_t end = body + 4;
    for (std::uint32_t i = 0; i < lines && end < message.size(); ++i) {
        auto next = message.find('\n', end);
        end = next == std::string::npos ? message.size() : next + 1;
    }
    return message.substr(0, end);
}

// How many messages of the maildrop are not marked as deleted, and their
// octets: what STAT and the login's summary count (RFC 1939 5).
struct MaildropSize {
    std::size_t count = 0;
    std::uint64_t octets = 0;
};

template <typename Entries>
MaildropSize undeleted(const Entries& maildrop) {
    MaildropSize size;
    for (const auto& entry : maildrop) {
        if (entry.deleted) continue;
        ++size.count;
        size.octets += entry.size;
    }
    return size;
}

}  // namespace

std::string Pop3ServerSession::maildrop_summary() const {
    const auto [count, octets] = undeleted(m_maildrop);
    return fmt::format("maildrop has {} message{} ({} octets)", count, count == 1 ? "" : "s",
                       octets);
}

std::string Pop3ServerSession::unique_id(const Entry& entry) const {
    // RFC 1939 7: the same message keeps its unique-id across sessions;
    // UIDVALIDITY.UID names it for as long as IMAP's UIDs do.
    return fmt::format("{}.{}", m_uidvalidity, entry.uid);
}

Pop3ServerSession::Entry* Pop3ServerSession::message(const std::string& number) {
    const auto n = pop3::parse_number(number).value_or(0);
    if (n == 0 || n > m_maildrop.size()) {
        err(fmt::format("no such message, only {} messages in maildrop", m_maildrop.size()));
        return nullptr;
    }
    auto& entry = m_maildrop[n - 1];
    if (entry.deleted) {
        // RFC 1939 5: a message marked as deleted is not there any more.
        err(fmt::format("message {} already deleted", n));
        return nullptr;
    }
    return &entry;
}

void Pop3ServerSession::cmd_stat(const Command&) {
    const auto [count, octets] = undeleted(m_maildrop);
    ok(fmt::format("{} {}", count, octets));
}

void Pop3ServerSession::cmd_list(const Command& command) {
    const bool uidl = command.verb == pop3::Verb::Uidl;
    auto line_of = [&](std::size_t number, const Entry& entry) {
        return uidl ? fmt::format("{} {}", number, unique_id(entry))
                    : fmt::format("{} {}", number, entry.size);
    };
    if (!command.args.empty()) {
        if (auto* entry = message(command.args[0])) {
            ok(line_of(static_cast<std::size_t>(entry - m_maildrop.data()) + 1, *entry));
        }
        return;
    }
    std::string data;
    for (std::size_t i = 0; i < m_maildrop.size(); ++i) {
        if (m_maildrop[i].deleted) continue;
        data += line_of(i + 1, m_maildrop[i]);
        data += "\r\n";
    }
    send(pop3::make_multiline(uidl ? "unique-id listing follows" : maildrop_summary(),
                              std::move(data)));
}

std::string Pop3ServerSession::without_nul(std::string data, const std::string& number) {
    if (data.find('\0') == std::string::npos) return data;
    std::size_t replaced = 0;
    std::string out = octets_without_nul(data, replaced);
    m_pop.note(
        sim::Direction::ServerToClient,
        sim::say(replaced == 1 ? sim::Phrase::ServerPop3NulOne : sim::Phrase::ServerPop3NulMany,
                 number, replaced),
        m_now);
    return out;
}

void Pop3ServerSession::cmd_retr(const Command& command) {
    auto* entry = message(command.args[0]);
    if (!entry) return;
    std::string data = entry->octets ? as_sent(*entry->octets) : std::string();
    send(pop3::make_multiline(fmt::format("{} octets", entry->size),
                              without_nul(std::move(data), command.args[0])));
    // Like Dovecot: a retrieved message counts as read for IMAP clients.
    FlagSet seen;
    seen.set(SystemFlag::Seen, true);
    (void)m_store.store_flags(m_inbox, {entry->uid}, FlagOperation::Add, seen, m_session);
}

void Pop3ServerSession::cmd_top(const Command& command) {
    auto* entry = message(command.args[0]);
    if (!entry) return;
    const auto lines = pop3::parse_number(command.args[1]).value_or(0);
    send(pop3::make_multiline(
        fmt::format("headers and {} body line{} follow", lines, lines == 1 ? "" : "s"),
        without_nul(entry->octets ? top_of(*entry->octets, lines) : std::string(),
                    command.args[0])));
}

void Pop3ServerSession::cmd_dele(const Command& command) {
    auto* entry = message(command.args[0]);
    if (!entry) return;
    entry->deleted = true;
    ok(fmt::format("message {} deleted", command.args[0]));
}

void Pop3ServerSession::cmd_rset(const Command&) {
    for (auto& entry : m_maildrop)
        entry.deleted = false;
    ok(maildrop_summary());
}

void Pop3ServerSession::cmd_quit(const Command&) {
    if (m_user.empty()) {
        ok("mailscope POP3 server signing off");
        m_close = true;
        finish();
        return;
    }
    // RFC 1939 6, UPDATE: exactly the messages marked by DELE leave the
    // maildrop, through \Deleted and an expunge of those UIDs.
    std::vector<Uid> doomed;
    for (const auto& entry : m_maildrop) {
        if (entry.deleted) doomed.push_back(entry.uid);
    }
    std::optional<StoreError> failure;
    if (!doomed.empty()) {
        FlagSet deleted;
        deleted.set(SystemFlag::Deleted, true);
        auto marked = m_store.store_flags(m_inbox, doomed, FlagOperation::Add, deleted, m_session);
        auto expunged = marked.ok() ? m_store.expunge(m_inbox, doomed, m_session)
                                    : StoreResult<std::vector<Uid>>(marked.error());
        if (!expunged) failure = expunged.error();
    }
    std::size_t left = 0;
    if (const auto* inbox = m_store.mailbox(m_inbox)) left = inbox->messages.size();
    if (!failure) {
        ok(left == 0 ? std::string("mailscope POP3 server signing off (maildrop empty)")
                     : fmt::format("mailscope POP3 server signing off ({} message{} left)", left,
                                   left == 1 ? "" : "s"));
    } else {
        if (!failure->detail.empty()) {
            m_pop.note(sim::Direction::ServerToClient,
                       sim::say(sim::Phrase::ServerDiskRefusedWrite, failure->detail), m_now);
        }
        // RFC 3206 5: SYS/TEMP, a failure that may go away; RFC 1939 6 keeps
        // the messages that could not be removed.
        err(fmt::format("some deleted messages not removed: {}", failure->message), "SYS/TEMP");
    }
    m_close = true;
    finish();
}

}  // namespace mailscope::server
