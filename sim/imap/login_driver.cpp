#include "sim/imap/login_driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace mailscope::imap {

namespace {

bool has_starttls(const std::vector<std::string>& capabilities) {
    return std::any_of(capabilities.begin(), capabilities.end(), [](const std::string& item) {
        std::string upper(item);
        for (char& c : upper)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return upper == "STARTTLS";
    });
}

}  // namespace

std::string tls_established_note(const TlsReport& report, bool insecure, std::string_view host) {
    std::string text = fmt::format("TLS established: {}", report.description);
    if (!insecure) return text + fmt::format("; certificate verified for {}", host);
    text += "; certificate NOT verified (insecure)";
    if (!report.verify_failure.empty()) {
        text += fmt::format(", and it would have failed: {}", report.verify_failure);
    }
    return text;
}

LoginDriver::LoginDriver(ImapSession& session, LoginPlan plan)
    : m_session(session), m_plan(std::move(plan)) {}

void LoginDriver::start(const std::optional<TlsReport>& implicit_tls, std::int64_t time_us) {
    m_session.note(sim::Direction::ServerToClient,
                   fmt::format("connected to {}:{}", m_plan.host, m_plan.port), time_us);
    if (implicit_tls) on_tls_established(*implicit_tls, time_us);
    m_phase = LoginPhase::Greeting;
}

void LoginDriver::on_response(const Response& response, std::int64_t time_us) {
    if (response.kind == ResponseKind::Untagged && response.code &&
        response.code->name == "CAPABILITY") {
        m_offers_starttls = has_starttls(response.code->list);
    }
    if (response.kind == ResponseKind::Untagged && response.name == "CAPABILITY") {
        m_offers_starttls = has_starttls(response.flags);
    }
    const bool own_done = response.kind == ResponseKind::Tagged && response.tag == m_own_tag;
    switch (m_phase) {
        case LoginPhase::Greeting:
            if (response.kind == ResponseKind::Untagged && m_session.state() != State::Connecting) {
                after_greeting(response.status, time_us);
            }
            return;
        case LoginPhase::Capability:
            if (!own_done) return;
            if (!m_offers_starttls) {
                fail(
                    "the server does not offer STARTTLS, so this session cannot be protected; "
                    "nothing was sent in clear beyond CAPABILITY");
                return;
            }
            m_phase = LoginPhase::StartTls;
            submit_own(Verb::Starttls, {}, time_us);
            return;
        case LoginPhase::StartTls:
            if (!own_done) return;
            if (response.status != Status::Ok) {
                fail("the server refused STARTTLS");
                return;
            }
            m_phase = LoginPhase::TlsHandshake;
            m_tls_requested = true;
            return;
        case LoginPhase::Login:
            if (!own_done) return;
            m_login_refused = response.status != Status::Ok;
            m_phase = LoginPhase::Ready;
            return;
        case LoginPhase::Ready:
            if (response.kind == ResponseKind::Tagged && !m_typed_starttls_tag.empty() &&
                response.tag == m_typed_starttls_tag) {
                m_typed_starttls_tag.clear();
                if (response.status == Status::Ok) m_tls_requested = true;
            }
            return;
        case LoginPhase::Connecting:
        case LoginPhase::TlsHandshake:
        case LoginPhase::Rejected:
        case LoginPhase::Failed:
            return;
    }
}

bool LoginDriver::take_tls_request() {
    return std::exchange(m_tls_requested, false);
}

void LoginDriver::on_tls_established(const TlsReport& report, std::int64_t time_us) {
    m_tls = true;
    m_session.note(sim::Direction::ServerToClient,
                   tls_established_note(report, m_plan.insecure, m_plan.host), time_us);
    if (m_phase == LoginPhase::TlsHandshake) login_or_ready(time_us);
}

void LoginDriver::watch_starttls(std::string tag) {
    m_typed_starttls_tag = std::move(tag);
}

void LoginDriver::after_greeting(Status status, std::int64_t time_us) {
    if (status == Status::Bye) {
        m_phase = LoginPhase::Rejected;
        return;
    }
    if (m_plan.starttls) {
        if (status == Status::Preauth) {
            fail(
                "the server pre-authenticated the session in clear (PREAUTH), so STARTTLS is no "
                "longer possible (RFC 3501 6.2.1)");
            return;
        }
        m_phase = LoginPhase::Capability;
        submit_own(Verb::Capability, {}, time_us);
        return;
    }
    login_or_ready(time_us);
}

void LoginDriver::login_or_ready(std::int64_t time_us) {
    if (m_plan.user.empty() || !m_plan.password || m_session.state() != State::NotAuthenticated) {
        m_phase = LoginPhase::Ready;
        return;
    }
    if (!m_tls && !m_plan.plaintext_login_allowed) {
        fail(fmt::format("logging in to {} would send the password in clear", m_plan.host));
        return;
    }
    // RFC 3501 6.2.3: "A client implementation MUST NOT send a LOGIN command
    // if the LOGINDISABLED capability is advertised."
    if (m_session.capabilities().lists("LOGINDISABLED")) {
        fail(
            fmt::format("{} listed LOGINDISABLED: it refuses LOGIN on this connection "
                        "(RFC 3501 6.2.3); use STARTTLS or implicit TLS (imaps)",
                        m_plan.host));
        return;
    }
    m_phase = LoginPhase::Login;
    submit_own(Verb::Login, LoginArgs{m_plan.user, *m_plan.password}, time_us);
}

void LoginDriver::submit_own(Verb verb, CommandArgs args, std::int64_t time_us) {
    std::string tag = m_plan.next_tag ? m_plan.next_tag() : m_session.next_tag();
    const auto result =
        m_session.submit(make_command(std::move(tag), verb, std::move(args)), time_us);
    if (!result.tag) {
        fail(result.error);
        return;
    }
    m_own_tag = *result.tag;
}

void LoginDriver::fail(std::string reason) {
    m_phase = LoginPhase::Failed;
    m_failure = std::move(reason);
}

}  // namespace mailscope::imap
