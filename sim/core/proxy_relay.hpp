// ProxyRelay: what a proxy between a real client and a real server decides,
// for IMAP, POP3 and SMTP alike, without any I/O.
//
// Two observer engines watch the two legs: the client's (client <-> proxy),
// which is the session as the client sees it, and the upstream one (proxy
// <-> server), which is what the server sees. The transport hands the relay
// the octets it reads from either side and writes what the relay gives it;
// everything the protocol means comes from the engines' events:
//
//  - Octets from the client go upstream one whole line at a time (literal
//    and message data stream through), so that a STARTTLS (POP3: STLS) is
//    recognised before the server sees it. The proxy answers it itself:
//    relaying it would hide the rest of the session inside TLS the proxy
//    cannot read. IMAP: "tag BAD", the only failure RFC 3501 6.2.1 gives
//    STARTTLS; POP3: "-ERR" (RFC 2595 4); SMTP: "454 TLS not available due
//    to temporary reason" (RFC 3207 4). The refusal waits until the server
//    has answered every earlier command and is between two responses, so
//    that it lands in order; the client's later octets wait behind it.
//  - With `client_starttls` (the proxy has a certificate and the client
//    connects in clear) the proxy completes the client's STARTTLS itself
//    instead: it answers OK ("+OK", "220") in the order of the replies,
//    discards whatever the client sent after the command in clear (RFC 3207
//    4.2, RFC 3501 6.2.1, RFC 2595 4), reads nothing more until the
//    transport has done the handshake, and goes on relaying. The client
//    sees STARTTLS (POP3: STLS) in the server's capability lists while its
//    leg is clear, and not after (RFC 3207 4.2); each change to a list is
//    shown as a note.
//  - With `upstream_starttls` the proxy upgrades the server connection
//    itself before the client hears anything: it reads the greeting, sends
//    STARTTLS (IMAP, tagged MSPROXY1), STLS (POP3), or EHLO then STARTTLS
//    (SMTP), asks the transport for TLS on its 2xx/OK, and then relays the
//    greeting it held. An IMAP greeting loses its [CAPABILITY ...] code,
//    which described the clear-text connection. An SMTP client sees the
//    220 greeting and nothing of the proxy's EHLO and STARTTLS: its own
//    EHLO is the first command the server reads over TLS, as RFC 3207 4.2
//    wants after a STARTTLS, and the server's answer to it no longer lists
//    STARTTLS. The proxy's own exchange is shown as the upstream leg's
//    events; the client's leg never holds it.
//  - When the upstream cannot be used (unreachable, no STARTTLS, a failed
//    handshake) the client is told in the protocol's words (IMAP "* BYE",
//    POP3 "-ERR", SMTP "421") before the transport closes.
//
// Secrets are masked by the engines, so no event of either leg holds a
// password unless `reveal_secrets` asks for it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sim/core/engine.hpp"
#include "sim/core/protocol.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::sim {

enum class RelayLeg : std::uint8_t { Client, Upstream };

struct ProxyRelayOptions {
    Protocol protocol = Protocol::Imap;
    // The proxy negotiates STARTTLS/STLS upstream before relaying the greeting.
    bool upstream_starttls = false;
    // The client's leg starts in clear and the proxy completes its STARTTLS.
    bool client_starttls = false;
    bool reveal_secrets = false;
    std::string label;
    TraceRetention retention;
};

class ProxyRelay {
  public:
    // Called with each event a person should read, as it is appended: every
    // event of the client's leg, and the upstream leg's while the proxy
    // speaks for itself there (its STARTTLS), which the client never sees.
    using Sink = std::function<void(RelayLeg, const SessionTrace&, const TraceEvent&)>;

    ProxyRelay(ProxyRelayOptions options, Sink sink);
    ~ProxyRelay();
    ProxyRelay(const ProxyRelay&) = delete;
    ProxyRelay& operator=(const ProxyRelay&) = delete;

    // --- the transport tells -------------------------------------------------
    void from_upstream(std::string_view bytes, std::int64_t time_us);
    void from_client(std::string_view bytes, std::int64_t time_us);
    // The TLS handshake asked for by take_tls_request() is done.
    void upstream_tls_established(const std::string& description, std::int64_t time_us);
    // The client's handshake asked for by take_client_tls_request() is done
    // (its protocol version and cipher), or failed. Told of an implicit-TLS
    // client too, so that a later STARTTLS is refused as TLS already on.
    void client_tls_established(const std::string& version, const std::string& cipher,
                                std::int64_t time_us);
    void client_tls_failed(const std::string& reason, std::int64_t time_us);
    // The upstream cannot be used: the client is told why, then the relay fails.
    void upstream_failed(const std::string& reason, std::int64_t time_us);
    // The proxy ends the session (an idle client): told to the client in the
    // protocol's words, as upstream_failed() does.
    void give_up(Said reason, std::int64_t time_us);
    // Something the proxy did or saw, shown in the client's leg.
    void note(Said text, std::int64_t time_us);
    // The session is over; `error` is empty after a clean close.
    void end(const std::string& error, std::int64_t time_us);

    // --- the transport does --------------------------------------------------
    std::string take_to_client() { return std::exchange(m_to_client, {}); }
    std::string take_to_upstream() { return std::exchange(m_to_upstream, {}); }
    // True once when TLS must start on the upstream connection now.
    bool take_tls_request() { return std::exchange(m_tls_request, false); }
    // True once when the client's TLS handshake (server side) must start,
    // after the octets for the client taken now are written.
    bool take_client_tls_request() { return std::exchange(m_client_tls_request, false); }
    // The client's octets are wanted: the upstream is ready for them, and
    // not much of what the client sent waits here (behind a STARTTLS whose
    // answer must wait for the server's replies), so a client that goes on
    // sending is slowed down by TCP instead of growing the proxy.
    // With `client_starttls` nothing more is read while a STARTTLS waits
    // for its answer: the next octets are the client's TLS handshake.
    bool wants_client_bytes() const {
        return m_stage == Stage::Relaying &&
               m_client_held.size() + m_client_unfed.size() < kMaxClientHeld &&
               !(m_options.client_starttls && !m_tls_asked.empty());
    }
    // The server owes an answer: the last octets went to it, a command in
    // them is complete and waits for its reply, and it is not one the
    // server may leave unanswered for long (IDLE). The transport times the
    // server's silence while this holds (RFC 3501 5.4 bounds the client's).
    bool upstream_reply_awaited() const;
    // Set when the session must close (after the octets for the client are written).
    const std::optional<std::string>& failure() const { return m_failure; }

    const Engine& engine(RelayLeg leg) const;
    const SessionTrace& trace(RelayLeg leg) const;

    static constexpr std::size_t kMaxClientHeld = 1u << 20;
    // Server octets held to edit a capability list: a line, or the reply
    // to CAPA or EHLO; past this they go on unedited.
    static constexpr std::size_t kMaxUpstreamHeld = 64u << 10;

  private:
    enum class Stage : std::uint8_t {
        AwaitGreeting,
        AwaitEhlo,
        AwaitStarttls,
        Handshake,
        Relaying,
        ClientHandshake,
        Failed
    };
    struct TlsAsked {
        ByteSpan wire;  // the client's STARTTLS in the client's stream
        std::string tag;
    };
    struct UpstreamReply {
        EventKind kind = EventKind::Note;
        ReplyStatus status = ReplyStatus::None;
        std::uint16_t code = 0;
        std::string tag;
        std::string raw;
        ByteSpan wire;
    };

    void to_upstream(std::string_view bytes, std::int64_t time_us);
    void on_client_event(const TraceEvent& event);
    void on_upstream_event(const TraceEvent& event);
    void negotiate(std::int64_t time_us);
    void negotiation_step(const UpstreamReply& reply, std::int64_t time_us);
    void send_upstream_own(std::string_view line, std::int64_t time_us);
    // Passes on the client's octets that are decided, answering STARTTLS
    // where it comes, as far as the order of replies allows.
    void progress(std::int64_t time_us);
    void forward_client_until(std::uint64_t offset, std::int64_t time_us);
    void feed_client_lines(std::int64_t time_us);
    void answer_tls(const TlsAsked& asked, std::int64_t time_us);
    void to_client(std::string bytes, std::int64_t time_us);
    // Server octets in the relaying stage, through the capability editor
    // when the proxy offers STARTTLS itself.
    void relay_upstream(std::string_view bytes, std::int64_t time_us);
    void flush_upstream(std::int64_t time_us);
    void forward_upstream_until(std::uint64_t offset, std::int64_t time_us);
    bool is_capability_reply(const TraceEvent& event) const;
    std::string refusal(const TlsAsked& refused) const;
    std::string acceptance(const TlsAsked& accepted) const;
    std::string goodbye(const std::string& reason) const;
    void fail(Said reason, std::int64_t time_us);

    ProxyRelayOptions m_options;
    Sink m_sink;
    SessionTrace m_client_trace;
    SessionTrace m_upstream_trace;
    std::unique_ptr<Engine> m_client;
    std::unique_ptr<Engine> m_upstream;
    Stage m_stage;

    // Client octets from m_client_offset on, not passed on yet.
    std::string m_client_held;
    std::uint64_t m_client_offset = 0;
    std::deque<TlsAsked> m_tls_asked;
    // With `client_starttls`: client octets behind a STARTTLS, not yet shown
    // to the client's engine (feed_client_lines).
    std::string m_client_unfed;
    bool m_client_tls = false;  // the client's leg is TLS (implicit, or after its STARTTLS)
    bool m_client_tls_request = false;

    // With `client_starttls`: server octets from m_upstream_offset on, not
    // passed to the client yet, and the capability replies among them.
    std::string m_upstream_pending;
    std::uint64_t m_upstream_offset = 0;
    std::deque<ByteSpan> m_capability_replies;
    bool m_capability_asked = false;  // a CAPA or EHLO awaits its reply

    // Negotiation: the server's octets so far (the greeting is relayed from
    // them) and its replies not acted on yet.
    std::string m_upstream_held;
    std::deque<UpstreamReply> m_replies;
    std::optional<ByteSpan> m_greeting;

    std::string m_to_client;
    std::string m_to_upstream;
    bool m_upstream_spoke_last = true;  // the last octets on the upstream leg were the server's
    bool m_tls_request = false;
    std::optional<std::string> m_failure;
};

// The greeting relayed after the proxy's own STARTTLS: "* OK [CAPABILITY
// ...] text" loses its code; any other greeting passes unchanged.
std::string imap_greeting_without_capabilities(std::string_view greeting);

}  // namespace mailscope::sim
