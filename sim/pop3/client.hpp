// Pop3Client: POP3's ClientSession (sim/core/client_session.hpp). A typed
// line is one command; after a SASL challenge it is the answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/client_session.hpp"
#include "sim/pop3/login_driver.hpp"
#include "sim/pop3/session.hpp"

namespace mailscope::pop3 {

class Pop3Client : public sim::ClientSession {
  public:
    Pop3Client(sim::SessionTrace& trace, sim::ClientOptions options);

    sim::Engine& engine() override { return m_session; }
    const sim::Engine& engine() const override { return m_session; }
    sim::LoginScript& login() override { return m_login; }
    const sim::LoginScript& login() const override { return m_login; }

    void advance(std::int64_t time_us) override;
    std::optional<std::string> type_line(std::string_view line, std::int64_t time_us) override;
    bool ready_for_line() const override;
    bool line_is_command() const override;
    bool finish(std::int64_t time_us) override;
    bool awaiting_reply() const override;
    std::string state_label() const override;
    std::string next_line_label() const override;
    std::string echo_of(std::string_view line) const override;
    std::vector<std::string> allowed_verbs() const override;

  private:
    std::string refused_login_sentence() const override;

    Pop3Session m_session;
    LoginDriver m_login;
    bool m_quit_sent = false;
};

}  // namespace mailscope::pop3
