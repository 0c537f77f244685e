// LessonRunner: plays a lesson without any GUI.
//
// It owns a mail store filled from the lesson's fixture and, per named
// client, an in-process link on a virtual clock with one mock server
// session of the client's protocol behind it (IMAP, POP3 or SMTP, all on
// the same store, so an SMTP delivery shows in an IMAP client's INBOX).
// Each client's side is its protocol's session engine in the client role,
// driven through the common engine interface (sim/core/engine.hpp): the
// lesson's octets go out through it, mistakes included, and it reads the
// server's replies as a client would.
// Steps run one at a time; stepping back replays from the start, which lands
// in exactly the same place because nothing reads a real clock. The GUI
// draws the traces exposed here; `mailscope lesson run` prints them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lessons/lesson.hpp"
#include "lessons/pattern.hpp"
#include "server_mock/mail_store.hpp"
#include "server_mock/server_config.hpp"
#include "sim/core/catalogue.hpp"
#include "sim/core/trace.hpp"
#include "sim/imap/session.hpp"
#include "sim/pop3/session.hpp"
#include "sim/smtp/session.hpp"

namespace mailscope::server {
class ServerSessionBase;
}

namespace mailscope::lessons {

// Trace events [begin, end) one step added to one trace.
struct EventRange {
    std::size_t begin = 0;
    std::size_t end = 0;
};

struct StepFailure {
    SourceMark mark;  // the expectation (or the step) in the lesson file
    sim::Said said;   // a sentence of the catalogue, shown in the reader's language
};

struct StepResult {
    std::size_t index = 0;
    bool passed = true;
    std::vector<StepFailure> failures;
    std::vector<EventRange> client_events;  // one per client, in Lesson::clients order
    std::vector<EventRange> server_events;  // the server side of each client's connection
};

class LessonRunner {
  public:
    explicit LessonRunner(Lesson lesson);
    ~LessonRunner();
    LessonRunner(const LessonRunner&) = delete;
    LessonRunner& operator=(const LessonRunner&) = delete;

    const Lesson& lesson() const { return m_lesson; }

    // Back to before the first step: a fresh store, nobody connected.
    void reset();
    // Steps run so far; also the index of the next step.
    std::size_t position() const { return m_results.size(); }
    bool finished() const { return position() >= m_lesson.steps.size(); }
    // The step about to run, or nullptr after the last one.
    const Step* current_step() const;
    // Its narration, with what earlier steps captured in place of their
    // $variables; empty after the last step.
    std::string current_narration(Language language) const;
    // A text of the lesson as the learner reads it now: each $variable an
    // earlier step captured replaced by its value, "$$" by "$".
    std::string shown(std::string_view text) const;
    LocalText shown(const LocalText& text) const;
    Quiz shown(const Quiz& quiz) const;

    // Runs the next step; nullptr when the lesson is over.
    const StepResult* step_forward();
    // Undoes the last step (by replaying the ones before it).
    void step_back();
    // Leaves the runner as if exactly `steps` steps had run (clamped).
    void jump_to(std::size_t steps);
    const std::vector<StepResult>& run_to_end();

    const std::vector<StepResult>& results() const { return m_results; }
    bool all_passed() const;

    std::size_t client_count() const { return m_clients.size(); }
    const std::string& client_name(std::size_t client) const;
    const sim::SessionTrace& client_trace(std::size_t client) const;
    const sim::SessionTrace& server_trace(std::size_t client) const;
    sim::Protocol client_protocol(std::size_t client) const;
    // The client's state as its protocol's state_name() spells it.
    std::string client_state_name(std::size_t client) const;
    // The engines behind the traces; each throws std::invalid_argument for a
    // client of another protocol.
    const imap::ImapSession& client_session(std::size_t client) const;
    const pop3::Pop3Session& pop3_session(std::size_t client) const;
    const smtp::SmtpSession& smtp_session(std::size_t client) const;
    bool connected(std::size_t client) const;
    // The server's side of the client's connection, for views that show
    // what the store holds beside what the client has learned; nullptr
    // before the client connects.
    const server::ServerSessionBase* server_session(std::size_t client) const;
    const server::MailStore& store() const { return *m_store; }
    const Variables& variables() const { return m_variables; }
    // Virtual microseconds since the lesson started.
    std::int64_t now() const { return m_now; }

  private:
    struct Client;

    void run_action(const Step& step, Client& client, std::vector<StepFailure>& failures);
    void send_bytes(Client& client, const std::string& bytes);
    void send_data(Client& client, const DataAction& action);
    void send_literal(const Step& step, Client& client, const SendLiteralAction& action,
                      std::vector<StepFailure>& failures);
    void deliver(const Step& step, const DeliverEvent& event, std::vector<StepFailure>& failures);
    void connect(Client& client);
    void pump(Client& client);
    void pump_all();
    void check(const Step& step, const StepResult& result, std::vector<StepFailure>& failures);
    void check_replies(const Step& step, const Client& client,
                       const std::vector<const sim::TraceEvent*>& responses,
                       std::vector<StepFailure>& failures) const;

    Lesson m_lesson;
    server::ServerConfig m_config;
    std::unique_ptr<server::MailStore> m_store;
    std::vector<std::unique_ptr<Client>> m_clients;
    std::vector<StepResult> m_results;
    Variables m_variables;
    std::int64_t m_now = 0;
};

}  // namespace mailscope::lessons
