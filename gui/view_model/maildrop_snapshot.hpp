// MaildropSnapshot: a POP3 maildrop as the client knows it at one moment,
// folded from its commands and the replies linked to them (RFC 1939 5, 7):
// STAT gives the count and total size, LIST each message's size, UIDL its
// unique id, DELE marks a message, RSET unmarks them all, RETR and TOP
// bring it, and a QUIT answered +OK in TRANSACTION removes the marked ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gui/view_model/fold_timeline.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::gui {

struct MaildropRow {
    std::optional<std::uint64_t> size;  // from LIST
    std::optional<std::string> uidl;    // from UIDL
    bool deleted = false;               // DELE answered +OK, not undone by RSET
    bool retrieved = false;             // RETR or TOP answered +OK
};

struct MaildropSnapshot {
    // A STAT or LIST may name more messages; past this they are counted
    // but not listed.
    static constexpr std::uint32_t max_rows = 2000;

    // STAT's first number, or what a full LIST listed: the messages not marked.
    std::optional<std::uint32_t> count;
    std::optional<std::uint64_t> total_size;  // STAT's second number
    std::vector<MaildropRow> messages;        // messages[i] is message number i + 1
    std::vector<std::uint32_t> changed;       // numbers the last folded event touched
    bool updated = false;                     // QUIT +OK: the server removed the marked ones

    std::uint32_t deleted_count() const;
};

// Applies one event; `trace` holds the command a reply answers.
void fold_maildrop(MaildropSnapshot& snapshot, const sim::TraceEvent& event,
                   const sim::SessionTrace& trace);

using MaildropTimeline = FoldTimeline<MaildropSnapshot, fold_maildrop>;

}  // namespace mailscope::gui
