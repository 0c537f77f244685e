#include "gui/free_play.hpp"

#include <fmt/format.h>

#include "server_mock/fixture.hpp"
#include "server_mock/imap_server_session.hpp"
#include "server_mock/server_session_base.hpp"

namespace mailscope::gui {

std::filesystem::path classroom_fixture() {
    return std::filesystem::path(MAILSCOPE_SOURCE_DIR) / "server_mock/fixtures/classroom.yaml";
}

std::variant<std::unique_ptr<FreePlay>, sim::Said> FreePlay::from_fixture(
    const std::filesystem::path& fixture) {
    auto store = std::make_unique<server::MailStore>();
    auto loaded = server::load_fixture(*store, fixture);
    if (!loaded) {
        return sim::say(sim::Phrase::MailNotLoaded, fixture.string(),
                        sim::is_empty(loaded.error().said) ? sim::verbatim(loaded.error().message)
                                                           : loaded.error().said);
    }
    return std::make_unique<FreePlay>(std::move(store));
}

FreePlay::FreePlay(std::unique_ptr<server::MailStore> store, server::ServerConfig config)
    : m_store(std::move(store)),
      m_config(std::move(config)),
      m_trace(std::make_unique<sim::SessionTrace>(sim::Protocol::Imap, "free play")),
      m_server_trace(std::make_unique<sim::SessionTrace>(sim::Protocol::Imap, "free play server")) {
    imap::SessionOptions options;
    options.role = imap::Role::Client;
    m_client = std::make_unique<imap::ImapSession>(*m_trace, options);
    m_server = server::make_imap_session(*m_store, m_config, *m_server_trace);
    m_link = std::make_unique<sim::InProcessLink>(*m_server);
    m_link->open();
    pump();
}

FreePlay::~FreePlay() {
    // The server session holds references into the store: it goes first.
    m_link.reset();
    m_server.reset();
}

std::optional<sim::Said> FreePlay::send(std::string_view line, std::string_view typed_literals) {
    ComposedCommand composed = compose_command(line, typed_literals, m_client->next_tag());
    if (!composed.command) return composed.error;
    const auto submitted = m_client->submit(std::move(*composed.command), m_link->now());
    if (!submitted.tag) return submitted.said;
    pump();
    return std::nullopt;
}

std::vector<std::string> FreePlay::allowed_verbs() const {
    const auto names = imap::verbs_valid_in(m_client->state());
    return {names.begin(), names.end()};
}

// Moves bytes both ways until neither side has anything more to say now.
void FreePlay::pump() {
    for (;;) {
        const std::string out = m_client->take_outgoing();
        if (!out.empty()) m_link->send(out);
        const std::string in = m_link->receive();
        if (!in.empty()) m_client->receive(in, m_link->now());
        if (out.empty() && in.empty()) break;
    }
    if (m_link->server_closed() && !m_eof_seen) {
        m_eof_seen = true;
        m_client->feed_eof(sim::Direction::ServerToClient, m_link->now());
    }
    // Each command is a step of its own: nothing is ever undone here.
    m_truth.record(
        m_commands++, m_trace->size(),
        truth_of(*m_store, dynamic_cast<const server::ServerSessionBase*>(m_server.get())));
}

}  // namespace mailscope::gui
