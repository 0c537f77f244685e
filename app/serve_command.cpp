#include "app/serve_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <variant>

#include "app/background_jobs.hpp"
#include "app/cli_text.hpp"
#include "app/default_certificate.hpp"
#include "net/server_loop.hpp"
#include "net/tls_options.hpp"
#include "server_mock/assignment_loader.hpp"
#include "server_mock/class_report.hpp"
#include "server_mock/fixture.hpp"
#include "server_mock/imap_server_session.hpp"
#include "server_mock/maildir_store.hpp"
#include "server_mock/pop3_server_session.hpp"
#include "server_mock/refusal.hpp"
#include "server_mock/smtp_server_session.hpp"
#include "server_mock/trace_files.hpp"

namespace mailscope::app {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kServe = "mailscope serve";

server::InternalDate wall_clock() {
    auto now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return server::InternalDate{static_cast<std::int64_t>(now),
                                static_cast<std::int32_t>(local.tm_gmtoff / 60)};
}

// Which protocol a listener speaks, from its name ("imap", "smtps"...).
struct ListenerProtocol {
    sim::Protocol protocol;
    std::unique_ptr<transport::ConnectionHandler> (*make)(server::MailStore&,
                                                          const server::ServerConfig&,
                                                          sim::SessionTrace&);
};

struct TraceSettings {
    fs::path dir;           // empty: no files
    std::string run_stamp;  // in every file name
    std::size_t window_events = 0;
    sim::Language language = sim::Language::En;  // of the session reports
    // With --class-report: every session that ends is added, and the file rewritten.
    server::ClassReport* class_report = nullptr;
    fs::path class_report_file;
    // Where a session's report and its line in the class report are
    // written once it has ended; only that thread touches the class report.
    BackgroundJobs* after_session = nullptr;
};

// The memory a session's recent events may take, besides their count: the
// server itself reads none of them; they are there for a view that attaches.
constexpr std::size_t kTraceWindowBytes = 256u << 10;

ListenerProtocol listener_protocol(const std::string& listener) {
    if (listener.rfind("smtp", 0) == 0) {
        return {sim::Protocol::Smtp, server::make_smtp_session};
    }
    if (listener.rfind("pop3", 0) == 0) {
        return {sim::Protocol::Pop3, server::make_pop3_session};
    }
    return {sim::Protocol::Imap, server::make_imap_session};
}

// Each connection's trace keeps only its most recent events in memory; with
// a trace directory every event also goes to that session's files as it is
// appended (secrets are masked by the engine itself), flushed after each step
// of the connection, and the client's violation report is written when the
// connection ends.
class TracedSession : public transport::ConnectionHandler {
  public:
    TracedSession(server::MailStore& store, const server::ServerConfig& config,
                  const transport::ConnectionInfo& info, const TraceSettings& settings)
        : m_trace(listener_protocol(info.listener).protocol,
                  fmt::format("{} #{} from {}", info.listener, info.id, info.peer),
                  sim::TraceRetention{settings.window_events, kTraceWindowBytes}),
          m_settings(settings),
          m_started(std::time(nullptr)),
          m_tally(settings.class_report ? settings.class_report->assignment() : nullptr) {
        if (!settings.dir.empty()) {
            std::string error;
            m_files = server::TraceFiles::create(
                settings.dir,
                fmt::format("{}-{}-{:05}", info.listener, settings.run_stamp, info.id), error,
                settings.language);
            if (!m_files) {
                std::cerr << cli_error(settings.language, kServe, sim::Phrase::CliSessionNotTraced,
                                       error);
            }
        }
        if (m_files || settings.class_report) {
            m_trace.set_sink([this](const sim::TraceEvent& event) {
                if (m_files) m_files->add(event);
                m_tally.observe(event);
            });
        }
        m_inner = listener_protocol(info.listener).make(store, config, m_trace);
    }

    ~TracedSession() override {
        const auto* session = dynamic_cast<const server::ServerSessionBase*>(m_inner.get());
        const std::string user = session ? session->user() : std::string();
        // The session goes first: its last events reach the files before they close.
        m_inner.reset();
        if (!m_files && !m_settings.class_report) return;
        auto report = m_files ? m_files->close(m_trace.label()) : std::function<void()>();
        const fs::path report_path = m_files ? m_files->report_path() : fs::path();
        m_settings.after_session->post([report = std::move(report), report_path, user,
                                        tally = std::move(m_tally), started = m_started,
                                        ended = std::time(nullptr), &settings = m_settings] {
            if (report) report();
            if (!settings.class_report) return;
            settings.class_report->add(user, tally, started, ended, report_path);
            // With a trace directory too, each student has a page next to the table.
            for (const auto& error : settings.class_report->publish(settings.class_report_file,
                                                                    user, !report_path.empty())) {
                std::cerr << cli_error(settings.language, kServe, sim::verbatim(error));
            }
        });
    }

    void on_open(transport::Micros now, bool tls) override {
        m_inner->on_open(now, tls);
        flush();
    }
    std::size_t on_bytes(std::string_view bytes, transport::Micros now) override {
        const auto taken = m_inner->on_bytes(bytes, now);
        flush();
        return taken;
    }
    void on_eof(transport::Micros now) override {
        m_inner->on_eof(now);
        flush();
    }
    void on_timer(transport::Micros now) override {
        m_inner->on_timer(now);
        flush();
    }
    void on_tls_started(transport::Micros now) override {
        m_inner->on_tls_started(now);
        flush();
    }
    void on_server_shutdown(transport::Micros now) override {
        m_inner->on_server_shutdown(now);
        flush();
    }
    void on_overload(transport::Micros now, std::string_view reason) override {
        m_inner->on_overload(now, reason);
        flush();
    }
    transport::OutputQueue& output() override { return m_inner->output(); }
    bool wants_tls_upgrade() const override { return m_inner->wants_tls_upgrade(); }
    void tls_upgrade_started() override { m_inner->tls_upgrade_started(); }
    bool wants_close() const override { return m_inner->wants_close(); }
    bool reading_paused() const override { return m_inner->reading_paused(); }
    std::optional<transport::Micros> next_deadline() const override {
        return m_inner->next_deadline();
    }

  private:
    void flush() {
        if (m_files) m_files->flush();
    }

    sim::SessionTrace m_trace;
    const TraceSettings& m_settings;
    std::int64_t m_started = 0;
    server::SessionTally m_tally;
    std::unique_ptr<server::TraceFiles> m_files;
    std::unique_ptr<transport::ConnectionHandler> m_inner;
};

// "acl USER MAILBOX IDENTIFIER RIGHTS": IDENTIFIER gets RIGHTS (RFC 4314
// letters, "" for none) on MAILBOX as USER names it ("Shared" is USER's own,
// "#news.comp.mail.imap" a shared one).
bool grant_from_users_file(server::MailStore& store, std::string_view line,
                           const std::string& where, sim::Language language) {
    std::vector<std::string> words;
    std::size_t at = 0;
    while (at < line.size()) {
        const auto start = line.find_first_not_of(" \t", at);
        if (start == std::string_view::npos) break;
        const auto end = std::min(line.find_first_of(" \t", start), line.size());
        words.emplace_back(line.substr(start, end - start));
        at = end;
    }
    if (words.size() == 4) words.emplace_back();
    if (words.size() != 5) {
        std::cerr << cli_error(language, kServe, sim::Phrase::CliLine, where,
                               sim::say(sim::Phrase::CliAclLineShape));
        return false;
    }
    const std::string rights_text = words[4] == "\"\"" ? std::string() : words[4];
    std::string error;
    const auto rights = server::parse_rights(rights_text, &error);
    const auto* mailbox = store.find(words[1], words[2]);
    if (!rights || mailbox == nullptr) {
        std::cerr << cli_error(language, kServe, sim::Phrase::CliLine, where,
                               rights
                                   ? sim::say(sim::Phrase::CliUserHasNoMailbox, words[1], words[2])
                                   : sim::verbatim(error));
        return false;
    }
    auto granted = store.grant(mailbox->id, server::canonical_identifier(words[3]), *rights);
    if (!granted) {
        std::cerr << cli_error(language, kServe, sim::Phrase::CliLine, where,
                               granted.error().message);
        return false;
    }
    return true;
}

// "oauth USER TOKEN": XOAUTH2 and OAUTHBEARER accept TOKEN for USER.
bool token_from_users_file(server::MailStore& store, std::string_view line,
                           const std::string& where, sim::Language language) {
    std::istringstream words{std::string(line)};
    std::string keyword, user, token, extra;
    words >> keyword >> user >> token >> extra;
    if (token.empty() || !extra.empty()) {
        std::cerr << cli_error(language, kServe, sim::Phrase::CliLine, where,
                               sim::say(sim::Phrase::CliOAuthLineShape));
        return false;
    }
    if (auto error = store.set_oauth_token(user, token)) {
        std::cerr << cli_error(language, kServe, sim::Phrase::CliLine, where,
                               sim::verbatim(*error));
        return false;
    }
    return true;
}

bool load_users(server::MailStore& store, const ServeOptions& options) {
    auto add = [&](const std::string& spec, const std::string& where) {
        auto colon = spec.find(':');
        if (colon == std::string::npos || colon == 0) {
            std::cerr << cli_error(options.language, kServe, sim::Phrase::CliLine, where,
                                   sim::say(sim::Phrase::CliUserSpecShape));
            return false;
        }
        if (auto error = store.add_user(spec.substr(0, colon), spec.substr(colon + 1))) {
            std::cerr << cli_error(options.language, kServe, sim::Phrase::CliLine, where, *error);
            return false;
        }
        return true;
    };
    for (const auto& spec : options.users) {
        if (!add(spec, "--user")) return false;
    }
    if (!options.users_file.empty()) {
        std::ifstream in(options.users_file);
        if (!in) {
            std::cerr << cli_error(options.language, kServe, sim::Phrase::CliCannotReadFile,
                                   options.users_file);
            return false;
        }
        std::string line;
        int number = 0;
        // Grants come after every user of the file exists, so that any of
        // them can be named.
        std::vector<std::pair<std::string, std::string>> grants;
        while (std::getline(in, line)) {
            ++number;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty() || line.front() == '#') continue;
            const std::string where = fmt::format("{}:{}", options.users_file, number);
            if (line.starts_with("acl ") || line.starts_with("oauth ")) {
                grants.emplace_back(line, where);
                continue;
            }
            if (!add(line, where)) return false;
        }
        for (const auto& [grant, where] : grants) {
            const bool done = grant.starts_with("oauth ")
                                  ? token_from_users_file(store, grant, where, options.language)
                                  : grant_from_users_file(store, grant, where, options.language);
            if (!done) return false;
        }
    }
    return true;
}

bool load_store(server::MailStore& store, const ServeOptions& options) {
    const bool from_fixture =
        !options.fixture.empty() || (options.mbox.empty() && options.maildir.empty());
    if (from_fixture) {
        fs::path fixture = options.fixture.empty() ? fs::path(MAILSCOPE_SOURCE_DIR) /
                                                         "server_mock/fixtures/classroom.yaml"
                                                   : fs::path(options.fixture);
        auto loaded = server::load_fixture(store, fixture);
        if (!loaded.ok()) {
            std::cerr << cli_error(
                options.language, kServe,
                sim::verbatim(server::describe(loaded.error(), options.language)));
            return false;
        }
    }
    if (!load_users(store, options)) return false;
    if (!options.mbox.empty() || !options.maildir.empty()) {
        // The first --user given, else the first user by name.
        auto users = store.users().names();
        if (!options.users.empty()) {
            users.insert(users.begin(),
                         options.users.front().substr(0, options.users.front().find(':')));
        }
        if (users.empty()) {
            std::cerr << cli_error(options.language, kServe, sim::Phrase::CliImportNeedsUser);
            return false;
        }
        const auto* inbox = store.inbox_of(users.front());
        if (!inbox) {
            std::cerr << cli_error(options.language, kServe, sim::Phrase::CliUserHasNoInbox,
                                   users.front());
            return false;
        }
        auto result = !options.mbox.empty()
                          ? server::import_mbox_file(store, inbox->id, options.mbox, wall_clock())
                          : server::import_maildir(store, inbox->id, options.maildir);
        if (!result.ok()) {
            std::cerr << cli_error(
                options.language, kServe,
                sim::verbatim(server::describe(result.error(), options.language)));
            return false;
        }
        std::cout << cli_say(options.language, sim::Phrase::CliImported, result.value().size(),
                             users.front())
                  << "\n";
    }
    return true;
}

}  // namespace

int run_serve(const ServeOptions& options) {
    server::MailStore store;
    if (!load_store(store, options)) return 1;

    std::unique_ptr<server::MaildirBackend> backend;
    if (!options.data_dir.empty()) {
        auto attached = server::attach_data_dir(store, options.data_dir);
        if (!attached.ok()) {
            const auto& error = attached.error();
            std::cerr << cli_error(
                options.language, kServe,
                sim::is_empty(error.said)
                    ? sim::verbatim(error.detail.empty() ? error.message : error.detail)
                    : error.said);
            return 1;
        }
        // A file size limit (ulimit -f) must fail the write with EFBIG, which
        // the store reports like a full disk, instead of killing the server.
        std::signal(SIGXFSZ, SIG_IGN);
        backend = std::move(attached.value());
    }

    // After loading: a starting store may hold more than the limits allow.
    store.set_default_quota(options.quota);

    server::ServerConfig config = options.config;
    config.clock = wall_clock;
    // Mod-sequences live in memory: after a restart they would start below
    // what clients have cached, so a store on disk does not offer CONDSTORE.
    if (backend) config.capabilities.condstore = false;
    std::random_device entropy;
    std::seed_seq seed{entropy(), entropy(), entropy(), entropy(),
                       entropy(), entropy(), entropy(), entropy()};
    config.random = [generator = std::make_shared<std::mt19937_64>(seed)] {
        return (*generator)();
    };

    std::vector<transport::ListenerConfig> listeners;
    try {
        for (const auto& address : options.imap) {
            listeners.push_back(transport::parse_listen_address(address, "imap", false));
        }
        for (const auto& address : options.imaps) {
            listeners.push_back(transport::parse_listen_address(address, "imaps", true));
        }
        for (const auto& address : options.smtp) {
            listeners.push_back(transport::parse_listen_address(address, "smtp", false));
        }
        for (const auto& address : options.smtps) {
            listeners.push_back(transport::parse_listen_address(address, "smtps", true));
        }
        for (const auto& address : options.pop3) {
            listeners.push_back(transport::parse_listen_address(address, "pop3", false));
        }
        for (const auto& address : options.pop3s) {
            listeners.push_back(transport::parse_listen_address(address, "pop3s", true));
        }
    } catch (const std::exception& error) {
        std::cerr << cli_error(options.language, kServe, sim::verbatim(error.what()));
        return 1;
    }
    if (listeners.empty()) {
        listeners.push_back(transport::parse_listen_address("127.0.0.1:1143", "imap", false));
        listeners.push_back(transport::parse_listen_address("127.0.0.1:1993", "imaps", true));
    }
    for (auto& listener : listeners) {
        listener.refusal =
            server::too_many_connections(listener_protocol(listener.name).protocol, config);
    }
    if (options.limits.output_bound > options.limits.session_output_cap) {
        std::cerr << cli_error(options.language, kServe, sim::Phrase::CliOutputBufferTooLarge);
        return 1;
    }

    transport::ServerTlsFiles files{options.cert, options.key};
    if (files.cert_file.empty() != files.key_file.empty()) {
        std::cerr << cli_error(options.language, kServe, sim::Phrase::CliCertKeyTogether);
        return 1;
    }
    if (files.cert_file.empty()) {
        auto dir = default_tls_dir(options.data_dir);
        files = {(dir / "cert.pem").string(), (dir / "key.pem").string()};
    }
    if (!fs::exists(files.cert_file) || !fs::exists(files.key_file)) {
        if (auto error = transport::ensure_self_signed(files)) {
            std::cerr << cli_error(options.language, kServe, sim::verbatim(*error));
            return 1;
        }
        std::cout << cli_say(options.language, sim::Phrase::CliMadeCertificate, files.cert_file)
                  << "\n";
    }
    std::unique_ptr<transport::ServerLoop> server;
    try {
        server = std::make_unique<transport::ServerLoop>(files, options.limits);
    } catch (const std::exception& error) {
        std::cerr << cli_error(options.language, kServe, sim::verbatim(error.what()));
        return 1;
    }
    config.starttls_available = true;

    std::optional<server::Assignment> assignment;
    if (!options.assignment.empty()) {
        auto loaded = server::load_assignment_file(options.assignment);
        if (auto* error = std::get_if<sim::Said>(&loaded)) {
            std::cerr << cli_error(options.language, kServe, *error);
            return 1;
        }
        assignment = std::move(std::get<server::Assignment>(loaded));
    }
    server::ClassReport class_report(options.language, std::move(assignment));
    TraceSettings trace_settings;
    BackgroundJobs after_session([&options](const std::exception& error) {
        std::cerr << cli_error(options.language, kServe, sim::verbatim(error.what()));
    });
    trace_settings.after_session = &after_session;
    trace_settings.language = options.language;
    trace_settings.dir = options.trace_dir;
    trace_settings.run_stamp = server::run_stamp();
    trace_settings.window_events = options.trace_window;
    if (!options.class_report.empty()) {
        trace_settings.class_report = &class_report;
        trace_settings.class_report_file = options.class_report;
        // An empty report at once: the path is checked before the class comes.
        std::string error;
        if (!class_report.write(options.class_report, error)) {
            std::cerr << cli_error(options.language, kServe, sim::verbatim(error));
            return 1;
        }
    }
    auto factory = [&store, &config, &trace_settings](const transport::ConnectionInfo& info)
        -> std::unique_ptr<transport::ConnectionHandler> {
        return std::make_unique<TracedSession>(store, config, info, trace_settings);
    };
    for (const auto& listener : listeners) {
        try {
            auto port = server->listen(listener, factory);
            // The same words in every language: scripts read this line.
            std::cout << fmt::format(
                "listening: {} {}:{} ({})\n", listener.name, listener.address, port,
                cli_say(options.language, listener.implicit_tls
                                              ? sim::Phrase::CliListeningTls
                                              : sim::Phrase::CliListeningStarttls));
        } catch (const std::exception& error) {
            std::cerr << cli_error(options.language, kServe, sim::Phrase::CliCannotListenOn,
                                   fmt::format("{}:{}", listener.address, listener.port),
                                   error.what());
            return 1;
        }
        if (listener.address != "127.0.0.1" && listener.address != "::1") {
            std::cout << cli_say(options.language, sim::Phrase::CliReachableWarning, listener.name,
                                 listener.address)
                      << "\n";
        }
    }
    std::cout << cli_say(options.language, sim::Phrase::CliUsers,
                         fmt::format("{}", fmt::join(store.users().names(), ", ")))
              << "\n";
    if (options.quota.storage_kib || options.quota.messages) {
        std::cout << cli_say(options.language, sim::Phrase::CliQuotaOfEachUser,
                             fmt::format(
                                 "{}{}{}",
                                 options.quota.storage_kib
                                     ? fmt::format("STORAGE {} KiB", *options.quota.storage_kib)
                                     : "",
                                 options.quota.storage_kib && options.quota.messages ? ", " : "",
                                 options.quota.messages
                                     ? fmt::format("MESSAGE {}", *options.quota.messages)
                                     : ""))
                  << "\n";
    }
    if (!options.trace_dir.empty())
        std::cout << cli_say(options.language, sim::Phrase::CliTraces, options.trace_dir) << "\n";
    if (!options.class_report.empty()) {
        std::cout << cli_say(options.language, sim::Phrase::CliClassReport, options.class_report)
                  << "\n";
        if (const auto* steps = class_report.assignment()) {
            std::cout << cli_say(options.language, sim::Phrase::CliAssignmentSteps,
                                 options.assignment, steps->steps.size())
                      << "\n";
        }
        if (!options.trace_dir.empty())
            std::cout << cli_say(options.language, sim::Phrase::CliStudentPages,
                                 server::ClassReport::pages_dir(options.class_report).string())
                      << "\n";
    }
    std::cout << cli_say(options.language, sim::Phrase::CliPressCtrlC) << std::endl;

    server->run_until_signal([&options] {
        std::cout << cli_say(options.language, sim::Phrase::CliStoppingWithBye) << std::endl;
    });
    // Any session still held ends here, while the reports it leaves can be
    // written; `after_session` then writes what is queued before it goes.
    server.reset();
    return 0;
}

}  // namespace mailscope::app
