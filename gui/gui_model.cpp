#include "gui/gui_model.hpp"

namespace mailscope::gui {

void GuiModel::sync() {
    m_index.sync(*m_trace);
    m_display.sync(*m_trace);
    m_states.sync(*m_trace);
    m_mailbox.sync(*m_trace);
}

bool GuiModel::mailbox_empty() {
    const sim::SessionTrace& trace = *m_trace;
    switch (trace.protocol()) {
        case sim::Protocol::Pop3: {
            // Logged in, the store's maildrop shows even before STAT.
            const bool truth = store_truth && !trace.empty() && store_truth->at(trace.size() - 1);
            return !truth && m_maildrop.latest(trace).messages.empty();
        }
        case sim::Protocol::Smtp:
            return m_envelopes.latest(trace).transactions.empty();
        case sim::Protocol::Imap:
            break;
    }
    const MailboxSnapshot& learned = m_mailbox.latest();
    return learned.mailbox.empty() && learned.messages.empty() && learned.folders.empty();
}

}  // namespace mailscope::gui
