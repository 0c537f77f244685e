#include "app/connect_smtp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <asio.hpp>
#include <cctype>
#include <deque>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <variant>

#include "app/connect_support.hpp"
#include "net/net_client.hpp"
#include "net/tcp_server.hpp"
#include "sim/core/ascii.hpp"
#include "sim/core/trace_format.hpp"
#include "sim/core/transcript.hpp"
#include "sim/smtp/session.hpp"
#include "sim/text/base64.hpp"

namespace mailscope::app {

namespace {

// Greeting, EHLO, STARTTLS, EHLO again, AUTH: done by the tool; Ready: the person's turn.
enum class Step { Greeting, Ehlo, StartTls, Auth, Ready, Done };

class SmtpConnect {
  public:
    SmtpConnect(const ConnectOptions& options, transport::ServerUrl url,
                std::optional<std::string> password, std::deque<std::string> script)
        : m_options(options),
          m_url(std::move(url)),
          m_password(std::move(password)),
          m_lines(std::move(script)),
          m_scripted(!options.script.empty()),
          m_trace(sim::Protocol::Smtp,
                  fmt::format("{}://{}:{}", m_url.scheme, m_url.host, m_url.port)),
          m_session(m_trace, session_options(options)) {
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
    static smtp::SessionOptions session_options(const ConnectOptions& options) {
        smtp::SessionOptions result;
        result.role = smtp::Role::Client;
        result.reveal_secrets = options.reveal_secrets;
        return result;
    }

    std::int64_t now() const { return transport::steady_now(); }

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
        if (m_client->tls_active()) tls_note();
        m_client->expect_reply(true);
        m_client->start_reading([this](std::string_view bytes) { on_bytes(bytes); },
                                [this](const std::string& error) { on_end(error); });
    }

    void tls_note() {
        std::string text = fmt::format("TLS established: {}", m_client->tls_description());
        if (m_options.insecure) {
            auto verify = m_client->verify_result();
            text += fmt::format(" (INSECURE: the certificate was not verified{}{})",
                                verify.empty() ? "" : ": ", verify);
        }
        m_session.note(sim::Direction::ServerToClient, std::move(text), now());
    }

    void on_bytes(std::string_view bytes) {
        m_session.receive(bytes, now());
        while (auto reply = m_session.next_reply())
            on_reply(*reply);
        flush();
        print_events();
        drive();
    }

    void on_end(const std::string& error) {
        m_session.feed_eof(sim::Direction::ServerToClient, now());
        print_events();
        if (!error.empty()) {
            fail(error);
        } else {
            std::cout << "connection closed\n" << std::flush;
        }
        m_step = Step::Done;
        m_io.stop();
    }

    void flush() {
        auto bytes = m_session.take_outgoing();
        if (!bytes.empty()) m_client->write(std::move(bytes));
    }

    void print_events() {
        if (m_printed < m_trace.size() && m_prompt_shown) {
            std::cout << (m_options.colour ? "\r\x1b[2K" : "\n");
            m_prompt_shown = false;
        }
        for (; m_printed < m_trace.size(); ++m_printed) {
            std::cout << sim::format_event(m_trace, m_trace.at(m_printed), m_format);
        }
        std::cout << std::flush;
    }

    void submit(const std::string& line) {
        auto result = m_session.submit_line(line, now());
        if (!result.ok) std::cout << fmt::format("not sent: {}\n", result.error);
        flush();
    }

    void ehlo() {
        m_step = Step::Ehlo;
        submit("EHLO mailscope.localhost");
    }

    void upgrade(std::function<void()> then) {
        m_client->start_tls([this, then = std::move(then)](const std::string& error) {
            if (!error.empty()) {
                fail(error);
                print_events();
                m_step = Step::Done;
                m_client->close();
                m_io.stop();
                return;
            }
            tls_note();
            then();
            print_events();
            drive();
        });
    }

    void on_reply(const smtp::ReplyReceived& received) {
        print_events();
        const auto& reply = received.reply;
        if (reply.code == 221 || reply.code == 421) m_quit_sent = true;
        switch (m_step) {
            case Step::Greeting:
                if (reply.code == 220) {
                    ehlo();
                } else {
                    become_ready();
                }
                return;
            case Step::Ehlo:
                if (reply.code != 250) {
                    become_ready();
                } else if (m_options.starttls && !m_client->tls_active()) {
                    m_step = Step::StartTls;
                    submit("STARTTLS");
                } else if (!m_url.user.empty() && m_password) {
                    authenticate();
                } else {
                    become_ready();
                }
                return;
            case Step::StartTls:
                if (reply.code == 220) {
                    upgrade([this] { ehlo(); });
                } else {
                    fail("the server refused STARTTLS; nothing more is sent");
                    m_step = Step::Done;
                    m_client->close();
                    m_io.stop();
                }
                return;
            case Step::Auth:
                std::cout << (reply.code == 235
                                  ? fmt::format("authenticated as {}\n", m_url.user)
                                  : std::string("authentication failed: the session goes on "
                                                "without it\n"));
                become_ready();
                return;
            case Step::Ready:
                if (received.answers == smtp::Verb::Starttls && reply.code == 220) {
                    upgrade([] {});
                }
                return;
            case Step::Done:
                return;
        }
    }

    void authenticate() {
        if (!secure_or_local()) {
            std::cout << "not authenticating: the password would cross the network in clear\n";
            become_ready();
            return;
        }
        m_step = Step::Auth;
        const std::string payload = std::string(1, '\0') + m_url.user + '\0' + *m_password;
        submit("AUTH PLAIN " + text::base64_encode(payload));
    }

    bool secure_or_local() const {
        return m_client->tls_active() || transport::is_loopback_host(m_url.host) ||
               m_options.allow_plaintext_login;
    }

    void become_ready() {
        m_step = Step::Ready;
        if (!m_scripted && !m_input) start_terminal_input();
    }

    void start_terminal_input() {
        m_input = TerminalInput::start(m_io, [this](std::optional<std::string> line) {
            if (m_step == Step::Done) return;
            if (line) {
                m_lines.push_back(*line);
            } else {
                m_input_ended = true;
            }
            drive();
        });
    }

    bool ready_for_next_line() const {
        return m_session.in_data() || m_session.awaiting_sasl_line() ||
               m_session.outstanding() == 0;
    }

    std::string echo_of(const std::string& line) const {
        if (m_options.reveal_secrets || m_session.in_data()) return line;
        if (m_session.awaiting_sasl_line()) return "*** (SASL line hidden)";
        if (ascii::lower(line).rfind("auth ", 0) == 0)
            return "*** (a line with credentials, hidden)";
        return line;
    }

    void on_line(std::string line) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (m_session.in_data()) {
            if (line == ".") {
                auto result = m_session.send_message(m_message, now());
                m_message.clear();
                if (!result.ok) std::cout << fmt::format("not sent: {}\n", result.error);
                flush();
            } else {
                m_message += line + "\r\n";
            }
            return;
        }
        if (m_session.awaiting_sasl_line()) {
            if (!secure_or_local()) {
                std::cout << "refused: this SASL line would cross the network in clear (use TLS "
                             "or --allow-plaintext-login)\n";
                return;
            }
            m_session.send_raw(line + "\r\n", now());
            flush();
            return;
        }
        if (line.empty()) return;
        if (ascii::lower(line).rfind("auth ", 0) == 0 && !secure_or_local()) {
            std::cout << fmt::format(
                "not sent: AUTH would send credentials to {} in clear; use smtps://, "
                "--starttls, or --allow-plaintext-login\n",
                m_url.host);
            return;
        }
        submit(line);
    }

    void drive() {
        if (m_step != Step::Ready) {
            update_reply_timer();
            return;
        }
        while (m_step == Step::Ready && !m_lines.empty() && ready_for_next_line() && !m_quit_sent) {
            auto line = std::move(m_lines.front());
            m_lines.pop_front();
            m_prompt_shown = false;
            if (m_scripted) std::cout << fmt::format("script> {}\n", echo_of(line));
            on_line(line);
            print_events();
        }
        if (m_scripted && m_lines.empty()) m_input_ended = true;
        const auto state = m_session.state();
        if (m_input_ended && m_lines.empty() && !m_quit_sent && m_session.outstanding() == 0 &&
            !m_session.in_data() && state != smtp::State::Quit && state != smtp::State::Closed) {
            m_quit_sent = true;
            submit("QUIT");
            print_events();
        }
        update_reply_timer();
        if (!m_scripted && !m_input_ended && m_lines.empty() && ready_for_next_line()) {
            print_prompt();
        }
    }

    void update_reply_timer() {
        m_client->expect_reply(m_session.outstanding() > 0 && !m_session.in_data() &&
                               !m_session.awaiting_sasl_line());
    }

    void print_prompt() {
        if (m_prompt_shown) return;
        m_prompt_shown = true;
        std::string prefix;
        if (m_options.insecure) {
            prefix = m_options.colour ? fmt::format("{}[INSECURE]{} ", kConnectRed, kConnectReset)
                                      : std::string("[INSECURE] ");
        }
        std::string next = m_session.in_data()              ? "message (end with .)"
                           : m_session.awaiting_sasl_line() ? "SASL"
                                                            : "smtp";
        std::cout << fmt::format("{}[{}] {}> ", prefix, smtp::state_name(m_session.state()), next)
                  << std::flush;
    }

    const ConnectOptions& m_options;
    transport::ServerUrl m_url;
    std::optional<std::string> m_password;
    std::deque<std::string> m_lines;
    bool m_scripted = false;
    asio::io_context m_io;
    sim::SessionTrace m_trace;
    smtp::SmtpSession m_session;
    sim::FormatOptions m_format;
    std::shared_ptr<transport::NetClient> m_client;
    std::shared_ptr<TerminalInput> m_input;
    Step m_step = Step::Greeting;
    std::size_t m_printed = 0;
    std::string m_message;
    bool m_prompt_shown = false;
    bool m_input_ended = false;
    bool m_quit_sent = false;
    int m_exit_code = 0;
};

}  // namespace

int run_connect_smtp(const ConnectOptions& options, const transport::ServerUrl& url) {
    auto start = prepare_connect(options, url, "smtp");
    if (!start) return 2;
    SmtpConnect session(options, url, std::move(start->password),
                        {start->script.begin(), start->script.end()});
    return session.run();
}

}  // namespace mailscope::app
