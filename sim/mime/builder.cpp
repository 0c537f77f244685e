#include "sim/mime/builder.hpp"

#include <algorithm>

#include "sim/text/base64.hpp"
#include "sim/text/charset.hpp"
#include "sim/text/encoded_words.hpp"
#include "sim/text/quoted_printable.hpp"

namespace mailscope::mime {

namespace {

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Normalizes line breaks to CRLF, as RFC 5322 requires on the wire.
std::string crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out.push_back('\r');
        out.push_back(text[i]);
    }
    return out;
}

std::string header_text(std::string_view utf8, std::string_view charset = "utf-8",
                        text::WordEncoding encoding = text::WordEncoding::Base64) {
    if (is_ascii(utf8)) return std::string(utf8);
    return text::encode_header_value(utf8, charset, encoding).value_or(std::string(utf8));
}

std::string top_header(const MessageHeaders& headers) {
    std::string out;
    out += "Date: " + headers.date + "\r\n";
    out += "From: " + headers.from + "\r\n";
    out += "To: " + headers.to + "\r\n";
    out += "Subject: " + header_text(headers.subject) + "\r\n";
    out += "Message-ID: " + headers.message_id + "\r\n";
    for (const auto& [name, value] : headers.extra)
        out += name + ": " + value + "\r\n";
    out += "MIME-Version: 1.0\r\n";
    return out;
}

// Content-Type, Content-Transfer-Encoding and body of a UTF-8 text part.
std::string text_part(std::string_view subtype, std::string_view utf8) {
    const std::string body = crlf(utf8);
    if (is_ascii(body)) {
        return "Content-Type: text/" + std::string(subtype) +
               "; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + body;
    }
    return "Content-Type: text/" + std::string(subtype) +
           "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
           text::quoted_printable_encode(body);
}

std::string filename_parameter(std::string_view filename) {
    if (is_ascii(filename)) return "filename=\"" + std::string(filename) + "\"";
    // RFC 2231 section 4: charset'language'percent-encoded octets.
    static constexpr char hex_digits[] = "0123456789ABCDEF";
    std::string out = "filename*=utf-8''";
    for (const char c : filename) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
            (byte >= '0' && byte <= '9') || c == '.' || c == '-' || c == '_') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(hex_digits[byte >> 4]);
            out.push_back(hex_digits[byte & 0xF]);
        }
    }
    return out;
}

std::string attachment_part(const Attachment& attachment) {
    return "Content-Type: " + attachment.content_type +
           "\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; " +
           filename_parameter(attachment.filename) + "\r\n\r\n" +
           text::base64_encode_lines(attachment.data);
}

// Joins complete body parts (header, blank line, body) into a multipart body.
std::string multipart(std::string_view subtype, std::string_view boundary,
                      const std::vector<std::string>& parts) {
    std::string out = "Content-Type: multipart/" + std::string(subtype) + "; boundary=\"" +
                      std::string(boundary) + "\"\r\n\r\n";
    out += "This is a multi-part message in MIME format.\r\n";
    for (const std::string& part : parts) {
        out += "\r\n--" + std::string(boundary) + "\r\n" + part;
    }
    out += "\r\n--" + std::string(boundary) + "--\r\n";
    return out;
}

}  // namespace

std::string encode_mailbox(std::string_view display_name_utf8, std::string_view address,
                           std::string_view charset) {
    return header_text(display_name_utf8, charset) + " <" + std::string(address) + ">";
}

std::string build_plain_text(const MessageHeaders& headers, std::string_view body_utf8) {
    return top_header(headers) + text_part("plain", body_utf8);
}

std::string build_alternative(const MessageHeaders& headers, std::string_view text_utf8,
                              std::string_view html_utf8) {
    return top_header(headers) +
           multipart("alternative", "=_alt_boundary_1",
                     {text_part("plain", text_utf8), text_part("html", html_utf8)});
}

std::string build_mixed(const MessageHeaders& headers, std::string_view text_utf8,
                        const std::vector<Attachment>& attachments) {
    std::vector<std::string> parts{text_part("plain", text_utf8)};
    for (const Attachment& attachment : attachments)
        parts.push_back(attachment_part(attachment));
    return top_header(headers) + multipart("mixed", "=_mixed_boundary_1", parts);
}

std::string build_forward(const MessageHeaders& headers, std::string_view note_utf8,
                          std::string_view inner_message) {
    const std::string forwarded =
        "Content-Type: message/rfc822\r\n"
        "Content-Disposition: inline\r\n\r\n" +
        crlf(inner_message);
    return top_header(headers) +
           multipart("mixed", "=_forward_boundary_1", {text_part("plain", note_utf8), forwarded});
}

std::string build_cyrillic_sample() {
    const std::string text_1251 =
        text::from_utf8("Привет! Это письмо в кодировке windows-1251.\r\n", "windows-1251")
            .value_or(std::string());
    const std::string text_koi8 =
        text::from_utf8("А эта часть в KOI8-R, закодирована quoted-printable.\r\n", "koi8-r")
            .value_or(std::string());
    const std::string text_utf8 = "Третья часть: UTF-8 в base64. Ёжик!\r\n";

    std::string out;
    out += "Date: Tue, 1 Apr 2003 10:00:00 +0400\r\n";
    out += "From: " + encode_mailbox("Иван Петров", "ivan@example.ru", "koi8-r") + "\r\n";
    out += "To: " + encode_mailbox("Мария", "maria@example.ru", "windows-1251") + "\r\n";
    out += "Subject: " +
           header_text("Проверка кодировок", "windows-1251", text::WordEncoding::QuotedPrintable) +
           "\r\n";
    out += "Message-ID: <cyrillic.1@example.ru>\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += multipart(
        "mixed", "=_cyrillic_boundary",
        {"Content-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: "
         "8bit\r\n\r\n" +
             text_1251,
         "Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: "
         "quoted-printable\r\n\r\n" +
             text::quoted_printable_encode(text_koi8),
         "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
             text::base64_encode_lines(text_utf8),
         attachment_part({"отчёт.txt", "text/plain; charset=utf-8", "Отчёт за квартал\r\n"})});
    return out;
}

}  // namespace mailscope::mime
