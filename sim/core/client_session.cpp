#include "sim/core/client_session.hpp"

#include <utility>

#include "sim/imap/client.hpp"
#include "sim/pop3/client.hpp"
#include "sim/smtp/client.hpp"

namespace mailscope::sim {

std::optional<Said> ClientSession::take_login_outcome() {
    if (m_outcome_told || !login().ready()) return std::nullopt;
    m_outcome_told = true;
    if (!login().login_refused()) return std::nullopt;
    return refused_login_sentence();
}

std::optional<Said> ClientSession::answer_challenge(std::string_view line, std::int64_t time_us) {
    if (!login().credentials_safe()) {
        return say(Phrase::TypedSaslInClear);
    }
    engine().send_raw(std::string(line) + "\r\n", time_us);
    return std::nullopt;
}

std::unique_ptr<ClientSession> make_client_session(SessionTrace& trace, ClientOptions options) {
    switch (trace.protocol()) {
        case Protocol::Imap:
            return std::make_unique<imap::ImapClient>(trace, std::move(options));
        case Protocol::Pop3:
            return std::make_unique<pop3::Pop3Client>(trace, std::move(options));
        case Protocol::Smtp:
            return std::make_unique<smtp::SmtpClient>(trace, std::move(options));
    }
    return nullptr;
}

}  // namespace mailscope::sim
