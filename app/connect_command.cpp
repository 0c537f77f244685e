#include "app/connect_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <asio.hpp>
#include <cctype>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "app/connect_pop3.hpp"
#include "app/connect_smtp.hpp"
#include "app/connect_support.hpp"
#include "net/net_client.hpp"
#include "net/tcp_server.hpp"
#include "sim/core/trace_format.hpp"
#include "sim/core/transcript.hpp"
#include "sim/imap/login_driver.hpp"
#include "sim/imap/session.hpp"

namespace mailscope::app {

namespace {

// A typed line that starts with a command verb, UID included, gets the next
// "A00N" ("UID SEARCH ALL" is no tag "UID" and a SEARCH). Otherwise it keeps
// its own tag when a verb mailscope knows follows it, or else gets the next
// "A00N"; an unknown verb (an extension) keeps a first word that looks like
// a tag (it has a digit).
std::variant<imap::Command, std::string> command_from_input(const std::string& bytes,
                                                            const std::string& tag) {
    auto tagged = imap::parse_command(tag + " " + bytes);
    if (imap::starts_with_verb(bytes) && tagged.command) return *tagged.command;
    auto own = imap::parse_command(bytes);
    if (own.command && own.command->verb != imap::Verb::Unknown) return *own.command;
    if (tagged.command && tagged.command->verb != imap::Verb::Unknown) return *tagged.command;
    if (own.command &&
        std::any_of(own.tag.begin(), own.tag.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return *own.command;
    }
    if (tagged.command) return *tagged.command;
    return tagged.error ? tagged.error->message : std::string("this is not an IMAP command");
}

// Connecting and LoggingIn belong to the LoginDriver; Ready is the person's turn.
enum class Phase { Connecting, LoggingIn, Ready, Done };

class ConnectSession {
  public:
    ConnectSession(const ConnectOptions& options, transport::ServerUrl url,
                   std::optional<std::string> password, std::vector<std::string> script)
        : m_options(options),
          m_url(std::move(url)),
          m_password(std::move(password)),
          m_script(std::move(script)),
          m_scripted(!options.script.empty()),
          m_trace(sim::Protocol::Imap,
                  fmt::format("{}://{}:{}", m_url.scheme, m_url.host, m_url.port)),
          m_session(m_trace, session_options(options)),
          m_login(m_session, login_plan()) {
        m_format.colour = options.colour;
    }

    int run() {
        try {
            m_client = transport::NetClient::create(m_io, net_client_options(m_options, m_url));
        } catch (const std::exception& error) {
            return fail(error.what());
        }
        announce_connecting(m_url);
        m_client->connect([this](const std::string& error) { on_connected(error); });
        m_io.run();
        if (m_input) m_input->detach();
        save_transcript(m_options, m_trace);
        return m_exit_code;
    }

  private:
    static imap::SessionOptions session_options(const ConnectOptions& options) {
        imap::SessionOptions result;
        result.role = imap::Role::Client;
        result.reveal_secrets = options.reveal_secrets;
        return result;
    }

    imap::LoginPlan login_plan() {
        imap::LoginPlan plan;
        plan.host = m_url.host;
        plan.port = m_url.port;
        plan.starttls = m_options.starttls;
        plan.user = m_url.user;
        plan.password = m_password;
        plan.plaintext_login_allowed =
            transport::is_loopback_host(m_url.host) || m_options.allow_plaintext_login;
        plan.insecure = m_options.insecure;
        plan.next_tag = [this] { return take_tag(); };
        return plan;
    }

    std::int64_t now() const { return transport::steady_now(); }

    imap::TlsReport tls_report() {
        return {m_client->tls_description(),
                m_options.insecure ? m_client->verify_result() : std::string()};
    }

    int fail(const std::string& message) {
        std::cerr << fmt::format("mailscope connect: {}\n", message);
        m_exit_code = 1;
        return 1;
    }

    void on_connected(const std::string& error) {
        if (!error.empty()) {
            fail(error);
            return;
        }
        m_login.start(m_client->tls_active() ? std::optional(tls_report()) : std::nullopt, now());
        m_phase = Phase::LoggingIn;
        m_client->expect_reply(true);
        m_client->start_reading([this](std::string_view bytes) { on_bytes(bytes); },
                                [this](const std::string& error) { on_end(error); });
        print_events();
    }

    void on_bytes(std::string_view bytes) {
        m_session.receive(bytes, now());
        flush();
        while (auto received = m_session.next_response())
            on_response(received->response);
        flush();
        print_events();
        update_reply_timer();
        if (m_phase == Phase::Ready) after_progress();
    }

    void on_end(const std::string& error) {
        m_session.feed_eof(sim::Direction::ServerToClient, now());
        print_events();
        if (!error.empty()) {
            fail(error);
        } else {
            std::cout << "connection closed\n" << std::flush;
        }
        m_phase = Phase::Done;
        m_io.stop();
    }

    void flush() {
        auto bytes = m_session.take_outgoing();
        if (!bytes.empty()) m_client->write(std::move(bytes));
    }

    void print_events() {
        if (m_printed < m_trace.size() && m_prompt_shown) {
            // The prompt is redrawn after the news: on a terminal its line is
            // cleared, elsewhere the news starts on a line of its own.
            std::cout << (m_options.colour ? "\r\x1b[2K" : "\n");
            m_prompt_shown = false;
        }
        for (; m_printed < m_trace.size(); ++m_printed) {
            std::cout << sim::format_event(m_trace, m_trace.at(m_printed), m_format);
        }
        std::cout << std::flush;
    }

    void update_reply_timer() {
        bool waiting_for_server =
            !m_in_flight.empty() && !m_session.idling() && !(m_sasl_tag && m_sasl_prompted);
        m_client->expect_reply(waiting_for_server || m_phase == Phase::LoggingIn);
    }

    std::string take_tag() { return fmt::format("A{:03}", ++m_tag_counter); }

    // LOGOUT at the end; the LoginDriver sends CAPABILITY, STARTTLS and LOGIN.
    void submit_logout() {
        auto result = m_session.submit(imap::make_command(take_tag(), imap::Verb::Logout), now());
        flush();
        if (!result.tag) {
            fail(result.error);
            return;
        }
        m_in_flight.insert(*result.tag);
    }

    void on_response(const imap::Response& response) {
        using imap::ResponseKind;
        if (response.kind == ResponseKind::Continuation && m_sasl_tag) m_sasl_prompted = true;
        if (response.kind == ResponseKind::Tagged) m_in_flight.erase(response.tag);
        m_login.on_response(response, now());
        if (m_phase == Phase::LoggingIn) {
            follow_login();
        } else if (m_phase == Phase::Ready) {
            on_ready_response(response);
        }
    }

    // Acts on what the LoginDriver decided after a response or a handshake.
    void follow_login() {
        if (m_login.take_tls_request()) {
            upgrade();
            return;
        }
        switch (m_login.phase()) {
            case imap::LoginPhase::Failed:
                abort_session(m_login.failure());
                return;
            case imap::LoginPhase::Rejected:
                m_phase = Phase::Done;
                return;
            case imap::LoginPhase::Ready:
                if (m_login.login_refused()) {
                    std::cout << "login failed: the session stays unauthenticated\n";
                }
                become_ready();
                return;
            default:
                return;
        }
    }

    void upgrade() {
        m_client->start_tls([this](const std::string& error) {
            if (!error.empty()) {
                abort_session(error);
                return;
            }
            m_login.on_tls_established(tls_report(), now());
            flush();
            print_events();
            if (m_phase == Phase::LoggingIn) {
                follow_login();
                update_reply_timer();
            } else {
                after_progress();
            }
        });
    }

    void become_ready() {
        m_phase = Phase::Ready;
        if (!m_scripted && !m_input) start_terminal_input();
        after_progress();
    }

    void abort_session(const std::string& message) {
        fail(message);
        print_events();
        m_phase = Phase::Done;
        m_client->close();
        m_io.stop();
    }

    void on_ready_response(const imap::Response& response) {
        if (response.kind != imap::ResponseKind::Tagged) return;
        if (m_sasl_tag && response.tag == *m_sasl_tag) {
            m_sasl_tag.reset();
            m_sasl_prompted = false;
        }
        if (auto it = m_select_tags.find(response.tag); it != m_select_tags.end()) {
            m_mailbox = response.status == imap::Status::Ok ? it->second : std::string();
            m_select_tags.erase(it);
        }
        if (m_session.state() != imap::State::Selected) m_mailbox.clear();
        if (m_login.take_tls_request()) upgrade();
    }

    // --- input ---------------------------------------------------------------

    void start_terminal_input() {
        m_input = TerminalInput::start(m_io, [this](std::optional<std::string> line) {
            if (m_phase == Phase::Done) return;
            if (line) {
                on_line(*line);
                after_progress();
            } else {
                end_of_input();
            }
        });
    }

    bool secure_or_local() const {
        return m_client->tls_active() || transport::is_loopback_host(m_url.host) ||
               m_options.allow_plaintext_login;
    }

    void on_line(std::string line) {
        m_prompt_shown = false;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (m_partial.empty()) {
            if (m_session.idling()) {
                if (ascii_upper(line) == "DONE") {
                    m_session.send_done(now());
                    flush();
                } else {
                    std::cout << "IDLE is running: type DONE to end it\n";
                }
                return;
            }
            if (m_sasl_tag) {
                if (!secure_or_local()) {
                    std::cout << "refused: this SASL line would cross the network in clear "
                                 "(use TLS or --allow-plaintext-login)\n";
                    return;
                }
                m_session.send_sasl_line(line, now());
                m_sasl_prompted = false;
                flush();
                return;
            }
        }
        // A line ending in a literal announcement continues on the next lines
        // until the framer has the whole message.
        m_partial += line;
        m_partial += "\r\n";
        imap::Framer framer;
        framer.set_literal_events(false);
        framer.feed(m_partial);
        auto event = framer.next();
        if (!event) return;
        std::string bytes = std::exchange(m_partial, {});
        if (auto* error = std::get_if<imap::FrameError>(&*event)) {
            std::cout << fmt::format("not sent: {}\n", error->message);
            return;
        }
        if (line.empty() && bytes == "\r\n") return;
        submit_typed(bytes);
    }

    void submit_typed(const std::string& bytes) {
        std::string tag = fmt::format("A{:03}", m_tag_counter + 1);
        auto parsed = command_from_input(bytes, tag);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            std::cout << fmt::format("not sent: {}\n", *error);
            return;
        }
        auto command = std::get<imap::Command>(std::move(parsed));
        const bool our_tag = command.tag == tag;
        if (imap::has_flag(command.verb, imap::VerbFlag::Credentials) && !secure_or_local()) {
            std::cout << fmt::format(
                "not sent: {} would send credentials to {} in clear; use imaps://, --starttls, "
                "or --allow-plaintext-login\n",
                imap::verb_name(command.verb), m_url.host);
            return;
        }
        auto verb = command.verb;
        std::string mailbox;
        if (auto* args = std::get_if<imap::MailboxArgs>(&command.typed)) mailbox = args->mailbox;
        auto result = m_session.submit(std::move(command), now());
        if (!result.tag) {
            std::cout << fmt::format("not sent: {}\n", result.error);
            return;
        }
        m_in_flight.insert(*result.tag);
        if (our_tag) ++m_tag_counter;
        if (verb == imap::Verb::Authenticate) {
            m_sasl_tag = *result.tag;
            m_sasl_prompted = false;
        }
        if (verb == imap::Verb::Select || verb == imap::Verb::Examine) {
            m_select_tags[*result.tag] = mailbox;
        }
        if (verb == imap::Verb::Starttls) m_login.watch_starttls(*result.tag);
        flush();
    }

    void end_of_input() {
        if (m_phase == Phase::Done) return;
        const auto state = m_session.state();
        if (state == imap::State::Logout || state == imap::State::Closed) return;
        if (m_session.idling()) {
            m_session.send_done(now());
            flush();
        }
        m_logout_requested = true;
        after_progress();
    }

    // The script line as shown: the trace masks credentials, and so must the echo.
    std::string echo_of(const std::string& line) const {
        if (m_options.reveal_secrets) return line;
        if (m_sasl_tag && m_partial.empty()) return "*** (SASL line hidden)";
        auto words = ascii_upper(line);
        if (words.find("LOGIN") != std::string::npos ||
            words.find("AUTHENTICATE") != std::string::npos) {
            return "*** (a line with credentials, hidden)";
        }
        return line;
    }

    // Is the session waiting for nothing from the user's side?
    bool ready_for_next_line() const {
        if (!m_partial.empty()) return true;
        if (m_sasl_tag) return m_sasl_prompted;
        if (m_session.idling()) return true;
        return m_in_flight.empty();
    }

    void after_progress() {
        if (m_phase != Phase::Ready) return;
        print_events();
        if (m_scripted) {
            while (m_phase == Phase::Ready && m_next_line < m_script.size() &&
                   ready_for_next_line()) {
                const auto& line = m_script[m_next_line++];
                std::cout << fmt::format("script> {}\n", echo_of(line));
                on_line(line);
            }
            if (m_next_line >= m_script.size()) m_logout_requested = true;
        }
        if (m_logout_requested && !m_logout_sent && m_in_flight.empty() && !m_sasl_tag &&
            m_partial.empty()) {
            m_logout_sent = true;
            const auto state = m_session.state();
            if (state != imap::State::Logout && state != imap::State::Closed) {
                submit_logout();
            }
        }
        print_events();
        update_reply_timer();
        if (!m_scripted && !m_logout_requested && ready_for_next_line()) print_prompt();
    }

    void print_prompt() {
        if (m_prompt_shown) return;
        m_prompt_shown = true;
        std::string state(imap::state_name(m_session.state()));
        if (!m_mailbox.empty()) state += " " + m_mailbox;
        std::string prefix;
        if (m_options.insecure) {
            prefix = m_options.colour ? fmt::format("{}[INSECURE]{} ", kConnectRed, kConnectReset)
                                      : std::string("[INSECURE] ");
        }
        std::string next;
        if (!m_partial.empty()) {
            next = "...";
        } else if (m_session.idling()) {
            next = "DONE?";
        } else if (m_sasl_tag) {
            next = "SASL";
        } else {
            next = fmt::format("A{:03}", m_tag_counter + 1);
        }
        std::cout << fmt::format("{}[{}] {}> ", prefix, state, next) << std::flush;
    }

    const ConnectOptions& m_options;
    transport::ServerUrl m_url;
    std::optional<std::string> m_password;
    std::vector<std::string> m_script;
    bool m_scripted = false;
    asio::io_context m_io;
    sim::SessionTrace m_trace;
    imap::ImapSession m_session;
    imap::LoginDriver m_login;
    sim::FormatOptions m_format;
    std::shared_ptr<transport::NetClient> m_client;
    std::shared_ptr<TerminalInput> m_input;
    Phase m_phase = Phase::Connecting;
    std::size_t m_printed = 0;
    std::optional<std::string> m_sasl_tag;
    bool m_sasl_prompted = false;
    std::map<std::string, std::string> m_select_tags;
    // Tags sent and not completed yet (the engine counts a command only once
    // its literals are on the wire).
    std::set<std::string> m_in_flight;
    std::string m_mailbox;
    std::string m_partial;
    std::size_t m_next_line = 0;
    bool m_prompt_shown = false;
    bool m_logout_requested = false;
    bool m_logout_sent = false;
    unsigned m_tag_counter = 0;
    int m_exit_code = 0;
};

}  // namespace

int run_connect(const ConnectOptions& options) {
    auto parsed = transport::parse_server_url(options.url);
    if (auto* error = std::get_if<std::string>(&parsed)) {
        std::cerr << fmt::format("mailscope connect: {}\n", *error);
        return 2;
    }
    auto url = std::get<transport::ServerUrl>(parsed);
    if (url.protocol == sim::Protocol::Smtp) return run_connect_smtp(options, url);
    if (url.protocol == sim::Protocol::Pop3) return run_connect_pop3(options, url);
    auto start = prepare_connect(options, url, "imap");
    if (!start) return 2;
    ConnectSession session(options, std::move(url), std::move(start->password),
                           std::move(start->script));
    return session.run();
}

}  // namespace mailscope::app
