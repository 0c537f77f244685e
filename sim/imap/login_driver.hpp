// LoginDriver: IMAP's LoginScript (sim/core/login_script.hpp). It waits for
// the greeting, upgrades with STARTTLS when asked (CAPABILITY first, to see
// that the server offers it), then says LOGIN with the user's password, or
// AUTHENTICATE XOAUTH2 or OAUTHBEARER with a token (asking CAPABILITY first
// when the server has not said what it offers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/core/login_script.hpp"
#include "sim/imap/response.hpp"
#include "sim/imap/session.hpp"

namespace mailscope::imap {

class LoginDriver : public sim::LoginScript {
  public:
    LoginDriver(ImapSession& session, sim::LoginPlan plan);

    // Every response the engine parsed, in order (ImapSession::next_response()).
    void on_response(const Response& response, std::int64_t time_us = 0);
    // A STARTTLS the person typed once the session is ready (its tag): its
    // OK asks for TLS through take_tls_request() too.
    void watch_starttls(std::string tag);

  private:
    void after_handshake(std::int64_t time_us) override;
    void after_greeting(Status status, std::int64_t time_us);
    void login_or_ready(std::int64_t time_us);
    void submit_own(Verb verb, CommandArgs args, std::int64_t time_us);
    void authenticate_with_token(std::int64_t time_us);

    ImapSession& m_session;
    std::string m_own_tag;
    std::string m_typed_starttls_tag;
    bool m_offers_starttls = false;
    bool m_capability_for_token = false;  // the CAPABILITY asked before AUTHENTICATE
};

}  // namespace mailscope::imap
