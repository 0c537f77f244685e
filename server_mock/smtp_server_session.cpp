#include "server_mock/smtp_server_session.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "server_mock/bearer_login.hpp"
#include "server_mock/wire_safety.hpp"
#include "sim/text/base64.hpp"

namespace mailscope::server {

namespace {

smtp::SessionOptions server_options(const ServerConfig& config) {
    smtp::SessionOptions options;
    options.role = smtp::Role::Server;
    options.limits.max_message_size = config.smtp.max_message_size;
    return options;
}

std::optional<std::uint64_t> esmtp_number(std::string_view text) {
    std::uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

SmtpServerSession::SmtpServerSession(MailStore& store, const ServerConfig& config,
                                     sim::SessionTrace& trace)
    : ServerSessionBase(
          store, config,
          {sim::Phrase::ServerSmtpPlaintextDropped, sim::Phrase::ServerSmtpTlsStarted}),
      m_smtp(trace, server_options(config)) {}

std::unique_ptr<transport::ConnectionHandler> make_smtp_session(MailStore& store,
                                                                const ServerConfig& config,
                                                                sim::SessionTrace& trace) {
    return std::make_unique<SmtpServerSession>(store, config, trace);
}

// ---------------------------------------------------------------------------
// Transport events
// ---------------------------------------------------------------------------

void SmtpServerSession::on_open(transport::Micros now, bool tls) {
    if (m_open) return;
    m_open = true;
    m_now = m_last_activity = now;
    m_tls = tls;
    reply(220, "", fmt::format("{} ESMTP mailscope teaching server ready", m_config.smtp.hostname));
    flush();
}

void SmtpServerSession::on_timer(transport::Micros now) {
    m_now = now;
    if (m_close || !m_open) return;
    if (now - m_last_activity >= m_config.smtp.timeout) {
        m_transaction.reset();
        close_with(421, "4.4.2",
                   fmt::format("{} timeout: no command for too long, closing the connection",
                               m_config.smtp.hostname));
        flush();
    }
}

void SmtpServerSession::on_server_shutdown(transport::Micros now) {
    m_now = now;
    if (m_close) return;
    m_transaction.reset();
    close_with(421, "4.3.2", fmt::format("{} shutting down", m_config.smtp.hostname));
    flush();
}

void SmtpServerSession::read_ahead(std::uint64_t octets) {
    // The engine judges what the client sent without reading the replies.
    m_smtp.input_waiting(octets);
}

void SmtpServerSession::connection_ended() {
    // A transaction without its final "." delivers nothing (RFC 5321 3.8).
    m_transaction.reset();
}

void SmtpServerSession::close_overloaded(std::string_view reason) {
    m_transaction.reset();
    close_with(421, "4.3.2", fmt::format("{} {}", m_config.smtp.hostname, reason));
    flush();
}

std::optional<transport::Micros> SmtpServerSession::next_deadline() const {
    return idle_deadline(m_config.smtp.timeout);
}

// ---------------------------------------------------------------------------
// Driving the engine
// ---------------------------------------------------------------------------

void SmtpServerSession::process_inputs() {
    while (!m_close) {
        auto input = m_smtp.next_input();
        if (!input) break;
        on_input(*input);
    }
    flush();
}

void SmtpServerSession::on_input(smtp::ServerInput& input) {
    if (auto* received = std::get_if<smtp::CommandReceived>(&input)) {
        execute(received->command);
    } else if (auto* rejected = std::get_if<smtp::CommandRejected>(&input)) {
        reply(rejected->code, rejected->enhanced, rejected->message);
    } else if (auto* sasl = std::get_if<smtp::SaslReceived>(&input)) {
        on_sasl_line(*sasl);
    } else if (auto* message = std::get_if<smtp::MessageReceived>(&input)) {
        on_message(*message);
    }
}

std::string SmtpServerSession::out_of_order(const smtp::Command& command) const {
    const auto state = m_smtp.state();
    switch (command.verb) {
        case smtp::Verb::Mail:
            return state == smtp::State::Ready ? "send EHLO or HELO first"
                                               : "a mail transaction is already in progress";
        case smtp::Verb::Rcpt:
            return "send MAIL FROM first";
        case smtp::Verb::Data:
            return "send MAIL FROM and RCPT TO first";
        case smtp::Verb::Auth:
            return state == smtp::State::Ready ? "send EHLO first"
                                               : "AUTH is not allowed during a mail transaction";
        case smtp::Verb::Starttls:
            return state == smtp::State::Ready ? "send EHLO first"
                                               : "STARTTLS is not allowed during a mail "
                                                 "transaction";
        default:
            return fmt::format("{} is not valid in the {} state", command.name,
                               smtp::state_name(state));
    }
}

void SmtpServerSession::execute(const smtp::Command& command) {
    if (command.verb == smtp::Verb::Unknown) {
        reply(500, "5.5.1", fmt::format("command {} not recognized", command.name));
        return;
    }
    // The engine's state is current: every earlier command has its reply.
    if (!smtp::command_allowed(command.verb, m_smtp.state())) {
        if (command.verb == smtp::Verb::Data && m_smtp.state() == smtp::State::Mail) {
            // RFC 5321 3.3: MAIL accepted, every RCPT refused.
            reply(554, "5.5.1", "no valid recipients");
        } else {
            reply(503, "5.5.1", out_of_order(command));
        }
        return;
    }
    using Handler = void (SmtpServerSession::*)(const smtp::Command&);
    struct Handled {
        smtp::Verb verb;
        Handler handler;
    };
    // Every command of the verb table but Unknown, in its order.
    static constexpr std::array<Handled, smtp::verb_count - 1> handlers{{
        {smtp::Verb::Helo, &SmtpServerSession::cmd_ehlo},
        {smtp::Verb::Ehlo, &SmtpServerSession::cmd_ehlo},
        {smtp::Verb::Mail, &SmtpServerSession::cmd_mail},
        {smtp::Verb::Rcpt, &SmtpServerSession::cmd_rcpt},
        {smtp::Verb::Data, &SmtpServerSession::cmd_data},
        {smtp::Verb::Rset, &SmtpServerSession::cmd_rset},
        {smtp::Verb::Noop, &SmtpServerSession::cmd_noop},
        {smtp::Verb::Vrfy, &SmtpServerSession::cmd_vrfy},
        {smtp::Verb::Expn, &SmtpServerSession::cmd_expn},
        {smtp::Verb::Help, &SmtpServerSession::cmd_help},
        {smtp::Verb::Quit, &SmtpServerSession::cmd_quit},
        {smtp::Verb::Starttls, &SmtpServerSession::cmd_starttls},
        {smtp::Verb::Auth, &SmtpServerSession::cmd_auth},
    }};
    static_assert(handlers.size() <= smtp::verbs.size() &&
                      std::equal(handlers.begin(), handlers.end(), smtp::verbs.begin(),
                                 [](const Handled& handled, const smtp::VerbInfo& info) {
                                     return handled.verb == info.verb;
                                 }),
                  "one handler for each verb of the table, in its order");
    (this->*handlers[static_cast<std::size_t>(command.verb)].handler)(command);
}

void SmtpServerSession::cmd_rset(const smtp::Command&) {
    reset_transaction();
    reply(250, "2.0.0", "Ok: transaction reset");
}

void SmtpServerSession::cmd_noop(const smtp::Command&) {
    reply(250, "2.0.0", "Ok");
}

void SmtpServerSession::cmd_expn(const smtp::Command&) {
    reply(502, "5.5.1", "EXPN is not implemented: this server has no mailing lists");
}

void SmtpServerSession::cmd_help(const smtp::Command&) {
    std::vector<std::string_view> names;
    for (std::size_t i = 0; i + 1 < smtp::verbs.size(); ++i)
        names.push_back(smtp::verbs[i].name);
    reply(214, "2.0.0",
          fmt::format("Commands: {}\nMail is accepted for local users only (RFC 5321 4.1.1.8)",
                      fmt::join(names, " ")));
}

void SmtpServerSession::cmd_quit(const smtp::Command&) {
    m_transaction.reset();
    close_with(221, "2.0.0", fmt::format("{} closing connection", m_config.smtp.hostname));
}

std::vector<std::string> SmtpServerSession::extensions() const {
    std::vector<std::string> out;
    out.push_back(fmt::format("SIZE {}", m_config.smtp.max_message_size));
    out.push_back("8BITMIME");
    out.push_back("PIPELINING");
    if (m_config.starttls_available && !m_tls) out.push_back("STARTTLS");
    // RFC 4954 6: mechanisms refused for want of encryption are not advertised.
    if (!m_config.login_disabled_without_tls || m_tls) {
        out.push_back("AUTH PLAIN LOGIN XOAUTH2 OAUTHBEARER");
    }
    out.push_back("ENHANCEDSTATUSCODES");
    out.push_back("HELP");
    return out;
}

void SmtpServerSession::cmd_ehlo(const smtp::Command& command) {
    reset_transaction();
    m_client_domain = command.argument.substr(0, command.argument.find(' '));
    m_extended = command.verb == smtp::Verb::Ehlo;
    std::string greeting = fmt::format("{} greets {}", m_config.smtp.hostname, m_client_domain);
    if (!m_extended) {
        reply(250, "", greeting);
        return;
    }
    // RFC 2034: no enhanced codes in the EHLO reply itself.
    std::string text = greeting;
    for (const auto& extension : extensions())
        text += "\n" + extension;
    reply(250, "", text);
}

void SmtpServerSession::cmd_mail(const smtp::Command& command) {
    std::string note;
    // Parameters belong to the service extensions an EHLO reply announced;
    // after HELO none is in force, so none is recognized (RFC 5321 4.1.1.11).
    if (!m_extended && !command.parameters.empty()) {
        reply(555, "5.5.4",
              fmt::format("MAIL parameter {} not recognized: after HELO no service extension is "
                          "in force; greet with EHLO to use it",
                          command.parameters.front().keyword));
        return;
    }
    for (const auto& parameter : command.parameters) {
        if (parameter.keyword == "SIZE") {
            auto size = parameter.value ? esmtp_number(*parameter.value) : std::nullopt;
            if (!size) {
                reply(501, "5.5.4", "SIZE takes a number of octets");
                return;
            }
            if (*size > m_config.smtp.max_message_size) {
                reply(552, "5.3.4",
                      fmt::format("message size {} exceeds the fixed maximum of {} octets", *size,
                                  m_config.smtp.max_message_size));
                return;
            }
        } else if (parameter.keyword == "BODY") {
            const auto value = parameter.value.value_or("");
            if (value != "7BIT" && value != "8BITMIME") {
                reply(501, "5.5.4", "BODY is 7BIT or 8BITMIME (RFC 6152)");
                return;
            }
        } else if (parameter.keyword == "AUTH") {
            // RFC 4954 5: accepted and ignored from a client not trusted to relay.
        } else {
            reply(555, "5.5.4", fmt::format("MAIL parameter {} not recognized", parameter.keyword));
            return;
        }
    }
    const auto& path = *command.path;
    if (!path.route.empty()) {
        note = fmt::format(" (source route via {} ignored, RFC 5321 4.1.1.3)",
                           fmt::join(path.route, ", "));
    }
    m_transaction = Transaction{};
    m_transaction->reverse_path = path.mailbox();
    m_transaction->envelope.reverse_path = path.mailbox();
    m_transaction->envelope.client_domain = m_client_domain;
    reply(250, "2.1.0", fmt::format("Ok: sender <{}>{}", path.mailbox(), note));
}

void SmtpServerSession::cmd_rcpt(const smtp::Command& command) {
    if (!command.parameters.empty()) {
        reply(555, "5.5.4",
              fmt::format("RCPT parameter {} not recognized", command.parameters.front().keyword));
        return;
    }
    auto& transaction = *m_transaction;
    if (transaction.accepted >= m_config.smtp.max_recipients) {
        reply(452, "4.5.3",
              fmt::format("too many recipients: at most {} per message",
                          m_config.smtp.max_recipients));
        return;
    }
    const auto& path = *command.path;
    auto lookup = resolve_recipient(m_store, m_config.smtp, path);
    if (!lookup.user) {
        reply(lookup.code, lookup.enhanced, lookup.text);
        return;
    }
    auto& envelope = transaction.envelope;
    if (std::find(envelope.users.begin(), envelope.users.end(), *lookup.user) ==
        envelope.users.end()) {
        envelope.users.push_back(*lookup.user);
    }
    envelope.addresses.push_back(path.mailbox());
    ++transaction.accepted;
    std::string note =
        path.route.empty() ? std::string() : " (source route ignored, RFC 5321 4.1.1.3)";
    reply(250, lookup.enhanced, lookup.text + note);
}

void SmtpServerSession::cmd_data(const smtp::Command&) {
    reply(354, "", "End data with <CR><LF>.<CR><LF>");
}

void SmtpServerSession::cmd_vrfy(const smtp::Command& command) {
    std::string_view name = command.argument;
    if (name.size() >= 2 && name.front() == '<' && name.back() == '>') {
        name = name.substr(1, name.size() - 2);
    }
    std::optional<std::string> user;
    if (name.find('@') != std::string_view::npos) {
        auto parsed = smtp::parse_path(fmt::format("<{}>", name), false, true);
        if (parsed.path) user = resolve_recipient(m_store, m_config.smtp, *parsed.path).user;
    } else if (m_store.users().contains(name)) {
        user = std::string(name);
    }
    if (!user) {
        reply(550, "5.1.1", fmt::format("{} is not a user here", name));
        return;
    }
    // RFC 5321 3.5.3: 252 says "would accept mail" without confirming more.
    reply(252, "2.5.2",
          fmt::format("cannot VRFY, but will accept a message for <{}@{}>", *user,
                      m_config.smtp.hostname));
}

void SmtpServerSession::cmd_starttls(const smtp::Command&) {
    if (!m_config.starttls_available || m_tls) {
        reply(502, "5.5.1",
              m_tls ? "TLS is already active" : "STARTTLS is not offered by this server");
        return;
    }
    reply(220, "2.0.0", "Ready to start TLS");
    // RFC 3207 4.2: everything learnt before TLS is forgotten.
    m_wants_tls = true;
    m_transaction.reset();
    m_client_domain.clear();
    m_extended = false;
    m_user.clear();
    m_sasl.reset();
}

void SmtpServerSession::reply(int code, std::string_view enhanced, std::string_view text) {
    // "\n" separates the lines of a multiline reply; each line is made safe.
    std::string safe;
    while (true) {
        const auto end = text.find('\n');
        safe += reply_text(text.substr(0, end));
        if (end == std::string_view::npos) break;
        safe += '\n';
        text.remove_prefix(end + 1);
    }
    m_smtp.send(smtp::make_reply(code, enhanced, safe), m_now);
}

void SmtpServerSession::reset_transaction() {
    m_transaction.reset();
}

void SmtpServerSession::close_with(int code, std::string_view enhanced, std::string_view text) {
    reply(code, enhanced, text);
    m_close = true;
}

void SmtpServerSession::flush() {
    std::string bytes = m_smtp.take_outgoing();
    if (bytes.empty()) return;
    m_output.push_back(transport::OutChunk{std::move(bytes), 0});
}

// ---------------------------------------------------------------------------
// AUTH (RFC 4954) with PLAIN (RFC 4616), LOGIN, XOAUTH2 and OAUTHBEARER
// (RFC 7628)
// ---------------------------------------------------------------------------

void SmtpServerSession::cmd_auth(const smtp::Command& command) {
    if (!m_user.empty()) {
        reply(503, "5.5.1", "already authenticated");
        return;
    }
    if (command.mechanism != "PLAIN" && command.mechanism != "LOGIN" &&
        !sim::oauth_mechanism_from_name(command.mechanism)) {
        reply(504, "5.5.4",
              fmt::format("unrecognized authentication type {}; PLAIN, LOGIN, XOAUTH2 and "
                          "OAUTHBEARER are offered",
                          command.mechanism));
        return;
    }
    if (m_config.login_disabled_without_tls && !m_tls) {
        reply(538, "5.7.11", "Encryption required for requested authentication mechanism");
        return;
    }
    m_sasl = Sasl{command.mechanism, 0, {}};
    if (command.initial_response) {
        on_sasl_line(smtp::SaslReceived{
            *command.initial_response == "=" ? std::string() : *command.initial_response, false});
        return;
    }
    if (command.mechanism != "LOGIN") {
        reply(334, "", "");
    } else {
        reply(334, "", text::base64_encode("Username:"));
    }
}

void SmtpServerSession::on_sasl_line(const smtp::SaslReceived& line) {
    if (!m_sasl) {
        reply(503, "5.5.1", "no authentication exchange in progress");
        return;
    }
    if (line.cancelled) {
        m_sasl.reset();
        reply(501, "5.0.0", "authentication cancelled");
        return;
    }
    if (const auto bearer = sim::oauth_mechanism_from_name(m_sasl->mechanism)) {
        bearer_step(*bearer, line.line);
        return;
    }
    std::string error;
    auto decoded = text::base64_decode_strict(line.line, &error);
    if (!decoded) {
        m_sasl.reset();
        reply(501, "5.5.2", fmt::format("the SASL response is not valid base64: {}", error));
        return;
    }
    if (m_sasl->mechanism == "PLAIN") {
        const auto& payload = *decoded;
        auto first = payload.find('\0');
        auto second = first == std::string::npos ? first : payload.find('\0', first + 1);
        if (second == std::string::npos) {
            m_sasl.reset();
            reply(501, "5.5.2", "PLAIN expects authzid, user and password separated by NUL octets");
            return;
        }
        const std::string authzid = payload.substr(0, first);
        const std::string user = payload.substr(first + 1, second - first - 1);
        if (!authzid.empty() && authzid != user) {
            m_sasl.reset();
            reply(535, "5.7.8", "authentication credentials invalid");
            return;
        }
        check_credentials(user, payload.substr(second + 1));
        return;
    }
    if (m_sasl->step == 0) {
        m_sasl->user = *decoded;
        m_sasl->step = 1;
        reply(334, "", text::base64_encode("Password:"));
        return;
    }
    check_credentials(m_sasl->user, *decoded);
}

// The token message, then after a refusal the client's dummy answer to the
// error challenge (RFC 7628 3.2.3), whatever it holds.
void SmtpServerSession::bearer_step(sim::OAuthMechanism mechanism, std::string_view base64) {
    if (m_sasl->step == 1) {
        m_sasl.reset();
        reply(535, "5.7.8", "authentication credentials invalid: the token was refused");
        return;
    }
    const auto verdict = check_bearer(m_store.users(), mechanism, base64);
    switch (verdict.kind) {
        case BearerVerdict::Kind::LoggedIn:
            m_sasl.reset();
            m_user = verdict.user;
            reply(235, "2.7.0", "authentication successful");
            return;
        case BearerVerdict::Kind::Malformed:
            m_sasl.reset();
            reply(501, "5.5.2",
                  fmt::format("{}: {}", sim::oauth_mechanism_name(mechanism), verdict.error));
            return;
        case BearerVerdict::Kind::Refused:
            m_sasl->step = 1;
            reply(334, "", sim::oauth_error_challenge(kBearerScope));
            return;
    }
}

void SmtpServerSession::check_credentials(const std::string& user, const std::string& password) {
    m_sasl.reset();
    if (!m_store.users().check_password(user, password)) {
        reply(535, "5.7.8", "authentication credentials invalid");
        return;
    }
    m_user = user;
    reply(235, "2.7.0", "authentication successful");
}

// ---------------------------------------------------------------------------
// Delivery
// ---------------------------------------------------------------------------

void SmtpServerSession::on_message(smtp::MessageReceived& message) {
    if (!m_transaction) {
        reply(503, "5.5.1", "no mail transaction");
        return;
    }
    auto transaction = std::move(*m_transaction);
    m_transaction.reset();
    if (message.too_large) {
        reply(552, "5.3.4",
              fmt::format("message of {} octets exceeds the fixed maximum of {}; nothing "
                          "delivered",
                          message.size, m_config.smtp.max_message_size));
        return;
    }
    if (const auto nuls = std::count(message.content.begin(), message.content.end(), '\0')) {
        // Kept as received (RFC 5322 4.1 still lists NUL in obs-body); the
        // IMAP and POP3 servers send each one as 0x80 (wire_safety.hpp).
        m_smtp.note(
            sim::Direction::ServerToClient,
            sim::say(nuls == 1 ? sim::Phrase::ServerSmtpNulOne : sim::Phrase::ServerSmtpNulMany,
                     nuls),
            m_now);
    }
    auto& envelope = transaction.envelope;
    envelope.protocol =
        m_extended ? fmt::format("ESMTP{}{}", m_tls ? "S" : "", m_user.empty() ? "" : "A") : "SMTP";
    const InternalDate date =
        m_config.clock ? m_config.clock() : *make_internal_date(2024, 1, 15, 12, 0, 0, 0);
    std::string content = trace_headers(envelope, m_config.smtp, date) + message.content;
    auto delivered = deliver(m_store, envelope, std::move(content), date);
    if (!delivered) {
        const auto& error = delivered.error();
        if (!error.detail.empty()) {
            m_smtp.note(sim::Direction::ServerToClient,
                        sim::say(sim::Phrase::ServerDiskRefusedWrite, error.detail), m_now);
        }
        if (error.kind == StoreErrorKind::OverQuota) {
            // RFC 5321 4.2.2 552 "exceeded storage allocation", RFC 3463
            // X.2.2 "mailbox full".
            reply(552, "5.2.2",
                  fmt::format("mailbox full: {} Nothing was delivered", error.message));
            return;
        }
        // RFC 3463: X.3.1 is "mail system full"; both are worth a retry.
        const bool full = error.kind == StoreErrorKind::StorageFull;
        reply(full ? 452 : 451, full ? "4.3.1" : "4.3.0",
              fmt::format("{}: {} Nothing was delivered; try again later",
                          full ? "insufficient system storage" : "local error", error.message));
        return;
    }
    m_delivered += delivered.value();
    reply(250, "2.0.0",
          fmt::format("Ok: delivered to {} mailbox{}", delivered.value(),
                      delivered.value() == 1 ? "" : "es"));
}

}  // namespace mailscope::server
