// ClientSession: a client of one protocol as a tool runs it for a person
// (`mailscope connect`, the GUI's live session): the client-role engine,
// the protocol's LoginScript, and what a typed line means in that protocol
// (IMAP tags and literals, a SASL answer, SMTP message lines after 354).
//
// The generic ClientDriver (sim/core/client_driver.hpp) runs any of them, so
// the tools hold no protocol knowledge. Sans-I/O: lines and bytes in, bytes
// and events out.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/engine.hpp"
#include "sim/core/login_script.hpp"

namespace mailscope::sim {

struct ClientOptions {
    LoginPlan plan;
    // Teaching switch: show passwords and SASL payloads in the trace.
    bool reveal_secrets = false;
};

class ClientSession {
  public:
    virtual ~ClientSession() = default;

    virtual Engine& engine() = 0;
    virtual const Engine& engine() const = 0;
    virtual LoginScript& login() = 0;
    virtual const LoginScript& login() const = 0;

    // Acts on the replies the engine parsed since the last call (the login
    // script's and the person's).
    virtual void advance(std::int64_t time_us) = 0;

    // A line the person typed, without its line end. Gives the sentence
    // that says why nothing was sent, if nothing was.
    virtual std::optional<Said> type_line(std::string_view line, std::int64_t time_us) = 0;
    // The session waits for nothing from the person before the next line.
    virtual bool ready_for_line() const = 0;
    // The next line is a command, not the answer to a SASL challenge, an
    // IDLE's DONE, message data or the rest of a command with literals.
    virtual bool line_is_command() const = 0;
    // Ends the session the protocol's way (LOGOUT, QUIT; IDLE ended first)
    // once nothing is in flight; true when nothing more is left to send.
    virtual bool finish(std::int64_t time_us) = 0;
    // A reply is owed by the server (the transport times out waiting for it).
    virtual bool awaiting_reply() const = 0;

    // The state as the prompt shows it ("Selected INBOX", "TRANSACTION").
    virtual std::string state_label() const = 0;
    // What the next line will be: the next tag, "SASL", "DONE?", "pop3"...
    virtual std::string next_line_label() const = 0;
    // The line as a script echoes it: credentials hidden as the trace hides them.
    virtual std::string echo_of(std::string_view line) const = 0;
    // The commands valid in the current state, by name.
    virtual std::vector<std::string> allowed_verbs() const = 0;

    // What the login came to, once, when it ended ("login failed: ..."),
    // for a person to read.
    std::optional<Said> take_login_outcome();

  protected:
    // Words for the person when login() ended in a refused login.
    virtual Said refused_login_sentence() const = 0;
    // Sends a line that answers a SASL challenge, unless it would cross the
    // network in clear; then says so.
    std::optional<Said> answer_challenge(std::string_view line, std::int64_t time_us);

  private:
    bool m_outcome_told = false;
};

// A session's options (imap::, pop3::, smtp::SessionOptions) for the client role.
template <typename Options>
Options client_role(bool reveal_secrets = false) {
    Options options;
    options.role = decltype(options.role)::Client;
    options.reveal_secrets = reveal_secrets;
    return options;
}

// What the three protocols' clients share: the engine in the client role and
// the login script driving it, and the verbs of the engine's state.
// `Options` is the session's options type, `Login` its LoginScript, `Verb`
// its command verbs (Verb::Unknown last).
template <typename Session, typename Options, typename Login, typename Verb>
class ClientOf : public ClientSession {
  public:
    Engine& engine() override { return m_session; }
    const Engine& engine() const override { return m_session; }
    LoginScript& login() override { return m_login; }
    const LoginScript& login() const override { return m_login; }
    const Session& session() const { return m_session; }

    std::string state_label() const override { return std::string(state_name(m_session.state())); }
    std::vector<std::string> allowed_verbs() const override {
        std::vector<std::string> verbs;
        for (int v = 0; v < static_cast<int>(Verb::Unknown); ++v) {
            const auto verb = static_cast<Verb>(v);
            if (command_allowed(verb, m_session.state())) verbs.emplace_back(verb_name(verb));
        }
        return verbs;
    }

  protected:
    ClientOf(SessionTrace& trace, ClientOptions options)
        : m_session(trace, client_role<Options>(options.reveal_secrets)),
          m_login(m_session, std::move(options.plan)) {}

    Session m_session;
    Login m_login;
};

// A client of `trace`'s protocol, in the client role.
std::unique_ptr<ClientSession> make_client_session(SessionTrace& trace, ClientOptions options);

}  // namespace mailscope::sim
