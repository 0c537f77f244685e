#include "server_mock/pop3_server_session.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <utility>

#include "server_mock/challenge.hpp"
#include "server_mock/wire_safety.hpp"

namespace mailscope::server {

using pop3::Command;
using pop3::Verb;

namespace {

pop3::SessionOptions server_options() {
    pop3::SessionOptions options;
    options.role = pop3::Role::Server;
    return options;
}

}  // namespace

Pop3ServerSession::Pop3ServerSession(MailStore& store, const ServerConfig& config,
                                     sim::SessionTrace& trace)
    : ServerSessionBase(
          store, config,
          {sim::Phrase::ServerPop3PlaintextDropped, sim::Phrase::ServerPop3TlsStarted}),
      m_pop(trace, server_options()) {}

Pop3ServerSession::~Pop3ServerSession() {
    finish();
}

std::unique_ptr<transport::ConnectionHandler> make_pop3_session(MailStore& store,
                                                                const ServerConfig& config,
                                                                sim::SessionTrace& trace) {
    return std::make_unique<Pop3ServerSession>(store, config, trace);
}

// ---------------------------------------------------------------------------
// Transport events
// ---------------------------------------------------------------------------

void Pop3ServerSession::on_open(transport::Micros now, bool tls) {
    if (m_open) return;
    m_open = true;
    m_now = m_last_activity = now;
    m_tls = tls;
    m_session = m_store.open_session();
    std::string greeting = m_config.pop3.greeting;
    if (m_config.pop3.apop) {
        // RFC 1939 7: unique per greeting, so a recorded digest is useless.
        m_timestamp = make_challenge(m_config, m_session, m_session);
        greeting += ' ';
        greeting += m_timestamp;
    }
    ok(greeting);
    flush();
}

void Pop3ServerSession::on_timer(transport::Micros now) {
    m_now = now;
    if (m_close || !m_open) return;
    if (now - m_last_activity >= m_config.pop3.autologout) {
        close_without_reply(sim::say(sim::Phrase::ServerPop3Autologout));
        flush();
    }
}

void Pop3ServerSession::on_server_shutdown(transport::Micros now) {
    m_now = now;
    if (m_close) return;
    // POP3 has no unsolicited reply to say goodbye with.
    close_without_reply(sim::say(sim::Phrase::ServerPop3ShuttingDown));
}

void Pop3ServerSession::close_overloaded(std::string_view reason) {
    err(std::string(reason), "SYS/TEMP");
    flush();
    m_close = true;
    finish();
}

std::optional<transport::Micros> Pop3ServerSession::next_deadline() const {
    return idle_deadline(m_config.pop3.autologout);
}

// ---------------------------------------------------------------------------
// Driving the engine
// ---------------------------------------------------------------------------

void Pop3ServerSession::process_inputs() {
    while (!m_close) {
        auto input = m_pop.next_input();
        if (!input) break;
        on_input(*input);
        if (m_wants_tls) break;
    }
    flush();
    // The log keeps changes for sessions that will report them; POP3 never
    // does, so this session is always up to date.
    if (m_session != kNoSession) m_store.acknowledge(m_session, m_store.change_log().last());
}

void Pop3ServerSession::on_input(pop3::ServerInput& input) {
    if (auto* received = std::get_if<pop3::CommandReceived>(&input)) {
        if (received->state_error) {
            err(*received->state_error);
            return;
        }
        dispatch(received->command);
    } else if (auto* rejected = std::get_if<pop3::CommandRejected>(&input)) {
        err(rejected->message);
    } else if (auto* sasl = std::get_if<pop3::SaslReceived>(&input)) {
        on_sasl_line(*sasl);
    }
}

void Pop3ServerSession::dispatch(const Command& command) {
    if (command.verb == Verb::Unknown) {
        err(fmt::format("unknown command {}", command.keyword));
        return;
    }
    using Handler = void (Pop3ServerSession::*)(const Command&);
    struct Handled {
        Verb verb;
        Handler handler;
    };
    // Every command of the verb table but Unknown, in its order.
    static constexpr std::array<Handled, pop3::verb_count - 1> handlers{{
        {Verb::User, &Pop3ServerSession::cmd_user},
        {Verb::Pass, &Pop3ServerSession::cmd_pass},
        {Verb::Apop, &Pop3ServerSession::cmd_apop},
        {Verb::Stat, &Pop3ServerSession::cmd_stat},
        {Verb::List, &Pop3ServerSession::cmd_list},
        {Verb::Retr, &Pop3ServerSession::cmd_retr},
        {Verb::Dele, &Pop3ServerSession::cmd_dele},
        {Verb::Noop, &Pop3ServerSession::cmd_noop},
        {Verb::Rset, &Pop3ServerSession::cmd_rset},
        {Verb::Quit, &Pop3ServerSession::cmd_quit},
        {Verb::Top, &Pop3ServerSession::cmd_top},
        {Verb::Uidl, &Pop3ServerSession::cmd_list},
        {Verb::Capa, &Pop3ServerSession::cmd_capa},
        {Verb::Stls, &Pop3ServerSession::cmd_stls},
        {Verb::Last, &Pop3ServerSession::cmd_last},
        {Verb::Auth, &Pop3ServerSession::cmd_auth},
    }};
    static_assert(handlers.size() <= pop3::verbs.size() &&
                      std::equal(handlers.begin(), handlers.end(), pop3::verbs.begin(),
                                 [](const Handled& handled, const pop3::VerbInfo& info) {
                                     return handled.verb == info.verb;
                                 }),
                  "one handler for each verb of the table, in its order");
    (this->*handlers[static_cast<std::size_t>(command.verb)].handler)(command);
}

void Pop3ServerSession::cmd_capa(const Command&) {
    std::string data;
    for (const auto& line : capabilities())
        data += line + "\r\n";
    send(pop3::make_multiline("Capability list follows", std::move(data)));
}

void Pop3ServerSession::cmd_noop(const Command&) {
    ok("");
}

void Pop3ServerSession::cmd_last(const Command&) {
    err("LAST was dropped from POP3 by RFC 1939; remember the UIDL unique-ids of the messages you "
        "have read instead");
}

std::vector<std::string> Pop3ServerSession::capabilities() const {
    std::vector<std::string> out{"TOP"};
    if (!plaintext_refused()) out.emplace_back("USER");
    for (const char* capability : {"UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"})
        out.emplace_back(capability);
    if (m_config.starttls_available && !m_tls) out.emplace_back("STLS");
    if (!plaintext_refused()) out.emplace_back("SASL PLAIN XOAUTH2 OAUTHBEARER");
    out.push_back(fmt::format("IMPLEMENTATION mailscope-{}", m_config.version));
    return out;
}

// ---------------------------------------------------------------------------
// Replies and output
// ---------------------------------------------------------------------------

void Pop3ServerSession::send(const pop3::Reply& reply) {
    m_pop.send(reply, m_now);
}

void Pop3ServerSession::ok(std::string text, std::string code) {
    send(pop3::make_ok(reply_text(text), std::move(code)));
}

void Pop3ServerSession::err(std::string text, std::string code) {
    send(pop3::make_err(reply_text(text), std::move(code)));
}

void Pop3ServerSession::flush() {
    std::string bytes = m_pop.take_outgoing();
    if (!bytes.empty()) m_output.push_back({std::move(bytes), 0});
}

void Pop3ServerSession::close_without_reply(sim::Said why) {
    m_pop.note(sim::Direction::ServerToClient, std::move(why), m_now);
    if (!m_pop.closed()) m_pop.feed_eof(sim::Direction::ServerToClient, m_now);
    m_close = true;
    finish();
}

// Leaves the store: the lock goes, unexpunged marks are forgotten.
void Pop3ServerSession::finish() {
    if (!m_user.empty()) m_store.unlock_maildrop(m_user, m_session);
    if (m_session != kNoSession) {
        m_store.close_session(m_session);
        m_session = kNoSession;
    }
    m_maildrop.clear();
}

}  // namespace mailscope::server
