#include "sim/imap/event_data.hpp"

#include <variant>
#include <vector>

#include "sim/imap/syntax.hpp"

namespace mailscope::imap {

namespace {

sim::MessageFacts message_facts(const std::vector<FetchItem>& items) {
    sim::MessageFacts facts;
    for (const FetchItem& item : items) {
        switch (item.kind) {
            case FetchAtt::Kind::Uid:
                facts.uid = item.number;
                break;
            case FetchAtt::Kind::Flags:
                facts.flags = item.flags;
                break;
            case FetchAtt::Kind::Rfc822Size:
                facts.size = item.number;
                break;
            case FetchAtt::Kind::Envelope:
                if (item.envelope) facts.subject = item.envelope->subject;
                break;
            case FetchAtt::Kind::ModSeq:
                facts.modseq = item.modseq;
                break;
            default:
                break;
        }
    }
    return facts;
}

}  // namespace

std::string mailbox_named(const Command& command) {
    if (const auto* mailbox = std::get_if<MailboxArgs>(&command.typed)) return mailbox->mailbox;
    if (const auto* status = std::get_if<StatusArgs>(&command.typed)) return status->mailbox;
    if (const auto* append = std::get_if<AppendArgs>(&command.typed)) return append->mailbox;
    if (const auto* acl = std::get_if<AclArgs>(&command.typed)) return acl->mailbox;
    return {};
}

void add_response_data(sim::TraceEvent& event, const Response& response) {
    event.number = response.number;
    if (response.code) {
        event.code = response.code->name;
        write_nodes(event.code, response.code->args);
        event.code_number = response.code->number;
        if (response.code->name == "HIGHESTMODSEQ") event.code_modseq = response.code->modseq;
    }
    if (response.list) {
        event.mailbox = response.list->mailbox;
        event.listed = sim::ListedMailbox{response.list->delimiter, response.list->attributes};
    }
    if (response.status_data) event.mailbox = response.status_data->mailbox;
    if (response.acl) event.mailbox = response.acl->mailbox;
    if (response.name == "FETCH") event.message = message_facts(response.fetch);
}

}  // namespace mailscope::imap
