// What the mock servers may put on the wire: no NUL, ever.
//
// Error replies quote what the client sent (a tag, a name, a keyword), and a
// hostile client sends anything: a NUL, a bare CR, 8-bit octets. IMAP's text
// is TEXT-CHAR, 7-bit without CR and LF (RFC 3501 9); POP3 and SMTP reply
// lines are printable US-ASCII (RFC 1939 3, RFC 5321 4.2). reply_text()
// writes every octet outside printable ASCII as \xNN, so a reply line can
// neither carry a NUL nor be split or forged.
//
// Stored messages may hold NUL octets: SMTP accepts them (RFC 5322 4.1 lists
// NUL in obs-body, and a server keeps what it was given), and an imported
// mbox or Maildir can have them. IMAP forbids NUL even in a literal (RFC 3501
// 9: CHAR8 is %x01-ff), and RFC 2045 2.7/2.8 excludes it from 7bit and 8bit
// data, which is what POP3 and IMAP clients parse. So FETCH, RETR and TOP send
// each NUL as the octet 0x80, as Dovecot does: the size stays the same, so
// RFC822.SIZE, partial fetches and POP3 LIST still describe what is sent, and
// the stored message is untouched.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailscope::server {

inline constexpr char kNulReplacement = '\x80';

std::string reply_text(std::string_view text);

// `octets` with every NUL replaced by kNulReplacement; `replaced` receives
// how many there were.
std::string octets_without_nul(std::string_view octets, std::size_t& replaced);

}  // namespace mailscope::server
