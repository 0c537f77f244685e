// The client's view of its mailbox beside the store's truth: which store row
// stands for which of the client's messages, which cells the client has not
// learned (drawn greyed with the server's value), and what the mailbox panel
// shows in all, for --screen-json.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gui/view_model/envelope_snapshot.hpp"
#include "gui/view_model/mailbox_snapshot.hpp"
#include "gui/view_model/maildrop_snapshot.hpp"
#include "gui/view_model/store_truth.hpp"

namespace mailscope::gui {

// The truth when it is of the mailbox the client has selected (INBOX in any
// case, RFC 3501 5.1), else nullptr.
const StoreTruth* truth_beside(const StoreTruth* truth, std::string_view client_mailbox);

// The store's row for the client's message `index` + 1; nullptr when there
// is none or its UID is not the one the client knows.
const TruthRow* truth_row(const StoreTruth* truth, std::size_t index,
                          std::optional<std::uint32_t> known_uid);

// A cell the client has not learned and the store can fill.
bool imap_row_greyed(const MessageRow& row, const TruthRow* truth);
bool pop3_row_greyed(const MaildropRow& row, const TruthRow* truth);

// The maildrop's rows: what the client knows of, and the store's messages
// it has not been told of yet (before STAT or LIST).
std::size_t pop3_row_count(const MaildropSnapshot& snapshot, const StoreTruth* truth);

// POP3's unique-id as the mock server gives it: UIDVALIDITY.UID.
std::string server_uidl(const StoreTruth& truth, const TruthRow& row);

// What the mailbox panel shows: "imap", "pop3" or "smtp", its rows (messages,
// or an SMTP transaction's commands) and how many hold a greyed value.
struct MailboxShown {
    std::string view;
    std::size_t rows = 0;
    std::size_t greyed_rows = 0;
};

MailboxShown imap_shown(const MailboxSnapshot& snapshot, const StoreTruth* truth);
MailboxShown pop3_shown(const MaildropSnapshot& snapshot, const StoreTruth* truth);
MailboxShown smtp_shown(const EnvelopeSnapshot& snapshot);

}  // namespace mailscope::gui
