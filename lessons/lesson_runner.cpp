#include "lessons/lesson_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "lessons/text_functions.hpp"
#include "server_mock/fault_injection.hpp"
#include "server_mock/fixture.hpp"
#include "server_mock/imap_server_session.hpp"
#include "server_mock/pop3_server_session.hpp"
#include "server_mock/smtp_server_session.hpp"
#include "sim/core/ascii.hpp"
#include "sim/core/client_session.hpp"
#include "sim/core/in_process_link.hpp"
#include "sim/imap/command.hpp"
#include "sim/mime/builder.hpp"
#include "sim/text/charset.hpp"

namespace mailscope::lessons {

namespace {

// Lessons keep the date of delivered mail fixed so every run looks the same.
constexpr std::int64_t kDeliveryDate = 1705914000;  // 22-Jan-2024 09:00:00 UTC

std::string without_crlf(std::string_view raw) {
    while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r'))
        raw.remove_suffix(1);
    return std::string(raw);
}

bool is_response(const sim::TraceEvent& event) {
    return event.dir == sim::Direction::ServerToClient &&
           (event.kind == sim::EventKind::Untagged || event.kind == sim::EventKind::Tagged ||
            event.kind == sim::EventKind::Continuation);
}

// The lines of a POP3 or SMTP reply, each matched on its own: a multi-line
// reply (an EHLO list, a scan listing, a RETR body) is one event.
std::vector<std::string> reply_lines(std::string_view raw) {
    std::vector<std::string> out;
    while (!raw.empty()) {
        const auto end = raw.find('\n');
        out.push_back(without_crlf(raw.substr(0, end)));
        if (end == std::string_view::npos) break;
        raw.remove_prefix(end + 1);
    }
    return out;
}

// "+OK", "-ERR", "+" (a SASL challenge), or the SMTP reply code.
std::string reply_status(const sim::TraceEvent& event) {
    if (event.reply_code) return fmt::format("{:03}", event.reply_code);
    if (event.kind == sim::EventKind::Continuation) return "+";
    return std::string(sim::status_word(event.status));
}

// `wanted` is "+OK"/"-ERR" or an SMTP code where x stands for any digit.
bool status_matches(std::string_view wanted, std::string_view status) {
    if (wanted.size() != status.size()) return false;
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        if (wanted[i] == 'x' && std::isdigit(static_cast<unsigned char>(status[i]))) continue;
        if (ascii::to_upper(wanted[i]) != ascii::to_upper(status[i])) {
            return false;
        }
    }
    return true;
}

std::string flag_list(std::vector<std::string> flags) {
    std::sort(flags.begin(), flags.end());
    std::string out;
    for (const auto& flag : flags)
        out += (out.empty() ? "" : " ") + flag;
    return "(" + out + ")";
}

sim::Said listed(const std::vector<std::string>& lines) {
    if (lines.empty()) return sim::say(sim::Phrase::LessonNoneArrived);
    std::string out;
    constexpr std::size_t kShown = 12;
    for (std::size_t i = 0; i < lines.size() && i < kShown; ++i) {
        auto line = lines[i];
        if (line.size() > 120) line = line.substr(0, 117) + "...";
        out += fmt::format("\n    {}", line);
    }
    if (lines.size() > kShown) {
        return sim::say(sim::Phrase::LessonAndMore, out, lines.size() - kShown);
    }
    return sim::verbatim(out);
}

// "{}" and "{+}" become announced literals of the encoded text.
std::string build_literal_command(const SendLiteralAction& action, const Variables& variables,
                                  std::string& error) {
    const auto line = expand(action.line, variables);
    std::string out;
    std::size_t next = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const bool sync = line.compare(i, 2, "{}") == 0;
        const bool plus = line.compare(i, 3, "{+}") == 0;
        if (!sync && !plus) {
            out += line[i];
            continue;
        }
        const auto text = expand(action.literals.at(next++), variables);
        auto encoded = text::from_utf8(text, action.charset, &error);
        if (!encoded) return {};
        out += fmt::format("{{{}{}}}\r\n", encoded->size(), plus ? "+" : "");
        out += *encoded;
        i += plus ? 2 : 1;
    }
    return out + "\r\n";
}

}  // namespace

struct LessonRunner::Client {
    std::string name;
    sim::Protocol protocol = sim::Protocol::Imap;
    std::unique_ptr<sim::SessionTrace> trace;
    std::unique_ptr<sim::SessionTrace> server_trace;
    // The client engine, in the client role whatever its protocol; the
    // protocol's own view of the same engine is set by `protocol`.
    std::unique_ptr<sim::Engine> engine;
    imap::ImapSession* imap = nullptr;
    pop3::Pop3Session* pop3 = nullptr;
    smtp::SmtpSession* smtp = nullptr;
    std::unique_ptr<transport::ConnectionHandler> server;
    std::unique_ptr<sim::InProcessLink> link;
    bool eof_seen = false;

    template <typename Session, typename Options>
    void make(Session*& typed, Options options) {
        auto session = std::make_unique<Session>(*trace, options);
        typed = session.get();
        engine = std::move(session);
    }
    // What the lesson reads of replies is in the trace: the typed copies the
    // POP3 and SMTP engines queue for a client are let go.
    void drop_replies() {
        if (pop3)
            while (pop3->next_reply()) {
            }
        if (smtp)
            while (smtp->next_reply()) {
            }
        if (imap)
            while (imap->next_response()) {
            }
    }
    std::string state_name() const { return std::string(engine->state_id().name()); }
};

LessonRunner::LessonRunner(Lesson lesson) : m_lesson(std::move(lesson)) {
    const auto& options = m_lesson.server;
    if (options.greeting) m_config.greeting = *options.greeting;
    if (options.greeting_kind == "preauth") {
        m_config.greeting_kind = server::GreetingKind::Preauth;
        m_config.preauth_user = options.preauth_user;
    } else if (options.greeting_kind == "bye") {
        m_config.greeting_kind = server::GreetingKind::Bye;
    }
    m_config.login_disabled_without_tls = options.login_disabled;
    m_config.starttls_available = options.starttls;
    m_config.capabilities.literal_plus = options.literal_plus;
    m_config.capabilities.idle = options.idle;
    m_config.capabilities.move = options.move;
    m_config.anonymous = options.anonymous;
    if (options.autologout_micros) m_config.autologout = *options.autologout_micros;
    if (options.pop3_greeting) m_config.pop3.greeting = *options.pop3_greeting;
    m_config.pop3.apop = options.pop3_apop;
    if (options.smtp_hostname) m_config.smtp.hostname = *options.smtp_hostname;
    if (options.smtp_max_message_size)
        m_config.smtp.max_message_size = *options.smtp_max_message_size;
    if (options.smtp_max_recipients) m_config.smtp.max_recipients = *options.smtp_max_recipients;
    if (options.smtp_timeout_micros) m_config.smtp.timeout = *options.smtp_timeout_micros;
    for (const auto& text : options.faults) {
        auto parsed = server::parse_fault_rule(text);
        if (auto* rule = std::get_if<server::FaultRule>(&parsed)) m_config.faults.push_back(*rule);
    }
    reset();
}

LessonRunner::~LessonRunner() {
    // Sessions hold references into the store: they go first.
    m_clients.clear();
}

void LessonRunner::reset() {
    m_clients.clear();
    m_results.clear();
    m_variables.clear();
    m_now = 0;
    m_store = std::make_unique<server::MailStore>();
    // The loader already loaded this fixture once, so it cannot fail here.
    (void)server::load_fixture_text(*m_store, m_lesson.fixture_text, m_lesson.fixture_label,
                                    m_lesson.fixture_base);
    for (std::size_t i = 0; i < m_lesson.clients.size(); ++i) {
        auto client = std::make_unique<Client>();
        client->name = m_lesson.clients[i];
        client->protocol = m_lesson.client_protocol(i);
        client->trace = std::make_unique<sim::SessionTrace>(client->protocol, client->name);
        client->server_trace =
            std::make_unique<sim::SessionTrace>(client->protocol, "server for " + client->name);
        switch (client->protocol) {
            case sim::Protocol::Imap:
                client->make(client->imap, sim::client_role<imap::SessionOptions>());
                break;
            case sim::Protocol::Pop3:
                client->make(client->pop3, sim::client_role<pop3::SessionOptions>());
                break;
            case sim::Protocol::Smtp:
                client->make(client->smtp, sim::client_role<smtp::SessionOptions>());
                break;
        }
        m_clients.push_back(std::move(client));
    }
}

const Step* LessonRunner::current_step() const {
    return finished() ? nullptr : &m_lesson.steps[position()];
}

std::string LessonRunner::current_narration(Language language) const {
    const auto* step = current_step();
    return step ? shown(step->narration.in(language)) : std::string();
}

std::string LessonRunner::shown(std::string_view text) const {
    return substitute(text, m_variables);
}

LocalText LessonRunner::shown(const LocalText& text) const {
    return {shown(text.ru), shown(text.en)};
}

Quiz LessonRunner::shown(const Quiz& quiz) const {
    Quiz out = quiz;
    out.question = shown(quiz.question);
    out.explanation = shown(quiz.explanation);
    for (auto& choice : out.choices)
        choice = shown(choice);
    return out;
}

const std::string& LessonRunner::client_name(std::size_t client) const {
    return m_clients.at(client)->name;
}

const sim::SessionTrace& LessonRunner::client_trace(std::size_t client) const {
    return *m_clients.at(client)->trace;
}

const sim::SessionTrace& LessonRunner::server_trace(std::size_t client) const {
    return *m_clients.at(client)->server_trace;
}

const server::ServerSessionBase* LessonRunner::server_session(std::size_t client) const {
    return dynamic_cast<const server::ServerSessionBase*>(m_clients.at(client)->server.get());
}

sim::Protocol LessonRunner::client_protocol(std::size_t client) const {
    return m_clients.at(client)->protocol;
}

std::string LessonRunner::client_state_name(std::size_t client) const {
    return m_clients.at(client)->state_name();
}

const imap::ImapSession& LessonRunner::client_session(std::size_t client) const {
    const auto& c = *m_clients.at(client);
    if (!c.imap) throw std::invalid_argument(fmt::format("client {} does not speak IMAP", c.name));
    return *c.imap;
}

const pop3::Pop3Session& LessonRunner::pop3_session(std::size_t client) const {
    const auto& c = *m_clients.at(client);
    if (!c.pop3) throw std::invalid_argument(fmt::format("client {} does not speak POP3", c.name));
    return *c.pop3;
}

const smtp::SmtpSession& LessonRunner::smtp_session(std::size_t client) const {
    const auto& c = *m_clients.at(client);
    if (!c.smtp) throw std::invalid_argument(fmt::format("client {} does not speak SMTP", c.name));
    return *c.smtp;
}

bool LessonRunner::connected(std::size_t client) const {
    return m_clients.at(client)->link != nullptr;
}

bool LessonRunner::all_passed() const {
    return std::all_of(m_results.begin(), m_results.end(),
                       [](const StepResult& r) { return r.passed; });
}

const StepResult* LessonRunner::step_forward() {
    if (finished()) return nullptr;
    const Step& step = m_lesson.steps[position()];
    StepResult result;
    result.index = step.index;
    for (const auto& client : m_clients) {
        result.client_events.push_back({client->trace->size(), 0});
        result.server_events.push_back({client->server_trace->size(), 0});
    }
    std::vector<StepFailure> failures;
    if (step.action) run_action(step, *m_clients.at(step.client), failures);
    pump_all();
    for (std::size_t i = 0; i < m_clients.size(); ++i) {
        result.client_events[i].end = m_clients[i]->trace->size();
        result.server_events[i].end = m_clients[i]->server_trace->size();
    }
    check(step, result, failures);
    result.passed = failures.empty();
    result.failures = std::move(failures);
    m_results.push_back(std::move(result));
    return &m_results.back();
}

void LessonRunner::step_back() {
    if (position() > 0) jump_to(position() - 1);
}

void LessonRunner::jump_to(std::size_t steps) {
    steps = std::min(steps, m_lesson.steps.size());
    if (steps < position()) reset();
    while (position() < steps)
        step_forward();
}

const std::vector<StepResult>& LessonRunner::run_to_end() {
    while (!finished())
        step_forward();
    return m_results;
}

// ---------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------

void LessonRunner::run_action(const Step& step, Client& client,
                              std::vector<StepFailure>& failures) {
    auto fail = [&](sim::Said said) { failures.push_back({step.mark, std::move(said)}); };
    const auto& action = *step.action;
    if (std::holds_alternative<ConnectAction>(action)) {
        if (client.link) return fail(sim::say(sim::Phrase::LessonAlreadyConnected, client.name));
        connect(client);
        return;
    }
    if (const auto* wait = std::get_if<WaitAction>(&action)) {
        for (auto& c : m_clients) {
            if (c->link) c->link->advance(wait->micros);
            pump(*c);
        }
        m_now += wait->micros;
        return;
    }
    if (const auto* event = std::get_if<ServerEventAction>(&action)) {
        if (const auto* d = std::get_if<DeliverEvent>(&event->event))
            return deliver(step, *d, failures);
        // A fault rule joins the configuration: connections opened from now on obey it.
        auto parsed = server::parse_fault_rule(std::get<FaultEvent>(event->event).rule);
        if (auto* rule = std::get_if<server::FaultRule>(&parsed)) m_config.faults.push_back(*rule);
        return;
    }
    if (!client.link) {
        return fail(sim::say(sim::Phrase::LessonNotConnected, client.name));
    }
    if (client.link->server_closed()) {
        return fail(sim::say(sim::Phrase::LessonServerClosedClient, client.name));
    }
    const bool imap = client.imap != nullptr;
    const bool imap_only = std::holds_alternative<SendLiteralAction>(action) ||
                           std::holds_alternative<DoneAction>(action);
    if (imap_only && !imap) {
        return fail(sim::say(sim::Phrase::LessonClientNotImap, client.name,
                             sim::protocol_name(client.protocol)));
    }
    if (const auto* send = std::get_if<SendAction>(&action)) {
        std::string bytes;
        for (const auto& line : send->lines)
            bytes += expand(line, m_variables) + "\r\n";
        send_bytes(client, bytes);
    } else if (const auto* raw = std::get_if<SendRawAction>(&action)) {
        send_bytes(client, expand(raw->bytes, m_variables));
    } else if (const auto* literal = std::get_if<SendLiteralAction>(&action)) {
        send_literal(step, client, *literal, failures);
    } else if (const auto* sasl = std::get_if<SaslAction>(&action)) {
        send_bytes(client, expand(sasl->line, m_variables) + "\r\n");
    } else if (std::holds_alternative<DoneAction>(action)) {
        client.imap->send_done(client.link->now());
        pump(client);
    } else if (const auto* data = std::get_if<DataAction>(&action)) {
        if (client.protocol != sim::Protocol::Smtp) {
            return fail(sim::say(sim::Phrase::LessonClientNotSmtp, client.name,
                                 sim::protocol_name(client.protocol)));
        }
        send_data(client, *data);
    } else if (std::holds_alternative<CloseAction>(action)) {
        client.link->close_client();
        client.engine->feed_eof(sim::Direction::ClientToServer, client.link->now());
        client.eof_seen = true;
    }
}

// DATA, and the content only once the server has answered 354 (the engine
// is then in the Data state), as a client must (RFC 5321 4.1.1.4); the
// engine stuffs the dots and ends the data.
void LessonRunner::send_data(Client& client, const DataAction& action) {
    if (action.command) {
        send_bytes(client, "DATA\r\n");
        if (client.smtp->state() != smtp::State::Data) return;
    }
    pump(client);
    client.smtp->send_message(expand(action.text, m_variables), client.link->now());
    pump(client);
}

// Bytes written exactly as the lesson gives them, mistakes included: the
// client engine records them as its own side's.
void LessonRunner::send_bytes(Client& client, const std::string& bytes) {
    pump(client);
    client.engine->send_raw(bytes, client.link->now());
    pump(client);
}

void LessonRunner::send_literal(const Step& step, Client& client, const SendLiteralAction& action,
                                std::vector<StepFailure>& failures) {
    std::string error;
    const auto bytes = build_literal_command(action, m_variables, error);
    if (bytes.empty()) {
        failures.push_back({step.mark, sim::say(sim::Phrase::LessonLiteralNotEncoded, error)});
        return;
    }
    auto parsed = imap::parse_command(bytes);
    if (!parsed.command) {
        failures.push_back(
            {step.mark, sim::say(sim::Phrase::LessonCommandNotParsed,
                                 parsed.error ? parsed.error->as_said()
                                              : sim::say(sim::Phrase::LessonSyntaxError))});
        return;
    }
    pump(client);
    const auto submitted = client.imap->submit(*parsed.command, client.link->now());
    if (!submitted.tag) {
        failures.push_back(
            {step.mark, sim::say(sim::Phrase::LessonEngineRefused, submitted.error)});
        return;
    }
    pump(client);
}

void LessonRunner::deliver(const Step& step, const DeliverEvent& event,
                           std::vector<StepFailure>& failures) {
    const auto* mailbox = m_store->find(event.to, event.mailbox);
    if (!mailbox) {
        failures.push_back(
            {step.mark, sim::say(sim::Phrase::LessonNoMailboxToDeliver, event.to, event.mailbox)});
        return;
    }
    mime::MessageHeaders headers;
    headers.from = event.from;
    headers.to = event.to + "@example.org";
    headers.subject = event.subject;
    headers.date = "Mon, 22 Jan 2024 09:00:00 +0000";
    headers.message_id = fmt::format("<lesson-{}@example.org>", step.index + 1);
    const server::InternalDate date{kDeliveryDate, 0};
    auto stored =
        m_store->append(mailbox->id, mime::build_plain_text(headers, event.body), {}, date);
    if (!stored) {
        failures.push_back(
            {step.mark, sim::say(sim::Phrase::LessonDeliveryFailed, stored.error().message)});
    }
}

void LessonRunner::connect(Client& client) {
    switch (client.protocol) {
        case sim::Protocol::Imap:
            client.server = server::make_imap_session(*m_store, m_config, *client.server_trace);
            break;
        case sim::Protocol::Pop3:
            client.server = server::make_pop3_session(*m_store, m_config, *client.server_trace);
            break;
        case sim::Protocol::Smtp:
            client.server = server::make_smtp_session(*m_store, m_config, *client.server_trace);
            break;
    }
    client.link = std::make_unique<sim::InProcessLink>(*client.server, m_now);
    client.link->open();
    pump(client);
}

// Moves bytes both ways until neither side has anything more to say now.
void LessonRunner::pump(Client& client) {
    if (!client.link) return;
    sim::Engine& engine = *client.engine;
    for (;;) {
        auto out = engine.take_outgoing();
        if (!out.empty()) client.link->send(out);
        auto in = client.link->receive();
        if (!in.empty()) engine.receive(in, client.link->now());
        client.drop_replies();
        if (out.empty() && in.empty()) break;
    }
    if (client.link->server_closed() && !client.eof_seen) {
        client.eof_seen = true;
        engine.receive_eof(client.link->now());
    }
}

void LessonRunner::pump_all() {
    for (auto& client : m_clients)
        pump(*client);
}

// ---------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------

void LessonRunner::check(const Step& step, const StepResult& result,
                         std::vector<StepFailure>& failures) {
    const auto& expect = step.expect;
    const auto& client = *m_clients.at(step.client);
    const auto& events = client.trace->events();
    const auto range = result.client_events.at(step.client);

    // IMAP responses are matched whole; POP3 and SMTP replies line by line,
    // with the message bodies they carry (RETR, TOP).
    const bool imap = client.imap != nullptr;
    std::vector<const sim::TraceEvent*> responses;
    std::vector<const sim::TraceEvent*> text_events;
    std::vector<std::string> texts;
    for (auto i = range.begin; i < range.end; ++i) {
        const auto& event = events[i];
        const bool carried_body = !imap && event.dir == sim::Direction::ServerToClient &&
                                  event.kind == sim::EventKind::Literal;
        if (!is_response(event) && !carried_body) continue;
        if (is_response(event)) responses.push_back(&event);
        if (imap) {
            text_events.push_back(&event);
            texts.push_back(without_crlf(event.raw));
            continue;
        }
        for (auto& line : reply_lines(event.raw)) {
            text_events.push_back(&event);
            texts.push_back(std::move(line));
        }
    }

    std::vector<bool> used(texts.size(), false);
    // In order: each pattern is looked for after the response the one
    // before it matched.
    std::size_t after_previous = 0;
    for (const auto& pattern : expect.responses) {
        bool found = false;
        const std::size_t first = expect.responses_in_order ? after_previous : 0;
        for (std::size_t i = first; i < texts.size() && !found; ++i) {
            if (used[i] || !pattern_matches(pattern, texts[i], m_variables)) continue;
            used[i] = true;
            found = true;
            after_previous = i + 1;
        }
        if (!found) {
            const auto phrase = !expect.responses_in_order ? sim::Phrase::LessonNoResponseMatches
                                : first > 0 ? sim::Phrase::LessonNoLaterResponseMatches
                                            : sim::Phrase::LessonNoResponseMatchesInOrder;
            failures.push_back(
                {pattern.mark, sim::say(phrase, client.name, substitute(pattern.text, m_variables),
                                        listed(texts))});
        }
    }
    if (!expect.allow_extra_untagged) {
        for (std::size_t i = 0; i < texts.size(); ++i) {
            if (used[i] || text_events[i]->kind != sim::EventKind::Untagged) continue;
            failures.push_back(
                {expect.responses_mark, sim::say(sim::Phrase::LessonUnexpectedUntagged, texts[i])});
        }
    }
    if (expect.tagged) {
        bool any = false;
        for (const auto* response : responses) {
            if (response->kind != sim::EventKind::Tagged) continue;
            any = true;
            if (sim::status_word(response->status) != *expect.tagged) {
                failures.push_back(
                    {expect.tagged_mark, sim::say(sim::Phrase::LessonWrongCompletion,
                                                  sim::status_word(response->status),
                                                  *expect.tagged, without_crlf(response->raw))});
            }
        }
        if (!any) {
            failures.push_back(
                {expect.tagged_mark, sim::say(sim::Phrase::LessonNoCompletion, *expect.tagged)});
        }
    }
    if (!expect.replies.empty()) check_replies(step, client, responses, failures);
    if (expect.state && client.state_name() != *expect.state) {
        failures.push_back({expect.state_mark, sim::say(sim::Phrase::LessonWrongState, client.name,
                                                        client.state_name(), *expect.state)});
    }
    static const std::vector<imap::MessageView> no_messages;
    const auto& messages = imap ? client.imap->messages() : no_messages;
    if (expect.exists && messages.size() != *expect.exists) {
        failures.push_back(
            {expect.exists_mark, sim::say(sim::Phrase::LessonWrongExists, client.name,
                                          messages.size(), *expect.exists)});
    }
    for (const auto& wanted : expect.flags) {
        const imap::MessageView* view = nullptr;
        if (wanted.by_uid) {
            for (const auto& m : messages)
                if (m.uid == wanted.number) view = &m;
        } else if (wanted.number <= messages.size()) {
            view = &messages[wanted.number - 1];
        }
        const auto label = sim::say(
            wanted.by_uid ? sim::Phrase::LessonMessageUid : sim::Phrase::LessonMessageNumber,
            wanted.number);
        if (!view || !view->flags) {
            failures.push_back(
                {wanted.mark, sim::say(sim::Phrase::LessonFlagsUnknown, client.name, label)});
            continue;
        }
        if (flag_list(*view->flags) != flag_list(wanted.flags)) {
            failures.push_back(
                {wanted.mark, sim::say(sim::Phrase::LessonWrongFlags, label,
                                       flag_list(*view->flags), flag_list(wanted.flags))});
        }
    }
    if (expect.closed) {
        const bool closed = client.eof_seen || client.engine->closed();
        if (closed != *expect.closed) {
            failures.push_back(
                {expect.closed_mark, sim::say(closed ? sim::Phrase::LessonConnectionClosed
                                                     : sim::Phrase::LessonConnectionOpen)});
        }
    }

    // Every rule broken during the step must be one the lesson shows.
    std::vector<bool> seen(expect.violations.size(), false);
    for (std::size_t c = 0; c < m_clients.size(); ++c) {
        const auto& trace = m_clients[c]->trace->events();
        const auto r = result.client_events[c];
        for (auto i = r.begin; i < r.end; ++i) {
            if (trace[i].kind != sim::EventKind::Violation || !trace[i].violation) continue;
            const auto& rule = trace[i].violation->rule;
            bool expected = false;
            for (std::size_t v = 0; v < expect.violations.size(); ++v) {
                if (ascii::lower(rule).find(ascii::lower(expect.violations[v])) ==
                    std::string::npos)
                    continue;
                seen[v] = true;
                expected = true;
            }
            if (expected) continue;
            failures.push_back(
                {step.mark, sim::say(sim::Phrase::LessonUnexpectedViolation, m_clients[c]->name,
                                     rule, trace[i].violation->section)});
        }
    }
    for (std::size_t v = 0; v < expect.violations.size(); ++v) {
        if (seen[v]) continue;
        failures.push_back({expect.violation_mark,
                            sim::say(sim::Phrase::LessonViolationNotSeen, expect.violations[v])});
    }

    for (const auto& capture : expect.captures) {
        // A capture looks at every line, so a greeting's <timestamp> is found too.
        std::optional<std::string> value;
        for (std::size_t i = 0; i < texts.size() && !value; ++i) {
            value = capture_from(capture.pattern, texts[i], m_variables);
        }
        if (!value) {
            failures.push_back(
                {capture.pattern.mark, sim::say(sim::Phrase::LessonNothingToCapture, capture.name,
                                                capture.pattern.text)});
            continue;
        }
        m_variables[capture.name] = *value;
    }
}

void LessonRunner::check_replies(const Step& step, const Client& client,
                                 const std::vector<const sim::TraceEvent*>& responses,
                                 std::vector<StepFailure>& failures) const {
    const auto& expect = step.expect;
    std::vector<std::string> statuses;
    std::vector<std::string> lines;
    for (const auto* response : responses) {
        statuses.push_back(reply_status(*response));
        lines.push_back(reply_lines(response->raw).front());
    }
    auto wanted_list = [&] {
        std::string out;
        for (const auto& w : expect.replies)
            out += (out.empty() ? "" : ", ") + w;
        return out;
    };
    if (statuses.empty()) {
        failures.push_back(
            {expect.reply_mark, sim::say(sim::Phrase::LessonNoReply, client.name, wanted_list())});
        return;
    }
    if (!expect.replies_in_order) {
        if (!status_matches(expect.replies.front(), statuses.back())) {
            failures.push_back(
                {expect.reply_mark, sim::say(sim::Phrase::LessonWrongLastReply, statuses.back(),
                                             expect.replies.front(), lines.back())});
        }
        return;
    }
    bool same = statuses.size() == expect.replies.size();
    for (std::size_t i = 0; same && i < statuses.size(); ++i)
        same = status_matches(expect.replies[i], statuses[i]);
    if (!same) {
        failures.push_back({expect.reply_mark, sim::say(sim::Phrase::LessonWrongReplies,
                                                        wanted_list(), listed(lines))});
    }
}

}  // namespace mailscope::lessons
