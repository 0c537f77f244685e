// EnvelopeSnapshot: the SMTP mail transactions of a session as the client
// knows them at one moment (RFC 5321 3.3), folded from its commands and the
// replies linked to them: MAIL FROM opens one, each RCPT TO adds a recipient,
// DATA and its content carry the message, and the reply after the content
// (or a RSET, a refused MAIL, the end of the session) closes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gui/view_model/fold_timeline.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::gui {

// A command of the envelope and what the server said to it; no code yet
// while the reply has not come.
struct EnvelopeStep {
    std::string path;  // the address between < >, empty for the null path "<>"
    std::uint16_t code = 0;
    bool accepted() const { return code >= 200 && code < 400; }
};

enum class TransactionEnd : std::uint8_t {
    Open,     // still going
    Queued,   // 250 after the content: the server took the message
    Refused,  // 4xx or 5xx after the content, or to MAIL FROM
    Reset,    // RSET
    Aborted,  // the session ended (QUIT, a lost connection) before the message was queued
};

struct Transaction {
    static constexpr std::size_t max_recipients = 200;

    EnvelopeStep mail_from;
    std::vector<EnvelopeStep> recipients;
    std::size_t recipients_not_listed = 0;
    std::optional<std::uint16_t> data_code;    // the reply to DATA itself: 354 or a refusal
    std::optional<std::uint64_t> data_octets;  // the content, without the final "."
    std::uint16_t final_code = 0;              // the reply after the content
    TransactionEnd end = TransactionEnd::Open;
};

struct EnvelopeSnapshot {
    // The oldest transactions are dropped past this; the count keeps going.
    static constexpr std::size_t max_transactions = 100;

    std::vector<Transaction> transactions;  // oldest first; the last may be open
    std::size_t dropped = 0;
    bool changed = false;  // the last folded event touched the last transaction

    const Transaction* current() const;
};

// Applies one event; `trace` holds the command a reply answers.
void fold_envelope(EnvelopeSnapshot& snapshot, const sim::TraceEvent& event,
                   const sim::SessionTrace& trace);

using EnvelopeTimeline = FoldTimeline<EnvelopeSnapshot, fold_envelope>;

}  // namespace mailscope::gui
