#include "sim/imap/login_driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "sim/core/ascii.hpp"

namespace mailscope::imap {

namespace {

bool has_starttls(const std::vector<std::string>& capabilities) {
    return std::any_of(capabilities.begin(), capabilities.end(),
                       [](const std::string& item) { return ascii::iequals(item, "STARTTLS"); });
}

}  // namespace

LoginDriver::LoginDriver(ImapSession& session, sim::LoginPlan plan)
    : sim::LoginScript(session, std::move(plan)), m_session(session) {}

void LoginDriver::on_response(const Response& response, std::int64_t time_us) {
    using sim::LoginPhase;
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
            if (m_capability_for_token) {
                authenticate_with_token(time_us);
                return;
            }
            if (!m_offers_starttls) {
                fail(sim::say(sim::Phrase::LoginNoTlsOffered, "STARTTLS", "CAPABILITY"));
                return;
            }
            m_phase = LoginPhase::StartTls;
            submit_own(Verb::Starttls, {}, time_us);
            return;
        case LoginPhase::StartTls:
            if (!own_done) return;
            if (response.status != Status::Ok) {
                fail(sim::say(sim::Phrase::LoginTlsRefused, "STARTTLS"));
                return;
            }
            request_tls();
            return;
        case LoginPhase::Login:
            if (response.kind == ResponseKind::Continuation && token_mechanism()) {
                m_session.send_sasl_line(answer_token_challenge(response.text, time_us), time_us);
                return;
            }
            if (!own_done) return;
            m_login_refused = response.status != Status::Ok;
            m_phase = LoginPhase::Ready;
            return;
        case LoginPhase::Ready:
            if (response.kind == ResponseKind::Tagged && !m_typed_starttls_tag.empty() &&
                response.tag == m_typed_starttls_tag) {
                m_typed_starttls_tag.clear();
                if (response.status == Status::Ok) request_tls(true);
            }
            return;
        default:  // nothing to act on: not started, upgrading, or over
            return;
    }
}

void LoginDriver::watch_starttls(std::string tag) {
    m_typed_starttls_tag = std::move(tag);
}

void LoginDriver::after_handshake(std::int64_t time_us) {
    login_or_ready(time_us);
}

void LoginDriver::after_greeting(Status status, std::int64_t time_us) {
    if (status == Status::Bye) {
        m_phase = sim::LoginPhase::Rejected;
        return;
    }
    if (m_plan.starttls) {
        if (status == Status::Preauth) {
            fail(sim::say(sim::Phrase::LoginPreauthInClear));
            return;
        }
        m_phase = sim::LoginPhase::Capability;
        submit_own(Verb::Capability, {}, time_us);
        return;
    }
    login_or_ready(time_us);
}

void LoginDriver::login_or_ready(std::int64_t time_us) {
    if (!has_credentials() || m_session.state() != State::NotAuthenticated) {
        m_phase = sim::LoginPhase::Ready;
        return;
    }
    if (refuse_clear_text_password()) return;
    if (m_plan.oauth_token) {
        if (m_session.capabilities().known() || m_plan.oauth_mechanism) {
            authenticate_with_token(time_us);
        } else {
            m_capability_for_token = true;
            m_phase = sim::LoginPhase::Capability;
            submit_own(Verb::Capability, {}, time_us);
        }
        return;
    }
    // RFC 3501 6.2.3: "A client implementation MUST NOT send a LOGIN command
    // if the LOGINDISABLED capability is advertised."
    if (m_session.capabilities().lists("LOGINDISABLED")) {
        fail(sim::say(sim::Phrase::LoginDisabledListed, m_plan.host));
        return;
    }
    m_phase = sim::LoginPhase::Login;
    submit_own(Verb::Login, LoginArgs{m_plan.user, *m_plan.password}, time_us);
}

void LoginDriver::authenticate_with_token(std::int64_t time_us) {
    const auto& capabilities = m_session.capabilities();
    if (!begin_token_login(capabilities.lists("AUTH=OAUTHBEARER"),
                           capabilities.lists("AUTH=XOAUTH2"), "CAPABILITY"))
        return;
    m_phase = sim::LoginPhase::Login;
    AuthenticateArgs args{std::string(sim::oauth_mechanism_name(*token_mechanism())), {}};
    // RFC 4959: with SASL-IR the token rides on the command, one round trip.
    if (capabilities.lists("SASL-IR")) args.initial_response = token_initial_response();
    submit_own(Verb::Authenticate, std::move(args), time_us);
}

void LoginDriver::submit_own(Verb verb, CommandArgs args, std::int64_t time_us) {
    std::string tag = m_plan.next_tag ? m_plan.next_tag() : m_session.next_tag();
    const auto result =
        m_session.submit(make_command(std::move(tag), verb, std::move(args)), time_us);
    if (!result.tag) {
        fail(result.said);
        return;
    }
    m_own_tag = *result.tag;
}

}  // namespace mailscope::imap
