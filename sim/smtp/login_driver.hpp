// LoginDriver: SMTP's LoginScript (sim/core/login_script.hpp). It waits for
// the greeting, says EHLO, upgrades with STARTTLS when asked and offered
// (RFC 3207), says EHLO again over TLS, then AUTH PLAIN (RFC 4954) with the
// user's password, or AUTH XOAUTH2 or OAUTHBEARER with a token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/login_script.hpp"
#include "sim/smtp/session.hpp"

namespace mailscope::smtp {

// The name the client gives in EHLO.
inline constexpr std::string_view ehlo_name = "mailscope.localhost";

class LoginDriver : public sim::LoginScript {
  public:
    LoginDriver(SmtpSession& session, sim::LoginPlan plan);

    // Every reply the engine parsed, in order (SmtpSession::next_reply()).
    void on_reply(const ReplyReceived& received, std::int64_t time_us = 0);

  private:
    void after_handshake(std::int64_t time_us) override;
    void ehlo(std::int64_t time_us);
    void after_ehlo(std::int64_t time_us);
    void submit_own(const std::string& line, std::int64_t time_us);
    void authenticate_with_token(std::int64_t time_us);
    bool auth_lists(std::string_view mechanism) const;

    SmtpSession& m_session;
};

}  // namespace mailscope::smtp
