// FreePlay: the learner types IMAP commands for a client of their own,
// against the mock server on a fresh copy of a fixture's mail store, and
// watches the exchange in the same panels as a lesson.
//
// Commands are composed by gui/view_model/command_composer.hpp.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gui/view_model/command_composer.hpp"
#include "gui/view_model/store_truth.hpp"
#include "server_mock/mail_store.hpp"
#include "server_mock/server_config.hpp"
#include "sim/core/connection_handler.hpp"
#include "sim/core/in_process_link.hpp"
#include "sim/core/trace.hpp"
#include "sim/imap/session.hpp"

namespace mailscope::gui {

// The mail free play and the lab start from: the classroom fixture of the
// source tree, as for `mailscope serve`.
std::filesystem::path classroom_fixture();

class FreePlay {
  public:
    // Loads the fixture into a fresh store, connects and reads the greeting.
    // Gives a sentence when the fixture cannot be loaded.
    static std::variant<std::unique_ptr<FreePlay>, sim::Said> from_fixture(
        const std::filesystem::path& fixture);

    explicit FreePlay(std::unique_ptr<server::MailStore> store, server::ServerConfig config = {});
    ~FreePlay();
    FreePlay(const FreePlay&) = delete;
    FreePlay& operator=(const FreePlay&) = delete;

    const sim::SessionTrace& trace() const { return *m_trace; }
    imap::State state() const { return m_client->state(); }

    // Composes and sends a command; gives the error sentence when nothing was sent.
    std::optional<sim::Said> send(std::string_view line, std::string_view typed_literals);

    // What the store held for the selected mailbox after each command.
    const TruthHistory& store_truth() const { return m_truth; }

    // The commands RFC 3501 allows in the current state, by name.
    std::vector<std::string> allowed_verbs() const;

  private:
    void pump();

    std::unique_ptr<server::MailStore> m_store;
    server::ServerConfig m_config;
    std::unique_ptr<sim::SessionTrace> m_trace;
    std::unique_ptr<sim::SessionTrace> m_server_trace;
    std::unique_ptr<imap::ImapSession> m_client;
    std::unique_ptr<transport::ConnectionHandler> m_server;
    std::unique_ptr<sim::InProcessLink> m_link;
    bool m_eof_seen = false;
    TruthHistory m_truth;
    std::size_t m_commands = 0;
};

}  // namespace mailscope::gui
