#include "gui/live_session.hpp"

#include <fmt/format.h>

#include "gui/view_model/command_composer.hpp"
#include "net/client_options.hpp"
#include "net/oauth_token_source.hpp"

namespace mailscope::gui {

namespace {

std::uint16_t default_port(sim::Protocol protocol, LiveMode mode) {
    const bool tls = mode == LiveMode::Imaps;
    switch (protocol) {
        case sim::Protocol::Imap:
            return tls ? 993 : 143;
        case sim::Protocol::Pop3:
            return tls ? 995 : 110;
        case sim::Protocol::Smtp:
            return tls ? 465 : 25;
    }
    return 143;
}

}  // namespace

std::string live_status_text(const LiveStatus& status, Language language) {
    const auto said = [&]() -> sim::Said {
        switch (status.phase) {
            case LivePhase::Connecting:
                return sim::say(Text::LiveConnecting);
            case LivePhase::Connected:
                if (!status.tls) return sim::say(Text::LiveNoTls);
                return sim::say(status.insecure ? Text::LiveInsecureTls : Text::LiveTls,
                                status.detail);
            case LivePhase::Failed:
                return sim::say(Text::LiveFailed, status.detail);
            case LivePhase::Closed:
                break;
        }
        return sim::say(Text::LiveClosed);
    }();
    return sim::render(said, language);
}

std::variant<LiveOptions, sim::Said> live_options_from_form(const ConnectForm& form) {
    LiveOptions options;
    options.host = form.host.data();
    if (options.host.empty()) return sim::say(Text::FormNeedHost);
    if (form.port < 0 || form.port > 65535) return sim::say(Text::FormPortRange);
    options.port = static_cast<std::uint16_t>(form.port);
    if (form.protocol < 0 || form.protocol > 2) return sim::say(Text::FormChooseProtocol);
    options.protocol = static_cast<sim::Protocol>(form.protocol);
    if (form.mode < 0 || form.mode > 2) return sim::say(Text::FormChooseProtection);
    options.mode = static_cast<LiveMode>(form.mode);
    options.user = form.user.data();
    if (form.credential == 1) {
        if (options.user.empty()) return sim::say(Text::FormNeedUserForToken);
        auto token = transport::obtain_oauth_token(form.token_command.data());
        if (!token.token) return token.error;
        options.oauth_token = std::move(token.token);
        if (form.oauth_mechanism == 1) options.oauth_mechanism = sim::OAuthMechanism::XOAuth2;
        if (form.oauth_mechanism == 2) options.oauth_mechanism = sim::OAuthMechanism::OAuthBearer;
    } else {
        options.password = form.password.data();
        if (!options.user.empty() && options.password.empty()) {
            return sim::say(Text::FormNeedPassword);
        }
    }
    if (options.mode != LiveMode::Plain) {
        if (form.ca_file[0] != '\0') options.tls.ca_file = std::string(form.ca_file.data());
        options.tls.insecure = form.insecure;
    }
    return options;
}

LiveSession::LiveSession(LiveOptions options) : m_options(std::move(options)) {}

std::variant<std::unique_ptr<LiveSession>, sim::Said> LiveSession::start(LiveOptions options) {
    if (options.host.empty()) return sim::say(Text::FormNeedHost);
    if (options.tls.insecure && options.tls.ca_file) return sim::say(Text::FormInsecureAndCa);
    if (options.port == 0) options.port = default_port(options.protocol, options.mode);
    if (!options.user.empty() && options.mode == LiveMode::Plain &&
        !transport::is_loopback_host(options.host)) {
        return sim::say(Text::FormPasswordInClear, options.host);
    }
    std::unique_ptr<LiveSession> live(new LiveSession(std::move(options)));
    live->m_trace = std::make_unique<sim::SessionTrace>(
        live->m_options.protocol,
        fmt::format("live {}:{}", live->m_options.host, live->m_options.port));
    live->m_state = sim::StateId::connecting(live->m_options.protocol);
    live->m_status.insecure = live->m_options.tls.insecure;
    LiveSession& self = *live;
    live->m_client = std::make_unique<transport::LiveClient>(
        live->m_options, live->m_queue,
        [&self](transport::LiveUpdate update) { self.apply(std::move(update)); });
    return live;
}

LiveSession::~LiveSession() = default;

std::optional<sim::Said> LiveSession::send(std::string_view line, std::string_view typed_literals) {
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
        return sim::say(Text::TypeCommandFirst);
    }
    m_send_error = {};
    // The composer adds the tag and counts literal octets for an IMAP
    // command; an IDLE's DONE or a SASL line goes as typed. Which of them
    // the line is, and the next tag, are known on the I/O thread.
    auto prepare =
        [imap = m_options.protocol == sim::Protocol::Imap, literals = std::string(typed_literals)](
            const sim::ClientSession& session, std::string& typed) -> std::optional<sim::Said> {
        if (!imap || !session.line_is_command()) return std::nullopt;
        ComposedCommand composed = compose_command(typed, literals, session.next_line_label());
        if (!composed.command) return composed.error;
        typed = composed.wire;
        if (typed.ends_with("\r\n")) typed.resize(typed.size() - 2);
        return std::nullopt;
    };
    m_client->send(std::string(line), std::move(prepare));
    return std::nullopt;
}

void LiveSession::apply(transport::LiveUpdate update) {
    const LiveStatus& status = update.status;
    m_changed = m_changed || !update.events.empty() || m_state != update.state ||
                m_status.phase != status.phase || m_status.tls != status.tls ||
                m_status.detail != status.detail || update.refused;
    for (sim::TraceEvent& event : update.events)
        m_trace->append(std::move(event));
    m_state = update.state;
    m_verbs = std::move(update.verbs);
    m_status = std::move(update.status);
    if (update.refused) m_send_error = std::move(*update.refused);
}

bool LiveSession::drain() {
    m_changed = false;
    m_queue.run_pending();
    return m_changed;
}

void LiveSession::close() {
    m_client->logout();
}

}  // namespace mailscope::gui
