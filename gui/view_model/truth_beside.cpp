#include "gui/view_model/truth_beside.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/core/ascii.hpp"

namespace mailscope::gui {

const StoreTruth* truth_beside(const StoreTruth* truth, std::string_view client_mailbox) {
    if (!truth || client_mailbox.empty()) return nullptr;
    const bool same =
        truth->mailbox == client_mailbox ||
        (ascii::iequals(truth->mailbox, "INBOX") && ascii::iequals(client_mailbox, "INBOX"));
    return same ? truth : nullptr;
}

const TruthRow* truth_row(const StoreTruth* truth, std::size_t index,
                          std::optional<std::uint32_t> known_uid) {
    if (!truth || index >= truth->rows.size()) return nullptr;
    const TruthRow& row = truth->rows[index];
    if (known_uid && *known_uid != row.uid) return nullptr;
    return &row;
}

bool imap_row_greyed(const MessageRow& row, const TruthRow* truth) {
    if (!truth || !truth->in_store) return false;
    return !row.uid || !row.flags_known || !row.size || !row.subject;
}

bool pop3_row_greyed(const MaildropRow& row, const TruthRow* truth) {
    return truth && truth->in_store && (!row.size || !row.uidl);
}

std::size_t pop3_row_count(const MaildropSnapshot& snapshot, const StoreTruth* truth) {
    // After QUIT the store no longer numbers the client's maildrop.
    if (!truth || snapshot.updated) return snapshot.messages.size();
    return std::max(snapshot.messages.size(), truth->rows.size());
}

std::string server_uidl(const StoreTruth& truth, const TruthRow& row) {
    return fmt::format("{}.{}", truth.uid_validity, row.uid);
}

MailboxShown imap_shown(const MailboxSnapshot& snapshot, const StoreTruth* truth) {
    MailboxShown shown{"imap", snapshot.messages.size(), 0};
    truth = truth_beside(truth, snapshot.mailbox);
    for (std::size_t i = 0; i < snapshot.messages.size(); ++i) {
        const MessageRow& row = snapshot.messages[i];
        if (imap_row_greyed(row, truth_row(truth, i, row.uid))) ++shown.greyed_rows;
    }
    if (truth) {
        shown.rows += truth->unannounced.size();
        shown.greyed_rows += truth->unannounced.size();
    }
    return shown;
}

MailboxShown pop3_shown(const MaildropSnapshot& snapshot, const StoreTruth* truth) {
    MailboxShown shown{"pop3", pop3_row_count(snapshot, truth), 0};
    const MaildropRow unknown;
    for (std::size_t i = 0; i < shown.rows; ++i) {
        const MaildropRow& row = i < snapshot.messages.size() ? snapshot.messages[i] : unknown;
        if (pop3_row_greyed(row, truth_row(truth, i, std::nullopt))) ++shown.greyed_rows;
    }
    return shown;
}

MailboxShown smtp_shown(const EnvelopeSnapshot& snapshot) {
    MailboxShown shown{"smtp", 0, 0};
    if (const Transaction* current = snapshot.current()) {
        // MAIL FROM, the recipients, DATA and the end.
        shown.rows = 3 + current->recipients.size();
    }
    return shown;
}

}  // namespace mailscope::gui
