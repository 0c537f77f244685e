// ServerSessionBase: what the IMAP, POP3 and SMTP sessions of the mock server
// keep alike behind the transport's interface: the shared store and
// configuration, the output queue, the clock, the TLS and close requests,
// and the user once logged in.
#pragma once

#include <optional>
#include <string>

#include "server_mock/mail_store.hpp"
#include "server_mock/server_config.hpp"
#include "sim/core/connection_handler.hpp"

namespace mailscope::server {

class ServerSessionBase : public transport::ConnectionHandler {
  public:
    ServerSessionBase(const ServerSessionBase&) = delete;
    ServerSessionBase& operator=(const ServerSessionBase&) = delete;

    transport::OutputQueue& output() override { return m_output; }
    bool wants_tls_upgrade() const override { return m_wants_tls; }
    void tls_upgrade_started() override { m_wants_tls = false; }
    bool wants_close() const override { return m_close; }

    // For views and tests.
    const std::string& user() const { return m_user; }
    bool tls_active() const { return m_tls; }

  protected:
    // `store` and `config` must outlive the session.
    ServerSessionBase(MailStore& store, const ServerConfig& config)
        : m_store(store), m_config(config) {}

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
};

}  // namespace mailscope::server
