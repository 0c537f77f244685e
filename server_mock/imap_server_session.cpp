#include "server_mock/imap_server_session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "server_mock/wire_safety.hpp"
#include "sim/imap/extended_forms.hpp"

namespace mailscope::server {

using imap::Command;
using imap::Response;
using imap::Status;
using imap::Verb;

namespace {

imap::SessionOptions server_options(const ServerConfig& config) {
    imap::SessionOptions options;
    options.role = imap::Role::Server;
    options.limits = config.limits;
    return options;
}

// How often a session waiting for the disk to write a COPY's next chunk looks.
constexpr transport::Micros kLongCommandPoll = 2000;

// RFC 3501 7.4.1: no EXPUNGE while the client may hold sequence numbers of a
// FETCH, STORE or SEARCH in flight; the UID forms are safe (RFC 3501 5.5).
bool holds_expunges(const Command& command) {
    return !command.uid && imap::has_flag(command.verb, imap::VerbFlag::HoldsExpunge);
}

// Commands after which the session is not what it was (RFC 3501 3), or that
// change how later responses are written (ENABLE), or that go on with lines
// of their own (IDLE, AUTHENTICATE): no other command may run beside them.
bool changes_session(Verb verb) {
    return imap::verb_info(verb).effect != imap::Effect::None || verb == Verb::Enable ||
           imap::has_flag(verb, imap::VerbFlag::Continues);
}

// A command whose arguments may hold message sequence numbers.
bool names_sequence_numbers(const Command& command) {
    if (command.uid) return false;
    switch (command.verb) {
        case Verb::Fetch:
        case Verb::Store:
        case Verb::Copy:
        case Verb::Move:
        case Verb::Search:
        case Verb::Sort:
        case Verb::Thread:
            return true;
        default:
            return false;
    }
}

// Commands that change messages or mailboxes, and so what others report.
bool changes_messages(Verb verb) {
    switch (verb) {
        case Verb::Store:
        case Verb::Expunge:
        case Verb::Copy:
        case Verb::Move:
        case Verb::Append:
        case Verb::Delete:
        case Verb::Rename:
            return true;
        default:
            return false;
    }
}

bool reads_messages(Verb verb) {
    switch (verb) {
        case Verb::Fetch:
        case Verb::Search:
        case Verb::Sort:
        case Verb::Thread:
        case Verb::Status:
            return true;
        default:
            return changes_messages(verb);
    }
}

std::string tag_and_verb(std::string_view tag, Verb verb) {
    return fmt::format("{} {}", tag, imap::verb_name(verb));
}

// The capabilities a toggle switches, in the order CAPABILITY lists them.
// Switching one off also refuses the commands that need it.
struct ToggledCapability {
    std::string_view name;
    bool CapabilityToggles::*on;
    // The extension it extends, without which it is not offered either.
    bool CapabilityToggles::*needs = nullptr;
};

constexpr std::array<ToggledCapability, 34> toggled_capabilities{{
    {"LITERAL+", &CapabilityToggles::literal_plus},
    {"IDLE", &CapabilityToggles::idle},
    {"UIDPLUS", &CapabilityToggles::uidplus},
    {"MOVE", &CapabilityToggles::move},
    {"NAMESPACE", &CapabilityToggles::namespaces},
    {"UNSELECT", &CapabilityToggles::unselect},
    {"ID", &CapabilityToggles::id},
    {"CHILDREN", &CapabilityToggles::children},
    {"ENABLE", &CapabilityToggles::enable},
    {"ACL", &CapabilityToggles::acl},
    // RFC 4314 2.1.1: the rights beyond RFC 2086's.
    {"RIGHTS=texk", &CapabilityToggles::acl},
    {"ESEARCH", &CapabilityToggles::esearch},
    {"LIST-EXTENDED", &CapabilityToggles::list_extended},
    {"LIST-STATUS", &CapabilityToggles::list_extended},
    {"SPECIAL-USE", &CapabilityToggles::special_use},
    {"BINARY", &CapabilityToggles::binary},
    {"MULTIAPPEND", &CapabilityToggles::multiappend},
    {"CATENATE", &CapabilityToggles::catenate},
    {"NOTIFY", &CapabilityToggles::notify},
    // RFC 5256: SORT, and THREAD with each algorithm this server has.
    {"SORT", &CapabilityToggles::sort},
    {"THREAD=ORDEREDSUBJECT", &CapabilityToggles::sort},
    {"THREAD=REFERENCES", &CapabilityToggles::sort},
    // RFC 5267: the extended SORT and the update contexts of both; "Servers
    // advertising CONTEXT=SORT also advertise the SORT capability" (4.1).
    {"ESORT", &CapabilityToggles::contexts, &CapabilityToggles::sort},
    {"CONTEXT=SEARCH", &CapabilityToggles::contexts, &CapabilityToggles::esearch},
    {"CONTEXT=SORT", &CapabilityToggles::contexts, &CapabilityToggles::sort},
    // RFC 9208: the resources this server counts, and SETQUOTA (3.1.1, 4.1.3).
    {"QUOTA", &CapabilityToggles::quota},
    {"QUOTA=RES-STORAGE", &CapabilityToggles::quota},
    {"QUOTA=RES-MESSAGE", &CapabilityToggles::quota},
    {"QUOTASET", &CapabilityToggles::quota},
    {"SEARCHRES", &CapabilityToggles::searchres},
    {"STATUS=SIZE", &CapabilityToggles::status_size},
    {"UTF8=ACCEPT", &CapabilityToggles::utf8_accept},
    {"CONDSTORE", &CapabilityToggles::condstore},
    // RFC 7162 3.2: QRESYNC rests on the same mod-sequences.
    {"QRESYNC", &CapabilityToggles::condstore},
}};

bool offered(const CapabilityToggles& caps, const ToggledCapability& toggled) {
    return caps.*(toggled.on) && (toggled.needs == nullptr || caps.*(toggled.needs));
}

// `listed` is `wanted`, or one of the family `wanted` names when it ends in
// "=" ("THREAD=" and THREAD=ORDEREDSUBJECT).
constexpr bool names_capability(std::string_view listed, std::string_view wanted) {
    return listed == wanted || (wanted.ends_with('=') && listed.starts_with(wanted));
}

// Every extension command of the verb table can be switched here.
constexpr bool toggles_every_extension() {
    for (const auto& info : imap::verbs) {
        for (const auto capability : {info.extension.capability, info.uid.extension.capability}) {
            if (capability.empty()) continue;
            bool found = false;
            for (const auto& toggled : toggled_capabilities)
                found = found || names_capability(toggled.name, capability);
            if (!found) return false;
        }
    }
    return true;
}
static_assert(toggles_every_extension());

}  // namespace

ImapServerSession::ImapServerSession(MailStore& store, const ServerConfig& config,
                                     sim::SessionTrace& trace)
    : ServerSessionBase(
          store, config,
          {sim::Phrase::ServerImapPlaintextDropped, sim::Phrase::ServerImapTlsStarted}),
      m_imap(trace, server_options(config)),
      m_faults(config.faults, config.fault_seed) {}

ImapServerSession::~ImapServerSession() {
    finish();
}

std::unique_ptr<transport::ConnectionHandler> make_imap_session(MailStore& store,
                                                                const ServerConfig& config,
                                                                sim::SessionTrace& trace) {
    return std::make_unique<ImapServerSession>(store, config, trace);
}

// ---------------------------------------------------------------------------
// Transport events
// ---------------------------------------------------------------------------

void ImapServerSession::on_open(transport::Micros now, bool tls) {
    if (m_open) return;
    m_open = true;
    m_now = m_last_activity = m_last_poll = now;
    m_tls = tls;
    m_session = m_store.open_session();
    switch (m_config.greeting_kind) {
        case GreetingKind::Ok:
            send(imap::make_status("*", Status::Ok,
                                   imap::make_code_list("CAPABILITY", capabilities()),
                                   m_config.greeting));
            break;
        case GreetingKind::Preauth:
            if (m_store.users().contains(m_config.preauth_user)) {
                m_user = m_config.preauth_user;
                send(imap::make_status(
                    "*", Status::Preauth, imap::make_code_list("CAPABILITY", capabilities()),
                    fmt::format("{}; logged in as {}", m_config.greeting, m_user)));
            } else {
                bye_and_close("no such pre-authenticated user");
            }
            break;
        case GreetingKind::Bye:
            bye_and_close(m_config.greeting);
            break;
    }
    flush();
}

void ImapServerSession::on_timer(transport::Micros now) {
    m_now = now;
    if (m_close || m_stalled) return;
    if (m_deferred && m_deferred->completion && now >= m_deferred->until) {
        release_deferred(
            sim::say(sim::Phrase::ServerDeferTimedOut, m_deferred->limit / 1000, m_deferred->tag));
        flush();
    }
    if (m_long) {
        m_last_activity = now;
        const std::vector<FaultRule> fired = m_long->fired;
        m_report = m_long->report;
        const bool answered = step_long();
        m_report = Report::All;
        flush_long_step(fired);
        // What the client sent meanwhile is read now, in order: the
        // transport offers it again once reading is no longer paused.
        if (answered) process_inputs();
        return;
    }
    if (now - m_last_activity >= m_config.autologout) {
        bye_and_close("Autologout; idle for too long");
        flush();
        return;
    }
    if (m_idle_tag && now - m_last_poll >= m_config.idle_poll) {
        m_last_poll = now;
        if (leave_if_selected_deleted()) return;
        report_changes(Report::All);
        flush();
    } else if (notify_polls() && now - m_last_poll >= m_config.idle_poll) {
        m_last_poll = now;
        report_changes(notify_report());
        flush();
    }
}

bool ImapServerSession::leave_if_selected_deleted() {
    if (m_selected == 0 || selected() != nullptr) return false;
    // RFC 2180 3.3: a server MAY delete a mailbox other sessions have open
    // and disconnect them with BYE; the session that deleted its own
    // selected mailbox goes the same way, as Dovecot's does.
    bye_and_close("The selected mailbox was deleted; disconnecting (RFC 2180 3.3)");
    flush();
    return true;
}

void ImapServerSession::on_server_shutdown(transport::Micros now) {
    m_now = now;
    if (m_close) return;
    bye_and_close("Server shutting down");
    flush();
}

void ImapServerSession::close_overloaded(std::string_view reason) {
    send(imap::make_status("*", Status::Bye, imap::make_code("LIMIT"), std::string(reason)));
    m_close = true;
    finish();
    flush();
}

std::optional<transport::Micros> ImapServerSession::next_deadline() const {
    if (m_close || m_stalled || !m_open) return std::nullopt;
    // While the disk writes a COPY's next chunk, look again soon.
    if (m_long) return m_long->ready ? m_now : m_now + kLongCommandPoll;
    transport::Micros deadline = m_last_activity + m_config.autologout;
    if (m_deferred && m_deferred->completion) deadline = std::min(deadline, m_deferred->until);
    if (m_idle_tag || notify_polls())
        deadline = std::min(deadline, m_last_poll + m_config.idle_poll);
    return deadline;
}

// ---------------------------------------------------------------------------
// Driving the engine
// ---------------------------------------------------------------------------

void ImapServerSession::process_inputs() {
    while (!m_close && !m_stalled && !m_long) {
        auto input = m_imap.next_input();
        if (!input) break;
        on_input(*input);
    }
    flush();
}

void ImapServerSession::on_input(imap::ServerInput& input) {
    if (auto* received = std::get_if<imap::CommandReceived>(&input)) {
        if (received->carries_secret) {
            // Never quote a line that reads as credentials.
            bad(received->command.tag,
                "The line looks like a login but is not LOGIN or AUTHENTICATE; it is not "
                "repeated here because it may hold a password");
            flush();
            return;
        }
        if (received->state_error) {
            bad(received->command.tag, *received->state_error);
            flush();
            return;
        }
        execute(received->command);
    } else if (auto* literal = std::get_if<imap::LiteralRequested>(&input)) {
        if (literal->size > m_config.max_append_size ||
            literal->size > m_config.limits.max_literal_size) {
            m_imap.refuse_literal(
                literal->tag, Status::No,
                fmt::format("[TOOBIG] A literal of {} octets is larger than this server accepts "
                            "({} octets)",
                            literal->size,
                            std::min<std::uint64_t>(m_config.max_append_size,
                                                    m_config.limits.max_literal_size)),
                m_now, m_received_ahead);
        } else {
            m_imap.grant_continuation("Ready for literal data", m_now, m_received_ahead);
        }
        flush();
    } else if (auto* sasl = std::get_if<imap::SaslReceived>(&input)) {
        on_sasl_line(*sasl);
        flush();
    } else if (auto* done = std::get_if<imap::IdleDone>(&input)) {
        if (m_idle_tag && *m_idle_tag == done->tag) {
            m_idle_tag.reset();
            ok(done->tag, "IDLE terminated");
        }
        flush();
    } else if (auto* rejected = std::get_if<imap::CommandRejected>(&input)) {
        // A broken line in the middle of AUTHENTICATE ends that exchange.
        if (m_sasl && m_sasl->tag == rejected->tag) m_sasl.reset();
        if (rejected->fatal) {
            bye_and_close(rejected->message);
        } else if (rejected->tag.empty()) {
            send(imap::make_status("*", Status::Bad, std::nullopt, reply_text(rejected->message)));
        } else {
            bad(rejected->tag, rejected->message);
        }
        flush();
    }
}

void ImapServerSession::execute(const Command& received) {
    // IMAP4rev2 and UTF8=ACCEPT name mailboxes in UTF-8 (RFC 9051 5.1, RFC
    // 6855 3); the store keeps the modified UTF-7 of IMAP4rev1
    // (mailbox_name.hpp).
    std::optional<Command> converted;
    if (utf8_names()) {
        converted = received;
        if (auto error = store_mailbox_names(*converted)) {
            bad(received.tag, std::move(*error));
            flush();
            return;
        }
    }
    const Command& command = converted ? *converted : received;
    const auto state = m_imap.state();
    if (command.verb == Verb::Unknown) {
        bad(command.tag, fmt::format("Unknown command {}", command.name));
        flush();
        return;
    }
    // Pipelined commands were checked before the command ahead of them
    // changed the state; check again now that it has.
    if (!imap::command_allowed(command.verb, state)) {
        bad(command.tag, fmt::format("{} is not valid in the {} state",
                                     imap::verb_name(command.verb), imap::state_name(state)));
        flush();
        return;
    }
    if (auto refusal = unoffered(command)) {
        bad(command.tag, std::move(*refusal));
        flush();
        return;
    }
    if (imap4rev2() && (command.verb == Verb::Lsub || command.verb == Verb::Check)) {
        bad(command.tag,
            fmt::format("{} is not part of IMAP4rev2 (RFC 9051 appendix E); {}",
                        imap::verb_name(command.verb),
                        command.verb == Verb::Lsub ? "use LIST (SUBSCRIBED)" : "use NOOP"));
        flush();
        return;
    }
    if (auto error = mailbox_argument_error(command)) {
        bad(command.tag, std::move(*error));
        flush();
        return;
    }
    if (auto refusal = qresync_refusal(command)) {
        bad(command.tag, std::move(*refusal));
        flush();
        return;
    }
    if (leave_if_selected_deleted()) return;
    if (m_deferred) {
        if (auto reason = completion_order_needed(*m_deferred, command)) {
            release_deferred(sim::say(*reason, tag_and_verb(m_deferred->tag, m_deferred->verb),
                                      tag_and_verb(command.tag, command.verb)));
        }
    }
    std::vector<FaultRule> fired;
    if (!apply_faults_before(command, fired)) {
        flush(fired);
        return;
    }
    // A deferred FETCH, STORE or SEARCH is still in progress as far as the
    // client knows, so the commands run meanwhile send no EXPUNGE either.
    const bool deferred_holds = m_deferred && m_deferred->holds_expunges;
    const Report report =
        holds_expunges(command) || deferred_holds ? Report::NoExpunge : Report::All;
    m_report = report;
    note_condstore_enabling(command);
    dispatch(command);
    m_report = Report::All;
    if (!m_long && leave_if_selected_deleted()) return;
    // A command still under way applies its faults to each step's output,
    // and tells other sessions' changes as it would have at once.
    if (m_long) {
        m_long->fired = fired;
        m_long->report = report;
    }
    flush_long_step(fired);
}

void ImapServerSession::flush_long_step(const std::vector<FaultRule>& fired) {
    // A delay holds an answer back once, not each chunk of it again.
    if (flush(fired) && m_long) {
        std::erase_if(m_long->fired,
                      [](const FaultRule& rule) { return rule.action == FaultAction::Delay; });
    }
}

void ImapServerSession::dispatch(const Command& command) {
    using Handler = void (ImapServerSession::*)(const Command&);
    struct Handled {
        Verb verb;
        Handler handler;
    };
    // Every command of the verb table but Unknown, in its order (execute()
    // answers an unknown command before it gets here).
    static constexpr std::array<Handled, imap::verb_count - 1> handlers{{
        {Verb::Capability, &ImapServerSession::cmd_capability},
        {Verb::Noop, &ImapServerSession::cmd_noop},
        {Verb::Logout, &ImapServerSession::cmd_logout},
        {Verb::Starttls, &ImapServerSession::cmd_starttls},
        {Verb::Authenticate, &ImapServerSession::cmd_authenticate},
        {Verb::Login, &ImapServerSession::cmd_login},
        {Verb::Select, &ImapServerSession::cmd_select},
        {Verb::Examine, &ImapServerSession::cmd_select},
        {Verb::Create, &ImapServerSession::cmd_create},
        {Verb::Delete, &ImapServerSession::cmd_delete},
        {Verb::Rename, &ImapServerSession::cmd_rename},
        {Verb::Subscribe, &ImapServerSession::cmd_subscribe},
        {Verb::Unsubscribe, &ImapServerSession::cmd_subscribe},
        {Verb::List, &ImapServerSession::cmd_list},
        {Verb::Lsub, &ImapServerSession::cmd_list},
        {Verb::Status, &ImapServerSession::cmd_status},
        {Verb::Append, &ImapServerSession::cmd_append},
        {Verb::Check, &ImapServerSession::cmd_noop},
        {Verb::Close, &ImapServerSession::cmd_close},
        {Verb::Expunge, &ImapServerSession::cmd_expunge},
        {Verb::Search, &ImapServerSession::cmd_search},
        {Verb::Fetch, &ImapServerSession::cmd_fetch},
        {Verb::Store, &ImapServerSession::cmd_store},
        {Verb::Copy, &ImapServerSession::cmd_copy},
        {Verb::Move, &ImapServerSession::cmd_copy},
        {Verb::Idle, &ImapServerSession::cmd_idle},
        {Verb::Namespace, &ImapServerSession::cmd_namespace},
        {Verb::Unselect, &ImapServerSession::cmd_close},
        {Verb::Id, &ImapServerSession::cmd_id},
        {Verb::Enable, &ImapServerSession::cmd_enable},
        {Verb::Setacl, &ImapServerSession::cmd_setacl},
        {Verb::Deleteacl, &ImapServerSession::cmd_deleteacl},
        {Verb::Getacl, &ImapServerSession::cmd_getacl},
        {Verb::Listrights, &ImapServerSession::cmd_listrights},
        {Verb::Myrights, &ImapServerSession::cmd_myrights},
        {Verb::Getquota, &ImapServerSession::cmd_getquota},
        {Verb::Getquotaroot, &ImapServerSession::cmd_getquotaroot},
        {Verb::Setquota, &ImapServerSession::cmd_setquota},
        {Verb::Sort, &ImapServerSession::cmd_sort},
        {Verb::Thread, &ImapServerSession::cmd_thread},
        {Verb::Cancelupdate, &ImapServerSession::cmd_cancelupdate},
        {Verb::Notify, &ImapServerSession::cmd_notify},
    }};
    static_assert(handlers.size() <= imap::verbs.size() &&
                      std::equal(handlers.begin(), handlers.end(), imap::verbs.begin(),
                                 [](const Handled& handled, const imap::VerbInfo& info) {
                                     return handled.verb == info.verb;
                                 }),
                  "one handler for each verb of the table, in its order");
    (this->*handlers[static_cast<std::size_t>(command.verb)].handler)(command);
}

void ImapServerSession::cmd_capability(const Command& command) {
    send(imap::make_capability(capabilities()));
    ok(command.tag, "CAPABILITY completed");
}

// NOOP and CHECK: the store writes every change as it happens, so CHECK
// has no housekeeping to do and "is equivalent to NOOP" (RFC 3501 6.4.1).
void ImapServerSession::cmd_noop(const Command& command) {
    ok(command.tag, fmt::format("{} completed", imap::verb_name(command.verb)));
}

void ImapServerSession::cmd_logout(const Command& command) {
    m_report = Report::None;
    send(imap::make_status("*", Status::Bye, std::nullopt, "Logging out"));
    ok(command.tag, "LOGOUT completed");
    m_close = true;
    finish();
}

// What this server has of a command (see CAPABILITY): STARTTLS needs a TLS
// context, an extension command or form its capability switched on. RFC
// 5258 3: "A server MUST respond to options it does not recognize with a BAD
// response".
std::optional<std::string> ImapServerSession::unoffered(const Command& command) const {
    if (imap::verb_info(command.verb).effect == imap::Effect::StartsTls) {
        if (m_config.starttls_available) return std::nullopt;
        return "STARTTLS is not offered by this server (see CAPABILITY)";
    }
    if (const auto extension = imap::extension_command(command);
        extension && !capability_on(extension->capability)) {
        return fmt::format("{} is not offered by this server (see CAPABILITY)",
                           imap::verb_name(command.verb));
    }
    for (const auto& form : imap::extended_forms(command)) {
        if (!capability_on(form.extension.capability) &&
            (form.also.empty() || !capability_on(form.also))) {
            return fmt::format("{} needs {}, which this server does not offer (see CAPABILITY; {})",
                               form.what, form.extension.capability, form.extension.section);
        }
    }
    return std::nullopt;
}

bool ImapServerSession::capability_on(std::string_view name) const {
    return std::any_of(
        toggled_capabilities.begin(), toggled_capabilities.end(), [&](const ToggledCapability& t) {
            return names_capability(t.name, name) && offered(m_config.capabilities, t);
        });
}

std::vector<std::string> ImapServerSession::capabilities() const {
    const auto& caps = m_config.capabilities;
    std::vector<std::string> out;
    if (!m_config.imap4rev2_only) out.emplace_back("IMAP4rev1");
    if (caps.imap4rev2 || m_config.imap4rev2_only) out.emplace_back("IMAP4rev2");
    const bool plaintext_ok = !plaintext_refused();
    if (m_config.starttls_available && !m_tls) out.push_back("STARTTLS");
    if (!plaintext_ok) out.push_back("LOGINDISABLED");
    if (caps.auth_plain && plaintext_ok) out.push_back("AUTH=PLAIN");
    if (caps.auth_login && plaintext_ok) out.push_back("AUTH=LOGIN");
    if (caps.auth_cram_md5) out.push_back("AUTH=CRAM-MD5");
    // A bearer token opens the mailbox as a password does: clear text only
    // where a password may go.
    if (caps.auth_oauth && plaintext_ok) {
        out.push_back("AUTH=XOAUTH2");
        out.push_back("AUTH=OAUTHBEARER");
    }
    if (m_config.anonymous) out.push_back("AUTH=ANONYMOUS");
    if (caps.sasl_ir) out.push_back("SASL-IR");
    for (const auto& toggled : toggled_capabilities) {
        if (offered(caps, toggled)) out.emplace_back(toggled.name);
    }
    return out;
}

// ---------------------------------------------------------------------------
// Responses and output
// ---------------------------------------------------------------------------

void ImapServerSession::send(const Response& response) {
    // Only the tagged completion is held back. The untagged data the command
    // produced has gone out already, as it was made: untagged responses
    // belong to no command (RFC 3501 2.2.2), a client must accept them at
    // any time (RFC 3501 7), and RFC 3501 5.5 lets a server work on the next
    // command before this one is complete. The completion is what says the
    // command is over, so it is the one that can come out of order.
    if (m_deferred && !m_deferred->completion && response.kind == imap::ResponseKind::Tagged &&
        response.tag == m_deferred->tag) {
        m_deferred->completion = response;
        m_deferred->until = m_now + m_deferred->limit;
        m_imap.note(sim::Direction::ServerToClient,
                    sim::say(sim::Phrase::ServerDeferHeld, m_deferred->tag), m_now);
        return;
    }
    write(response);
    if (m_deferred && m_deferred->completion && response.kind == imap::ResponseKind::Tagged) {
        release_deferred(sim::say(sim::Phrase::ServerDeferReleased, m_deferred->tag, response.tag));
    }
}

void ImapServerSession::send_fetch(std::uint32_t seq, std::vector<imap::FetchItem> items) {
    m_imap.send_fetch(seq, std::move(items), m_now);
}

void ImapServerSession::write(const Response& response) {
    if (utf8_names()) {
        m_imap.send(with_utf8_names(response), m_now);
        return;
    }
    m_imap.send(response, m_now);
}

void ImapServerSession::ok(const std::string& tag, std::string text,
                           std::optional<imap::ResponseCode> code) {
    report_changes(m_report);
    send(imap::make_status(tag, Status::Ok, std::move(code), reply_text(text)));
}

void ImapServerSession::no(const std::string& tag, std::string text,
                           std::optional<imap::ResponseCode> code) {
    report_changes(m_report);
    send(imap::make_status(tag, Status::No, std::move(code), reply_text(text)));
}

void ImapServerSession::bad(const std::string& tag, std::string text) {
    send(imap::make_status(tag, Status::Bad, std::nullopt, reply_text(text)));
}

void ImapServerSession::bye_and_close(std::string text) {
    if (m_deferred) {
        release_deferred(sim::say(sim::Phrase::ServerDeferBeforeClose, m_deferred->tag));
    }
    send(imap::make_status("*", Status::Bye, std::nullopt, reply_text(text)));
    m_close = true;
    finish();
}

// Leaves the store; the engine's trace keeps the record of the session.
void ImapServerSession::finish() {
    if (m_long) {
        // The client will never hear how its command ended: a COPY did not
        // happen, a FETCH stops where it was.
        if (auto* copy = std::get_if<PendingCopy>(&m_long->work))
            m_store.abandon_copy(*copy, m_session);
        m_long.reset();
    }
    m_idle_tag.reset();
    m_notify.reset();
    m_deferred.reset();
    if (m_session != kNoSession) {
        m_store.close_session(m_session);
        m_session = kNoSession;
    }
    m_selected = 0;
}

bool ImapServerSession::flush(const std::vector<FaultRule>& fired) {
    std::string bytes = m_imap.take_outgoing();
    if (bytes.empty()) return false;
    transport::Micros not_before = m_last_not_before;
    bool split = false;
    for (const auto& rule : fired) {
        if (rule.action == FaultAction::Delay)
            not_before = std::max(not_before, m_now + rule.delay);
        if (rule.action == FaultAction::Split) split = true;
        if (rule.action == FaultAction::Cut) {
            // The first literal is cut in half; without one, the answer is.
            std::size_t cut = bytes.size() / 2;
            auto close = bytes.find("}\r\n");
            auto open = close == std::string::npos ? std::string::npos : bytes.rfind('{', close);
            if (open != std::string::npos) {
                std::uint64_t size = 0;
                for (std::size_t i = open + 1; i < close && size < (1ull << 40); ++i)
                    size = size * 10 + static_cast<std::uint64_t>(bytes[i] - '0');
                cut = std::min<std::size_t>(bytes.size(), close + 3 + size / 2);
            }
            bytes.resize(cut);
            m_imap.note(sim::Direction::ServerToClient,
                        sim::say(sim::Phrase::ServerFaultClosesAfter, cut), m_now);
            m_close = true;
            finish();
        }
    }
    m_last_not_before = not_before;
    if (!split || bytes.size() < 2) {
        m_output.push_back({std::move(bytes), not_before});
        return true;
    }
    std::size_t start = 0;
    const std::size_t pieces = 2 + m_faults.next_below(3);
    for (std::size_t i = 1; i < pieces && start + 1 < bytes.size(); ++i) {
        const std::size_t room = bytes.size() - start - 1;
        const std::size_t length = 1 + m_faults.next_below(std::max<std::size_t>(1, room / 2));
        m_output.push_back({bytes.substr(start, length), not_before});
        start += length;
    }
    m_output.push_back({bytes.substr(start), not_before});
    return true;
}

bool ImapServerSession::apply_faults_before(const Command& command, std::vector<FaultRule>& fired) {
    if (m_faults.empty()) return true;
    fired = m_faults.fire(imap::verb_name(command.verb), m_user);
    for (const auto& rule : fired) {
        m_imap.note(sim::Direction::ServerToClient,
                    sim::say(sim::Phrase::ServerFaultInjected, rule.to_string()), m_now);
        switch (rule.action) {
            case FaultAction::Stall:
                m_stalled = true;
                return false;
            case FaultAction::Bye:
                bye_and_close("Injected fault: the server hangs up");
                return false;
            case FaultAction::No:
                send(imap::make_status(command.tag, Status::No, std::nullopt,
                                       "Injected fault: the server refuses this command"));
                return false;
            case FaultAction::Bad:
                send(imap::make_status(command.tag, Status::Bad, std::nullopt,
                                       "Injected fault: the server rejects this command"));
                return false;
            case FaultAction::Unsolicited:
                inject_unsolicited(rule);
                break;
            case FaultAction::Defer:
                defer_completion(command, rule);
                break;
            default:
                break;
        }
    }
    return true;
}

void ImapServerSession::defer_completion(const Command& command, const FaultRule& rule) {
    if (changes_session(command.verb)) {
        m_imap.note(sim::Direction::ServerToClient,
                    sim::say(sim::Phrase::ServerDeferNotForStateChange,
                             tag_and_verb(command.tag, command.verb)),
                    m_now);
        return;
    }
    // One completion is held at a time: this command's own completion
    // releases the one held now, and it completes in order itself.
    if (m_deferred) return;
    auto& deferred = m_deferred.emplace();
    deferred.tag = command.tag;
    deferred.verb = command.verb;
    deferred.holds_expunges = holds_expunges(command);
    deferred.limit = rule.delay;
}

// RFC 3501 5.5: "If the server detects a possible ambiguity, it MUST execute
// commands to completion in the order given by the client."
std::optional<sim::Phrase> ImapServerSession::completion_order_needed(
    const DeferredCompletion& deferred, const Command& next) const {
    if (changes_session(next.verb)) return sim::Phrase::ServerDeferOrderStateChange;
    if (!deferred.holds_expunges && names_sequence_numbers(next))
        return sim::Phrase::ServerDeferOrderSequenceNumbers;
    if ((changes_messages(deferred.verb) && reads_messages(next.verb)) ||
        (changes_messages(next.verb) && reads_messages(deferred.verb)))
        return sim::Phrase::ServerDeferOrderSameMessages;
    return std::nullopt;
}

void ImapServerSession::release_deferred(sim::Said note) {
    DeferredCompletion deferred = std::move(*m_deferred);
    m_deferred.reset();
    if (!deferred.completion) return;
    m_imap.note(sim::Direction::ServerToClient, std::move(note), m_now);
    write(*deferred.completion);
}

}  // namespace mailscope::server
