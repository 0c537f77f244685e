// ServerConfig: what the mock IMAP, POP3 and SMTP servers offer and how they
// misbehave.
//
// One config serves every connection of a listener or a lesson. The
// listener fills `starttls_available` when it has a TLS context; the rest
// comes from the command line or a lesson's YAML.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "server_mock/fault_injection.hpp"
#include "server_mock/mail_store.hpp"
#include "server_mock/pop3_config.hpp"
#include "server_mock/smtp_config.hpp"
#include "sim/core/connection_handler.hpp"
#include "sim/imap/limits.hpp"

namespace mailscope::server {

// Extensions the server may advertise; switching one off also refuses its
// commands, so a lesson can show a client coping without it.
struct CapabilityToggles {
    bool idle = true;           // RFC 2177
    bool uidplus = true;        // RFC 4315
    bool move = true;           // RFC 6851
    bool namespaces = true;     // RFC 2342
    bool literal_plus = true;   // RFC 7888
    bool unselect = true;       // RFC 3691
    bool id = true;             // RFC 2971
    bool children = true;       // RFC 3348
    bool enable = true;         // RFC 5161
    bool acl = true;            // RFC 4314: the ACL commands; rights apply either way
    bool esearch = true;        // RFC 4731: SEARCH RETURN (...) answered by ESEARCH
    bool list_extended = true;  // RFC 5258 and RFC 5819: LIST's options, RETURN (STATUS ...)
    bool special_use = true;    // RFC 6154: \Sent, \Drafts... with LIST's SPECIAL-USE options
    bool binary = true;         // RFC 3516: FETCH BINARY[], BINARY.SIZE[], APPEND ~{n}
    bool multiappend = true;    // RFC 3502: APPEND of several messages, all or none
    bool catenate = true;       // RFC 4469: APPEND of a message built from parts and URLs
    bool sort = true;           // RFC 5256: SORT, THREAD=ORDEREDSUBJECT and THREAD=REFERENCES
    bool quota = true;          // RFC 9208: GETQUOTA, GETQUOTAROOT, SETQUOTA, STATUS DELETED
    bool searchres = true;      // RFC 5182: SEARCH RETURN (SAVE) and the message set "$"
    bool status_size = true;    // RFC 8438: STATUS SIZE
    // RFC 5465: NOTIFY SET/NONE; the selected mailbox's changes between
    // commands, STATUS and LIST for other mailboxes the user may read.
    bool notify = true;
    // RFC 5267: SORT RETURN (...) (ESORT), and CONTEXT, UPDATE and PARTIAL
    // for SEARCH and SORT (CONTEXT=SEARCH, CONTEXT=SORT) with CANCELUPDATE.
    bool contexts = true;
    // RFC 7162 3.1: mod-sequences, conditional STORE, CHANGEDSINCE. The
    // store keeps mod-sequences in memory only, so `serve --data-dir` turns
    // it off: after a restart they would start again, below what clients
    // have cached.
    bool condstore = true;
    // RFC 9051: IMAP4rev2 listed beside IMAP4rev1; a client that sends
    // ENABLE IMAP4rev2 gets its rules (ESEARCH for SEARCH, no \Recent, a
    // LIST in SELECT, UTF-8 mailbox names, no LSUB or CHECK).
    bool imap4rev2 = true;
    // RFC 6855: after ENABLE UTF8=ACCEPT, UTF-8 in quoted strings and
    // mailbox names, and messages with UTF-8 headers in APPEND.
    bool utf8_accept = true;
    bool sasl_ir = true;        // RFC 4959
    bool auth_plain = true;     // RFC 4616
    bool auth_login = true;     // draft-murchison-sasl-login
    bool auth_cram_md5 = true;  // RFC 2195
    bool auth_oauth = true;     // XOAUTH2 and OAUTHBEARER (RFC 7628)
};

// The three greetings of RFC 3501 7.1: the connection is ready for a login
// (transition 1), already authenticated (PREAUTH, transition 2), or refused
// (BYE, transition 3).
enum class GreetingKind : std::uint8_t { Ok, Preauth, Bye };

struct ServerConfig {
    std::string greeting = "mailscope IMAP4rev1 teaching server ready";
    GreetingKind greeting_kind = GreetingKind::Ok;
    // PREAUTH logs every connection in as this user.
    std::string preauth_user;
    CapabilityToggles capabilities;
    // RFC 3501 6.2.3 / 7.2.1: advertise LOGINDISABLED and refuse LOGIN and
    // the plaintext SASL mechanisms until STARTTLS has protected the link.
    bool login_disabled_without_tls = false;
    bool starttls_available = false;
    // LOGIN anonymous (any password) and AUTHENTICATE ANONYMOUS (RFC 4505)
    // log in as "anonymous", who reads what is granted to "anonymous" or
    // "anyone" (RFC 4314) and never changes anything.
    bool anonymous = false;
    // List IMAP4rev2 alone (not IMAP4rev1) and follow RFC 9051 from the
    // greeting on, without ENABLE (RFC 9051 appendix E).
    bool imap4rev2_only = false;
    // RFC 3501 5.4: at least 30 minutes; lessons shorten it for a demo.
    transport::Micros autologout = 30ll * 60 * 1000 * 1000;
    // While a client idles (RFC 2177) the session looks for other sessions'
    // changes this often.
    transport::Micros idle_poll = 1000 * 1000;
    imap::Limits limits;
    // Largest APPEND literal accepted; larger ones are refused before the "+".
    std::uint64_t max_append_size = kMaxMessageSize;
    std::vector<FaultRule> faults;
    std::uint64_t fault_seed = 1;
    // The INTERNALDATE of an APPEND that gives none. The server never reads a
    // clock itself: `mailscope serve` passes the wall clock, and without one a
    // fixed date keeps lessons reproducible.
    std::function<InternalDate()> clock;
    // Unpredictable numbers for APOP timestamps and CRAM-MD5 challenges.
    // `mailscope serve` passes a generator seeded from the system; without
    // one, challenges are counters and lessons reproducible.
    std::function<std::uint64_t()> random;
    // Shown by the ID command (RFC 2971).
    std::string version = "1.0";
    // The POP3 and SMTP servers on the same store.
    Pop3Config pop3;
    SmtpConfig smtp;
};

}  // namespace mailscope::server
