// ServerSessionBase: what the IMAP, POP3 and SMTP sessions of the mock server
// keep alike behind the transport's interface: the shared store and
// configuration, the output queue, the clock, the TLS and close requests,
// the user once logged in, and the way the client's bytes reach the engine
// (one line at a time, answering in between).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server_mock/mail_store.hpp"
#include "server_mock/server_config.hpp"
#include "sim/core/catalogue.hpp"
#include "sim/core/connection_handler.hpp"
#include "sim/core/engine.hpp"

namespace mailscope::server {

// What a protocol's session says where the three say the same thing in
// their own RFC's words.
struct TlsSentences {
    // Why octets sent after the STARTTLS (STLS) command are dropped unread.
    sim::Phrase plaintext_dropped;
    // What the client must do once TLS is on.
    sim::Phrase tls_started;
};

class ServerSessionBase : public transport::ConnectionHandler {
  public:
    ServerSessionBase(const ServerSessionBase&) = delete;
    ServerSessionBase& operator=(const ServerSessionBase&) = delete;

    std::size_t on_bytes(std::string_view bytes, transport::Micros now) final;
    void on_eof(transport::Micros now) final;
    void on_tls_started(transport::Micros now) final;
    void on_overload(transport::Micros now, std::string_view reason) final;

    transport::OutputQueue& output() override { return m_output; }
    bool wants_tls_upgrade() const override { return m_wants_tls; }
    void tls_upgrade_started() override { m_wants_tls = false; }
    bool wants_close() const override { return m_close; }

    // For views and tests.
    const std::string& user() const { return m_user; }
    bool tls_active() const { return m_tls; }

  protected:
    // `store` and `config` must outlive the session.
    ServerSessionBase(MailStore& store, const ServerConfig& config, TlsSentences sentences)
        : m_store(store), m_config(config), m_sentences(sentences) {}

    // The session's engine in the server role.
    virtual sim::Engine& wire_engine() = 0;
    // Acts on what the engine has read, and queues the answers.
    virtual void process_inputs() = 0;
    // The client has sent `octets` more after the line the engine reads
    // next: sent before any answer to it.
    virtual void read_ahead(std::uint64_t /*octets*/) {}
    // What the client sends from now on is dropped unread.
    virtual bool discards_input() const { return false; }
    // The connection has ended, by the client or broken.
    virtual void connection_ended() {}
    // The client did not read its answers: say why, where the protocol can,
    // and close.
    virtual void close_overloaded(std::string_view reason) = 0;

    // When an open session with nothing in progress times out: `idle_limit`
    // after the client last spoke.
    std::optional<transport::Micros> idle_deadline(transport::Micros idle_limit) const {
        if (m_close || !m_open) return std::nullopt;
        return m_last_activity + idle_limit;
    }

    MailStore& m_store;
    const ServerConfig& m_config;
    transport::OutputQueue m_output;
    transport::Micros m_now = 0;
    transport::Micros m_last_activity = 0;
    bool m_open = false;
    bool m_tls = false;
    bool m_wants_tls = false;
    bool m_close = false;
    std::string m_user;

  private:
    TlsSentences m_sentences;
};

}  // namespace mailscope::server
