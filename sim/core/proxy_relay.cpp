#include "sim/core/proxy_relay.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/core/ascii.hpp"
#include "sim/core/capability_list.hpp"
#include "sim/imap/response.hpp"
#include "sim/imap/session.hpp"
#include "sim/pop3/session.hpp"
#include "sim/smtp/login_driver.hpp"
#include "sim/smtp/session.hpp"

namespace mailscope::sim {

namespace {

// The tag of the proxy's own STARTTLS upstream; the client never sees it.
constexpr std::string_view kUpstreamTag = "MSPROXY1";
// What a server may send before TLS: a greeting and two short replies.
constexpr std::size_t kMaxNegotiationBytes = 64 * 1024;

std::unique_ptr<Engine> observer(Protocol protocol, SessionTrace& trace, bool reveal_secrets) {
    switch (protocol) {
        case Protocol::Imap: {
            imap::SessionOptions options;
            options.role = Role::Observer;
            options.reveal_secrets = reveal_secrets;
            return std::make_unique<imap::ImapSession>(trace, options);
        }
        case Protocol::Pop3: {
            pop3::SessionOptions options;
            options.role = Role::Observer;
            options.reveal_secrets = reveal_secrets;
            return std::make_unique<pop3::Pop3Session>(trace, options);
        }
        case Protocol::Smtp: {
            smtp::SessionOptions options;
            options.role = Role::Observer;
            options.reveal_secrets = reveal_secrets;
            return std::make_unique<smtp::SmtpSession>(trace, options);
        }
    }
    return nullptr;
}

// The command that asks for TLS in the protocol (RFC 3501 6.2.1, RFC 2595 4,
// RFC 3207 4).
std::string_view tls_verb(Protocol protocol) {
    return protocol == Protocol::Pop3 ? "STLS" : "STARTTLS";
}

// One line of a reply for a sentence: the first line, without its line end.
std::string first_line(std::string_view raw) {
    return std::string(raw.substr(0, raw.find_first_of("\r\n")));
}

// A reason put into a reply line: no line breaks or other control octets.
std::string one_line(std::string_view text) {
    std::string out(text);
    std::replace_if(
        out.begin(), out.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }, ' ');
    return out;
}

bool positive(Protocol protocol, ReplyStatus status, std::uint16_t code, std::uint16_t smtp_code) {
    switch (protocol) {
        case Protocol::Imap:
            return status == ReplyStatus::Ok;
        case Protocol::Pop3:
            return status == ReplyStatus::PlusOk;
        case Protocol::Smtp:
            return code == smtp_code;
    }
    return false;
}

}  // namespace

ProxyRelay::ProxyRelay(ProxyRelayOptions options, Sink sink)
    : m_options(std::move(options)),
      m_sink(std::move(sink)),
      m_client_trace(m_options.protocol, m_options.label, m_options.retention),
      m_upstream_trace(m_options.protocol, m_options.label + " (upstream)", m_options.retention),
      m_stage(m_options.upstream_starttls ? Stage::AwaitGreeting : Stage::Relaying) {
    m_client_trace.set_sink([this](const TraceEvent& event) { on_client_event(event); });
    m_upstream_trace.set_sink([this](const TraceEvent& event) { on_upstream_event(event); });
    m_client = observer(m_options.protocol, m_client_trace, m_options.reveal_secrets);
    m_upstream = observer(m_options.protocol, m_upstream_trace, m_options.reveal_secrets);
}

ProxyRelay::~ProxyRelay() = default;

const Engine& ProxyRelay::engine(RelayLeg leg) const {
    return leg == RelayLeg::Client ? *m_client : *m_upstream;
}

const SessionTrace& ProxyRelay::trace(RelayLeg leg) const {
    return leg == RelayLeg::Client ? m_client_trace : m_upstream_trace;
}

// ---------------------------------------------------------------------------
// [SECTION] What the engines say
// ---------------------------------------------------------------------------

void ProxyRelay::on_client_event(const TraceEvent& event) {
    if (m_sink) m_sink(RelayLeg::Client, m_client_trace, event);
    const bool first_piece = !event.piece || event.piece->index == 0;
    if (event.kind != EventKind::Command || event.dir != Direction::ClientToServer || !first_piece)
        return;
    if (ascii::iequals(event.name, tls_verb(m_options.protocol))) {
        m_tls_asked.push_back(TlsAsked{event.wire, event.tag});
    } else if (m_options.client_starttls && m_options.protocol != Protocol::Imap &&
               ascii::iequals(event.name, capability_verb(m_options.protocol))) {
        // The reply to CAPA or EHLO is several lines: it waits whole.
        m_capability_asked = true;
    }
}

void ProxyRelay::on_upstream_event(const TraceEvent& event) {
    const bool negotiating = m_stage == Stage::AwaitGreeting || m_stage == Stage::AwaitEhlo ||
                             m_stage == Stage::AwaitStarttls;
    if (m_options.upstream_starttls && (negotiating || m_stage == Stage::Handshake) && m_sink) {
        m_sink(RelayLeg::Upstream, m_upstream_trace, event);
    }
    if (negotiating && event.dir == Direction::ServerToClient &&
        event.status != ReplyStatus::None) {
        m_replies.push_back(UpstreamReply{event.kind, event.status, event.reply_code, event.tag,
                                          event.raw, event.wire});
    }
    if (m_options.client_starttls && m_stage == Stage::Relaying &&
        event.dir == Direction::ServerToClient && is_capability_reply(event)) {
        m_capability_replies.push_back(event.wire);
        if (m_options.protocol != Protocol::Imap) m_capability_asked = false;
    }
}

bool ProxyRelay::is_capability_reply(const TraceEvent& event) const {
    if (m_options.protocol == Protocol::Imap) {
        if (event.kind == EventKind::Untagged && ascii::iequals(event.name, "CAPABILITY"))
            return true;
        return ascii::istarts_with(event.code, "CAPABILITY ");
    }
    // POP3 and SMTP: the reply to CAPA (RFC 2449 5) or EHLO (RFC 5321 4.1.1.1).
    if (event.kind != EventKind::Tagged || event.link != Link::Answers || !event.link_seq ||
        !m_upstream_trace.holds(*event.link_seq)) {
        return false;
    }
    return ascii::iequals(m_upstream_trace.at(*event.link_seq).name,
                          capability_verb(m_options.protocol));
}

// ---------------------------------------------------------------------------
// [SECTION] The server's side
// ---------------------------------------------------------------------------

void ProxyRelay::from_upstream(std::string_view bytes, std::int64_t time_us) {
    if (!bytes.empty()) m_upstream_spoke_last = true;
    switch (m_stage) {
        case Stage::Relaying:
        case Stage::ClientHandshake:
            relay_upstream(bytes, time_us);
            return;
        case Stage::AwaitGreeting:
        case Stage::AwaitEhlo:
        case Stage::AwaitStarttls:
            m_upstream_held.append(bytes);
            if (m_upstream_held.size() > kMaxNegotiationBytes) {
                upstream_failed(fmt::format("the server sent more than {} KiB before TLS",
                                            kMaxNegotiationBytes / 1024),
                                time_us);
                return;
            }
            m_upstream->feed(Direction::ServerToClient, bytes, time_us);
            negotiate(time_us);
            return;
        case Stage::Handshake:
        case Stage::Failed:
            // Octets sent in clear after the server agreed to TLS are not
            // trusted (RFC 3501 6.2.1, RFC 3207 4.2); after a failure nothing is.
            return;
    }
}

void ProxyRelay::negotiate(std::int64_t time_us) {
    while (!m_replies.empty() && m_stage != Stage::Handshake && m_stage != Stage::Failed) {
        auto reply = std::move(m_replies.front());
        m_replies.pop_front();
        negotiation_step(reply, time_us);
    }
}

void ProxyRelay::negotiation_step(const UpstreamReply& reply, std::int64_t time_us) {
    const auto protocol = m_options.protocol;
    switch (m_stage) {
        case Stage::AwaitGreeting:
            if (!positive(protocol, reply.status, reply.code, 220)) {
                upstream_failed(fmt::format("the greeting does not allow {}: {}",
                                            tls_verb(protocol), first_line(reply.raw)),
                                time_us);
                return;
            }
            m_greeting = reply.wire;
            if (protocol == Protocol::Smtp) {
                send_upstream_own(fmt::format("EHLO {}", smtp::ehlo_name), time_us);
                m_stage = Stage::AwaitEhlo;
                return;
            }
            send_upstream_own(protocol == Protocol::Imap ? fmt::format("{} STARTTLS", kUpstreamTag)
                                                         : std::string(tls_verb(protocol)),
                              time_us);
            m_stage = Stage::AwaitStarttls;
            return;
        case Stage::AwaitEhlo:
            if (reply.status != ReplyStatus::Positive) {
                upstream_failed(fmt::format("the server refused EHLO: {}", first_line(reply.raw)),
                                time_us);
                return;
            }
            if (!static_cast<const smtp::SmtpSession&>(*m_upstream).extension_offered("STARTTLS")) {
                upstream_failed("the server does not offer STARTTLS", time_us);
                return;
            }
            send_upstream_own("STARTTLS", time_us);
            m_stage = Stage::AwaitStarttls;
            return;
        case Stage::AwaitStarttls:
            if (protocol == Protocol::Imap &&
                (reply.kind != EventKind::Tagged || reply.tag != kUpstreamTag)) {
                return;
            }
            if (!positive(protocol, reply.status, reply.code, 220)) {
                upstream_failed(fmt::format("the server refused {}: {}", tls_verb(protocol),
                                            first_line(reply.raw)),
                                time_us);
                return;
            }
            m_stage = Stage::Handshake;
            m_tls_request = true;
            m_replies.clear();
            return;
        case Stage::Handshake:
        case Stage::Relaying:
        case Stage::ClientHandshake:
        case Stage::Failed:
            return;
    }
}

void ProxyRelay::relay_upstream(std::string_view bytes, std::int64_t time_us) {
    m_upstream->feed(Direction::ServerToClient, bytes, time_us);
    if (!m_options.client_starttls) {
        to_client(std::string(bytes), time_us);
        progress(time_us);
        return;
    }
    m_upstream_pending.append(bytes);
    if (m_stage == Stage::ClientHandshake) {
        // Nothing may reach the client in clear inside its handshake: the
        // server's octets wait for TLS, within bounds.
        if (m_upstream_pending.size() > kMaxUpstreamHeld) {
            fail(say(Phrase::ProxyHeldDuringHandshake, kMaxUpstreamHeld / 1024), time_us);
        }
        return;
    }
    flush_upstream(time_us);
}

void ProxyRelay::flush_upstream(std::int64_t time_us) {
    // Whole lines go on, so that a capability list is edited in one piece;
    // the reply to CAPA or EHLO waits whole. Either is short: past
    // kMaxUpstreamHeld octets (a long literal line) everything goes on.
    std::uint64_t until = m_upstream_offset;
    if (m_upstream_pending.size() >= kMaxUpstreamHeld) {
        until += m_upstream_pending.size();
    } else if (!m_capability_asked) {
        const auto line_end = m_upstream_pending.rfind('\n');
        if (line_end != std::string::npos) until += line_end + 1;
    }
    forward_upstream_until(until, time_us);
    if (m_stage == Stage::Relaying) progress(time_us);
}

void ProxyRelay::forward_upstream_until(std::uint64_t offset, std::int64_t time_us) {
    auto pass = [&](std::uint64_t end, bool edit) {
        const auto size = static_cast<std::size_t>(end - m_upstream_offset);
        std::string chunk = m_upstream_pending.substr(0, size);
        m_upstream_pending.erase(0, size);
        m_upstream_offset = end;
        if (edit) {
            auto edited = offer_starttls(m_options.protocol, chunk, !m_client_tls);
            if (edited.change != ListChange::None) {
                note(say(edited.change == ListChange::Added ? Phrase::ProxyListsStarttls
                                                            : Phrase::ProxyUnlistsStarttls,
                         tls_verb(m_options.protocol)),
                     time_us);
                chunk = std::move(edited.text);
            }
        }
        to_client(std::move(chunk), time_us);
    };
    while (m_upstream_offset < offset) {
        while (!m_capability_replies.empty() &&
               m_capability_replies.front().offset < m_upstream_offset) {
            m_capability_replies.pop_front();  // passed on unedited (too long to hold)
        }
        if (m_capability_replies.empty()) {
            pass(offset, false);
            return;
        }
        const auto reply = m_capability_replies.front();
        const auto reply_end = reply.offset + reply.size;
        if (reply_end > offset) {
            pass(std::min(offset, reply.offset), false);
            return;
        }
        m_capability_replies.pop_front();
        if (reply.offset > m_upstream_offset) pass(reply.offset, false);
        pass(reply_end, true);
    }
}

void ProxyRelay::send_upstream_own(std::string_view line, std::int64_t time_us) {
    to_upstream(fmt::format("{}\r\n", line), time_us);
}

void ProxyRelay::to_upstream(std::string_view bytes, std::int64_t time_us) {
    m_to_upstream.append(bytes);
    m_upstream_spoke_last = false;
    m_upstream->feed(Direction::ClientToServer, bytes, time_us);
}

bool ProxyRelay::upstream_reply_awaited() const {
    return !m_upstream_spoke_last && m_upstream->reply_pending() &&
           !m_upstream->server_silence_expected() &&
           m_upstream->partial_line(Direction::ClientToServer) == 0;
}

void ProxyRelay::upstream_tls_established(const std::string& description, std::int64_t time_us) {
    if (m_stage != Stage::Handshake) return;
    m_upstream->note(Direction::ServerToClient, say(Phrase::ProxyTlsEstablished, description),
                     time_us);
    m_stage = Stage::Relaying;
    note(say(Phrase::ProxyUpstreamTlsDone, tls_verb(m_options.protocol), description), time_us);
    std::string greeting;
    if (m_greeting && m_greeting->offset + m_greeting->size <= m_upstream_held.size()) {
        greeting = m_upstream_held.substr(m_greeting->offset, m_greeting->size);
    }
    // Relaying goes on from the end of the octets read while negotiating.
    m_upstream_offset = m_upstream_held.size();
    m_upstream_held.clear();
    m_upstream_held.shrink_to_fit();
    if (m_options.protocol == Protocol::Imap)
        greeting = imap_greeting_without_capabilities(greeting);
    to_client(std::move(greeting), time_us);
    progress(time_us);
}

void ProxyRelay::upstream_failed(const std::string& reason, std::int64_t time_us) {
    fail(say(Phrase::UpstreamUnavailable, reason), time_us);
}

void ProxyRelay::give_up(Said reason, std::int64_t time_us) {
    fail(std::move(reason), time_us);
}

void ProxyRelay::fail(Said reason, std::int64_t time_us) {
    if (m_stage == Stage::Failed) return;
    m_stage = Stage::Failed;
    // The client reads the reason on the wire, in English like the rest of it.
    std::string wire_reason = render(reason, Language::En);
    note(std::move(reason), time_us);
    to_client(goodbye(wire_reason), time_us);
    m_failure = std::move(wire_reason);
}

// ---------------------------------------------------------------------------
// [SECTION] The client's side
// ---------------------------------------------------------------------------

void ProxyRelay::from_client(std::string_view bytes, std::int64_t time_us) {
    if (m_stage != Stage::Relaying) return;
    if (!m_options.client_starttls) {
        m_client_held.append(bytes);
        m_client->feed(Direction::ClientToServer, bytes, time_us);
    } else {
        m_client_unfed.append(bytes);
        feed_client_lines(time_us);
    }
    progress(time_us);
}

void ProxyRelay::feed_client_lines(std::int64_t time_us) {
    // A line at a time, so that nothing after a STARTTLS reaches the
    // client's engine before the proxy knows whether TLS follows: octets
    // sent in clear after it are discarded, and the session must not show
    // them as commands the server answered.
    std::size_t fed = 0;
    while (m_tls_asked.empty() && fed < m_client_unfed.size()) {
        const auto line_end = m_client_unfed.find('\n', fed);
        const auto end = line_end == std::string::npos ? m_client_unfed.size() : line_end + 1;
        const std::string_view piece(m_client_unfed.data() + fed, end - fed);
        m_client_held.append(piece);
        m_client->feed(Direction::ClientToServer, piece, time_us);
        fed = end;
    }
    m_client_unfed.erase(0, fed);
}

void ProxyRelay::progress(std::int64_t time_us) {
    while (m_stage == Stage::Relaying) {
        if (m_tls_asked.empty()) {
            const auto fed = m_client_offset + m_client_held.size();
            const auto partial = std::min<std::uint64_t>(
                m_client->partial_line(Direction::ClientToServer), m_client_held.size());
            forward_client_until(fed - partial, time_us);
            return;
        }
        const auto asked = m_tls_asked.front();
        forward_client_until(asked.wire.offset, time_us);
        // The answer is the server's next reply as the client sees it.
        if (m_upstream->reply_pending() || !m_upstream_pending.empty()) return;
        m_tls_asked.pop_front();
        const auto end = asked.wire.offset + asked.wire.size;
        if (end > m_client_offset) {
            const auto drop = static_cast<std::size_t>(
                std::min<std::uint64_t>(end - m_client_offset, m_client_held.size()));
            m_client_held.erase(0, drop);
            m_client_offset += drop;
        }
        if (m_options.client_starttls && !m_client_tls) {
            answer_tls(asked, time_us);
            return;
        }
        if (!m_client_tls)
            note(say(Phrase::ProxyAnswersItself, tls_verb(m_options.protocol)), time_us);
        to_client(refusal(asked), time_us);
        feed_client_lines(time_us);
    }
}

void ProxyRelay::answer_tls(const TlsAsked& asked, std::int64_t time_us) {
    const auto verb = tls_verb(m_options.protocol);
    const auto discarded = m_client_held.size() + m_client_unfed.size();
    if (discarded > 0) {
        const std::string_view rule = m_options.protocol == Protocol::Imap   ? "RFC 3501 6.2.1"
                                      : m_options.protocol == Protocol::Pop3 ? "RFC 2595 4"
                                                                             : "RFC 3207 4.2";
        note(say(Phrase::ProxyDiscardsBeforeTls, discarded, verb, rule), time_us);
        // The fed ones stay in the client's stream; the others never entered it.
        m_client_offset += m_client_held.size();
        m_client_held.clear();
        m_client_unfed.clear();
    }
    m_tls_asked.clear();
    note(say(Phrase::ProxyCompletesStarttls, verb), time_us);
    to_client(acceptance(asked), time_us);
    m_stage = Stage::ClientHandshake;
    m_client_tls_request = true;
}

void ProxyRelay::client_tls_established(const std::string& version, const std::string& cipher,
                                        std::int64_t time_us) {
    m_client_tls = true;
    note(say(Phrase::ClientTlsEstablished, version, cipher), time_us);
    if (m_stage != Stage::ClientHandshake) return;
    m_stage = Stage::Relaying;
    flush_upstream(time_us);
    progress(time_us);
}

void ProxyRelay::client_tls_failed(const std::string& reason, std::int64_t time_us) {
    fail(say(Phrase::ClientTlsFailed, reason), time_us);
}

void ProxyRelay::forward_client_until(std::uint64_t offset, std::int64_t time_us) {
    if (offset <= m_client_offset) return;
    const auto size = static_cast<std::size_t>(
        std::min<std::uint64_t>(offset - m_client_offset, m_client_held.size()));
    if (size == 0) return;
    to_upstream(std::string_view(m_client_held.data(), size), time_us);
    m_client_held.erase(0, size);
    m_client_offset += size;
}

void ProxyRelay::to_client(std::string bytes, std::int64_t time_us) {
    if (bytes.empty()) return;
    m_to_client += bytes;
    m_client->feed(Direction::ServerToClient, bytes, time_us);
}

std::string ProxyRelay::refusal(const TlsAsked& refused) const {
    const std::string_view why =
        m_client_tls
            ? "refused: TLS is already active"
            : "is not relayed by the mailscope proxy: connect to the proxy with TLS instead";
    switch (m_options.protocol) {
        case Protocol::Imap:
            return fmt::format("{} BAD STARTTLS {}\r\n", refused.tag.empty() ? "*" : refused.tag,
                               why);
        case Protocol::Pop3:
            return fmt::format("-ERR STLS {}\r\n", why);
        case Protocol::Smtp: {
            const bool enhanced =
                static_cast<const smtp::SmtpSession&>(*m_client).extension_offered(
                    "ENHANCEDSTATUSCODES");
            return fmt::format("454 {}TLS not available: STARTTLS {}\r\n", enhanced ? "4.7.0 " : "",
                               why);
        }
    }
    return {};
}

std::string ProxyRelay::acceptance(const TlsAsked& accepted) const {
    switch (m_options.protocol) {
        case Protocol::Imap:
            return fmt::format("{} OK Begin TLS negotiation now\r\n",
                               accepted.tag.empty() ? "*" : accepted.tag);
        case Protocol::Pop3:
            return "+OK Begin TLS negotiation\r\n";
        case Protocol::Smtp: {
            const bool enhanced =
                static_cast<const smtp::SmtpSession&>(*m_client).extension_offered(
                    "ENHANCEDSTATUSCODES");
            return fmt::format("220 {}Ready to start TLS\r\n", enhanced ? "2.0.0 " : "");
        }
    }
    return {};
}

std::string ProxyRelay::goodbye(const std::string& reason) const {
    switch (m_options.protocol) {
        case Protocol::Imap:
            return fmt::format("* BYE [UNAVAILABLE] mailscope proxy: {}\r\n", one_line(reason));
        case Protocol::Pop3:
            return fmt::format("-ERR [SYS/TEMP] mailscope proxy: {}\r\n", one_line(reason));
        case Protocol::Smtp:
            return fmt::format("421 mailscope proxy: {}\r\n", one_line(reason));
    }
    return {};
}

// ---------------------------------------------------------------------------
// [SECTION] Notes and the end
// ---------------------------------------------------------------------------

void ProxyRelay::note(Said text, std::int64_t time_us) {
    m_client->note(Direction::ServerToClient, std::move(text), time_us);
}

void ProxyRelay::end(const std::string& error, std::int64_t time_us) {
    if (!error.empty() && error != m_failure) note(verbatim(error), time_us);
    m_client->feed_eof(Direction::ServerToClient, time_us);
    m_upstream->feed_eof(Direction::ServerToClient, time_us);
}

std::string imap_greeting_without_capabilities(std::string_view greeting) {
    const auto parsed = imap::parse_response(greeting);
    if (!parsed.response) return std::string(greeting);
    const auto& response = *parsed.response;
    if (response.kind != imap::ResponseKind::Untagged || response.status != imap::Status::Ok ||
        !response.code || !ascii::iequals(response.code->name, "CAPABILITY")) {
        return std::string(greeting);
    }
    return imap::serialize(imap::make_status("*", imap::Status::Ok, std::nullopt,
                                             response.text.empty() ? "ready" : response.text));
}

}  // namespace mailscope::sim
