// LoginDriver: what an IMAP client does by itself between opening the
// connection and the first command a person types. It waits for the
// greeting, upgrades with STARTTLS when asked (CAPABILITY first, to see that
// the server offers it), then says LOGIN with the user's password.
//
// Sans-I/O like the engine it drives: it submits commands to a client-role
// ImapSession and tells the caller when the transport must start TLS; the
// caller moves the bytes (`mailscope connect` and the GUI's live session
// both do, over net/'s NetClient). The notes it leaves in the
// trace (connected, TLS established, certificate verified or NOT) are the
// same for every caller.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sim/imap/response.hpp"
#include "sim/imap/session.hpp"

namespace mailscope::imap {

struct LoginPlan {
    std::string host;  // for the notes and the sentences
    std::uint16_t port = 0;
    bool starttls = false;                // CAPABILITY, STARTTLS, the handshake, then anything else
    std::string user;                     // empty: no LOGIN, the person logs in by hand
    std::optional<std::string> password;  // absent: no LOGIN either
    // LOGIN may go out without TLS (a loopback host, or the user insisted).
    bool plaintext_login_allowed = false;
    bool insecure = false;  // the certificate is not verified: every TLS note says so
    // Tags of the driver's own commands; empty: the engine's next_tag(). A
    // tool that numbers the person's commands too hands its own counter here.
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
    Capability,    // CAPABILITY sent to learn whether STARTTLS is offered
    StartTls,      // STARTTLS sent
    TlsHandshake,  // take_tls_request() said so: the transport is upgrading
    Login,         // LOGIN sent
    Ready,         // the person's turn (logged in, refused, or no LOGIN planned)
    Rejected,      // the greeting was BYE: the server closes the connection
    Failed,        // see failure(); the caller closes the connection
};

// Said wherever a session runs without certificate verification.
inline constexpr std::string_view insecure_tls_warning =
    "the server's certificate is NOT verified; anyone on the path can read and change this "
    "session";

// The trace note of an established TLS session, the same in every tool.
std::string tls_established_note(const TlsReport& report, bool insecure, std::string_view host);

class LoginDriver {
  public:
    LoginDriver(ImapSession& session, LoginPlan plan);

    // The connection is open; `implicit_tls` when TLS came with it (imaps://).
    void start(const std::optional<TlsReport>& implicit_tls, std::int64_t time_us = 0);
    // Every response the engine parsed, in order (ImapSession::next_response()).
    void on_response(const Response& response, std::int64_t time_us = 0);
    // True once after a STARTTLS was answered OK: start the handshake before
    // writing anything else, then call on_tls_established().
    bool take_tls_request();
    void on_tls_established(const TlsReport& report, std::int64_t time_us = 0);
    // A STARTTLS the person typed once the session is ready (its tag): its
    // OK asks for TLS through take_tls_request() too.
    void watch_starttls(std::string tag);

    LoginPhase phase() const { return m_phase; }
    bool ready() const { return m_phase == LoginPhase::Ready; }
    bool tls_active() const { return m_tls; }
    bool login_refused() const { return m_login_refused; }
    // Why phase() is Failed: one sentence, no trailing period.
    const std::string& failure() const { return m_failure; }

  private:
    void after_greeting(Status status, std::int64_t time_us);
    void login_or_ready(std::int64_t time_us);
    void submit_own(Verb verb, CommandArgs args, std::int64_t time_us);
    void fail(std::string reason);

    ImapSession& m_session;
    LoginPlan m_plan;
    LoginPhase m_phase = LoginPhase::Connecting;
    std::string m_own_tag;
    std::string m_typed_starttls_tag;
    bool m_offers_starttls = false;
    bool m_tls = false;
    bool m_tls_requested = false;
    bool m_login_refused = false;
    std::string m_failure;
};

}  // namespace mailscope::imap
