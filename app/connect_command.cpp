#include "app/connect_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <optional>
#include <variant>

#include "app/cli_text.hpp"
#include "app/connect_support.hpp"
#include "net/client_loop.hpp"
#include "net/listener_config.hpp"
#include "sim/core/client_driver.hpp"
#include "sim/core/trace_format.hpp"

namespace mailscope::app {

namespace {

constexpr std::string_view kConnect = "mailscope connect";

// `mailscope connect` for any protocol: the generic driver over the network
// runner, with the terminal (or --script) for lines and stdout for events.
class ConnectSession {
  public:
    ConnectSession(const ConnectOptions& options, const transport::ServerUrl& url,
                   ConnectStart start)
        : m_options(options),
          m_url(url),
          m_scripted(!options.script.empty()),
          m_trace(url.protocol, fmt::format("{}://{}:{}", url.scheme, url.host, url.port)),
          m_driver(m_trace, client_options(options, url, start)),
          m_loop(m_driver, net_client_options(options, url), [this] { on_change(); }) {
        m_format.colour = options.colour;
        m_format.language = options.language;
        for (auto& line : start.script)
            m_driver.queue_line(std::move(line), 0);
        if (m_scripted) m_driver.end_input(0);
    }

    int run() {
        announce_connecting(m_url, m_options.language);
        m_loop.run();
        save_transcript(m_options, m_trace);
        return m_exit_code;
    }

  private:
    static sim::ClientOptions client_options(const ConnectOptions& options,
                                             const transport::ServerUrl& url, ConnectStart& start) {
        sim::ClientOptions client;
        client.reveal_secrets = options.reveal_secrets;
        client.plan.host = url.host;
        client.plan.port = url.port;
        client.plan.starttls = options.starttls;
        client.plan.user = url.user;
        client.plan.password = std::move(start.password);
        client.plan.oauth_token = std::move(start.oauth_token);
        client.plan.oauth_mechanism = start.oauth_mechanism;
        client.plan.plaintext_login_allowed =
            transport::is_loopback_host(url.host) || options.allow_plaintext_login;
        client.plan.insecure = options.insecure;
        return client;
    }

    void on_change() {
        print_progress();
        if (m_loop.ended()) {
            finish();
            return;
        }
        if (m_driver.stage() == sim::DriverStage::Ready && !m_scripted && !m_reading_input) {
            start_terminal_input();
        }
        if (m_driver.wants_line() && !m_scripted) print_prompt();
    }

    void finish() {
        if (m_finished) return;
        m_finished = true;
        if (m_driver.stage() == sim::DriverStage::Failed) {
            std::cerr << cli_error(m_options.language, kConnect, m_driver.failure());
            m_exit_code = 1;
        } else if (!sim::is_empty(m_loop.end_error())) {
            std::cerr << cli_error(m_options.language, kConnect, m_loop.end_error());
            m_exit_code = 1;
        } else {
            std::cout << cli_say(m_options.language, sim::Phrase::CliConnectionClosed) << "\n"
                      << std::flush;
        }
        m_loop.stop();
    }

    void start_terminal_input() {
        m_reading_input = true;
        m_loop.read_stdin([this](std::optional<std::string> line) {
            if (m_loop.ended()) return;
            m_prompt_shown = false;
            if (line) {
                m_driver.queue_line(std::move(*line), transport::steady_now());
            } else {
                m_driver.end_input(transport::steady_now());
            }
            m_loop.flush();
        });
    }

    // The events in order, with each script line's echo where it ran.
    void print_progress() {
        auto runs = m_driver.take_runs();
        const bool news = m_trace.end_seq() > m_printed || !runs.empty();
        if (news && m_prompt_shown) {
            // The prompt is redrawn after the news: on a terminal its line is
            // cleared, elsewhere the news starts on a line of its own.
            std::cout << (m_options.colour ? "\r\x1b[2K" : "\n");
            m_prompt_shown = false;
        }
        for (const auto& run : runs) {
            print_events_before(run.first_seq);
            if (m_scripted) std::cout << fmt::format("script> {}\n", run.echo);
            if (run.refused) {
                std::cout << cli_say(m_options.language, sim::Phrase::CliNotSent, *run.refused)
                          << "\n";
            }
        }
        print_events_before(m_trace.end_seq());
        while (auto notice = m_driver.take_notice())
            std::cout << sim::render(*notice, m_options.language) << '\n';
        std::cout << std::flush;
    }

    void print_events_before(std::uint64_t end) {
        while (m_printed < end) {
            const sim::TraceEvent* event = m_driver.engine().next_event();
            if (!event) break;
            std::cout << sim::format_event(m_trace, *event, m_format);
            m_printed = event->seq + 1;
        }
    }

    void print_prompt() {
        if (m_prompt_shown) return;
        m_prompt_shown = true;
        std::string prefix;
        if (m_options.insecure) {
            prefix = m_options.colour ? fmt::format("{}[INSECURE]{} ", kConnectRed, kConnectReset)
                                      : std::string("[INSECURE] ");
        }
        const auto& session = m_driver.session();
        std::cout << fmt::format("{}[{}] {}> ", prefix, session.state_label(),
                                 session.next_line_label())
                  << std::flush;
    }

    const ConnectOptions& m_options;
    transport::ServerUrl m_url;
    bool m_scripted = false;
    sim::SessionTrace m_trace;
    sim::ClientDriver m_driver;
    transport::ClientLoop m_loop;
    sim::FormatOptions m_format;
    bool m_reading_input = false;
    std::uint64_t m_printed = 0;
    bool m_prompt_shown = false;
    bool m_finished = false;
    int m_exit_code = 0;
};

}  // namespace

int run_connect(const ConnectOptions& options) {
    auto parsed = transport::parse_server_url(options.url);
    if (auto* error = std::get_if<sim::Said>(&parsed)) {
        std::cerr << cli_error(options.language, kConnect, *error);
        return 2;
    }
    const auto url = std::get<transport::ServerUrl>(parsed);
    auto start = prepare_connect(options, url, sim::protocol_name(url.protocol));
    if (!start) return 2;
    ConnectSession session(options, url, std::move(*start));
    return session.run();
}

}  // namespace mailscope::app
