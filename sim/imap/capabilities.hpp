// What an IMAP session knows of the server's capabilities (the extension
// each command belongs to is in its verb table, sim/imap/verbs.hpp).
//
// Three rules of the engine depend on it: LOGIN is not sent once the server
// listed LOGINDISABLED (RFC 3501 6.2.3), an extension command is not sent to
// a server that did not list its capability, and 8-bit octets travel in
// quoted strings only once UTF8=ACCEPT or IMAP4rev2 is in force (RFC 6855 3,
// RFC 9051 4.3). The knowledge comes only from what the server said in this
// session; nothing is guessed, so a rule that needs a list nobody has seen
// is not applied.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/core/protocol.hpp"

namespace mailscope::imap {

class ServerCapabilities {
  public:
    // A CAPABILITY response or response code: the whole list, replacing the last one.
    void listed(const std::vector<std::string>& names);
    // The list no longer holds: after STARTTLS the client MUST discard it
    // (RFC 3501 6.2.1), and after authentication a server lists more.
    void forget() { m_known = false; }
    // An ENABLED response (RFC 5161 3.2).
    void enabled(const std::vector<std::string>& names);

    bool known() const { return m_known; }
    // Listed now, ignoring case. `name` ending in '=' matches a family ("COMPRESS=").
    bool lists(std::string_view name) const;
    bool is_enabled(std::string_view name) const;
    // The session follows RFC 9051: the client enabled IMAP4rev2 (RFC 9051
    // 6.3.1), or the server speaks nothing else.
    bool imap4rev2() const { return m_imap4rev2_only || is_enabled("IMAP4REV2"); }
    // May `dir` put UTF-8 in quoted strings? Only with UTF8=ACCEPT (RFC 6855 3)
    // or IMAP4rev2 (RFC 9051 4.3) in force; IMAP4rev1 quoted strings are 7-bit.
    bool utf8_quoted(sim::Direction dir) const;
    // The RFC that lets UTF-8 into quoted strings in this session: "RFC 9051 4.3"
    // or "RFC 6855 3".
    std::string_view utf8_section() const;

  private:
    bool m_known = false;
    // A list showed IMAP4rev2 without IMAP4rev1: the protocol the server
    // speaks, which no later state change alters.
    bool m_imap4rev2_only = false;
    std::vector<std::string> m_listed;   // upper case
    std::vector<std::string> m_enabled;  // upper case; stays for the whole session
};

}  // namespace mailscope::imap
