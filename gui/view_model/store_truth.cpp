#include "gui/view_model/store_truth.hpp"

#include <algorithm>

#include "server_mock/imap_server_session.hpp"
#include "server_mock/pop3_server_session.hpp"
#include "sim/mime/header.hpp"
#include "sim/text/encoded_words.hpp"

namespace mailscope::gui {

namespace {

TruthRow row_of(const server::Message& message) {
    TruthRow row;
    row.uid = message.uid;
    row.flags = message.flags.names();
    row.size = message.size();
    if (message.octets) {
        const auto header = mime::parse_header_block(*message.octets, 0, 64);
        if (const auto* subject = mime::find_field(header.fields, "Subject"))
            row.subject = text::decode_header_value(subject->value).substr(0, 512);
    }
    return row;
}

}  // namespace

StoreTruth store_truth(const server::Mailbox& mailbox, std::string name,
                       const std::vector<server::Uid>& view) {
    StoreTruth truth;
    truth.mailbox = std::move(name);
    truth.uid_validity = mailbox.uidvalidity;
    truth.uid_next = mailbox.uidnext;
    truth.store_count = static_cast<std::uint32_t>(mailbox.messages.size());
    for (const server::Uid uid : view) {
        if (truth.rows.size() >= StoreTruth::max_rows) {
            ++truth.not_listed;
            continue;
        }
        if (const server::Message* message = mailbox.find(uid)) {
            truth.rows.push_back(row_of(*message));
        } else {
            truth.rows.push_back({uid, false, {}, 0, {}});
        }
    }
    // The client's view is in ascending UID order too, so what is past its
    // last UID is what it has not been told of.
    const server::Uid last_known = view.empty() ? 0 : view.back();
    for (const server::Message& message : mailbox.messages) {
        if (message.uid <= last_known) continue;
        if (truth.rows.size() + truth.unannounced.size() >= StoreTruth::max_rows) {
            ++truth.not_listed;
            continue;
        }
        truth.unannounced.push_back(row_of(message));
    }
    return truth;
}

StoreTruth maildrop_truth(const server::Mailbox& inbox) {
    std::vector<server::Uid> all;
    all.reserve(inbox.messages.size());
    for (const server::Message& message : inbox.messages)
        all.push_back(message.uid);
    return store_truth(inbox, inbox.name, all);
}

StoreTruth truth_of(const server::MailStore& store, const server::ServerSessionBase* session) {
    if (!session || session->user().empty()) return {};
    if (const auto* imap = dynamic_cast<const server::ImapServerSession*>(session)) {
        const server::Mailbox* mailbox = imap->selected();
        if (!mailbox) return {};
        return store_truth(*mailbox, store.visible_name(session->user(), *mailbox), imap->view());
    }
    if (dynamic_cast<const server::Pop3ServerSession*>(session)) {
        if (const server::Mailbox* inbox = store.inbox_of(session->user()))
            return maildrop_truth(*inbox);
    }
    return {};
}

void TruthHistory::record(std::size_t step, std::uint64_t trace_size, StoreTruth truth) {
    if (!m_entries.empty() && *m_entries.back().truth == truth) return;
    m_entries.push_back({step, trace_size, std::make_shared<const StoreTruth>(std::move(truth))});
}

void TruthHistory::keep_steps(std::size_t steps) {
    while (!m_entries.empty() && m_entries.back().step > steps)
        m_entries.pop_back();
}

const StoreTruth* TruthHistory::at(std::uint64_t cursor) const {
    // Taken with `trace_size` events: true from event trace_size - 1 on.
    const auto after = std::upper_bound(
        m_entries.begin(), m_entries.end(), cursor + 1,
        [](std::uint64_t end, const Entry& entry) { return end < entry.trace_size; });
    if (after == m_entries.begin()) return nullptr;
    const StoreTruth& truth = *(after - 1)->truth;
    return truth.mailbox.empty() ? nullptr : &truth;
}

}  // namespace mailscope::gui
