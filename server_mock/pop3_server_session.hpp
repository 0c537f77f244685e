// Pop3ServerSession: one POP3 connection of the mock server (RFC 1939, RFC
// 2449 CAPA and response codes, RFC 2595 STLS, RFC 5034 AUTH PLAIN).
//
// The user's INBOX on the shared MailStore is the maildrop. At login the
// session locks it (a second POP3 session of the same user gets
// -ERR [IN-USE], RFC 2449 8.1.1) and takes a snapshot: message numbers and
// sizes stay fixed for the session (RFC 1939 5). DELE only marks; QUIT from
// TRANSACTION sets \Deleted on exactly the marked messages and expunges them
// through the store, so IMAP sessions see EXPUNGE; a connection that ends
// any other way deletes nothing (RFC 1939 6).
//
// Choices where the RFC leaves room: USER answers +OK for any name (the
// failure comes at PASS, so names cannot be probed); RETR sets \Seen, as
// Dovecot does; LAST (RFC 1725, removed by RFC 1939) is answered -ERR with
// the reason; the autologout timer closes without a reply (RFC 1939 3).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server_mock/server_session_base.hpp"
#include "sim/core/oauth_sasl.hpp"
#include "sim/core/trace.hpp"
#include "sim/pop3/session.hpp"

namespace mailscope::server {

class Pop3ServerSession : public ServerSessionBase {
  public:
    // `store`, `config` and `trace` must outlive the session.
    Pop3ServerSession(MailStore& store, const ServerConfig& config, sim::SessionTrace& trace);
    ~Pop3ServerSession() override;

    void on_open(transport::Micros now, bool tls) override;
    void on_timer(transport::Micros now) override;
    void on_server_shutdown(transport::Micros now) override;

    std::optional<transport::Micros> next_deadline() const override;

    // For views and tests.
    const pop3::Pop3Session& engine() const { return m_pop; }
    const std::string& apop_timestamp() const { return m_timestamp; }

  private:
    // --- ServerSessionBase --------------------------------------------------
    sim::Engine& wire_engine() override { return m_pop; }
    void process_inputs() override;
    void connection_ended() override { finish(); }
    void close_overloaded(std::string_view reason) override;

    // One message of the maildrop as it was at login.
    struct Entry {
        Uid uid = 0;
        std::shared_ptr<const std::string> octets;
        std::uint64_t size = 0;  // octets as sent, CRLF line ends
        bool deleted = false;
    };

    // --- driving ----------------------------------------------------------
    void on_input(pop3::ServerInput& input);
    void dispatch(const pop3::Command& command);
    void send(const pop3::Reply& reply);
    void ok(std::string text, std::string code = {});
    void err(std::string text, std::string code = {});
    void flush();
    void close_without_reply(sim::Said why);
    void finish();
    std::vector<std::string> capabilities() const;
    void cmd_capa(const pop3::Command& command);
    void cmd_noop(const pop3::Command& command);
    void cmd_last(const pop3::Command& command);

    // --- authorization (pop3_auth.cpp) ----------------------------------------
    void cmd_user(const pop3::Command& command);
    void cmd_pass(const pop3::Command& command);
    void cmd_apop(const pop3::Command& command);
    void cmd_auth(const pop3::Command& command);
    void cmd_stls(const pop3::Command& command);
    bool plaintext_refused() const;
    void refuse_plaintext(std::string_view what);
    void on_sasl_line(const pop3::SaslReceived& line);
    void sasl_plain(std::string_view base64);
    void sasl_bearer(sim::OAuthMechanism mechanism, std::string_view base64);
    void log_in(const std::string& user, std::string_view how);

    // --- the maildrop (pop3_maildrop_commands.cpp) ------------------------------
    void cmd_stat(const pop3::Command& command);
    void cmd_list(const pop3::Command& command);  // and UIDL
    void cmd_retr(const pop3::Command& command);
    void cmd_top(const pop3::Command& command);
    void cmd_dele(const pop3::Command& command);
    void cmd_rset(const pop3::Command& command);
    void cmd_quit(const pop3::Command& command);
    // The message a number names, or nothing after answering -ERR.
    Entry* message(const std::string& number);
    std::string unique_id(const Entry& entry) const;
    // The data of message `number` as sent: NUL octets become 0x80 and the
    // trace says so.
    std::string without_nul(std::string data, const std::string& number);
    std::string maildrop_summary() const;

    pop3::Pop3Session m_pop;
    SessionId m_session = kNoSession;
    std::string m_timestamp;
    std::string m_user_named;  // from USER, waiting for PASS
    // The AUTH exchange waiting for the client's next line.
    struct Sasl {
        std::optional<sim::OAuthMechanism> bearer;  // else PLAIN
        bool refused = false;  // the bearer token was refused: the next line ends it
    };
    std::optional<Sasl> m_sasl;

    MailboxId m_inbox = 0;
    std::uint32_t m_uidvalidity = 0;
    std::vector<Entry> m_maildrop;
};

// For `mailscope serve`, the lab and the lessons: a session behind the
// transport interface.
std::unique_ptr<transport::ConnectionHandler> make_pop3_session(MailStore& store,
                                                                const ServerConfig& config,
                                                                sim::SessionTrace& trace);

}  // namespace mailscope::server
