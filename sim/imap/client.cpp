#include "sim/imap/client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "sim/core/ascii.hpp"

namespace mailscope::imap {

std::variant<Command, sim::Said> command_from_input(const std::string& bytes,
                                                    const std::string& tag) {
    auto tagged = parse_command(tag + " " + bytes);
    if (starts_with_verb(bytes) && tagged.command) return *tagged.command;
    auto own = parse_command(bytes);
    if (own.command && own.command->verb != Verb::Unknown) return *own.command;
    if (tagged.command && tagged.command->verb != Verb::Unknown) return *tagged.command;
    if (own.command &&
        std::any_of(own.tag.begin(), own.tag.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return *own.command;
    }
    if (tagged.command) return *tagged.command;
    return tagged.error ? tagged.error->as_said() : sim::say(sim::Phrase::TypedNotImapCommand);
}

ImapClient::ImapClient(sim::SessionTrace& trace, sim::ClientOptions options)
    : ClientOf(trace, with_own_tags(std::move(options), this)) {}

sim::ClientOptions ImapClient::with_own_tags(sim::ClientOptions options, ImapClient* self) {
    options.plan.next_tag = [self] { return self->take_tag(); };
    return options;
}

std::string ImapClient::take_tag() {
    return fmt::format("A{:03}", ++m_tag_counter);
}

std::string ImapClient::next_tag() const {
    return fmt::format("A{:03}", m_tag_counter + 1);
}

void ImapClient::advance(std::int64_t time_us) {
    while (auto received = m_session.next_response()) {
        on_response(received->response);
        m_login.on_response(received->response, time_us);
    }
}

void ImapClient::on_response(const Response& response) {
    if (response.kind == ResponseKind::Continuation && m_sasl_tag) m_sasl_prompted = true;
    if (response.kind != ResponseKind::Tagged) return;
    m_in_flight.erase(response.tag);
    if (m_sasl_tag && response.tag == *m_sasl_tag) {
        m_sasl_tag.reset();
        m_sasl_prompted = false;
    }
    if (auto it = m_select_tags.find(response.tag); it != m_select_tags.end()) {
        m_mailbox = response.status == Status::Ok ? it->second : std::string();
        m_select_tags.erase(it);
    }
    if (m_session.state() != State::Selected) m_mailbox.clear();
}

std::optional<sim::Said> ImapClient::type_line(std::string_view typed, std::int64_t time_us) {
    std::string line(typed);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (m_partial.empty()) {
        if (m_session.idling()) {
            if (!ascii::iequals(line, "DONE")) return sim::say(sim::Phrase::TypedIdleRunning);
            m_session.send_done(time_us);
            return std::nullopt;
        }
        if (m_sasl_tag) {
            auto refused = answer_challenge(line, time_us);
            if (!refused) m_sasl_prompted = false;
            return refused;
        }
    }
    // A line ending in a literal announcement continues on the next lines
    // until the framer has the whole message.
    m_partial += line;
    m_partial += "\r\n";
    Framer framer;
    framer.set_literal_events(false);
    framer.feed(m_partial);
    auto event = framer.next();
    if (!event) return std::nullopt;
    std::string bytes = std::exchange(m_partial, {});
    if (auto* error = std::get_if<FrameError>(&*event)) return error->said;
    if (line.empty() && bytes == "\r\n") return std::nullopt;
    const std::string tag = next_tag();
    auto parsed = command_from_input(bytes, tag);
    if (auto* error = std::get_if<sim::Said>(&parsed)) return *error;
    auto command = std::get<Command>(std::move(parsed));
    if (command.tag == tag) ++m_tag_counter;
    return submit_command(std::move(command), time_us);
}

std::optional<sim::Said> ImapClient::submit_command(Command command, std::int64_t time_us) {
    if (has_flag(command.verb, VerbFlag::Credentials) && !m_login.credentials_safe()) {
        return sim::say(sim::Phrase::TypedCredentialsInClear, verb_name(command.verb),
                        m_login.plan().host, "imaps");
    }
    const auto verb = command.verb;
    std::string mailbox;
    if (auto* args = std::get_if<MailboxArgs>(&command.typed)) mailbox = args->mailbox;
    const auto result = m_session.submit(std::move(command), time_us);
    if (!result.tag) return result.said;
    m_in_flight.insert(*result.tag);
    if (verb == Verb::Authenticate) {
        m_sasl_tag = *result.tag;
        m_sasl_prompted = false;
    }
    if (verb == Verb::Select || verb == Verb::Examine) m_select_tags[*result.tag] = mailbox;
    if (verb == Verb::Starttls) m_login.watch_starttls(*result.tag);
    if (verb == Verb::Logout) m_logout_sent = true;
    return std::nullopt;
}

bool ImapClient::ready_for_line() const {
    if (!m_partial.empty()) return true;
    if (m_sasl_tag) return m_sasl_prompted;
    if (m_session.idling()) return true;
    return m_in_flight.empty();
}

bool ImapClient::line_is_command() const {
    return m_partial.empty() && !m_sasl_tag && !m_session.idling();
}

bool ImapClient::finish(std::int64_t time_us) {
    const auto state = m_session.state();
    if (m_logout_sent || state == State::Logout || state == State::Closed) return true;
    if (m_session.idling() && !m_done_sent) {
        m_session.send_done(time_us);
        m_done_sent = true;
    }
    if (!m_in_flight.empty() || m_sasl_tag || !m_partial.empty()) return false;
    return !submit_command(make_command(take_tag(), Verb::Logout), time_us);
}

bool ImapClient::awaiting_reply() const {
    if (!m_login.ready()) return true;
    return !m_in_flight.empty() && !m_session.idling() && !(m_sasl_tag && m_sasl_prompted);
}

std::string ImapClient::state_label() const {
    std::string label(state_name(m_session.state()));
    if (!m_mailbox.empty()) label += " " + m_mailbox;
    return label;
}

std::string ImapClient::next_line_label() const {
    if (!m_partial.empty()) return "...";
    if (m_session.idling()) return "DONE?";
    if (m_sasl_tag) return "SASL";
    return next_tag();
}

std::string ImapClient::echo_of(std::string_view line) const {
    if (m_sasl_tag && m_partial.empty()) return "*** (SASL line hidden)";
    const auto words = ascii::upper(line);
    if (words.find("LOGIN") != std::string::npos ||
        words.find("AUTHENTICATE") != std::string::npos) {
        return "*** (a line with credentials, hidden)";
    }
    return std::string(line);
}

sim::Said ImapClient::refused_login_sentence() const {
    return sim::say(sim::Phrase::LoginFailedImap);
}

}  // namespace mailscope::imap
