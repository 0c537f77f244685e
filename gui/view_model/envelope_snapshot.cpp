#include "gui/view_model/envelope_snapshot.hpp"

#include <string_view>

#include "sim/smtp/command.hpp"
#include "sim/smtp/states.hpp"

namespace mailscope::gui {

namespace {

std::string_view smtp_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    return line;
}

Transaction* open_transaction(EnvelopeSnapshot& snapshot) {
    if (snapshot.transactions.empty() || snapshot.transactions.back().end != TransactionEnd::Open)
        return nullptr;
    return &snapshot.transactions.back();
}

void close_open(EnvelopeSnapshot& snapshot, TransactionEnd end) {
    if (Transaction* open = open_transaction(snapshot)) {
        open->end = end;
        snapshot.changed = true;
    }
}

std::string path_of(const smtp::Command& command) {
    return command.path ? command.path->mailbox().substr(0, 256) : std::string();
}

// The reply's command, when the event is a reply linked to one.
std::optional<smtp::Command> answered(const sim::TraceEvent& event,
                                      const sim::SessionTrace& trace) {
    if (event.link != sim::Link::Answers || !event.link_seq || !trace.holds(*event.link_seq))
        return std::nullopt;
    const sim::TraceEvent& asked = trace.at(*event.link_seq);
    if (asked.kind != sim::EventKind::Command) return std::nullopt;
    return smtp::parse_command(smtp_line(asked.raw)).command;
}

void fold_reply(EnvelopeSnapshot& snapshot, const smtp::Command& command, std::uint16_t code) {
    Transaction* open = open_transaction(snapshot);
    const bool positive = code >= 200 && code < 400;
    switch (command.verb) {
        case smtp::Verb::Mail: {
            if (snapshot.transactions.size() >= EnvelopeSnapshot::max_transactions) {
                snapshot.transactions.erase(snapshot.transactions.begin());
                ++snapshot.dropped;
            }
            Transaction transaction;
            transaction.mail_from = {path_of(command), code};
            if (!positive) transaction.end = TransactionEnd::Refused;
            snapshot.transactions.push_back(std::move(transaction));
            break;
        }
        case smtp::Verb::Rcpt:
            if (!open) return;
            if (open->recipients.size() < Transaction::max_recipients) {
                open->recipients.push_back({path_of(command), code});
            } else {
                ++open->recipients_not_listed;
            }
            break;
        case smtp::Verb::Data:
            if (!open) return;
            if (!open->data_code) {
                open->data_code = code;
                if (!positive) open->end = TransactionEnd::Refused;
            } else {
                open->final_code = code;
                open->end = positive ? TransactionEnd::Queued : TransactionEnd::Refused;
            }
            break;
        case smtp::Verb::Rset:
            if (!positive) return;
            close_open(snapshot, TransactionEnd::Reset);
            break;
        case smtp::Verb::Quit:
            close_open(snapshot, TransactionEnd::Aborted);
            break;
        default:
            return;
    }
    snapshot.changed = true;
}

}  // namespace

const Transaction* EnvelopeSnapshot::current() const {
    return transactions.empty() ? nullptr : &transactions.back();
}

void fold_envelope(EnvelopeSnapshot& snapshot, const sim::TraceEvent& event,
                   const sim::SessionTrace& trace) {
    snapshot.changed = false;
    switch (event.kind) {
        case sim::EventKind::Literal:
            // The message content, linked to its DATA command.
            if (event.dir != sim::Direction::ClientToServer || !event.literal) return;
            if (Transaction* open = open_transaction(snapshot)) {
                open->data_octets = event.literal->size;
                snapshot.changed = true;
            }
            return;
        case sim::EventKind::Untagged:
        case sim::EventKind::Continuation:
        case sim::EventKind::Tagged:
            // 354 to DATA is a continuation; a 421 may answer nothing.
            if (!event.reply_code || event.dir != sim::Direction::ServerToClient) return;
            if (const auto command = answered(event, trace)) {
                fold_reply(snapshot, *command, event.reply_code);
            } else if (event.reply_code == 421) {
                // The server closes the session (RFC 5321 3.8).
                close_open(snapshot, TransactionEnd::Aborted);
            }
            return;
        case sim::EventKind::StateTransition:
            if (event.transition && (event.transition->to == sim::StateId(smtp::State::Quit) ||
                                     event.transition->to == sim::StateId(smtp::State::Closed)))
                close_open(snapshot, TransactionEnd::Aborted);
            return;
        default:
            return;
    }
}

}  // namespace mailscope::gui
