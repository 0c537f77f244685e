// SmtpServerSession: one SMTP connection of the mock server.
//
// It turns what the SMTP engine (sim/smtp/session.hpp, server role) hears
// into replies and local deliveries, and implements the transport contract
// (connection_handler.hpp) like ImapServerSession, so it runs over the
// in-process link of a lesson or a real TCP/TLS socket.
//
// Mail is accepted only for local users (smtp_delivery.hpp): this server is
// the last hop, never a relay. A message reaches every recipient's INBOX or
// none, and the IMAP sessions watching an INBOX learn of it from the store's
// change log like any other new message.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server_mock/server_session_base.hpp"
#include "server_mock/smtp_delivery.hpp"
#include "sim/core/oauth_sasl.hpp"
#include "sim/core/trace.hpp"
#include "sim/smtp/session.hpp"

namespace mailscope::server {

class SmtpServerSession : public ServerSessionBase {
  public:
    // `store`, `config` and `trace` must outlive the session.
    SmtpServerSession(MailStore& store, const ServerConfig& config, sim::SessionTrace& trace);

    void on_open(transport::Micros now, bool tls) override;
    void on_timer(transport::Micros now) override;
    void on_server_shutdown(transport::Micros now) override;

    std::optional<transport::Micros> next_deadline() const override;

    // For views and tests.
    const smtp::SmtpSession& engine() const { return m_smtp; }
    std::size_t delivered() const { return m_delivered; }

  private:
    // --- ServerSessionBase --------------------------------------------------
    sim::Engine& wire_engine() override { return m_smtp; }
    void process_inputs() override;
    void read_ahead(std::uint64_t octets) override;
    void connection_ended() override;
    void close_overloaded(std::string_view reason) override;

    struct Transaction {
        std::string reverse_path;
        Envelope envelope;
        std::size_t accepted = 0;  // RCPT replies 250, duplicates included
    };
    struct Sasl {
        std::string mechanism;
        int step = 0;
        std::string user;  // LOGIN: the name from the first step
    };

    void on_input(smtp::ServerInput& input);
    void execute(const smtp::Command& command);
    void cmd_ehlo(const smtp::Command& command);
    void cmd_mail(const smtp::Command& command);
    void cmd_rcpt(const smtp::Command& command);
    void cmd_data(const smtp::Command& command);
    void cmd_rset(const smtp::Command& command);
    void cmd_noop(const smtp::Command& command);
    void cmd_vrfy(const smtp::Command& command);
    void cmd_expn(const smtp::Command& command);
    void cmd_help(const smtp::Command& command);
    void cmd_quit(const smtp::Command& command);
    void cmd_starttls(const smtp::Command& command);
    void cmd_auth(const smtp::Command& command);
    void on_sasl_line(const smtp::SaslReceived& line);
    void bearer_step(sim::OAuthMechanism mechanism, std::string_view base64);
    void check_credentials(const std::string& user, const std::string& password);
    void on_message(smtp::MessageReceived& message);
    void reply(int code, std::string_view enhanced, std::string_view text);
    void reset_transaction();
    void close_with(int code, std::string_view enhanced, std::string_view text);
    void flush();
    std::vector<std::string> extensions() const;
    std::string out_of_order(const smtp::Command& command) const;

    smtp::SmtpSession m_smtp;
    bool m_extended = false;  // EHLO (not HELO) greeted
    std::string m_client_domain;
    std::optional<Sasl> m_sasl;
    std::optional<Transaction> m_transaction;
    std::size_t m_delivered = 0;
};

// For `mailscope serve` and the lab: a session behind the transport interface.
std::unique_ptr<transport::ConnectionHandler> make_smtp_session(MailStore& store,
                                                                const ServerConfig& config,
                                                                sim::SessionTrace& trace);

}  // namespace mailscope::server
