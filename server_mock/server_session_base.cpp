#include "server_mock/server_session_base.hpp"

#include <fmt/format.h>

namespace mailscope::server {

std::size_t ServerSessionBase::on_bytes(std::string_view bytes, transport::Micros now) {
    m_now = now;
    const std::size_t offered = bytes.size();
    if (m_close || discards_input() || !m_open) return offered;
    // One line at a time, answering in between: pipelined commands are
    // answered in order and never pile up in the engine (the engine's limit
    // of outstanding commands holds), a STARTTLS answer is written before
    // anything that followed it is read, and the rest waits while the client
    // has not read the answers or while reading is paused.
    while (!bytes.empty() && !m_close && !reading_paused() && !m_output.full()) {
        const auto end = bytes.find('\n');
        const std::size_t take = end == std::string_view::npos ? bytes.size() : end + 1;
        read_ahead(bytes.size() - take);
        wire_engine().receive(bytes.substr(0, take), now);
        bytes.remove_prefix(take);
        // Idle time counts from the last complete line, so a client that
        // trickles octets without ever ending a line is still logged out.
        if (end != std::string_view::npos) m_last_activity = now;
        process_inputs();
        if (m_wants_tls && !bytes.empty()) {
            // Plaintext after STARTTLS could have been injected.
            read_ahead(0);
            wire_engine().note(sim::Direction::ClientToServer,
                               sim::say(m_sentences.plaintext_dropped), now);
            return offered;
        }
    }
    read_ahead(0);
    if (m_close || discards_input()) return offered;
    return offered - bytes.size();
}

void ServerSessionBase::on_eof(transport::Micros now) {
    m_now = now;
    if (!wire_engine().closed()) wire_engine().feed_eof(sim::Direction::ClientToServer, now);
    m_close = true;
    connection_ended();
}

void ServerSessionBase::on_tls_started(transport::Micros now) {
    m_now = now;
    m_tls = true;
    wire_engine().note(sim::Direction::ServerToClient, sim::say(m_sentences.tls_started), now);
}

void ServerSessionBase::on_overload(transport::Micros now, std::string_view reason) {
    m_now = now;
    if (m_close) return;
    wire_engine().note(sim::Direction::ServerToClient,
                       sim::say(sim::Phrase::ServerDroppedUnreadOutput, reason), now);
    close_overloaded(reason);
}

}  // namespace mailscope::server
