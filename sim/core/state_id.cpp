#include "sim/core/state_id.hpp"

namespace mailscope::sim {

std::string_view StateId::name() const {
    switch (m_protocol) {
        case Protocol::Imap:
            return imap::state_name(static_cast<imap::State>(m_index));
        case Protocol::Pop3:
            return pop3::state_name(static_cast<pop3::State>(m_index));
        case Protocol::Smtp:
            return smtp::state_name(static_cast<smtp::State>(m_index));
    }
    return "?";
}

std::string_view StateId::section() const {
    switch (m_protocol) {
        case Protocol::Imap:
            return imap::state_section(static_cast<imap::State>(m_index));
        case Protocol::Pop3:
            return pop3::state_section(static_cast<pop3::State>(m_index));
        case Protocol::Smtp:
            return smtp::state_section(static_cast<smtp::State>(m_index));
    }
    return {};
}

}  // namespace mailscope::sim
