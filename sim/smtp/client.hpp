// SmtpClient: SMTP's ClientSession (sim/core/client_session.hpp). A typed
// line is one command; after a 354 the lines up to a lone "." are the
// message, dot-stuffed by the engine; after a 334 a line is the SASL answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/client_session.hpp"
#include "sim/smtp/login_driver.hpp"
#include "sim/smtp/session.hpp"

namespace mailscope::smtp {

class SmtpClient : public sim::ClientOf<SmtpSession, SessionOptions, LoginDriver, Verb> {
  public:
    SmtpClient(sim::SessionTrace& trace, sim::ClientOptions options)
        : ClientOf(trace, std::move(options)) {}

    void advance(std::int64_t time_us) override;
    std::optional<sim::Said> type_line(std::string_view line, std::int64_t time_us) override;
    bool ready_for_line() const override;
    bool line_is_command() const override;
    bool finish(std::int64_t time_us) override;
    bool awaiting_reply() const override;
    std::string next_line_label() const override;
    std::string echo_of(std::string_view line) const override;

  private:
    sim::Said refused_login_sentence() const override;

    std::string m_message;  // lines typed after 354, until the "."
    bool m_quit_sent = false;
};

}  // namespace mailscope::smtp
