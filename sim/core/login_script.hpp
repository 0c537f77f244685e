// LoginScript: what a client does by itself between opening the connection
// and the first line a person types, in any protocol. It waits for the
// greeting, upgrades to TLS when asked (after learning that the server offers
// it: IMAP's CAPABILITY, POP3's CAPA, SMTP's EHLO), then logs in with the
// user's password (IMAP LOGIN, POP3 USER and PASS, SMTP AUTH PLAIN) or with
// an OAuth 2.0 token (XOAUTH2 or OAUTHBEARER, sim/core/oauth_sasl.hpp).
//
// Sans-I/O like the engine it drives: each protocol's script (imap::,
// pop3::, smtp::LoginDriver) submits commands to a client-role engine and
// tells the caller when the transport must start TLS; the caller moves the
// bytes. The notes it leaves in the trace (connected, TLS established,
// certificate verified or NOT) are the same for every protocol and caller.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/engine.hpp"
#include "sim/core/oauth_sasl.hpp"

namespace mailscope::sim {

struct LoginPlan {
    std::string host;  // for the notes and the sentences
    std::uint16_t port = 0;
    bool starttls = false;                // ask what the server offers, upgrade, then log in
    std::string user;                     // empty: no login, the person logs in by hand
    std::optional<std::string> password;  // absent: no login either, unless a token
    // A bearer token: the script logs in with XOAUTH2 or OAUTHBEARER instead
    // of the password; `oauth_mechanism` absent: the one the server offers
    // (OAUTHBEARER first, the standard one).
    std::optional<std::string> oauth_token;
    std::optional<OAuthMechanism> oauth_mechanism;
    // The password may go out without TLS (a loopback host, or the user insisted).
    bool plaintext_login_allowed = false;
    bool insecure = false;  // the certificate is not verified: every TLS note says so
    // IMAP: tags of the script's own commands; empty: the engine's next_tag().
    std::function<std::string()> next_tag;
};

// What the transport reports once a TLS handshake is complete.
struct TlsReport {
    std::string description;     // "TLSv1.3 TLS_AES_256_GCM_SHA384"
    std::string verify_failure;  // with `insecure`: why verification would have failed
};

enum class LoginPhase : std::uint8_t {
    Connecting,    // start() not called yet
    Greeting,      // waiting for the server's first line
    Capability,    // asked what the server offers (CAPABILITY, CAPA, EHLO)
    StartTls,      // STARTTLS or STLS sent
    TlsHandshake,  // take_tls_request() said so: the transport is upgrading
    Login,         // the credentials went out
    Ready,         // the person's turn (logged in, refused, or no login planned)
    Rejected,      // the greeting refused the session: the server closes the connection
    Failed,        // see failure(); the caller closes the connection
};

// The trace note of an established TLS session, the same in every tool.
Said tls_established_note(const TlsReport& report, bool insecure, std::string_view host);

class LoginScript {
  public:
    virtual ~LoginScript() = default;
    LoginScript(const LoginScript&) = delete;
    LoginScript& operator=(const LoginScript&) = delete;

    // The connection is open; `implicit_tls` when TLS came with it (imaps://).
    void start(const std::optional<TlsReport>& implicit_tls, std::int64_t time_us = 0);
    // True once after the server agreed to STARTTLS or STLS: start the
    // handshake before writing anything else, then call on_tls_established().
    bool take_tls_request();
    void on_tls_established(const TlsReport& report, std::int64_t time_us = 0);

    LoginPhase phase() const { return m_phase; }
    bool ready() const { return m_phase == LoginPhase::Ready; }
    bool tls_active() const { return m_tls; }
    bool login_refused() const { return m_login_refused; }
    // Why phase() is Failed: one sentence, no trailing period.
    const Said& failure() const { return m_failure; }
    const LoginPlan& plan() const { return m_plan; }
    // May credentials cross the wire now: over TLS, or as the plan allows.
    bool credentials_safe() const { return m_tls || m_plan.plaintext_login_allowed; }

  protected:
    LoginScript(Engine& engine, LoginPlan plan) : m_engine(engine), m_plan(std::move(plan)) {}

    // The TLS the script asked for is up.
    virtual void after_handshake(std::int64_t time_us) = 0;

    // The server agreed to an upgrade; phase() becomes TlsHandshake unless
    // the person asked for it (`typed`).
    void request_tls(bool typed = false);
    void fail(Said reason);
    // "logging in to HOST would send the password in clear", when it would.
    bool refuse_clear_text_password();
    // A user and a password or a token: the script logs in by itself.
    bool has_credentials() const;
    // Starts a token login with the mechanism to use given what the server
    // lists (`listed_in`: CAPABILITY, CAPA, EHLO); false, and failed, when
    // it offers none.
    bool begin_token_login(bool offers_oauthbearer, bool offers_xoauth2,
                           std::string_view listed_in);
    // The mechanism begin_token_login() chose; none before, or for a password.
    const std::optional<OAuthMechanism>& token_mechanism() const { return m_token_mechanism; }
    // The token message as the command's initial response (IMAP SASL-IR):
    // the server's first challenge is then the error challenge.
    std::string token_initial_response();
    // POP3 and SMTP: "AUTH MECHANISM [initial response]"; the response goes
    // on the line only if the line with its CRLF stays within `max_line`
    // octets (RFC 5034 4, RFC 4954 4), otherwise after the empty challenge.
    std::string token_auth_line(std::size_t max_line);
    // What answers a server challenge in the token exchange, without a line
    // end: the token after the empty challenge; after the token, the dummy
    // answer to the error challenge (its decoded content noted in the
    // trace), and "*" (cancel) to any further one (RFC 7628 3.2.3).
    std::string answer_token_challenge(std::string_view challenge, std::int64_t time_us);

    Engine& m_engine;
    LoginPlan m_plan;
    LoginPhase m_phase = LoginPhase::Connecting;
    bool m_login_refused = false;

  private:
    std::string token_message() const;

    bool m_tls = false;
    bool m_tls_requested = false;
    Said m_failure;
    std::optional<OAuthMechanism> m_token_mechanism;
    bool m_token_sent = false;  // the token went out: a challenge now is the error challenge
    bool m_challenge_answered = false;
};

}  // namespace mailscope::sim
