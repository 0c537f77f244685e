// LoginDriver: POP3's LoginScript (sim/core/login_script.hpp). It waits for
// the greeting, upgrades with STLS when asked (CAPA first, to see that the
// server offers it, RFC 2595 4), then sends USER and PASS together, or AUTH
// XOAUTH2 or OAUTHBEARER with a token (after CAPA, which lists the SASL
// mechanisms, RFC 5034 5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/login_script.hpp"
#include "sim/pop3/session.hpp"

namespace mailscope::pop3 {

class LoginDriver : public sim::LoginScript {
  public:
    LoginDriver(Pop3Session& session, sim::LoginPlan plan);

    // Every reply the engine parsed, in order (Pop3Session::next_reply()).
    void on_reply(const ReplyReceived& received, std::int64_t time_us = 0);

  private:
    void after_handshake(std::int64_t time_us) override;
    void login_or_ready(std::int64_t time_us);
    bool submit_own(const std::string& line, std::int64_t time_us);
    void authenticate_with_token(std::string_view capa, std::int64_t time_us);

    Pop3Session& m_session;
    bool m_capability_for_token = false;  // the CAPA asked before AUTH
};

}  // namespace mailscope::pop3
