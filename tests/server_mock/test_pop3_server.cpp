// The mock POP3 server over the in-process link: every command, the maildrop
// lock, deletions carried out only at QUIT (and seen by IMAP as EXPUNGE),
// APOP, AUTH PLAIN, STLS and the autologout.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "imap_server_harness.hpp"
#include "pop3_server_harness.hpp"
#include "server_mock/hmac_md5.hpp"
#include "server_mock/pop3_server_session.hpp"
#include "sim/core/in_process_link.hpp"
#include "sim/core/transcript.hpp"
#include "sim/pop3/session.hpp"
#include "sim/text/base64.hpp"

using namespace mailscope;
using namespace mailscope::server;
using server::testing::config_with;
using server::testing::fill_store;
using server::testing::PopClient;

namespace {

std::size_t violations(const sim::SessionTrace& trace) {
    std::size_t count = 0;
    for (const auto& event : trace.events())
        count += event.kind == sim::EventKind::Violation;
    return count;
}

std::size_t inbox_size(const MailStore& store, std::string_view user = "alice") {
    return store.find(user, "INBOX")->messages.size();
}

// The data of a multi-line reply as a POP3 client decodes it.
std::string decoded_data(std::string_view wire) {
    auto status_end = wire.find("\r\n");
    REQUIRE(status_end != std::string_view::npos);
    pop3::MultilineDecoder decoder;
    auto used = decoder.feed(wire.substr(status_end + 2));
    REQUIRE(decoder.done());
    CHECK(used == wire.size() - status_end - 2);
    return decoder.data();
}

}  // namespace

TEST_CASE("pop3 server: greeting with a deterministic APOP timestamp") {
    MailStore store;
    fill_store(store);
    PopClient first(store);
    PopClient second(store);
    CHECK(first.greeting == "+OK mailscope POP3 teaching server ready <1.1@mailscope>\r\n");
    CHECK(first.server.apop_timestamp() == "<1.1@mailscope>");
    CHECK(second.server.apop_timestamp() == "<2.2@mailscope>");
    ServerConfig clocked;
    clocked.clock = [] { return InternalDate{697170952, 0}; };
    PopClient third(store, clocked);
    CHECK(third.server.apop_timestamp() == "<3.697170952@mailscope>");
    ServerConfig no_apop;
    no_apop.pop3.apop = false;
    PopClient plain(store, no_apop);
    CHECK(plain.greeting == "+OK mailscope POP3 teaching server ready\r\n");
    CHECK(plain.send("APOP alice 00000000000000000000000000000000\r\n").starts_with("-ERR"));
}

TEST_CASE("pop3 server: APOP timestamps are unpredictable; a recorded digest is refused later") {
    MailStore store;
    fill_store(store);
    ServerConfig config;
    std::uint64_t next = 41;
    config.random = [&next] { return next *= 6364136223846793005ull; };
    config.clock = [] { return InternalDate{1764751200, 0}; };
    PopClient first(store, config);
    PopClient second(store, config);
    CHECK(first.server.apop_timestamp() != second.server.apop_timestamp());
    CHECK(first.server.apop_timestamp().ends_with(".1764751200@mailscope>"));
    const std::string digest = to_hex(md5(first.server.apop_timestamp() + "wonderland"));
    CHECK(second.send("APOP alice " + digest + "\r\n").starts_with("-ERR [AUTH]"));
    CHECK(first.send("APOP alice " + digest + "\r\n").starts_with("+OK"));
    // The digest can be attacked offline: it stays out of the trace.
    CHECK(sim::export_text(first.trace).find(digest) == std::string::npos);
    CHECK(sim::export_jsonl(first.trace).find(digest) == std::string::npos);
    CHECK(sim::export_text(first.trace).find("C: APOP alice ***") != std::string::npos);
}

TEST_CASE("pop3 server: USER and PASS") {
    MailStore store;
    fill_store(store);
    PopClient client(store);
    CHECK(client.send("STAT\r\n") == "-ERR STAT is not valid in the AUTHORIZATION state\r\n");
    CHECK(client.send("PASS wonderland\r\n").starts_with("-ERR PASS must follow a USER"));
    CHECK(client.send("USER alice\r\n") == "+OK send PASS for alice\r\n");
    CHECK(client.send("PASS wrong\r\n") == "-ERR [AUTH] invalid user name or password\r\n");
    CHECK(client.send("USER nobody\r\n").starts_with("+OK"));
    CHECK(client.send("PASS wonderland\r\n").starts_with("-ERR [AUTH]"));
    CHECK(client.send("USER alice\r\n").starts_with("+OK"));
    CHECK(client.send("PASS wonderland\r\n") ==
          "+OK PASS accepted; alice's maildrop has 3 messages (" +
              std::to_string(store.find("alice", "INBOX")->messages[0].size() +
                             store.find("alice", "INBOX")->messages[1].size() +
                             store.find("alice", "INBOX")->messages[2].size()) +
              " octets)\r\n");
    CHECK(client.server.engine().state() == pop3::State::Transaction);
    CHECK(client.send("USER bob\r\n") == "-ERR USER is not valid in the TRANSACTION state\r\n");
    // Only the wrong-state commands of the client count as violations.
    CHECK(violations(client.trace) == 3);
    const auto text = sim::export_text(client.trace) + sim::export_jsonl(client.trace);
    CHECK(text.find("wonderland") == std::string::npos);
    CHECK(text.find("PASS ***") != std::string::npos);
}

TEST_CASE("pop3 server: APOP, with the RFC 1939 example digest") {
    CHECK(to_hex(md5("<1896.697170952@dbc.mtview.ca.us>tanstaaf")) ==
          "c4c9334bac560ecc979e58001b3e22fb");
    MailStore store;
    fill_store(store);
    REQUIRE_FALSE(store.add_user("mrose", "tanstaaf").has_value());
    PopClient client(store);
    const auto digest = to_hex(md5(client.server.apop_timestamp() + "tanstaaf"));
    CHECK(
        client.send("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n").starts_with("-ERR [AUTH]"));
    CHECK(client.send("APOP mrose " + digest + "\r\n") ==
          "+OK APOP accepted; mrose's maildrop has 0 messages (0 octets)\r\n");
    CHECK(client.server.engine().state() == pop3::State::Transaction);
}

TEST_CASE("pop3 server: STAT, LIST, UIDL, RETR, TOP, NOOP, LAST, unknown commands") {
    MailStore store;
    fill_store(store);
    const auto* inbox = store.find("alice", "INBOX");
    const auto& m1 = *inbox->messages[0].octets;
    const auto& m2 = *inbox->messages[1].octets;
    const auto& m3 = *inbox->messages[2].octets;
    PopClient client(store);
    client.login();
    CHECK(client.send("STAT\r\n") ==
          fmt::format("+OK 3 {}\r\n", m1.size() + m2.size() + m3.size()));
    CHECK(client.send("LIST\r\n") ==
          fmt::format("+OK maildrop has 3 messages ({} octets)\r\n1 {}\r\n2 {}\r\n3 {}\r\n.\r\n",
                      m1.size() + m2.size() + m3.size(), m1.size(), m2.size(), m3.size()));
    CHECK(client.send("LIST 2\r\n") == fmt::format("+OK 2 {}\r\n", m2.size()));
    CHECK(client.send("LIST 4\r\n") == "-ERR no such message, only 3 messages in maildrop\r\n");
    CHECK(client.send("LIST 99999999999\r\n").starts_with("-ERR \"99999999999\" is not a number"));
    const auto uidvalidity = inbox->uidvalidity;
    CHECK(client.send("UIDL\r\n") == fmt::format("+OK unique-id listing follows\r\n1 {0}.1\r\n"
                                                 "2 {0}.2\r\n3 {0}.3\r\n.\r\n",
                                                 uidvalidity));
    CHECK(client.send("UIDL 3\r\n") == fmt::format("+OK 3 {}.3\r\n", uidvalidity));
    auto retr = client.send("RETR 2\r\n");
    CHECK(retr.starts_with(fmt::format("+OK {} octets\r\n", m2.size())));
    CHECK(decoded_data(retr) == m2);
    auto top = client.send("TOP 3 0\r\n");
    CHECK(top ==
          "+OK headers and 0 body lines follow\r\nFrom: bob@example.org\r\nSubject: "
          "third\r\n\r\n.\r\n");
    CHECK(decoded_data(client.send("TOP 3 5\r\n")) == m3);
    CHECK(client.send("TOP 3\r\n") == "-ERR TOP takes 2 arguments\r\n");
    CHECK(client.send("NOOP\r\n") == "+OK\r\n");
    CHECK(client.send("LAST\r\n").starts_with("-ERR LAST was dropped from POP3 by RFC 1939"));
    CHECK(client.send("XTND XMIT\r\n") == "-ERR unknown command XTND\r\n");
    // RETR marks the message read for IMAP clients.
    CHECK(store.find("alice", "INBOX")->messages[1].flags.has(SystemFlag::Seen));
    CHECK_FALSE(store.find("alice", "INBOX")->messages[2].flags.has(SystemFlag::Seen));
    // The engine framed every reply, multi-line ones included.
    CHECK(client.server.engine().outstanding() == 0);
}

TEST_CASE("pop3 server: CAPA with and without STLS, and STLS itself") {
    MailStore store;
    fill_store(store);
    PopClient plain(store);
    CHECK(plain.send("CAPA\r\n") ==
          "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
          "PIPELINING\r\nSASL PLAIN XOAUTH2 OAUTHBEARER\r\nIMPLEMENTATION mailscope-1.0\r\n.\r\n");
    CHECK(plain.send("STLS\r\n") == "-ERR STLS is not offered by this server (see CAPA)\r\n");
    ServerConfig tls;
    tls.starttls_available = true;
    PopClient client(store, tls);
    CHECK(client.send("CAPA\r\n").find("\r\nSTLS\r\n") != std::string::npos);
    CHECK(client.send("STLS\r\nCAPA\r\n") == "+OK Begin TLS negotiation\r\n");
    CHECK(client.link.tls_active());
    CHECK(client.server.tls_active());
    CHECK(client.send("CAPA\r\n").find("STLS") == std::string::npos);
    CHECK(client.send("STLS\r\n") == "-ERR Command not permitted when TLS active\r\n");
    client.login();
    CHECK(client.send("STLS\r\n") == "-ERR STLS is not valid in the TRANSACTION state\r\n");
}

TEST_CASE("pop3 server: AUTH PLAIN with and without an initial response") {
    MailStore store;
    fill_store(store);
    const auto plain = text::base64_encode(std::string("\0alice\0wonderland", 17));
    SUBCASE("initial response") {
        PopClient client(store);
        CHECK(client.send("AUTH\r\n") ==
              "+OK SASL mechanisms follow\r\nPLAIN\r\nXOAUTH2\r\nOAUTHBEARER\r\n.\r\n");
        CHECK(client.send("AUTH CRAM-MD5\r\n").starts_with("-ERR"));
        CHECK(client.send("AUTH PLAIN " + plain + "\r\n").starts_with("+OK AUTH PLAIN accepted"));
        CHECK(client.server.engine().state() == pop3::State::Transaction);
        CHECK(sim::export_jsonl(client.trace).find(plain) == std::string::npos);
    }
    SUBCASE("continuation, a wrong password, a cancel") {
        PopClient client(store);
        CHECK(client.send("AUTH PLAIN\r\n") == "+ \r\n");
        CHECK(client.send(text::base64_encode(std::string("\0alice\0nope", 11)) + "\r\n") ==
              "-ERR [AUTH] invalid user name or password\r\n");
        CHECK(client.send("AUTH PLAIN\r\n") == "+ \r\n");
        CHECK(client.send("*\r\n") == "-ERR AUTH cancelled by the client\r\n");
        CHECK(client.send("AUTH PLAIN\r\n") == "+ \r\n");
        CHECK(client.send(plain + "\r\n").starts_with("+OK AUTH PLAIN accepted"));
        CHECK(sim::export_jsonl(client.trace).find(plain) == std::string::npos);
        CHECK(violations(client.trace) == 0);
    }
}

TEST_CASE("pop3 server: --login-disabled refuses clear-text logins until STLS") {
    MailStore store;
    fill_store(store);
    const ServerConfig config = server::testing::tls_before_login();
    PopClient client(store, config);
    CHECK(client.send("CAPA\r\n") ==
          "+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
          "PIPELINING\r\nSTLS\r\nIMPLEMENTATION mailscope-1.0\r\n.\r\n");
    const std::string refused =
        " is disabled until STLS protects the connection (RFC 2595 2.3)\r\n";
    CHECK(client.send("USER alice\r\n") == "-ERR [AUTH] USER" + refused);
    CHECK(client.send("PASS wonderland\r\n") ==
          "-ERR PASS must follow a USER command the server accepted\r\n");
    const auto plain = text::base64_encode(std::string("\0alice\0wonderland", 17));
    CHECK(client.send("AUTH PLAIN " + plain + "\r\n") == "-ERR [AUTH] AUTH PLAIN" + refused);
    CHECK(client.send("AUTH PLAIN\r\n") == "-ERR [AUTH] AUTH PLAIN" + refused);
    CHECK(client.send("AUTH LOGIN\r\n") == "-ERR [AUTH] AUTH LOGIN" + refused);
    CHECK(client.send("AUTH\r\n") == "+OK SASL mechanisms follow\r\n.\r\n");
    CHECK(client.server.engine().state() == pop3::State::Authorization);
    CHECK(sim::export_jsonl(client.trace).find("wonderland") == std::string::npos);

    // APOP sends a digest, never the password: it stays allowed (like CRAM-MD5 in IMAP).
    PopClient apop(store, config);
    const std::string digest = to_hex(md5(apop.server.apop_timestamp() + "wonderland"));
    CHECK(apop.send("APOP alice " + digest + "\r\n").starts_with("+OK APOP accepted"));
    CHECK(apop.send("QUIT\r\n").starts_with("+OK"));

    // After STLS everything is offered again.
    CHECK(client.send("STLS\r\n") == "+OK Begin TLS negotiation\r\n");
    REQUIRE(client.link.tls_active());
    const auto capa = client.send("CAPA\r\n");
    CHECK(capa.find("\r\nUSER\r\n") != std::string::npos);
    CHECK(capa.find("\r\nSASL PLAIN XOAUTH2 OAUTHBEARER\r\n") != std::string::npos);
    client.login();
}

TEST_CASE("pop3 server: a second session of the same user gets [IN-USE] until the lock goes") {
    MailStore store;
    fill_store(store);
    auto first = std::make_unique<PopClient>(store);
    first->login();
    PopClient second(store);
    CHECK(second.send("USER alice\r\n").starts_with("+OK"));
    CHECK(second.send("PASS wonderland\r\n") ==
          "-ERR [IN-USE] maildrop already locked: another POP3 session of this user is open\r\n");
    CHECK(second.server.engine().state() == pop3::State::Authorization);
    // Another user is not affected.
    PopClient bob(store);
    bob.login("bob", "builder");
    // The lock goes with the connection, however it ends.
    first->link.close_client();
    first.reset();
    CHECK(second.send("USER alice\r\n").starts_with("+OK"));
    CHECK(second.send("PASS wonderland\r\n").starts_with("+OK"));
    CHECK(second.send("QUIT\r\n").starts_with("+OK"));
    PopClient third(store);
    third.login();
}

TEST_CASE("pop3 server: DELE hides, RSET restores, QUIT removes exactly the marked messages") {
    MailStore store;
    fill_store(store);
    testing::Client imap(store);
    imap.login();
    imap.select();
    const auto before = inbox_size(store);
    PopClient client(store);
    client.login();
    CHECK(client.send("DELE 1\r\n") == "+OK message 1 deleted\r\n");
    CHECK(client.send("DELE 1\r\n") == "-ERR message 1 already deleted\r\n");
    CHECK(client.send("RETR 1\r\n") == "-ERR message 1 already deleted\r\n");
    CHECK(client.send("LIST\r\n").find("\r\n1 ") == std::string::npos);
    CHECK(client.send("STAT\r\n").starts_with("+OK 2 "));
    CHECK(client.send("RSET\r\n").starts_with("+OK maildrop has 3 messages"));
    CHECK(client.send("STAT\r\n").starts_with("+OK 3 "));
    CHECK(client.send("DELE 1\r\n").starts_with("+OK"));
    CHECK(client.send("DELE 3\r\n").starts_with("+OK"));
    CHECK(inbox_size(store) == before);  // nothing leaves before QUIT
    CHECK(client.send("QUIT\r\n") == "+OK mailscope POP3 server signing off (1 message left)\r\n");
    CHECK(client.link.server_closed());
    REQUIRE(inbox_size(store) == 1);
    CHECK(store.find("alice", "INBOX")->messages[0].uid == 2);
    // The IMAP session with INBOX selected hears of it.
    const auto noop = imap.send("N1 NOOP\r\n");
    CHECK(noop.find("* 1 EXPUNGE\r\n* 2 EXPUNGE\r\n") != std::string::npos);
    CHECK(noop.ends_with("N1 OK NOOP completed\r\n"));
    // The POP3 trace took transitions 1, 2, 3 and the final edge.
    std::vector<int> numbers;
    for (const auto& event : client.trace.events()) {
        if (event.transition) numbers.push_back(event.transition->number);
    }
    CHECK(numbers == std::vector<int>{1, 2, 3, 0});
}

TEST_CASE("pop3 server: a connection lost after DELE removes nothing") {
    MailStore store;
    fill_store(store);
    PopClient client(store);
    client.login();
    CHECK(client.send("DELE 1\r\nDELE 2\r\n") ==
          "+OK message 1 deleted\r\n+OK message 2 deleted\r\n");
    client.link.close_client();
    CHECK(inbox_size(store) == 3);
    for (const auto& message : store.find("alice", "INBOX")->messages) {
        CHECK_FALSE(message.flags.has(SystemFlag::Deleted));
    }
    CHECK(client.trace.events().back().transition->number == 5);
}

TEST_CASE("pop3 server: QUIT in AUTHORIZATION, and the autologout") {
    MailStore store;
    fill_store(store);
    PopClient quitter(store);
    CHECK(quitter.send("QUIT\r\n") == "+OK mailscope POP3 server signing off\r\n");
    CHECK(quitter.link.server_closed());
    PopClient idle(store,
                   config_with([](auto& config) { config.pop3.autologout = 60ll * 1000 * 1000; }));
    idle.login();
    CHECK(idle.send("DELE 1\r\n").starts_with("+OK"));
    idle.link.advance(59ll * 1000 * 1000);
    CHECK_FALSE(idle.link.server_closed());
    idle.link.advance(2ll * 1000 * 1000);
    CHECK(idle.link.server_closed());
    CHECK(idle.link.receive().empty());  // RFC 1939 3: no reply, no UPDATE
    CHECK(inbox_size(store) == 3);
    PopClient again(store);
    again.login();  // the lock went with the connection
}

TEST_CASE("pop3 server: lines starting with a dot round-trip, sizes are the octets sent") {
    MailStore store;
    fill_store(store);
    const std::string message =
        "From: a@example.org\r\nSubject: dots\r\n\r\n.\r\n..\r\n.leading dot\r\nend\r\n";
    const auto inbox = store.find("alice", "INBOX")->id;
    REQUIRE(store.append(inbox, message, {}, testing::kTestDate).ok());
    PopClient client(store);
    client.login();
    CHECK(client.send("LIST 4\r\n") == fmt::format("+OK 4 {}\r\n", message.size()));
    const auto wire = client.send("RETR 4\r\n");
    CHECK(wire.find("\r\n..\r\n...\r\n..leading dot\r\n") != std::string::npos);
    CHECK(decoded_data(wire) == message);
    // A client engine reads the same octets back.
    sim::SessionTrace trace(sim::Protocol::Pop3);
    pop3::SessionOptions options;
    options.role = pop3::Role::Client;
    pop3::Pop3Session reader(trace, options);
    reader.receive(client.greeting);
    REQUIRE(reader.submit_line("USER alice").ok);
    REQUIRE(reader.submit_line("PASS wonderland").ok);
    REQUIRE(reader.submit_line("RETR 4").ok);
    reader.receive(client.send(reader.take_outgoing()));
    std::optional<pop3::ReplyReceived> last;
    while (auto reply = reader.next_reply())
        last = reply;
    REQUIRE(last);
    CHECK(last->answers == pop3::Verb::Retr);
    CHECK(last->reply.data == message);
    CHECK(last->reply.data_size == message.size());
}

TEST_CASE("pop3 server: hostile lines get -ERR and the session goes on") {
    MailStore store;
    fill_store(store);
    PopClient client(store);
    CHECK(client.send(std::string(1 << 20, 'A') + "\r\n") ==
          "-ERR command line longer than 255 octets\r\n");
    CHECK(client.send(std::string("US\0R x\r\n", 8)).starts_with("-ERR a NUL octet"));
    client.login();
    CHECK(client.send("STAT\r\n").starts_with("+OK 3 "));
}
