// COPY and MOVE a chunk at a time (MailStore::begin_copy), and what a
// backend that writes nothing ahead does with staged messages.
#include <algorithm>
#include <limits>

#include "server_mock/mail_store.hpp"

namespace mailscope::server {

StoreResult<Done> StoreBackend::reserve_uids(const Mailbox&, Uid) {
    return Done{};
}

StageTicket StoreBackend::stage(std::vector<std::shared_ptr<const std::string>>) {
    return 0;
}

std::optional<StoreResult<Done>> StoreBackend::staged(StageTicket, bool) {
    return std::optional<StoreResult<Done>>(std::in_place, Done{});
}

StoreResult<Done> StoreBackend::save_staged(StageTicket, const Mailbox& mailbox,
                                            const std::vector<const Message*>& messages) {
    std::vector<const Message*> written;
    for (const Message* message : messages) {
        if (auto saved = save_message(mailbox, *message); !saved) {
            (void)remove_messages(mailbox, written);
            return saved;
        }
        written.push_back(message);
    }
    return Done{};
}

void StoreBackend::drop_staged(StageTicket) {}

StoreResult<PendingCopy> MailStore::begin_copy(MailboxId from, const std::vector<Uid>& uids,
                                               MailboxId to, bool move, SessionId by,
                                               Rights flag_rights) {
    Mailbox* source = find_mutable(from);
    Mailbox* destination = find_mutable(to);
    if (source == nullptr) {
        return store_error(StoreErrorKind::NoSuchMailbox, "the source mailbox no longer exists.");
    }
    if (destination == nullptr || !destination->selectable) {
        return store_error(StoreErrorKind::NoSuchMailbox,
                           "the destination mailbox does not exist.");
    }
    std::vector<Uid> wanted = uids;
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    PendingCopy job;
    job.from = from;
    job.to = to;
    job.move = move;
    FlagSet all_flags;
    for (const Uid uid : wanted) {
        if (const Message* message = source->find(uid)) {
            // RFC 4314 4: the copies keep only the flags the user may set there.
            Message original = *message;
            original.flags = permitted_flags(message->flags, flag_rights);
            all_flags.add_all(original.flags);
            job.originals.push_back(std::move(original));
        }
    }
    if (destination->uidnext > std::numeric_limits<Uid>::max() - job.originals.size()) {
        return store_error(StoreErrorKind::LimitReached,
                           "the destination mailbox has too few UIDs left for this copy.");
    }
    // A MOVE within one quota root adds nothing to it (RFC 9208 4.3.1: "when
    // the addition of the message(s) puts the target mailbox over").
    if (!move || quota_root(*source) != quota_root(*destination)) {
        std::uint64_t octets = 0;
        for (const Message& message : job.originals)
            octets += message.size();
        if (auto over = over_quota(*destination, job.originals.size(), octets)) return *over;
    }
    // Keyword letters are fixed before any file is named after them.
    if (auto keywords = add_keywords(*destination, all_flags, by); !keywords) {
        return keywords.error();
    }
    job.result.destination_uidvalidity = destination->uidvalidity;
    if (m_backend != nullptr && !job.originals.empty()) {
        const Uid through = destination->uidnext + static_cast<Uid>(job.originals.size());
        if (auto reserved = m_backend->reserve_uids(*destination, through); !reserved) {
            return reserved.error();
        }
        for (std::size_t start = 0; start < job.originals.size(); start += kCopyChunk) {
            const std::size_t end = std::min(job.originals.size(), start + kCopyChunk);
            std::vector<std::shared_ptr<const std::string>> octets;
            for (std::size_t i = start; i < end; ++i)
                octets.push_back(job.originals[i].octets);
            job.tickets.push_back(m_backend->stage(std::move(octets)));
        }
    }
    return job;
}

StoreResult<CopyProgress> MailStore::continue_copy(PendingCopy& job, SessionId by, bool wait) {
    const std::size_t chunks = (job.originals.size() + kCopyChunk - 1) / kCopyChunk;
    if (m_backend == nullptr) {
        // Memory only: every chunk goes now, as one step.
        while (job.chunks_done < chunks) {
            if (auto added = add_chunk(job, by); !added) return added.error();
        }
        return CopyProgress::Finished;
    }
    if (job.chunks_done == chunks) return CopyProgress::Finished;
    auto written = m_backend->staged(job.tickets[job.chunks_done], wait);
    if (!written) return CopyProgress::Waiting;
    if (!written->ok()) return written->error();
    if (auto added = add_chunk(job, by); !added) return added.error();
    return job.chunks_done == chunks ? CopyProgress::Finished : CopyProgress::Advanced;
}

StoreResult<Done> MailStore::add_chunk(PendingCopy& job, SessionId by) {
    Mailbox* destination = find_mutable(job.to);
    if (destination == nullptr || !destination->selectable) {
        return store_error(StoreErrorKind::NoSuchMailbox,
                           "the destination mailbox was deleted while the messages were copied.");
    }
    const std::size_t start = job.chunks_done * kCopyChunk;
    const std::size_t end = std::min(job.originals.size(), start + kCopyChunk);
    if (destination->uidnext > std::numeric_limits<Uid>::max() - (end - start)) {
        return store_error(StoreErrorKind::LimitReached,
                           "the destination mailbox has too few UIDs left for this copy.");
    }
    std::vector<Message> copies;
    for (std::size_t i = start; i < end; ++i) {
        Message copy = job.originals[i];
        copy.uid = destination->uidnext++;
        assign_recent(*destination, copy);
        copies.push_back(std::move(copy));
    }
    if (m_backend != nullptr) {
        // Messages delivered since begin_copy() pushed these UIDs past the
        // UIDNEXT reserved then; the reservation grows first.
        if (auto reserved = m_backend->reserve_uids(*destination, destination->uidnext);
            !reserved) {
            return reserved.error();
        }
        std::vector<const Message*> pointers;
        for (const Message& copy : copies)
            pointers.push_back(&copy);
        // The UIDs are spent even if this fails: UIDs are never reused.
        if (auto saved =
                m_backend->save_staged(job.tickets[job.chunks_done], *destination, pointers);
            !saved) {
            return saved.error();
        }
    }
    std::vector<Uid> added;
    for (std::size_t i = 0; i < copies.size(); ++i) {
        Message& copy = copies[i];
        copy.modseq = m_log.last() + 1;
        record(Change{.by = by,
                      .kind = ChangeKind::Appended,
                      .mailbox = job.to,
                      .uid = copy.uid,
                      .flags = copy.flags,
                      .recent_session = copy.recent_session});
        job.result.source.push_back(job.originals[start + i].uid);
        job.result.destination.push_back(copy.uid);
        added.push_back(copy.uid);
        destination->messages.push_back(std::move(copy));
    }
    ++job.chunks_done;
    if (!job.move) return Done{};
    // A source deleted meanwhile has nothing left to remove.
    Mailbox* source = find_mutable(job.from);
    if (source == nullptr) return Done{};
    std::vector<Uid> moved(job.result.source.end() - static_cast<std::ptrdiff_t>(added.size()),
                           job.result.source.end());
    auto removed = remove_messages(*source, moved, by);
    if (!removed) {
        // Not in both mailboxes (RFC 6851 3.3): this chunk stays where it was.
        (void)remove_messages(*destination, added, by);
        job.result.source.resize(job.result.source.size() - added.size());
        job.result.destination.resize(job.result.destination.size() - added.size());
        return removed.error();
    }
    return Done{};
}

void MailStore::abandon_copy(PendingCopy& job, SessionId by) {
    if (m_backend != nullptr) {
        for (std::size_t i = job.chunks_done; i < job.tickets.size(); ++i)
            m_backend->drop_staged(job.tickets[i]);
    }
    job.tickets.clear();
    // RFC 3501 6.4.7: a COPY that fails leaves the destination as it was. A
    // MOVE keeps what moved: those messages are no longer in the source.
    if (!job.move && !job.result.destination.empty()) {
        if (Mailbox* destination = find_mutable(job.to)) {
            (void)remove_messages(*destination, job.result.destination, by);
        }
        job.result.source.clear();
        job.result.destination.clear();
    }
    job.chunks_done = (job.originals.size() + kCopyChunk - 1) / kCopyChunk;
}

StoreResult<CopyResult> MailStore::copy_to_end(MailboxId from, const std::vector<Uid>& uids,
                                               MailboxId to, bool move, SessionId by,
                                               Rights flag_rights) {
    auto job = begin_copy(from, uids, to, move, by, flag_rights);
    if (!job) return job.error();
    while (true) {
        auto progress = continue_copy(job.value(), by, true);
        if (!progress) {
            abandon_copy(job.value(), by);
            return progress.error();
        }
        if (progress.value() == CopyProgress::Finished) return std::move(job.value().result);
    }
}

}  // namespace mailscope::server
