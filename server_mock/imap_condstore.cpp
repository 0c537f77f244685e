// CONDSTORE (RFC 7162 3.1): which commands make a client CONDSTORE-aware,
// and what such a client is told that others are not.
#include <algorithm>

#include "server_mock/imap_server_session.hpp"
#include "sim/core/ascii.hpp"
#include "sim/imap/extended_forms.hpp"

namespace mailscope::server {

using imap::Command;
using imap::Verb;

void ImapServerSession::note_condstore_enabling(const Command& command) {
    if (m_condstore_aware || !m_config.capabilities.condstore) return;
    // The CONDSTORE forms of SELECT, STATUS, FETCH, STORE and SEARCH are
    // the enabling commands, with ENABLE CONDSTORE.
    const auto forms = imap::extended_forms(command);
    bool enabling = std::any_of(forms.begin(), forms.end(), [](const imap::ExtendedForm& form) {
        return form.extension.capability == "CONDSTORE";
    });
    if (const auto* enable = std::get_if<imap::EnableArgs>(&command.typed)) {
        enabling =
            std::any_of(enable->capabilities.begin(), enable->capabilities.end(),
                        [](const std::string& name) { return ascii::iequals(name, "CONDSTORE"); });
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

}  // namespace mailscope::server
