#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

#include "server_mock/smtp_server_session.hpp"
#include "sim/core/in_process_link.hpp"
#include "sim/text/base64.hpp"
#include "tests/server_mock/imap_server_harness.hpp"
#include "tests/server_mock/smtp_server_harness.hpp"

using namespace mailscope;
using namespace mailscope::server;
using server::testing::config_with;
using server::testing::SmtpClient;

namespace {

std::size_t inbox_size(const MailStore& store, std::string_view user) {
    return store.find(user, "INBOX")->messages.size();
}

const Message& last_message(const MailStore& store, std::string_view user) {
    return store.find(user, "INBOX")->messages.back();
}

struct Fixture {
    Fixture() { testing::fill_store(store); }
    MailStore store;
};

// A TEST_CASE_FIXTURE: a client of the Fixture's store that has said EHLO.
struct Greeted : Fixture {
    Greeted() { c.ehlo(); }
    SmtpClient c{store};
};

// Refuses the n-th message write (1-based); everything else succeeds.
class FailingBackend : public StoreBackend {
  public:
    explicit FailingBackend(int fail_at) : m_fail_at(fail_at) {}
    StoreResult<Done> save_counter(std::uint32_t) override { return Done{}; }
    StoreResult<Done> save_mailbox(const Mailbox&) override { return Done{}; }
    StoreResult<Done> remove_mailbox(const Mailbox&, bool) override { return Done{}; }
    StoreResult<Done> rename_mailbox(const Mailbox&, std::string_view) override { return Done{}; }
    StoreResult<Done> save_message(const Mailbox&, const Message&) override {
        if (++m_writes == m_fail_at) return store_error(StoreErrorKind::Storage, "disk full.");
        return Done{};
    }
    StoreResult<Done> update_flags(const Mailbox&, const std::vector<FlagRewrite>&) override {
        return Done{};
    }
    StoreResult<Done> remove_messages(const Mailbox&, const std::vector<const Message*>&) override {
        return Done{};
    }
    StoreResult<Done> save_subscriptions(std::string_view, const std::set<std::string>&) override {
        return Done{};
    }
    StoreResult<Done> save_acl(const Mailbox&) override { return Done{}; }

  private:
    int m_fail_at;
    int m_writes = 0;
};

}  // namespace

TEST_CASE("SMTP server: greeting and EHLO extensions") {
    Fixture f;
    SmtpClient c(f.store, config_with([](auto& config) { config.starttls_available = true; }));
    CHECK(c.greeting == "220 mailscope.test ESMTP mailscope teaching server ready\r\n");
    auto answer = c.send("EHLO client.example.net\r\n");
    CHECK(answer ==
          "250-mailscope.test greets client.example.net\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n"
          "250-PIPELINING\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN XOAUTH2 "
          "OAUTHBEARER\r\n250-ENHANCEDSTATUSCODES\r\n"
          "250 HELP\r\n");
    CHECK(c.send("HELO client.example.net\r\n") ==
          "250 mailscope.test greets client.example.net\r\n");
    CHECK(c.server.engine().state() == smtp::State::Greeted);
    CHECK(c.violations() == 0);
    // After HELO no extension is in force: its parameters are not recognized
    // (RFC 5321 4.1.1.11); the same MAIL without them goes on.
    CHECK(c.send("MAIL FROM:<carol@example.net> SIZE=100\r\n") ==
          "555 5.5.4 MAIL parameter SIZE not recognized: after HELO no service extension is in "
          "force; greet with EHLO to use it\r\n");
    CHECK(c.send("MAIL FROM:<carol@example.net>\r\n") ==
          "250 2.1.0 Ok: sender <carol@example.net>\r\n");
}

TEST_CASE_FIXTURE(Greeted,
                  "SMTP server: a message is delivered to the INBOX, \\Recent, dots intact") {
    const auto before = inbox_size(store, "alice");
    CHECK(c.send("MAIL FROM:<carol@example.net> BODY=8BITMIME SIZE=100\r\n") ==
          "250 2.1.0 Ok: sender <carol@example.net>\r\n");
    CHECK(c.send("RCPT TO:<alice@localhost>\r\n") == "250 2.1.5 Ok\r\n");
    CHECK(c.send("DATA\r\n") == "354 End data with <CR><LF>.<CR><LF>\r\n");
    CHECK(c.send("Subject: dots\r\n\r\n..hidden line\r\nplain\r\n") == "");
    CHECK(c.send(".\r\n") == "250 2.0.0 Ok: delivered to 1 mailbox\r\n");
    REQUIRE(inbox_size(store, "alice") == before + 1);
    const auto& message = last_message(store, "alice");
    const std::string& octets = *message.octets;
    CHECK(octets.rfind("Return-Path: <carol@example.net>\r\nReceived: from client.example.net by "
                       "mailscope.test with ESMTP\r\n\tfor <alice@localhost>;\r\n\t",
                       0) == 0);
    CHECK(octets.find("\r\nSubject: dots\r\n\r\n.hidden line\r\nplain\r\n") != std::string::npos);
    CHECK(message.flags.empty());
    CHECK(c.server.delivered() == 1);
    CHECK(c.server.engine().state() == smtp::State::Greeted);

    // The next IMAP session to select the INBOX sees it as \Recent.
    testing::Client imap(store);
    imap.login();
    imap.select();
    auto fetch = imap.send(fmt::format("F1 FETCH {} FLAGS\r\n", before + 1));
    CHECK(fetch.find("FLAGS (\\Recent)") != std::string::npos);
}

TEST_CASE("SMTP server: an IMAP session with INBOX selected hears EXISTS after a delivery") {
    Fixture f;
    testing::Client imap(f.store);
    imap.login();
    imap.select();
    const auto before = inbox_size(f.store, "alice");

    SmtpClient c(f.store);
    c.ehlo();
    c.send("MAIL FROM:<>\r\n");
    c.send("RCPT TO:<alice@example.org>\r\n");
    c.send("DATA\r\n");
    CHECK(c.send("Subject: new\r\n\r\nhi\r\n.\r\n") == "250 2.0.0 Ok: delivered to 1 mailbox\r\n");

    auto noop = imap.send("N1 NOOP\r\n");
    CHECK(noop.find(fmt::format("* {} EXISTS\r\n", before + 1)) != std::string::npos);
    CHECK(noop.find(" RECENT\r\n") != std::string::npos);
    auto fetch = imap.send(fmt::format("F1 FETCH {} FLAGS\r\n", before + 1));
    CHECK(fetch.find("\\Recent") != std::string::npos);
    CHECK(last_message(f.store, "alice").octets->find("Return-Path: <>\r\n") == 0);
}

TEST_CASE_FIXTURE(Greeted, "SMTP server: recipients: relaying refused, unknown users, postmaster") {
    c.send("MAIL FROM:<carol@example.net>\r\n");
    const std::pair<const char*, const char*> replies[] = {
        {"<alice@elsewhere.net>",
         "550 5.7.1 relaying denied: elsewhere.net is not a domain of this server\r\n"},
        {"<nobody@localhost>", "550 5.1.1 no such user here: nobody@localhost\r\n"},
        {"<Postmaster>", "250 2.1.5 postmaster is alice here\r\n"},
        {"<postmaster@mailscope.test>", "250 2.1.5 postmaster is alice here\r\n"},
        {"<@relay.example:bob@MailScope.Test>",
         "250 2.1.5 Ok (source route ignored, RFC 5321 4.1.1.3)\r\n"},
        {"<bob@localhost> NOTIFY=NEVER", "555 5.5.4 RCPT parameter NOTIFY not recognized\r\n"},
    };
    for (const auto& [recipient, reply] : replies) {
        const std::string shown = recipient;
        CAPTURE(shown);
        CHECK(c.send(std::string("RCPT TO:") + recipient + "\r\n") == reply);
    }
    const auto alice = inbox_size(store, "alice");
    const auto bob = inbox_size(store, "bob");
    c.send("DATA\r\n");
    CHECK(c.send("Subject: both\r\n\r\nx\r\n.\r\n") ==
          "250 2.0.0 Ok: delivered to 2 mailboxes\r\n");
    CHECK(inbox_size(store, "alice") == alice + 1);
    CHECK(inbox_size(store, "bob") == bob + 1);
    // Three accepted addresses: no "for" clause.
    CHECK(last_message(store, "bob").octets->find("for <") == std::string::npos);

    ServerConfig empty_config;
    MailStore empty;
    SmtpClient lonely(empty, empty_config);
    lonely.ehlo();
    lonely.send("MAIL FROM:<a@b.example>\r\n");
    CHECK(lonely.send("RCPT TO:<postmaster>\r\n") ==
          "550 5.1.1 postmaster has no mailbox: this server has no users\r\n");
}

TEST_CASE_FIXTURE(Greeted, "SMTP server: 1,000 pipelined RCPT: the ones over the limit get 452") {
    std::string burst = "MAIL FROM:<carol@example.net>\r\n";
    for (int i = 0; i < 1000; ++i)
        burst += "RCPT TO:<alice@localhost>\r\n";
    auto answer = c.send(burst);
    std::size_t ok = 0;
    std::size_t too_many = 0;
    for (std::size_t at = 0; at < answer.size();) {
        auto end = answer.find("\r\n", at);
        auto line = answer.substr(at, end - at);
        if (line == "250 2.1.5 Ok") ++ok;
        if (line.rfind("452 4.5.3 too many recipients", 0) == 0) ++too_many;
        at = end + 2;
    }
    CHECK(ok == 100);
    CHECK(too_many == 900);
    CHECK(c.send("DATA\r\n") == "354 End data with <CR><LF>.<CR><LF>\r\n");
    CHECK(c.send("Subject: many\r\n\r\nx\r\n.\r\n") == "250 2.0.0 Ok: delivered to 1 mailbox\r\n");
    CHECK(c.send("NOOP\r\n") == "250 2.0.0 Ok\r\n");
    CHECK(c.violations() == 0);
}

TEST_CASE_FIXTURE(Greeted, "SMTP server: a 1 MB line gets 500 and the session goes on") {
    std::string huge(1 << 20, 'X');
    for (std::size_t at = 0; at < huge.size(); at += 65536)
        CHECK(c.send(std::string_view(huge).substr(at, 65536)) == "");
    auto answer = c.send("\r\n");
    CHECK(answer.rfind("500 5.5.2 a command line of 1048578 octets is longer than", 0) == 0);
    CHECK(c.send("NOOP\r\n") == "250 2.0.0 Ok\r\n");
    std::size_t kept = 0;
    for (const auto& event : c.trace.events())
        kept += event.raw.size();
    CHECK(kept < 4096);
}

TEST_CASE("SMTP server: SIZE exceeded gets 552 and nothing is stored") {
    Fixture f;
    SmtpClient c(f.store, config_with([](auto& config) { config.smtp.max_message_size = 1000; }));
    c.ehlo();
    CHECK(c.send("MAIL FROM:<carol@example.net> SIZE=5000\r\n").rfind("552 5.3.4", 0) == 0);
    CHECK(c.server.engine().state() == smtp::State::Greeted);
    const auto before = inbox_size(f.store, "alice");
    c.send("MAIL FROM:<carol@example.net>\r\n");
    c.send("RCPT TO:<alice@localhost>\r\n");
    c.send("DATA\r\n");
    for (int i = 0; i < 100; ++i)
        CHECK(c.send(std::string(500, 'a') + "\r\n") == "");
    CHECK(c.send(".\r\n").rfind("552 5.3.4 message of 50200 octets exceeds", 0) == 0);
    CHECK(inbox_size(f.store, "alice") == before);
    CHECK(c.send("NOOP\r\n") == "250 2.0.0 Ok\r\n");
}

TEST_CASE("SMTP server: the store fails: 451 and no copy anywhere") {
    Fixture f;
    FailingBackend backend(2);
    f.store.set_backend(&backend);
    SmtpClient c(f.store);
    c.ehlo();
    const auto alice = inbox_size(f.store, "alice");
    const auto bob = inbox_size(f.store, "bob");
    c.send("MAIL FROM:<carol@example.net>\r\n");
    c.send("RCPT TO:<alice@localhost>\r\n");
    c.send("RCPT TO:<bob@localhost>\r\n");
    c.send("DATA\r\n");
    auto answer = c.send("Subject: x\r\n\r\ny\r\n.\r\n");
    CHECK(answer == "451 4.3.0 local error: disk full. Nothing was delivered; try again later\r\n");
    CHECK(inbox_size(f.store, "alice") == alice);
    CHECK(inbox_size(f.store, "bob") == bob);
    f.store.set_backend(nullptr);
}

TEST_CASE_FIXTURE(Greeted, "SMTP server: DATA never terminated and a disconnect deliver nothing") {
    const auto before = inbox_size(store, "alice");
    c.send("MAIL FROM:<carol@example.net>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\n");
    c.send("Subject: cut\r\n\r\nhalf a message\r\n");
    c.link.close_client();
    CHECK(inbox_size(store, "alice") == before);
    CHECK(c.server.engine().state() == smtp::State::Closed);
}

TEST_CASE("SMTP server: wrong order gets 503; no valid recipient gets 554") {
    Fixture f;
    SmtpClient c(f.store);
    CHECK(c.send("MAIL FROM:<carol@example.net>\r\n") == "503 5.5.1 send EHLO or HELO first\r\n");
    c.ehlo();
    CHECK(c.send("RCPT TO:<alice@localhost>\r\n") == "503 5.5.1 send MAIL FROM first\r\n");
    CHECK(c.send("DATA\r\n") == "503 5.5.1 send MAIL FROM and RCPT TO first\r\n");
    c.send("MAIL FROM:<carol@example.net>\r\n");
    CHECK(c.send("MAIL FROM:<carol@example.net>\r\n") ==
          "503 5.5.1 a mail transaction is already in progress\r\n");
    c.send("RCPT TO:<nobody@localhost>\r\n");
    CHECK(c.send("DATA\r\n") == "554 5.5.1 no valid recipients\r\n");
    CHECK(c.send("RSET\r\n") == "250 2.0.0 Ok: transaction reset\r\n");
    CHECK(c.server.engine().state() == smtp::State::Greeted);
    CHECK(c.send("MAIL FROM:carol@example.net\r\n").rfind("501 5.5.2 syntax error", 0) == 0);
    CHECK(c.send("XYZZY\r\n") == "500 5.5.1 command XYZZY not recognized\r\n");
    CHECK(c.violations() >= 4);
}

TEST_CASE("SMTP server: VRFY, EXPN, HELP, NOOP, QUIT") {
    Fixture f;
    SmtpClient c(f.store);
    CHECK(c.send("VRFY alice\r\n") ==
          "252 2.5.2 cannot VRFY, but will accept a message for <alice@mailscope.test>\r\n");
    CHECK(c.send("VRFY <bob@localhost>\r\n") ==
          "252 2.5.2 cannot VRFY, but will accept a message for <bob@mailscope.test>\r\n");
    CHECK(c.send("VRFY mallory\r\n") == "550 5.1.1 mallory is not a user here\r\n");
    CHECK(c.send("EXPN staff\r\n").rfind("502 5.5.1", 0) == 0);
    auto help = c.send("HELP\r\n");
    CHECK(help.rfind("214-2.0.0 Commands:", 0) == 0);
    CHECK(help.find("\r\n214 2.0.0 ") != std::string::npos);
    CHECK(c.send("NOOP\r\n") == "250 2.0.0 Ok\r\n");
    CHECK(c.send("QUIT\r\n") == "221 2.0.0 mailscope.test closing connection\r\n");
    CHECK(c.link.server_closed());
}

TEST_CASE_FIXTURE(Greeted, "SMTP server: AUTH PLAIN and LOGIN; 538 without TLS when required") {
    const auto plain = text::base64_encode(std::string("\0alice\0wonderland", 17));
    CHECK(c.send("AUTH PLAIN " + plain + "\r\n") == "235 2.7.0 authentication successful\r\n");
    CHECK(c.server.user() == "alice");
    CHECK(c.send("AUTH PLAIN " + plain + "\r\n") == "503 5.5.1 already authenticated\r\n");
    for (const auto& event : c.trace.events())
        CHECK(event.raw.find(plain) == std::string::npos);

    SmtpClient login(store);
    login.ehlo();
    CHECK(login.send("AUTH LOGIN\r\n") == "334 VXNlcm5hbWU6\r\n");
    CHECK(login.send(text::base64_encode("bob") + "\r\n") == "334 UGFzc3dvcmQ6\r\n");
    CHECK(login.send(text::base64_encode("wrong") + "\r\n") ==
          "535 5.7.8 authentication credentials invalid\r\n");
    CHECK(login.send("AUTH PLAIN\r\n") == "334 \r\n");
    CHECK(login.send("*\r\n") == "501 5.0.0 authentication cancelled\r\n");
    CHECK(login.send("AUTH CRAM-MD5\r\n").rfind("504 5.5.4", 0) == 0);
    CHECK(login.send("AUTH PLAIN !!!\r\n").rfind("501 5.5.2", 0) == 0);
    for (const auto& event : login.trace.events()) {
        CHECK(event.raw.find(text::base64_encode("wrong")) == std::string::npos);
    }

    SmtpClient guarded(store, server::testing::tls_before_login());
    // RFC 4954 6: no AUTH advertised while it would be refused.
    CHECK(guarded.send("EHLO client.example.net\r\n").find("AUTH") == std::string::npos);
    const std::string refused =
        "538 5.7.11 Encryption required for requested authentication mechanism\r\n";
    CHECK(guarded.send("AUTH PLAIN " + plain + "\r\n") == refused);
    CHECK(guarded.send("AUTH LOGIN\r\n") == refused);
    CHECK(guarded.send("AUTH PLAIN\r\n") == refused);
    CHECK(guarded.server.user().empty());
    CHECK(guarded.send("STARTTLS\r\n") == "220 2.0.0 Ready to start TLS\r\n");
    CHECK(guarded.link.tls_active());
    CHECK(guarded.send("EHLO client.example.net\r\n")
              .find("\r\n250-AUTH PLAIN LOGIN XOAUTH2 OAUTHBEARER\r\n") != std::string::npos);
    CHECK(guarded.send("AUTH PLAIN " + plain + "\r\n") ==
          "235 2.7.0 authentication successful\r\n");
}

TEST_CASE("SMTP server: STARTTLS resets the session") {
    Fixture f;
    SmtpClient c(f.store, config_with([](auto& config) { config.starttls_available = true; }));
    c.ehlo();
    CHECK(c.send("MAIL FROM:<a@b.example>\r\n").rfind("250", 0) == 0);
    CHECK(c.send("STARTTLS\r\n") ==
          "503 5.5.1 STARTTLS is not allowed during a mail transaction\r\n");
    c.send("RSET\r\n");
    // A command pipelined after STARTTLS is plaintext that could be injected.
    CHECK(c.send("STARTTLS\r\nMAIL FROM:<evil@x.example>\r\n") ==
          "220 2.0.0 Ready to start TLS\r\n");
    CHECK(c.link.tls_active());
    CHECK(c.server.tls_active());
    CHECK(c.server.engine().state() == smtp::State::Ready);
    CHECK(c.send("MAIL FROM:<a@b.example>\r\n") == "503 5.5.1 send EHLO or HELO first\r\n");
    auto ehlo = c.send("EHLO client.example.net\r\n");
    CHECK(ehlo.find("STARTTLS") == std::string::npos);
    CHECK(c.send("STARTTLS\r\n") == "502 5.5.1 TLS is already active\r\n");
    c.send("MAIL FROM:<a@b.example>\r\n");
    c.send("RCPT TO:<alice@localhost>\r\n");
    c.send("DATA\r\n");
    c.send("Subject: tls\r\n\r\nx\r\n.\r\n");
    CHECK(last_message(f.store, "alice").octets->find("with ESMTPS") != std::string::npos);
}

TEST_CASE("SMTP server: the timeout closes with 421") {
    Fixture f;
    SmtpClient c(f.store, config_with([](auto& config) { config.smtp.timeout = 1000; }));
    c.ehlo();
    c.send("MAIL FROM:<a@b.example>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\n");
    const auto before = inbox_size(f.store, "alice");
    c.link.advance(2000);
    CHECK(c.link.receive() ==
          "421 4.4.2 mailscope.test timeout: no command for too long, closing the connection\r\n");
    CHECK(c.link.server_closed());
    CHECK(inbox_size(f.store, "alice") == before);
}
