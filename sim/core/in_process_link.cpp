#include "sim/core/in_process_link.hpp"

#include <algorithm>
#include <utility>

namespace mailscope::sim {

InProcessLink::InProcessLink(transport::ConnectionHandler& server, transport::Micros start)
    : m_server(server), m_now(start) {}

void InProcessLink::open(bool implicit_tls) {
    if (m_open) return;
    m_open = true;
    m_tls = implicit_tls;
    m_server.on_open(m_now, implicit_tls);
    settle();
}

void InProcessLink::send(std::string_view bytes) {
    if (!m_open || m_server_closed || bytes.empty()) return;
    m_unread += bytes;
    settle();
}

void InProcessLink::close_client() {
    if (!m_open || m_server_closed) return;
    m_server.on_eof(m_now);
    m_server_closed = true;
}

std::string InProcessLink::receive() {
    settle();
    return std::exchange(m_inbox, {});
}

void InProcessLink::advance(transport::Micros micros) {
    const auto until = m_now + std::max<transport::Micros>(0, micros);
    while (!m_server_closed) {
        auto deadline = m_server.next_deadline();
        auto& output = m_server.output();
        std::optional<transport::Micros> next;
        if (deadline) next = *deadline;
        if (!output.empty() && output.front().not_before > m_now) {
            next = next ? std::min(*next, output.front().not_before) : output.front().not_before;
        }
        if (!next || *next > until) break;
        m_now = std::max(m_now, *next);
        if (deadline && *deadline <= m_now) m_server.on_timer(m_now);
        settle();
    }
    m_now = until;
    settle();
}

bool InProcessLink::advance_to_next_event() {
    if (m_server_closed) return false;
    auto deadline = m_server.next_deadline();
    auto& output = m_server.output();
    std::optional<transport::Micros> next = deadline;
    if (!output.empty() && output.front().not_before > m_now) {
        next = next ? std::min(*next, output.front().not_before) : output.front().not_before;
    }
    if (!next) return false;
    advance(*next - m_now);
    return true;
}

// Moves every chunk that is due into the client's inbox and carries out the
// server's requests (TLS upgrade, close) once its output has drained.
void InProcessLink::settle() {
    while (!m_server_closed) {
        // What the server has not taken (it pauses reading while a long
        // command runs) is offered again, as the TCP transport does.
        if (!m_unread.empty() && !m_server.reading_paused()) {
            const std::size_t taken = m_server.on_bytes(m_unread, m_now);
            m_unread.erase(0, std::min(taken, m_unread.size()));
        }
        auto& output = m_server.output();
        if (!output.empty()) {
            if (output.front().not_before > m_now) return;
            m_inbox += output.front().bytes;
            ++m_writes;
            output.pop_front();
            continue;
        }
        if (m_server.wants_tls_upgrade()) {
            m_server.tls_upgrade_started();
            m_tls = true;
            m_server.on_tls_started(m_now);
            continue;
        }
        if (m_server.wants_close()) {
            m_server_closed = true;
            return;
        }
        // A long command ready for its next step (a FETCH answered a chunk
        // at a time) goes on once its output has been taken, as over TCP.
        if (m_server.reading_paused()) {
            if (auto deadline = m_server.next_deadline(); deadline && *deadline <= m_now) {
                m_server.on_timer(m_now);
                continue;
            }
        }
        return;
    }
}

}  // namespace mailscope::sim
