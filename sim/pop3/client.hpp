// Pop3Client: POP3's ClientSession (sim/core/client_session.hpp). A typed
// line is one command; after a SASL challenge it is the answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/client_session.hpp"
#include "sim/pop3/login_driver.hpp"
#include "sim/pop3/session.hpp"

namespace mailscope::pop3 {

class Pop3Client : public sim::ClientOf<Pop3Session, SessionOptions, LoginDriver, Verb> {
  public:
    Pop3Client(sim::SessionTrace& trace, sim::ClientOptions options)
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

    bool m_quit_sent = false;
};

}  // namespace mailscope::pop3
