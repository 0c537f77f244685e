// ImapClient: IMAP's ClientSession (sim/core/client_session.hpp). Typed
// lines get tags ("A001"), a line ending in a literal announcement waits for
// the lines that complete the command, the engine holds literal data until
// the "+", and a line after AUTHENTICATE's "+" or during IDLE is a SASL
// answer or DONE.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/client_session.hpp"
#include "sim/imap/login_driver.hpp"
#include "sim/imap/session.hpp"

namespace mailscope::imap {

// A typed line that starts with a command verb, UID included, gets `tag`
// ("UID SEARCH ALL" is no tag "UID" and a SEARCH). Otherwise it keeps its
// own tag when a verb mailscope knows follows it, or else gets `tag`; an
// unknown verb (an extension) keeps a first word that looks like a tag (it
// has a digit). Gives the reason when the line is no command.
std::variant<Command, sim::Said> command_from_input(const std::string& bytes,
                                                    const std::string& tag);

class ImapClient : public sim::ClientOf<ImapSession, SessionOptions, LoginDriver, Verb> {
  public:
    ImapClient(sim::SessionTrace& trace, sim::ClientOptions options);

    void advance(std::int64_t time_us) override;
    std::optional<sim::Said> type_line(std::string_view line, std::int64_t time_us) override;
    // A command composed elsewhere (the GUI's composer), with its tag.
    std::optional<sim::Said> submit_command(Command command, std::int64_t time_us);
    bool ready_for_line() const override;
    bool line_is_command() const override;
    bool finish(std::int64_t time_us) override;
    bool awaiting_reply() const override;
    std::string state_label() const override;
    std::string next_line_label() const override;
    std::string echo_of(std::string_view line) const override;
    // The tag the next typed command gets.
    std::string next_tag() const;

  private:
    sim::Said refused_login_sentence() const override;
    // The script's commands are numbered with the person's.
    static sim::ClientOptions with_own_tags(sim::ClientOptions options, ImapClient* self);
    std::string take_tag();
    void on_response(const Response& response);

    unsigned m_tag_counter = 0;
    // A typed command with literals, until its last line.
    std::string m_partial;
    std::optional<std::string> m_sasl_tag;
    bool m_sasl_prompted = false;
    std::map<std::string, std::string> m_select_tags;
    // Tags sent and not completed yet (the engine counts a command only once
    // its literals are on the wire).
    std::set<std::string> m_in_flight;
    std::string m_mailbox;
    bool m_done_sent = false;  // finish() ended IDLE
    bool m_logout_sent = false;
};

}  // namespace mailscope::imap
