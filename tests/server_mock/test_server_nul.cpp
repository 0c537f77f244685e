// No NUL ever leaves the mock servers: error replies that quote what the
// client sent escape it, and a stored message with NUL octets is sent with
// each one as 0x80 (server_mock/wire_safety.hpp); the traces and the lab
// report say so.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "imap_server_harness.hpp"
#include "server_mock/lab_report.hpp"
#include "server_mock/pop3_server_session.hpp"
#include "server_mock/smtp_server_session.hpp"
#include "server_mock/wire_safety.hpp"
#include "tests/server_mock/raw_client.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace std::string_literals;
using testing::Client;
using testing::fill_store;

namespace {

bool has_nul(std::string_view bytes) {
    return bytes.find('\0') != std::string_view::npos;
}

// Keeps all the server wrote, greeting included, to look for a NUL in it.
template <class Session, sim::Protocol kProtocol>
struct RecordingClient : testing::RawClient<Session, kProtocol> {
    using Base = testing::RawClient<Session, kProtocol>;

    explicit RecordingClient(MailStore& store) : Base(store), received(this->greeting) {}
    std::string send(std::string_view bytes) {
        std::string answer = Base::send(bytes);
        received += answer;
        return answer;
    }

    std::string received;
};

const std::string kMessageWithNul = "Subject: zero\0here\r\n\r\nbefore\0after\r\n"s;

}  // namespace

TEST_CASE("NUL: reply texts escape every octet outside printable ASCII") {
    CHECK(reply_text("plain text") == "plain text");
    CHECK(reply_text("tag\0x"s) == "tag\\x00x");
    CHECK(reply_text("a\r\nb\x80") == "a\\x0d\\x0ab\\x80");
    std::size_t replaced = 0;
    CHECK(octets_without_nul("a\0b\0"s, replaced) ==
          "a\x80"
          "b\x80");
    CHECK(replaced == 2);
}

TEST_CASE("NUL: the IMAP server never echoes one") {
    MailStore store;
    fill_store(store);
    Client c(store);
    // In the tag, in a command name, in an argument, alone on a line.
    CHECK(c.send("\0a1 NOOP\r\n"s) ==
          "* BAD the tag '\\x00a1' contains a character a tag cannot hold\r\n");
    CHECK_FALSE(has_nul(c.send("a\0 NOOP\r\n"s)));
    CHECK_FALSE(has_nul(c.send("a2 NO\0OP\r\n"s)));
    CHECK_FALSE(has_nul(c.send("a3 LOGIN alice \"wonder\0land\"\r\n"s)));
    CHECK_FALSE(has_nul(c.send("\0\r\n"s)));
    c.login();
    // RFC 3501 9: a literal is CHAR8, %x01-ff: an APPEND carrying a NUL is refused.
    const auto refused = c.send("a4 APPEND INBOX {5+}\r\na\0bc\r\n\r\n"s);
    CHECK(refused.starts_with("a4 BAD "));
    CHECK_FALSE(has_nul(refused));
    CHECK(store.find("alice", "INBOX")->messages.size() == 3);
    CHECK_FALSE(has_nul(c.send("a5 SELECT \"IN\0BOX\"\r\n"s)));
    CHECK(c.greeting.find('\0') == std::string::npos);
}

TEST_CASE("NUL: a stored message is fetched with 0x80 in its place, and the report says so") {
    MailStore store;
    fill_store(store);
    const MailboxId inbox = store.find("alice", "INBOX")->id;
    REQUIRE(store.append(inbox, kMessageWithNul, {}, testing::kTestDate).ok());
    Client c(store);
    c.trace.set_label("student 3");
    c.login();
    c.select();
    const auto answer = c.send("f1 FETCH 4 (RFC822.SIZE BODY[] ENVELOPE)\r\n");
    CHECK_FALSE(has_nul(answer));
    CHECK(answer.find("RFC822.SIZE 36") != std::string::npos);
    CHECK(answer.find("BODY[] {36}\r\nSubject: zero\x80"
                      "here\r\n\r\nbefore\x80"
                      "after\r\n") != std::string::npos);
    CHECK(answer.find("f1 OK FETCH completed") != std::string::npos);
    // What is stored stays what was given.
    CHECK(*store.find("alice", "INBOX")->messages.back().octets == kMessageWithNul);
    const auto report = violation_report(c.trace);
    CHECK(report.find("The server noted:\n  after line ") != std::string::npos);
    CHECK(report.find("the message with UID 4 holds 2 NUL octets, which IMAP never allows (RFC "
                      "3501 9); each was sent as the octet 0x80") != std::string::npos);
    CHECK_FALSE(has_nul(report));
}

TEST_CASE("NUL: the POP3 server escapes NUL in replies and sends 0x80 in RETR and TOP") {
    MailStore store;
    fill_store(store);
    const MailboxId inbox = store.find("alice", "INBOX")->id;
    REQUIRE(store.append(inbox, kMessageWithNul, {}, testing::kTestDate).ok());
    RecordingClient<Pop3ServerSession, sim::Protocol::Pop3> c(store);
    c.send("\0\r\n"s);
    c.send("US\0ER alice\r\n"s);
    c.send("USER al\0ice\r\n"s);
    c.send("USER alice\r\n");
    REQUIRE(c.send("PASS wonderland\r\n").starts_with("+OK"));
    c.send("LIST \0\r\n"s);
    const auto list = c.send("LIST 4\r\n");
    CHECK(list == "+OK 4 36\r\n");
    const auto retr = c.send("RETR 4\r\n");
    CHECK(retr ==
          "+OK 36 octets\r\nSubject: zero\x80"
          "here\r\n\r\nbefore\x80"
          "after\r\n.\r\n");
    const auto top = c.send("TOP 4 0\r\n");
    CHECK(top ==
          "+OK headers and 0 body lines follow\r\nSubject: zero\x80"
          "here\r\n\r\n.\r\n");
    CHECK_FALSE(has_nul(c.received));
    const auto report = violation_report(c.trace);
    CHECK(report.find("message 4 holds 2 NUL octets, which mail data never holds (RFC 2045 2.8); "
                      "each was sent as the octet 0x80") != std::string::npos);
    CHECK(report.find("message 4 holds 1 NUL octet,") != std::string::npos);
    CHECK_FALSE(has_nul(report));
}

TEST_CASE("NUL: the SMTP server escapes NUL in replies and stores a message with NUL as given") {
    MailStore store;
    fill_store(store);
    RecordingClient<SmtpServerSession, sim::Protocol::Smtp> c(store);
    c.send("EH\0LO x\r\n"s);
    c.send("EHLO client\0.example\r\n"s);
    REQUIRE(c.send("EHLO client.example\r\n").starts_with("250-"));
    c.send("MAIL FROM:<a\0b@example.org>\r\n"s);
    c.send("AUTH PL\0AIN\r\n"s);
    REQUIRE(c.send("MAIL FROM:<carol@example.org>\r\n").starts_with("250 "));
    REQUIRE(c.send("RCPT TO:<alice@localhost>\r\n").starts_with("250 "));
    REQUIRE(c.send("DATA\r\n").starts_with("354 "));
    CHECK(c.send(kMessageWithNul + ".\r\n") == "250 2.0.0 Ok: delivered to 1 mailbox\r\n");
    CHECK_FALSE(has_nul(c.received));
    const std::string& stored = *store.find("alice", "INBOX")->messages.back().octets;
    CHECK(stored.ends_with(kMessageWithNul));
    const auto report = violation_report(c.trace);
    CHECK(report.find("the message holds 2 NUL octets") != std::string::npos);
    CHECK_FALSE(has_nul(report));
}
