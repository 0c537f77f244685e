#include "app/connect_pop3.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <asio.hpp>
#include <cctype>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "app/connect_support.hpp"
#include "net/net_client.hpp"
#include "net/tcp_server.hpp"
#include "sim/core/trace_format.hpp"
#include "sim/core/transcript.hpp"
#include "sim/pop3/session.hpp"

namespace mailscope::app {

namespace {

enum class Phase { Connecting, Greeting, StartTls, Login, Ready, Done };

class Pop3Connect {
  public:
    Pop3Connect(const ConnectOptions& options, transport::ServerUrl url,
                std::optional<std::string> password, std::vector<std::string> script)
        : m_options(options),
          m_url(std::move(url)),
          m_password(std::move(password)),
          m_script(std::move(script)),
          m_scripted(!options.script.empty()),
          m_trace(sim::Protocol::Pop3,
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
    static pop3::SessionOptions session_options(const ConnectOptions& options) {
        pop3::SessionOptions result;
        result.role = pop3::Role::Client;
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
        m_session.note(sim::Direction::ServerToClient,
                       fmt::format("connected to {}:{}", m_url.host, m_url.port), now());
        if (m_client->tls_active()) note_tls();
        m_phase = Phase::Greeting;
        m_client->expect_reply(true);
        m_client->start_reading([this](std::string_view bytes) { on_bytes(bytes); },
                                [this](const std::string& error) { on_end(error); });
        print_events();
    }

    void note_tls() {
        std::string text = fmt::format("TLS established: {}", m_client->tls_description());
        if (m_options.insecure) {
            auto reason = m_client->verify_result();
            text += reason.empty() ? "; certificate NOT verified (--insecure)"
                                   : fmt::format(
                                         "; certificate NOT verified (--insecure), and it "
                                         "would have failed: {}",
                                         reason);
        } else {
            text += fmt::format("; certificate verified for {}", m_url.host);
        }
        m_session.note(sim::Direction::ServerToClient, text, now());
    }

    void on_bytes(std::string_view bytes) {
        m_session.receive(bytes, now());
        while (auto received = m_session.next_reply())
            on_reply(*received);
        print_events();
        m_client->expect_reply(m_session.outstanding() > 0 && !m_session.sasl_line_expected());
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
            std::cout << (m_options.colour ? "\r\x1b[2K" : "\n");
            m_prompt_shown = false;
        }
        for (; m_printed < m_trace.size(); ++m_printed) {
            std::cout << sim::format_event(m_trace, m_trace.at(m_printed), m_format);
        }
        std::cout << std::flush;
    }

    // Lines the tool sends itself (STLS, USER, PASS, QUIT).
    bool submit_own(const std::string& line) {
        auto result = m_session.submit_line(line, now());
        flush();
        if (!result.ok) {
            fail(result.error);
            return false;
        }
        m_client->expect_reply(true);
        return true;
    }

    void on_reply(const pop3::ReplyReceived& received) {
        const bool ok = received.reply.kind == pop3::ReplyKind::Ok;
        switch (m_phase) {
            case Phase::Greeting:
                if (!received.greeting) return;
                if (!ok) {
                    m_phase = Phase::Done;
                    return;
                }
                if (m_options.starttls) {
                    m_phase = Phase::StartTls;
                    submit_own("STLS");
                    return;
                }
                login_or_ready();
                return;
            case Phase::StartTls:
                if (received.answers != pop3::Verb::Stls) return;
                if (!ok) {
                    abort_session(
                        "the server refused STLS, so --starttls cannot protect this session; "
                        "nothing else was sent");
                    return;
                }
                m_client->start_tls([this](const std::string& error) {
                    if (!error.empty()) {
                        abort_session(error);
                        return;
                    }
                    note_tls();
                    print_events();
                    login_or_ready();
                });
                return;
            case Phase::Login:
                if (received.answers == pop3::Verb::User && !ok) {
                    std::cout << "USER refused: the session stays in AUTHORIZATION\n";
                    become_ready();
                } else if (received.answers == pop3::Verb::Pass) {
                    if (!ok) std::cout << "login failed: the session stays in AUTHORIZATION\n";
                    become_ready();
                }
                return;
            case Phase::Ready:
                if (received.answers == pop3::Verb::Stls && ok) {
                    m_client->start_tls([this](const std::string& error) {
                        if (!error.empty()) {
                            abort_session(error);
                            return;
                        }
                        note_tls();
                        after_progress();
                    });
                }
                return;
            case Phase::Connecting:
            case Phase::Done:
                return;
        }
    }

    void login_or_ready() {
        if (m_url.user.empty() || !m_password || m_session.state() != pop3::State::Authorization) {
            become_ready();
            return;
        }
        m_phase = Phase::Login;
        // USER and PASS go together; the engine masks the password in the trace.
        if (!submit_own("USER " + m_url.user)) return;
        if (!submit_own("PASS " + *m_password)) return;
        print_events();
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

    void start_terminal_input() {
        m_input = TerminalInput::start(m_io, [this](std::optional<std::string> line) {
            if (m_phase == Phase::Done) return;
            if (line) {
                on_line(*line);
                after_progress();
            } else {
                m_quit_requested = true;
                after_progress();
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
        if (m_session.sasl_line_expected()) {
            if (!secure_or_local()) {
                std::cout << "refused: this SASL line would cross the network in clear "
                             "(use TLS or --allow-plaintext-login)\n";
                return;
            }
            m_session.send_raw(line + "\r\n", now());
            flush();
            m_client->expect_reply(true);
            return;
        }
        if (line.empty()) return;
        const auto keyword = ascii_upper(line.substr(0, line.find(' ')));
        if ((keyword == "PASS" || keyword == "APOP" || keyword == "AUTH") && !secure_or_local()) {
            std::cout << fmt::format(
                "not sent: {} would send credentials to {} in clear; use pop3s://, --starttls, "
                "or --allow-plaintext-login\n",
                keyword, m_url.host);
            return;
        }
        auto result = m_session.submit_line(line, now());
        if (!result.ok) {
            std::cout << fmt::format("not sent: {}\n", result.error);
            return;
        }
        flush();
        m_client->expect_reply(true);
    }

    std::string echo_of(const std::string& line) const {
        if (m_options.reveal_secrets) return line;
        if (m_session.sasl_line_expected()) return "*** (SASL line hidden)";
        const auto keyword = ascii_upper(line.substr(0, line.find(' ')));
        if (keyword == "PASS" || keyword == "AUTH") return keyword + " ***";
        return line;
    }

    bool ready_for_next_line() const {
        return m_session.sasl_line_expected() || m_session.outstanding() == 0;
    }

    void after_progress() {
        if (m_phase != Phase::Ready) return;
        print_events();
        if (m_scripted) {
            while (m_phase == Phase::Ready && m_next_line < m_script.size() &&
                   ready_for_next_line() && !m_session.closed()) {
                const auto& line = m_script[m_next_line++];
                std::cout << fmt::format("script> {}\n", echo_of(line));
                on_line(line);
            }
            if (m_next_line >= m_script.size()) m_quit_requested = true;
        }
        if (m_quit_requested && !m_quit_sent && m_session.outstanding() == 0 &&
            !m_session.sasl_line_expected()) {
            m_quit_sent = true;
            const auto state = m_session.state();
            if (state == pop3::State::Authorization || state == pop3::State::Transaction) {
                submit_own("QUIT");
            }
        }
        print_events();
        if (!m_scripted && !m_quit_requested && ready_for_next_line()) print_prompt();
    }

    void print_prompt() {
        if (m_prompt_shown || m_session.closed()) return;
        m_prompt_shown = true;
        std::string prefix;
        if (m_options.insecure) {
            prefix = m_options.colour ? fmt::format("{}[INSECURE]{} ", kConnectRed, kConnectReset)
                                      : std::string("[INSECURE] ");
        }
        std::cout << fmt::format("{}[{}] {}> ", prefix, pop3::state_name(m_session.state()),
                                 m_session.sasl_line_expected() ? "SASL" : "pop3")
                  << std::flush;
    }

    const ConnectOptions& m_options;
    transport::ServerUrl m_url;
    std::optional<std::string> m_password;
    std::vector<std::string> m_script;
    bool m_scripted = false;
    asio::io_context m_io;
    sim::SessionTrace m_trace;
    pop3::Pop3Session m_session;
    sim::FormatOptions m_format;
    std::shared_ptr<transport::NetClient> m_client;
    std::shared_ptr<TerminalInput> m_input;
    Phase m_phase = Phase::Connecting;
    std::size_t m_printed = 0;
    std::size_t m_next_line = 0;
    bool m_prompt_shown = false;
    bool m_quit_requested = false;
    bool m_quit_sent = false;
    int m_exit_code = 0;
};

}  // namespace

int run_connect_pop3(const ConnectOptions& options, const transport::ServerUrl& url) {
    auto start = prepare_connect(options, url, "pop3");
    if (!start) return 2;
    Pop3Connect session(options, url, std::move(start->password), std::move(start->script));
    return session.run();
}

}  // namespace mailscope::app
