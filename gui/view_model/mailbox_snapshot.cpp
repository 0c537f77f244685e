#include "gui/view_model/mailbox_snapshot.hpp"

#include <algorithm>

#include "sim/imap/response.hpp"
#include "sim/imap/verbs.hpp"
#include "sim/text/encoded_words.hpp"
#include "sim/text/mutf7.hpp"

namespace mailscope::gui {

namespace {

// The first word of a response code's text: "UIDVALIDITY 3857529045" -> UIDVALIDITY.
std::string_view code_name(std::string_view code) {
    return code.substr(0, code.find(' '));
}

MessageRow* row(MailboxSnapshot& snapshot, std::uint32_t seq) {
    if (seq == 0 || seq > MailboxSnapshot::max_rows) return nullptr;
    if (seq > snapshot.messages.size()) snapshot.messages.resize(seq);
    snapshot.exists = std::max(snapshot.exists, seq);
    snapshot.changed.push_back(seq);
    return &snapshot.messages[seq - 1];
}

void set_exists(MailboxSnapshot& snapshot, std::uint32_t count) {
    snapshot.exists = count;
    snapshot.messages.resize(std::min(count, MailboxSnapshot::max_rows));
}

bool repeats_pending(const MailboxSnapshot& snapshot, std::uint32_t number, bool from_wire) {
    const auto& pending = snapshot.pending_expunge;
    return pending && pending->from_wire != from_wire && pending->view.expunged == number &&
           snapshot.exists + 1 == pending->view.old_count;
}

void expunge(MailboxSnapshot& snapshot, std::uint32_t number, bool from_wire) {
    if (repeats_pending(snapshot, number, from_wire)) {
        snapshot.renumbered = snapshot.pending_expunge->view;
        snapshot.pending_expunge.reset();
        return;
    }
    if (number == 0 || number > snapshot.exists) return;
    snapshot.found.clear();
    RenumberView view{number, snapshot.exists, {}};
    if (number <= snapshot.messages.size()) {
        view.removed = std::move(snapshot.messages[number - 1]);
        snapshot.messages.erase(snapshot.messages.begin() + (number - 1));
    }
    --snapshot.exists;
    snapshot.renumbered = view;
    snapshot.pending_expunge = MailboxSnapshot::PendingExpunge{std::move(view), from_wire};
}

void fold_fetch(MailboxSnapshot& snapshot, std::uint32_t number, const sim::MessageFacts& facts) {
    MessageRow* message = row(snapshot, number);
    if (!message) return;
    if (facts.uid) message->uid = facts.uid;
    if (facts.flags) {
        message->flags = *facts.flags;
        message->flags_known = true;
    }
    if (facts.size) message->size = facts.size;
    if (facts.modseq) message->modseq = facts.modseq;
    if (facts.subject) {
        message->subject = text::decode_header_value(*facts.subject);
        message->raw_subject = facts.subject;
    }
}

void fold_folder(MailboxSnapshot& snapshot, const sim::TraceEvent& event) {
    if (!event.listed || event.mailbox.empty()) return;
    FolderRow folder{event.mailbox, text::mutf7_decode(event.mailbox).value_or(event.mailbox),
                     event.listed->delimiter, event.listed->attributes};
    for (FolderRow& known : snapshot.folders) {
        if (known.wire == folder.wire) {
            known = std::move(folder);
            return;
        }
    }
    if (snapshot.folders.size() < MailboxSnapshot::max_folders)
        snapshot.folders.push_back(std::move(folder));
}

void fold_esearch(MailboxSnapshot& snapshot, const sim::TraceEvent& event) {
    const auto parsed = imap::parse_response(event.raw);
    if (!parsed.response || !parsed.response->esearch) return;
    const imap::EsearchData& data = *parsed.response->esearch;
    snapshot.search_results.clear();
    snapshot.found.clear();
    for (const auto& [name, value] : data.results) {
        if (!snapshot.search_results.empty()) snapshot.search_results += ' ';
        snapshot.search_results += name + ' ' + value;
        if (name != "ALL") continue;
        const auto set = imap::SequenceSet::parse(value);
        if (!set) continue;
        for (std::size_t i = 0; i < snapshot.messages.size(); ++i) {
            const auto seq = static_cast<std::uint32_t>(i + 1);
            const auto& uid = snapshot.messages[i].uid;
            const bool named = data.uid ? uid && set->contains(*uid, 0) : set->contains(seq, 0);
            if (named) snapshot.found.push_back(seq);
        }
    }
    if (data.uid) snapshot.search_results.insert(0, "UID ");
}

void fold_untagged(MailboxSnapshot& snapshot, const sim::TraceEvent& event) {
    if (event.name == "LIST" || event.name == "LSUB") return fold_folder(snapshot, event);
    if (event.name == "ESEARCH") return fold_esearch(snapshot, event);
    if (event.code_modseq) snapshot.highest_modseq = event.code_modseq;
    if (event.code_number) {
        const auto name = code_name(event.code);
        if (name == "UIDVALIDITY") snapshot.uid_validity = event.code_number;
        if (name == "UIDNEXT") snapshot.uid_next = event.code_number;
    }
    if (!event.number) return;
    if (event.name == "EXISTS") {
        set_exists(snapshot, *event.number);
    } else if (event.name == "RECENT") {
        snapshot.recent = *event.number;
    } else if (event.name == "EXPUNGE") {
        expunge(snapshot, *event.number, true);
    } else if (event.name == "FETCH" && event.message) {
        fold_fetch(snapshot, *event.number, *event.message);
    }
}

}  // namespace

void fold(MailboxSnapshot& snapshot, const sim::TraceEvent& event) {
    snapshot.changed.clear();
    snapshot.renumbered.reset();
    const bool expunge_event = event.kind == sim::EventKind::Renumbering ||
                               (event.kind == sim::EventKind::Untagged && event.name == "EXPUNGE");
    // Only mailbox data between the two reports of one expunge makes them two expunges.
    const bool keeps_pending = expunge_event || (event.kind != sim::EventKind::Untagged &&
                                                 event.kind != sim::EventKind::FlagChange &&
                                                 event.kind != sim::EventKind::Command);

    switch (event.kind) {
        case sim::EventKind::Command:
            // The later pieces of a command with literals continue it.
            if (event.piece && event.piece->index > 0) break;
            if (imap::verb_info(imap::verb_from_name(event.name)).effect == imap::Effect::Selects) {
                std::vector<FolderRow> folders = std::move(snapshot.folders);
                snapshot = MailboxSnapshot{};
                snapshot.folders = std::move(folders);
                if (event.piece && event.piece->announces) {
                    snapshot.mailbox_in_literal = true;
                } else {
                    snapshot.mailbox = event.mailbox;
                }
            }
            break;
        case sim::EventKind::Literal:
            if (snapshot.mailbox_in_literal && event.dir == sim::Direction::ClientToServer) {
                snapshot.mailbox = event.raw.substr(0, 256);
                snapshot.mailbox_in_literal = false;
            }
            break;
        case sim::EventKind::Untagged:
            fold_untagged(snapshot, event);
            break;
        case sim::EventKind::FlagChange:
            if (event.flags) {
                if (MessageRow* message = row(snapshot, event.flags->seq)) {
                    if (event.flags->uid) message->uid = event.flags->uid;
                    message->flags = event.flags->after;
                    message->flags_known = true;
                }
            }
            break;
        case sim::EventKind::Renumbering:
            if (event.renumber) expunge(snapshot, event.renumber->expunged, false);
            break;
        case sim::EventKind::StateTransition:
            // Leaving Selected (CLOSE, a failed SELECT: RFC 3501 3, edge 6) drops the mailbox.
            if (event.transition && event.transition->from == imap::State::Selected &&
                event.transition->to != imap::State::Selected &&
                event.transition->to != imap::State::Logout) {
                std::vector<FolderRow> folders = std::move(snapshot.folders);
                snapshot = MailboxSnapshot{};
                snapshot.folders = std::move(folders);
            }
            break;
        default:
            break;
    }
    if (!keeps_pending) snapshot.pending_expunge.reset();
}

void MailboxTimeline::sync(const sim::SessionTrace& trace) {
    if (trace.size() < m_head_next) *this = MailboxTimeline{};
    const auto& events = trace.events();
    while (m_head_next < events.size()) {
        fold(m_head, events[m_head_next]);
        ++m_head_next;
        const std::uint64_t gap =
            std::max<std::uint64_t>(min_checkpoint_gap, m_head.messages.size());
        if (m_head_next - m_checkpoints.back().next_seq >= gap) {
            m_checkpoints.push_back({m_head_next, m_head});
        }
    }
}

const MailboxSnapshot& MailboxTimeline::at(const sim::SessionTrace& trace, std::uint64_t cursor) {
    const std::uint64_t target = std::min<std::uint64_t>(cursor + 1, trace.size());
    const auto after = std::upper_bound(
        m_checkpoints.begin(), m_checkpoints.end(), target,
        [](std::uint64_t seq, const Checkpoint& checkpoint) { return seq < checkpoint.next_seq; });
    const Checkpoint& nearest = *(after - 1);
    const bool cache_usable =
        m_cache_valid && m_cache.next_seq <= target && m_cache.next_seq >= nearest.next_seq;
    if (!cache_usable) m_cache = nearest;
    m_cache_valid = true;
    const auto& events = trace.events();
    for (; m_cache.next_seq < target; ++m_cache.next_seq) {
        fold(m_cache.snapshot, events[m_cache.next_seq]);
    }
    return m_cache.snapshot;
}

}  // namespace mailscope::gui
