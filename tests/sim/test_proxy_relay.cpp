#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/core/proxy_relay.hpp"

using namespace mailscope::sim;

namespace {

// A relay with what it showed, as "C:"/"S:" raw lines and notes per leg.
struct Relay {
    explicit Relay(Protocol protocol, bool upstream_starttls = false, bool client_starttls = false)
        : relay(ProxyRelayOptions{protocol, upstream_starttls, client_starttls, false, "test", {}},
                [this](RelayLeg leg, const SessionTrace&, const TraceEvent& event) {
                    auto& shown = leg == RelayLeg::Client ? client_shown : upstream_shown;
                    shown.push_back(event.kind == EventKind::Note ? "note: " + event.summary
                                                                  : event.raw);
                }) {}

    std::string client() { return relay.take_to_client(); }
    std::string upstream() { return relay.take_to_upstream(); }
    bool shown(const std::vector<std::string>& lines, std::string_view needle) const {
        for (const auto& line : lines) {
            if (line.find(needle) != std::string::npos) return true;
        }
        return false;
    }

    std::vector<std::string> client_shown;
    std::vector<std::string> upstream_shown;
    ProxyRelay relay;
};

}  // namespace

TEST_CASE("proxy relay, IMAP: the client's STARTTLS gets BAD from the proxy, in order") {
    Relay r(Protocol::Imap);
    CHECK(r.relay.wants_client_bytes());
    r.relay.from_upstream("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n", 0);
    CHECK(r.client() == "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");

    // Pipelined: the refusal waits for a1's completion, a3 waits behind it.
    r.relay.from_client("a1 NOOP\r\na2 starttls\r\na3 NOOP\r\n", 0);
    CHECK(r.upstream() == "a1 NOOP\r\n");
    CHECK(r.client().empty());
    r.relay.from_upstream("a1 OK", 0);
    CHECK(r.client() == "a1 OK");
    CHECK(r.upstream().empty());
    r.relay.from_upstream(" done\r\n", 0);
    CHECK(r.client() ==
          " done\r\na2 BAD STARTTLS is not relayed by the mailscope proxy: connect to the proxy "
          "with TLS instead\r\n");
    CHECK(r.upstream() == "a3 NOOP\r\n");
    CHECK(r.shown(r.client_shown, "note: the proxy answers STARTTLS itself"));
    CHECK_FALSE(r.relay.failure());
}

TEST_CASE("proxy relay, IMAP: a line goes upstream only once it is whole") {
    Relay r(Protocol::Imap);
    r.relay.from_upstream("* OK ready\r\n", 0);
    r.client();
    r.relay.from_client("a1 STAR", 0);
    CHECK(r.upstream().empty());
    r.relay.from_client("TTLS\r\na2 NO", 0);
    CHECK(r.upstream().empty());
    CHECK(r.client().starts_with("a1 BAD STARTTLS is not relayed"));
    r.relay.from_client("OP\r\n", 0);
    CHECK(r.upstream() == "a2 NOOP\r\n");
}

TEST_CASE("proxy relay, IMAP: literal data streams and is never read as a command") {
    Relay r(Protocol::Imap);
    r.relay.from_upstream("* OK ready\r\n", 0);
    r.relay.from_client("a1 APPEND INBOX {14}\r\n", 0);
    CHECK(r.upstream() == "a1 APPEND INBOX {14}\r\n");
    r.relay.from_upstream("+ go ahead\r\n", 0);
    r.relay.from_client("x STA", 0);
    CHECK(r.upstream() == "x STA");
    r.relay.from_client("RTTLS\r\n\r\n", 0);
    CHECK(r.upstream() == "RTTLS\r\n\r\n");
    r.client();
    r.relay.from_upstream("a1 OK APPEND done\r\n", 0);
    CHECK(r.client() == "a1 OK APPEND done\r\n");
}

TEST_CASE("proxy relay, IMAP: STARTTLS upstream before the greeting is relayed") {
    Relay r(Protocol::Imap, true);
    CHECK_FALSE(r.relay.wants_client_bytes());
    r.relay.from_upstream("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready.\r\n",
                          0);
    CHECK(r.upstream() == "MSPROXY1 STARTTLS\r\n");
    CHECK(r.client().empty());
    r.relay.from_upstream("MSPROXY1 OK Begin TLS negotiation now.\r\n* injected in clear\r\n", 0);
    CHECK(r.relay.take_tls_request());
    CHECK_FALSE(r.relay.take_tls_request());
    CHECK_FALSE(r.relay.wants_client_bytes());
    r.relay.upstream_tls_established("TLSv1.3", 0);
    CHECK(r.relay.wants_client_bytes());
    CHECK(r.client() == "* OK Dovecot ready.\r\n");
    CHECK(r.shown(r.upstream_shown, "MSPROXY1 STARTTLS"));
    CHECK_FALSE(r.shown(r.client_shown, "MSPROXY1"));
    CHECK_FALSE(r.shown(r.client_shown, "injected"));
    CHECK(r.shown(r.client_shown, "note: upstream STARTTLS done by the proxy: TLSv1.3"));
    r.relay.from_client("a1 CAPABILITY\r\n", 0);
    CHECK(r.upstream() == "a1 CAPABILITY\r\n");
}

TEST_CASE("proxy relay, IMAP: a greeting or a STARTTLS refused upstream fails the session") {
    Relay bye(Protocol::Imap, true);
    bye.relay.from_upstream("* BYE go away\r\n", 0);
    REQUIRE(bye.relay.failure());
    CHECK(bye.relay.failure()->find("does not allow STARTTLS: * BYE go away") != std::string::npos);
    CHECK(bye.client().starts_with("* BYE [UNAVAILABLE] mailscope proxy: upstream unavailable"));

    Relay no(Protocol::Imap, true);
    no.relay.from_upstream("* OK hi\r\n", 0);
    no.relay.from_upstream("* OK [ALERT] untagged\r\nMSPROXY1 NO not now\r\n", 0);
    REQUIRE(no.relay.failure());
    CHECK(no.relay.failure()->find("refused STARTTLS: MSPROXY1 NO not now") != std::string::npos);
    CHECK_FALSE(no.relay.take_tls_request());
}

TEST_CASE("the relayed IMAP greeting loses its pre-TLS capability list") {
    CHECK(imap_greeting_without_capabilities(
              "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready.\r\n") ==
          "* OK Dovecot ready.\r\n");
    CHECK(imap_greeting_without_capabilities("* OK [CAPABILITY IMAP4rev1]\r\n") ==
          "* OK ready\r\n");
    CHECK(imap_greeting_without_capabilities("* OK hello\r\n") == "* OK hello\r\n");
    CHECK(imap_greeting_without_capabilities("* OK [ALERT] hello\r\n") == "* OK [ALERT] hello\r\n");
    CHECK(imap_greeting_without_capabilities("* OK [CAPABILITY broken\r\n") ==
          "* OK [CAPABILITY broken\r\n");
}

TEST_CASE("proxy relay, POP3: STLS gets -ERR once a multi-line reply has ended") {
    Relay r(Protocol::Pop3);
    r.relay.from_upstream("+OK POP3 ready <1.2@host>\r\n", 0);
    r.client();
    r.relay.from_client("USER alice\r\nPASS wonderland\r\n", 0);
    CHECK(r.upstream() == "USER alice\r\nPASS wonderland\r\n");
    r.relay.from_upstream("+OK\r\n+OK logged in\r\n", 0);
    r.client();
    r.relay.from_client("RETR 1\r\nSTLS\r\nSTAT\r\n", 0);
    CHECK(r.upstream() == "RETR 1\r\n");
    r.relay.from_upstream("+OK 12 octets\r\nSubject: x\r\n", 0);
    CHECK(r.client() == "+OK 12 octets\r\nSubject: x\r\n");
    r.relay.from_upstream("\r\n.\r\n", 0);
    CHECK(r.client() ==
          "\r\n.\r\n-ERR STLS is not relayed by the mailscope proxy: connect to the proxy with "
          "TLS instead\r\n");
    CHECK(r.upstream() == "STAT\r\n");
    CHECK_FALSE(r.shown(r.client_shown, "wonderland"));
    CHECK(r.shown(r.client_shown, "note: the proxy answers STLS itself"));
}

TEST_CASE("proxy relay, POP3: STLS upstream, then the greeting as it was") {
    Relay r(Protocol::Pop3, true);
    r.relay.from_upstream("+OK POP3 ready <1.2@host>\r\n", 0);
    CHECK(r.upstream() == "STLS\r\n");
    r.relay.from_upstream("+OK Begin TLS\r\n", 0);
    CHECK(r.relay.take_tls_request());
    r.relay.upstream_tls_established("TLSv1.3", 0);
    CHECK(r.client() == "+OK POP3 ready <1.2@host>\r\n");
    CHECK(r.shown(r.client_shown, "note: upstream STLS done by the proxy"));
    CHECK_FALSE(r.shown(r.client_shown, "STLS\r\n"));

    Relay refused(Protocol::Pop3, true);
    refused.relay.from_upstream("+OK ready\r\n", 0);
    refused.relay.from_upstream("-ERR no TLS here\r\n", 0);
    REQUIRE(refused.relay.failure());
    CHECK(refused.client().starts_with("-ERR [SYS/TEMP] mailscope proxy: upstream unavailable"));
}

TEST_CASE("proxy relay, SMTP: EHLO and STARTTLS upstream stay out of the client's session") {
    Relay r(Protocol::Smtp, true);
    r.relay.from_upstream("220 mail.example.org ESMTP\r\n", 0);
    CHECK(r.upstream() == "EHLO mailscope.localhost\r\n");
    r.relay.from_upstream("250-mail.example.org\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n", 0);
    CHECK(r.upstream() == "STARTTLS\r\n");
    r.relay.from_upstream("220 2.0.0 go ahead\r\n", 0);
    CHECK(r.relay.take_tls_request());
    r.relay.upstream_tls_established("TLSv1.3", 0);
    CHECK(r.client() == "220 mail.example.org ESMTP\r\n");
    CHECK_FALSE(r.shown(r.client_shown, "EHLO mailscope.localhost"));
    CHECK(r.shown(r.upstream_shown, "EHLO mailscope.localhost"));

    r.relay.from_client("EHLO client.example\r\n", 0);
    CHECK(r.upstream() == "EHLO client.example\r\n");
    r.relay.from_upstream("250-mail.example.org\r\n250 AUTH PLAIN\r\n", 0);
    CHECK(r.client() == "250-mail.example.org\r\n250 AUTH PLAIN\r\n");
    r.relay.from_client("AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n", 0);
    CHECK(r.upstream() == "AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n");
    CHECK_FALSE(r.shown(r.client_shown, "AGFsaWNlAHdvbmRlcmxhbmQ="));
}

TEST_CASE("proxy relay, SMTP: STARTTLS gets 454, lines after it wait for it") {
    Relay r(Protocol::Smtp);
    r.relay.from_upstream("220 mail.example.org ESMTP\r\n", 0);
    r.relay.from_client("EHLO c\r\n", 0);
    r.relay.from_upstream("250-mail.example.org\r\n250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n", 0);
    r.client();
    r.upstream();
    r.relay.from_client("STARTTLS\r\nNOOP\r\n", 0);
    CHECK(r.upstream() == "NOOP\r\n");
    CHECK(r.client() ==
          "454 4.7.0 TLS not available: STARTTLS is not relayed by the mailscope proxy: connect "
          "to the proxy with TLS instead\r\n");

    Relay plain(Protocol::Smtp);
    plain.relay.from_upstream("220 mx\r\n", 0);
    plain.relay.from_client("HELO c\r\n", 0);
    plain.relay.from_upstream("250 mx\r\n", 0);
    plain.client();
    plain.relay.from_client("STARTTLS\r\n", 0);
    CHECK(plain.client().starts_with("454 TLS not available"));
}

TEST_CASE("proxy relay, SMTP: message data goes through, a STARTTLS line in it too") {
    Relay r(Protocol::Smtp);
    r.relay.from_upstream("220 mx\r\n", 0);
    r.relay.from_client("HELO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n", 0);
    CHECK(r.upstream() == "HELO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
    r.relay.from_upstream("250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n", 0);
    r.relay.from_client("STARTTLS\r\n.\r\n", 0);
    CHECK(r.upstream() == "STARTTLS\r\n.\r\n");
}

TEST_CASE("proxy relay, SMTP: an upstream without STARTTLS is refused with 421") {
    Relay r(Protocol::Smtp, true);
    r.relay.from_upstream("220 mx\r\n", 0);
    r.relay.from_upstream("250-mx\r\n250 SIZE 1000\r\n", 0);
    REQUIRE(r.relay.failure());
    CHECK(r.client() ==
          "421 mailscope proxy: upstream unavailable: the server does not offer "
          "STARTTLS\r\n");
}

TEST_CASE("proxy relay: an unreachable upstream is told in the protocol's words") {
    Relay r(Protocol::Imap);
    r.relay.upstream_failed("connection refused\r\n* OK fake", 0);
    CHECK(r.client() ==
          "* BYE [UNAVAILABLE] mailscope proxy: upstream unavailable: connection refused  * OK "
          "fake\r\n");
    CHECK_FALSE(r.relay.wants_client_bytes());
    r.relay.from_client("a1 LOGIN x y\r\n", 0);
    CHECK(r.upstream().empty());
}

TEST_CASE("proxy relay: a client that sends on behind a waiting refusal is not read") {
    Relay r(Protocol::Pop3);
    r.relay.from_upstream("+OK ready\r\n", 0);
    r.relay.from_client("NOOP\r\nSTLS\r\n", 0);
    CHECK(r.upstream() == "NOOP\r\n");
    std::string pipelined;
    while (pipelined.size() < ProxyRelay::kMaxClientHeld)
        pipelined += "NOOP\r\n";
    r.relay.from_client(pipelined, 0);
    CHECK_FALSE(r.relay.wants_client_bytes());
    r.relay.from_upstream("+OK\r\n", 0);
    CHECK(
        r.client().ends_with("-ERR STLS is not relayed by the mailscope proxy: connect to the "
                             "proxy with TLS instead\r\n"));
    CHECK(r.upstream().size() == pipelined.size());
    CHECK(r.relay.wants_client_bytes());
}

TEST_CASE("proxy relay, IMAP: the proxy completes the client's STARTTLS and lists it") {
    Relay r(Protocol::Imap, false, true);
    r.relay.from_upstream("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n", 0);
    CHECK(r.client() == "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN STARTTLS] ready\r\n");
    CHECK(r.shown(r.client_shown, "note: the proxy adds STARTTLS to the server's list"));

    // A line cut in two reaches the client whole, and edited.
    r.relay.from_client("a1 CAPABILITY\r\n", 0);
    CHECK(r.upstream() == "a1 CAPABILITY\r\n");
    r.relay.from_upstream("* CAPABILITY IMAP4", 0);
    CHECK(r.client().empty());
    r.relay.from_upstream("rev1 IDLE\r\na1 OK done\r\n", 0);
    CHECK(r.client() == "* CAPABILITY IMAP4rev1 IDLE STARTTLS\r\na1 OK done\r\n");

    // What the client sends after STARTTLS in clear never reaches the server.
    r.relay.from_client("a2 STARTTLS\r\na3 LOGIN alice wonderland\r\n", 0);
    CHECK(r.upstream().empty());
    CHECK(r.client() == "a2 OK Begin TLS negotiation now\r\n");
    CHECK(r.relay.take_client_tls_request());
    CHECK_FALSE(r.relay.wants_client_bytes());
    CHECK(r.shown(r.client_shown, "note: 27 octets the client sent after STARTTLS but before TLS"));
    CHECK_FALSE(r.shown(r.client_shown, "wonderland"));

    r.relay.client_tls_established("TLSv1.3", "TLS_AES_256_GCM_SHA384", 0);
    CHECK(r.relay.wants_client_bytes());
    CHECK(r.shown(r.client_shown, "note: client TLS established: TLSv1.3"));
    r.relay.from_client("a4 CAPABILITY\r\n", 0);
    CHECK(r.upstream() == "a4 CAPABILITY\r\n");
    r.relay.from_upstream("* CAPABILITY IMAP4rev1 STARTTLS IDLE\r\na4 OK done\r\n", 0);
    CHECK(r.client() == "* CAPABILITY IMAP4rev1 IDLE\r\na4 OK done\r\n");

    // A second STARTTLS is refused: TLS is on.
    r.relay.from_client("a5 STARTTLS\r\n", 0);
    CHECK(r.client() == "a5 BAD STARTTLS refused: TLS is already active\r\n");
    CHECK(r.upstream().empty());
}

TEST_CASE("proxy relay, IMAP: a long literal line streams through the capability editor") {
    Relay r(Protocol::Imap, false, true);
    r.relay.from_upstream("* OK ready\r\n", 0);
    r.client();
    r.relay.from_client("a1 FETCH 1 BODY[]\r\n", 0);
    r.relay.from_upstream("* 1 FETCH (BODY[] {100000}\r\n", 0);
    CHECK(r.client() == "* 1 FETCH (BODY[] {100000}\r\n");
    const std::string data(ProxyRelay::kMaxUpstreamHeld, 'x');
    r.relay.from_upstream(data, 0);
    CHECK(r.client() == data);
}

TEST_CASE("proxy relay, POP3: STLS is listed in CAPA and completed by the proxy") {
    Relay r(Protocol::Pop3, false, true);
    r.relay.from_upstream("+OK POP3 ready\r\n", 0);
    CHECK(r.client() == "+OK POP3 ready\r\n");
    r.relay.from_client("CAPA\r\n", 0);
    CHECK(r.upstream() == "CAPA\r\n");
    // The reply waits whole, so that the line can go in before its end.
    r.relay.from_upstream("+OK\r\nUSER\r\n", 0);
    CHECK(r.client().empty());
    r.relay.from_upstream("SASL PLAIN\r\n.\r\n", 0);
    CHECK(r.client() == "+OK\r\nUSER\r\nSASL PLAIN\r\nSTLS\r\n.\r\n");
    r.relay.from_client("STLS\r\n", 0);
    CHECK(r.client() == "+OK Begin TLS negotiation\r\n");
    CHECK(r.relay.take_client_tls_request());
    r.relay.client_tls_established("TLSv1.3", "TLS_AES_128_GCM_SHA256", 0);
    r.relay.from_client("USER alice\r\n", 0);
    CHECK(r.upstream() == "USER alice\r\n");
}

TEST_CASE("proxy relay, SMTP: STARTTLS is listed in EHLO and completed by the proxy") {
    Relay r(Protocol::Smtp, false, true);
    r.relay.from_upstream("220 mx ESMTP\r\n", 0);
    r.client();
    r.relay.from_client("EHLO c\r\n", 0);
    CHECK(r.upstream() == "EHLO c\r\n");
    r.relay.from_upstream("250-mx\r\n250-ENHANCEDSTATUSCODES\r\n250 AUTH PLAIN\r\n", 0);
    CHECK(r.client() == "250-mx\r\n250-ENHANCEDSTATUSCODES\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n");
    r.relay.from_client("STARTTLS\r\n", 0);
    CHECK(r.client() == "220 2.0.0 Ready to start TLS\r\n");
    CHECK(r.upstream().empty());
    CHECK(r.relay.take_client_tls_request());
    r.relay.client_tls_established("TLSv1.3", "TLS_AES_128_GCM_SHA256", 0);
    r.relay.from_client("EHLO c\r\n", 0);
    CHECK(r.upstream() == "EHLO c\r\n");
    r.relay.from_upstream("250-mx\r\n250-ENHANCEDSTATUSCODES\r\n250 AUTH PLAIN\r\n", 0);
    CHECK(r.client() == "250-mx\r\n250-ENHANCEDSTATUSCODES\r\n250 AUTH PLAIN\r\n");
}

TEST_CASE("proxy relay: the server's octets wait while the client's TLS handshake runs") {
    Relay r(Protocol::Imap, false, true);
    r.relay.from_upstream("* OK ready\r\n", 0);
    r.client();
    r.relay.from_client("a1 STARTTLS\r\n", 0);
    CHECK(r.client() == "a1 OK Begin TLS negotiation now\r\n");
    REQUIRE(r.relay.take_client_tls_request());
    // Written now, these octets would land in the middle of the handshake.
    r.relay.from_upstream("* 3 EXISTS\r\n", 0);
    CHECK(r.client().empty());
    r.relay.client_tls_established("TLSv1.3", "TLS_AES_128_GCM_SHA256", 0);
    CHECK(r.client() == "* 3 EXISTS\r\n");

    Relay flood(Protocol::Imap, false, true);
    flood.relay.from_upstream("* OK ready\r\n", 0);
    flood.relay.from_client("a1 STARTTLS\r\n", 0);
    flood.client();
    std::string lines;
    while (lines.size() <= ProxyRelay::kMaxUpstreamHeld)
        lines += "* 1 EXISTS\r\n";
    flood.relay.from_upstream(lines, 0);
    CHECK(flood.relay.failure());
}
