// Generators of well-formed test mail, used by the tests, the benchmarks and
// the lesson fixtures. Output uses CRLF line breaks throughout.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailscope::mime {

struct MessageHeaders {
    std::string from = "Alice Example <alice@example.org>";  // as it goes on the wire
    std::string to = "Bob Example <bob@example.org>";        // as it goes on the wire
    std::string subject = "Hello";  // UTF-8; written as RFC 2047 words if not ASCII
    std::string date = "Mon, 7 Feb 1994 21:52:25 -0800";
    std::string message_id = "<mailscope.1@example.org>";
    std::vector<std::pair<std::string, std::string>> extra;  // more fields, as written
};

struct Attachment {
    std::string filename;  // UTF-8; written with RFC 2231 if not ASCII
    std::string content_type = "application/octet-stream";
    std::string data;  // sent in base64
};

// A mailbox "Display Name <address>" with the name encoded as RFC 2047
// words in `charset` when it is not ASCII.
std::string encode_mailbox(std::string_view display_name_utf8, std::string_view address,
                           std::string_view charset = "utf-8");

// text/plain; UTF-8 text, quoted-printable when it is not ASCII.
std::string build_plain_text(const MessageHeaders& headers, std::string_view body_utf8);

// multipart/alternative with a text/plain and a text/html part.
std::string build_alternative(const MessageHeaders& headers, std::string_view text_utf8,
                              std::string_view html_utf8);

// multipart/mixed: a text/plain part followed by the attachments.
std::string build_mixed(const MessageHeaders& headers, std::string_view text_utf8,
                        const std::vector<Attachment>& attachments);

// multipart/mixed with a note and a forwarded message/rfc822 part.
std::string build_forward(const MessageHeaders& headers, std::string_view note_utf8,
                          std::string_view inner_message);

// A Russian message: RFC 2047 headers in KOI8-R and windows-1251, text parts
// in windows-1251 (8bit), KOI8-R (quoted-printable) and UTF-8 (base64), and
// an attachment with an RFC 2231 file name.
std::string build_cyrillic_sample();

}  // namespace mailscope::mime
