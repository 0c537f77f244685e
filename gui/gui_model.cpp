#include "gui/gui_model.hpp"

namespace mailscope::gui {

void GuiModel::sync() {
    m_index.sync(*m_trace);
    m_display.sync(*m_trace);
    m_states.sync(*m_trace);
    m_mailbox.sync(*m_trace);
}

}  // namespace mailscope::gui
