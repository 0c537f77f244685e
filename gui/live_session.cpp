#include "gui/live_session.hpp"

#include <asio.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <future>
#include <mutex>

#include "gui/view_model/command_composer.hpp"
#include "sim/imap/states.hpp"
#include "sim/transport/net_client.hpp"
#include "sim/transport/tcp_server.hpp"

namespace mailscope::gui {

namespace {

// Where the session is in what it does by itself before the learner types.
enum class Step { Connecting, Greeting, Capability, StartTls, Login, Ready, Done };

std::string upper(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

bool has_capability(const std::vector<std::string>& list, std::string_view wanted) {
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& item) { return upper(item) == wanted; });
}

}  // namespace

// What the Asio thread leaves for the UI, always under `mutex`.
struct LiveFeed {
    std::mutex mutex;
    std::vector<sim::TraceEvent> events;
    imap::State state = imap::State::Connecting;
    LiveStatus status;
};

// One connection on the Asio thread: the NetClient, the client engine and
// the engine's trace. Only that thread touches it.
class LiveConnection {
  public:
    LiveConnection(asio::io_context& io, const LiveOptions& options, LiveFeed& feed)
        : m_io(io),
          m_options(options),
          m_feed(feed),
          m_trace(sim::Protocol::Imap, fmt::format("live {}:{}", options.host, options.port)),
          m_session(m_trace, client_options()) {
        m_status.insecure = options.tls.insecure;
    }

    void begin() {
        transport::NetClientOptions net;
        net.host = m_options.host;
        net.port = m_options.port;
        net.implicit_tls = m_options.mode == LiveMode::Imaps;
        net.tls = m_options.tls;
        net.timeout = m_options.timeout;
        try {
            m_client = transport::NetClient::create(m_io, net);
        } catch (const std::exception& error) {
            fail(error.what());
            return;
        }
        m_client->connect([this](const std::string& error) { on_connected(error); });
    }

    // Runs on the Asio thread; the result goes back to the waiting UI thread.
    std::optional<std::string> send(imap::Command command) {
        if (!m_client || !m_client->is_open() || m_step == Step::Done) {
            return std::string("The connection is not open.");
        }
        if (m_step != Step::Ready) {
            return std::string("The session is still starting; wait for it to be connected.");
        }
        if ((command.verb == imap::Verb::Login || command.verb == imap::Verb::Authenticate) &&
            !secure_or_local()) {
            return fmt::format(
                "Not sent: {} would send the password to {} in clear; connect with STARTTLS or "
                "IMAPS.",
                imap::verb_name(command.verb), m_options.host);
        }
        const auto verb = command.verb;
        const auto result = m_session.submit(std::move(command), now());
        if (!result.tag) return result.error;
        if (verb == imap::Verb::Starttls) m_starttls_tag = *result.tag;
        m_client->expect_reply(true);
        flush();
        publish();
        return std::nullopt;
    }

    std::string next_tag() { return m_session.next_tag(); }

    void logout() {
        const auto state = m_session.state();
        if (!m_client || !m_client->is_open() || state == imap::State::Logout ||
            state == imap::State::Closed || state == imap::State::Connecting) {
            shut();
            return;
        }
        submit_own(imap::Verb::Logout);
        publish();
    }

    void shut() {
        if (m_client) m_client->close();
    }

  private:
    static imap::SessionOptions client_options() {
        imap::SessionOptions options;
        options.role = imap::Role::Client;
        return options;
    }

    std::int64_t now() const { return transport::steady_now(); }

    bool secure_or_local() const {
        return m_client->tls_active() || transport::is_loopback_host(m_options.host);
    }

    void on_connected(const std::string& error) {
        if (!error.empty()) {
            fail(error);
            return;
        }
        m_session.note(sim::Direction::ServerToClient,
                       fmt::format("connected to {}:{}", m_options.host, m_options.port), now());
        if (m_client->tls_active()) note_tls();
        m_step = Step::Greeting;
        m_status.phase = LivePhase::Connected;
        m_client->expect_reply(true);
        m_client->start_reading([this](std::string_view bytes) { on_bytes(bytes); },
                                [this](const std::string& end) { on_end(end); });
        publish();
    }

    void note_tls() {
        m_status.tls = true;
        m_status.detail = m_client->tls_description();
        std::string text = fmt::format("TLS established: {}", m_status.detail);
        if (m_options.tls.insecure) {
            const auto reason = m_client->verify_result();
            text += reason.empty() ? "; certificate NOT verified (insecure)"
                                   : fmt::format(
                                         "; certificate NOT verified (insecure), and it would "
                                         "have failed: {}",
                                         reason);
        } else {
            text += fmt::format("; certificate verified for {}", m_options.host);
        }
        m_session.note(sim::Direction::ServerToClient, text, now());
    }

    void on_bytes(std::string_view bytes) {
        m_session.receive(bytes, now());
        while (auto received = m_session.next_response())
            on_response(received->response);
        flush();
        m_client->expect_reply(m_session.outstanding() > 0 && !m_session.idling());
        publish();
    }

    void on_end(const std::string& error) {
        m_session.feed_eof(sim::Direction::ServerToClient, now());
        m_step = Step::Done;
        if (error.empty()) {
            m_status.phase = LivePhase::Closed;
        } else {
            m_status.phase = LivePhase::Failed;
            m_status.detail = error;
        }
        publish();
    }

    void fail(const std::string& reason) {
        m_step = Step::Done;
        m_status.phase = LivePhase::Failed;
        m_status.detail = reason;
        m_session.note(sim::Direction::ServerToClient, reason, now());
        shut();
        publish();
    }

    void flush() {
        auto bytes = m_session.take_outgoing();
        if (!bytes.empty()) m_client->write(std::move(bytes));
    }

    void submit_own(imap::Verb verb, imap::CommandArgs args = {}) {
        const auto result = m_session.submit(
            imap::make_command(m_session.next_tag(), verb, std::move(args)), now());
        if (!result.tag) {
            fail(result.error);
            return;
        }
        m_own_tag = *result.tag;
        m_client->expect_reply(true);
        flush();
    }

    void on_response(const imap::Response& response) {
        using imap::ResponseKind;
        using imap::Status;
        if (response.kind == ResponseKind::Untagged && response.code &&
            response.code->name == "CAPABILITY") {
            m_offers_starttls = has_capability(response.code->list, "STARTTLS");
        }
        if (response.kind == ResponseKind::Untagged && response.name == "CAPABILITY") {
            m_offers_starttls = has_capability(response.flags, "STARTTLS");
        }
        const bool own_done = response.kind == ResponseKind::Tagged && response.tag == m_own_tag;
        switch (m_step) {
            case Step::Greeting:
                if (response.kind == ResponseKind::Untagged &&
                    m_session.state() != imap::State::Connecting) {
                    after_greeting(response.status);
                }
                return;
            case Step::Capability:
                if (!own_done) return;
                if (!m_offers_starttls) {
                    fail(
                        "The server does not offer STARTTLS, so the session cannot be protected; "
                        "nothing was sent in clear beyond CAPABILITY.");
                    return;
                }
                m_step = Step::StartTls;
                submit_own(imap::Verb::Starttls);
                return;
            case Step::StartTls:
                if (!own_done) return;
                if (response.status != Status::Ok) {
                    fail("The server refused STARTTLS.");
                    return;
                }
                upgrade([this] { login_or_ready(); });
                return;
            case Step::Login:
                if (own_done) m_step = Step::Ready;
                return;
            case Step::Ready:
                if (response.kind == ResponseKind::Tagged && response.tag == m_starttls_tag) {
                    m_starttls_tag.clear();
                    if (response.status == Status::Ok) upgrade([] {});
                }
                return;
            case Step::Connecting:
            case Step::Done:
                return;
        }
    }

    template <typename Then>
    void upgrade(Then then) {
        m_client->start_tls([this, then](const std::string& error) {
            if (!error.empty()) {
                fail(error);
                return;
            }
            note_tls();
            then();
            publish();
        });
    }

    void after_greeting(imap::Status status) {
        if (status == imap::Status::Bye) {
            m_step = Step::Done;
            return;
        }
        if (m_options.mode == LiveMode::StartTls) {
            if (status == imap::Status::Preauth) {
                fail(
                    "The server pre-authenticated the session in clear (PREAUTH), so STARTTLS is "
                    "no longer possible (RFC 3501 6.2.1).");
                return;
            }
            m_step = Step::Capability;
            submit_own(imap::Verb::Capability);
            return;
        }
        login_or_ready();
    }

    void login_or_ready() {
        if (m_options.user.empty() || m_session.state() != imap::State::NotAuthenticated) {
            m_step = Step::Ready;
            return;
        }
        if (!secure_or_local()) {
            fail(fmt::format("Logging in to {} would send the password in clear.", m_options.host));
            return;
        }
        m_step = Step::Login;
        submit_own(imap::Verb::Login, imap::LoginArgs{m_options.user, m_options.password});
    }

    void publish() {
        const std::lock_guard lock(m_feed.mutex);
        const auto& events = m_trace.events();
        for (; m_published < events.size(); ++m_published)
            m_feed.events.push_back(events[m_published]);
        m_feed.state = m_session.state();
        m_feed.status = m_status;
    }

    asio::io_context& m_io;
    const LiveOptions& m_options;
    LiveFeed& m_feed;
    sim::SessionTrace m_trace;
    imap::ImapSession m_session;
    std::shared_ptr<transport::NetClient> m_client;
    LiveStatus m_status;
    Step m_step = Step::Connecting;
    std::string m_own_tag;
    std::string m_starttls_tag;  // a STARTTLS typed by the learner
    bool m_offers_starttls = false;
    std::size_t m_published = 0;
};

// Declared so that they go safely: the connection (and the NetClient it
// holds) before the io_context its sockets belong to.
struct LiveSession::Shared {
    asio::io_context io;
    // Keeps the thread running after the connection ended, so that posted
    // work (a send, the shutdown) always runs.
    asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
    LiveFeed feed;
    std::unique_ptr<LiveConnection> connection;
};

std::string live_status_text(const LiveStatus& status) {
    switch (status.phase) {
        case LivePhase::Connecting:
            return "connecting…";
        case LivePhase::Connected:
            if (!status.tls) return "connected, no TLS";
            return fmt::format(
                "{}{}",
                status.insecure ? "INSECURE TLS (certificate not verified): " : "connected, TLS: ",
                status.detail);
        case LivePhase::Failed:
            return fmt::format("failed: {}", status.detail);
        case LivePhase::Closed:
            return "closed";
    }
    return {};
}

std::variant<LiveOptions, std::string> live_options_from_form(const ConnectForm& form) {
    LiveOptions options;
    options.host = form.host.data();
    if (options.host.empty()) return std::string("Give the name or address of the server.");
    if (form.port < 0 || form.port > 65535) {
        return std::string("The port is a number from 1 to 65535 (0 for the usual one).");
    }
    options.port = static_cast<std::uint16_t>(form.port);
    if (form.mode < 0 || form.mode > 2) return std::string("Choose how the session is protected.");
    options.mode = static_cast<LiveMode>(form.mode);
    options.user = form.user.data();
    options.password = form.password.data();
    if (!options.user.empty() && options.password.empty()) {
        return std::string("Give the password too, or leave the user empty to log in by hand.");
    }
    if (options.mode != LiveMode::Plain) {
        if (form.ca_file[0] != '\0') options.tls.ca_file = std::string(form.ca_file.data());
        options.tls.insecure = form.insecure;
    }
    return options;
}

LiveSession::LiveSession(LiveOptions options) : m_options(std::move(options)) {}

std::variant<std::unique_ptr<LiveSession>, std::string> LiveSession::start(LiveOptions options) {
    if (options.host.empty()) return std::string("Give the name or address of the server.");
    if (options.tls.insecure && options.tls.ca_file) {
        return std::string(
            "\"Insecure\" and a CA file contradict each other: the CA file is for verifying.");
    }
    if (options.port == 0) options.port = options.mode == LiveMode::Imaps ? 993 : 143;
    if (!options.user.empty() && options.mode == LiveMode::Plain &&
        !transport::is_loopback_host(options.host)) {
        return fmt::format(
            "Logging in to {} would send the password in clear; choose STARTTLS or IMAPS.",
            options.host);
    }
    std::unique_ptr<LiveSession> live(new LiveSession(std::move(options)));
    live->m_trace = std::make_unique<sim::SessionTrace>(
        sim::Protocol::Imap, fmt::format("live {}:{}", live->m_options.host, live->m_options.port));
    live->m_status.insecure = live->m_options.tls.insecure;
    live->m_shared = std::make_unique<Shared>();
    Shared& shared = *live->m_shared;
    shared.feed.status = live->m_status;
    shared.connection = std::make_unique<LiveConnection>(shared.io, live->m_options, shared.feed);
    asio::post(shared.io, [&shared] { shared.connection->begin(); });
    live->m_thread = std::thread([&shared] { shared.io.run(); });
    return live;
}

LiveSession::~LiveSession() {
    if (!m_shared) return;
    Shared& shared = *m_shared;
    asio::post(shared.io, [&shared] {
        shared.connection->shut();
        shared.work.reset();
        shared.io.stop();
    });
    if (m_thread.joinable()) m_thread.join();
    shared.connection.reset();
}

std::optional<std::string> LiveSession::send(std::string_view line,
                                             std::string_view typed_literals) {
    Shared& shared = *m_shared;
    // The engine, and with it the next tag, belongs to the Asio thread: the
    // command is composed and submitted there while the UI waits briefly.
    std::promise<std::optional<std::string>> answer;
    auto result = answer.get_future();
    asio::post(shared.io, [&shared, &answer, line = std::string(line),
                           literals = std::string(typed_literals)] {
        ComposedCommand composed = compose_command(line, literals, shared.connection->next_tag());
        if (!composed.command) {
            answer.set_value(composed.error);
            return;
        }
        answer.set_value(shared.connection->send(std::move(*composed.command)));
    });
    return result.get();
}

bool LiveSession::drain() {
    std::vector<sim::TraceEvent> events;
    bool changed = false;
    {
        const std::lock_guard lock(m_shared->feed.mutex);
        events.swap(m_shared->feed.events);
        const LiveStatus& status = m_shared->feed.status;
        changed = m_state != m_shared->feed.state || m_status.phase != status.phase ||
                  m_status.tls != status.tls || m_status.detail != status.detail;
        m_state = m_shared->feed.state;
        m_status = status;
    }
    for (sim::TraceEvent& event : events)
        m_trace->append(std::move(event));
    return changed || !events.empty();
}

std::vector<std::string> LiveSession::allowed_verbs() const {
    std::vector<std::string> verbs;
    for (int v = 0; v < static_cast<int>(imap::Verb::Unknown); ++v) {
        const auto verb = static_cast<imap::Verb>(v);
        if (imap::command_allowed(verb, m_state)) verbs.emplace_back(imap::verb_name(verb));
    }
    return verbs;
}

void LiveSession::close() {
    Shared& shared = *m_shared;
    asio::post(shared.io, [&shared] { shared.connection->logout(); });
}

}  // namespace mailscope::gui
