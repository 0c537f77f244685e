// CONDSTORE and QRESYNC (RFC 7162): which commands make a client
// CONDSTORE-aware, what such a client is told that others are not, and how a
// client that was away learns what changed.
#include <algorithm>

#include "server_mock/imap_server_session.hpp"
#include "sim/core/ascii.hpp"
#include "sim/imap/extended_forms.hpp"

namespace mailscope::server {

using imap::Command;
using imap::Verb;

void ImapServerSession::note_condstore_enabling(const Command& command) {
    if (m_condstore_aware || !m_config.capabilities.condstore) return;
    // The CONDSTORE and QRESYNC forms of SELECT, STATUS, FETCH, STORE and
    // SEARCH are the enabling commands, with ENABLE CONDSTORE and ENABLE
    // QRESYNC (RFC 7162 3.1, 3.2.3).
    const auto forms = imap::extended_forms(command);
    bool enabling = std::any_of(forms.begin(), forms.end(), [](const imap::ExtendedForm& form) {
        return form.extension.capability == "CONDSTORE" || form.extension.capability == "QRESYNC";
    });
    if (const auto* enable = std::get_if<imap::EnableArgs>(&command.typed)) {
        enabling = std::any_of(
            enable->capabilities.begin(), enable->capabilities.end(), [](const std::string& name) {
                return ascii::iequals(name, "CONDSTORE") || ascii::iequals(name, "QRESYNC");
            });
    }
    if (!enabling) return;
    m_condstore_aware = true;
    // "A first CONDSTORE enabling command executed in the session with a
    // mailbox selected MUST cause the server to return HIGHESTMODSEQ"; a
    // SELECT tells it of the mailbox it opens instead.
    if (m_selected != 0 && command.verb != Verb::Select && command.verb != Verb::Examine)
        announce_highest_modseq();
}

void ImapServerSession::announce_highest_modseq() {
    if (const Mailbox* mailbox = selected()) {
        send(imap::make_status("*", imap::Status::Ok,
                               imap::make_code_highestmodseq(mailbox->highest_modseq()),
                               "Highest mod-sequence"));
    }
}

std::optional<ModSeq> ImapServerSession::found_modseq(
    const std::vector<imap::SearchKey>& keys, const std::vector<MessageContext>& found) const {
    if (found.empty() || !imap::searches_by_modseq(keys)) return std::nullopt;
    ModSeq highest = 0;
    for (const MessageContext& match : found)
        highest = std::max(highest, match.message.modseq);
    return highest;
}

std::optional<std::string> ImapServerSession::qresync_refusal(const Command& command) const {
    if (const auto* fetch = std::get_if<imap::FetchArgs>(&command.typed);
        fetch && fetch->vanished) {
        if (!command.uid) return "VANISHED is a modifier of UID FETCH only (RFC 7162 3.2.6)";
        if (!m_qresync)
            return "VANISHED needs ENABLE QRESYNC first in this connection (RFC 7162 3.2.6)";
    }
    if (const auto* select = std::get_if<imap::MailboxArgs>(&command.typed);
        select && select->qresync && !m_qresync) {
        return "the QRESYNC parameter needs ENABLE QRESYNC first in this connection (RFC 7162 "
               "3.2.5)";
    }
    return std::nullopt;
}

imap::SequenceSet ImapServerSession::removed_uids(const Mailbox& mailbox, ModSeq since,
                                                  const imap::SequenceSet& uids, Uid lowest) const {
    // "*" in a UID set: the highest UID the mailbox ever gave.
    const Uid star = mailbox.uidnext - 1;
    if (const auto removed = mailbox.removed_since(since)) {
        std::vector<Uid> named;
        for (const Uid uid : *removed) {
            if (uid >= lowest && uids.contains(uid, star)) named.push_back(uid);
        }
        return imap::SequenceSet::of_ascending(named);
    }
    // Removals that old are forgotten: every UID of the set that is not here
    // (RFC 7162 3.2.6), as runs between the messages that remain.
    std::vector<imap::SeqRange> wanted;
    for (const auto& range : uids.ranges) {
        const Uid a = range.first == 0 ? star : range.first;
        const Uid b = range.last == 0 ? star : range.last;
        const Uid low = std::max({std::min(a, b), lowest, Uid{1}});
        const Uid high = std::min(std::max(a, b), star);
        if (low <= high) wanted.push_back({low, high});
    }
    std::sort(wanted.begin(), wanted.end(),
              [](const imap::SeqRange& x, const imap::SeqRange& y) { return x.first < y.first; });
    imap::SequenceSet out;
    Uid next = 1;  // below this, everything is decided
    for (const auto& range : wanted) {
        Uid uid = std::max(range.first, next);
        if (uid > range.last) continue;
        auto present =
            std::lower_bound(mailbox.messages.begin(), mailbox.messages.end(), uid,
                             [](const Message& message, Uid value) { return message.uid < value; });
        while (uid <= range.last) {
            const Uid stop = present == mailbox.messages.end()
                                 ? range.last
                                 : std::min<Uid>(range.last, present->uid - 1);
            if (uid <= stop) out.ranges.push_back({uid, stop});
            if (present == mailbox.messages.end() || present->uid > range.last) break;
            uid = present->uid + 1;
            ++present;
        }
        next = range.last + 1;
        if (next == 0) break;  // the range ended at the highest UID there is
    }
    return out;
}

void ImapServerSession::send_vanished(imap::SequenceSet uids, bool earlier) {
    if (uids.ranges.empty()) return;
    send(imap::make_vanished({earlier, std::move(uids)}));
}

void ImapServerSession::resynchronise(const imap::QresyncParams& params) {
    const Mailbox* mailbox = selected();
    // "If the provided UIDVALIDITY doesn't match ... the server MUST ignore
    // the remaining parameters" (RFC 7162 3.2.5).
    if (mailbox == nullptr || params.uidvalidity != mailbox->uidvalidity) return;
    const Uid highest_uid = mailbox->uidnext - 1;
    imap::SequenceSet known;
    if (params.known_uids) {
        known = *params.known_uids;
    } else if (highest_uid > 0) {
        known.ranges.push_back({1, highest_uid});
    }
    // Sequence match data: pairs of a message number and the UID it had.
    // While they still match, the client knows every removal up to that
    // UID (RFC 7162 3.2.5.2). Sets too long to pair up are ignored.
    Uid lowest = 1;
    if (params.seq_match) {
        constexpr std::size_t kMaxPairs = 100000;
        const auto expand = [&](const imap::SequenceSet& set) {
            std::vector<std::uint32_t> out;
            for (const auto& range : set.ranges) {
                for (std::uint64_t n = std::min(range.first, range.last);
                     n <= std::max(range.first, range.last) && out.size() <= kMaxPairs; ++n)
                    out.push_back(static_cast<std::uint32_t>(n));
            }
            return out;
        };
        const auto numbers = expand(params.seq_match->first);
        const auto uids = expand(params.seq_match->second);
        if (numbers.size() == uids.size() && numbers.size() <= kMaxPairs) {
            for (std::size_t i = 0; i < numbers.size(); ++i) {
                const std::uint32_t n = numbers[i];
                if (n == 0 || n > m_view.size() || m_view[n - 1] != uids[i]) break;
                lowest = uids[i] + 1;
            }
        }
    }
    send_vanished(removed_uids(*mailbox, params.modseq, known, lowest), true);
    for (std::size_t i = 0; i < m_view.size(); ++i) {
        const Message* message = mailbox->find(m_view[i]);
        if (message == nullptr || message->modseq <= params.modseq ||
            !known.contains(message->uid, highest_uid)) {
            continue;
        }
        send_fetch(static_cast<std::uint32_t>(i + 1),
                   {imap::fetch_uid(message->uid), flags_item(*message, is_recent(*message)),
                    imap::fetch_modseq(message->modseq)});
    }
}

}  // namespace mailscope::server
