#include <doctest/doctest.h>

#include "net/net_client.hpp"
#include "tests/support/russian_text.hpp"
#include "tests/support/said_text.hpp"

using namespace mailscope::transport;

namespace {

ServerUrl url_of(std::string_view text) {
    auto parsed = parse_server_url(text);
    REQUIRE(std::holds_alternative<ServerUrl>(parsed));
    return std::get<ServerUrl>(parsed);
}

std::string error_of(std::string_view text) {
    auto parsed = parse_server_url(text);
    REQUIRE(std::holds_alternative<mailscope::sim::Said>(parsed));
    const auto& said = std::get<mailscope::sim::Said>(parsed);
    // Russian too, with the same arguments.
    CHECK(mailscope::test::has_cyrillic(mailscope::test::russian(said)));
    return mailscope::test::english(said);
}

}  // namespace

TEST_CASE("server URLs: schemes, users, hosts and ports") {
    auto plain = url_of("imap://mail.example.org");
    CHECK(plain.port == 143);
    CHECK_FALSE(plain.implicit_tls);
    CHECK(plain.user.empty());

    auto tls = url_of("IMAPS://alice%40example.org@[::1]:10993/");
    CHECK(tls.implicit_tls);
    CHECK(tls.user == "alice@example.org");
    CHECK(tls.host == "::1");
    CHECK(tls.port == 10993);

    CHECK(url_of("imaps://bob@localhost").port == 993);
    CHECK(plain.protocol == mailscope::sim::Protocol::Imap);
}

TEST_CASE("server URLs: POP3 and SMTP schemes and their default ports") {
    auto pop = url_of("pop3://alice@mail.example.org");
    CHECK(pop.protocol == mailscope::sim::Protocol::Pop3);
    CHECK(pop.port == 110);
    CHECK_FALSE(pop.implicit_tls);
    CHECK(pop.user == "alice");
    CHECK(url_of("POP3S://mail.example.org").port == 995);
    CHECK(url_of("pop3s://mail.example.org").implicit_tls);
    CHECK(url_of("pop://host").scheme == "pop3");
    CHECK(url_of("pop3://host:1110").port == 1110);

    auto smtp = url_of("smtp://[::1]:2525");
    CHECK(smtp.protocol == mailscope::sim::Protocol::Smtp);
    CHECK(smtp.port == 2525);
    CHECK(smtp.host == "::1");
    CHECK(url_of("smtp://host").port == 25);
    CHECK(url_of("smtps://host").port == 465);
    CHECK(url_of("smtps://host").implicit_tls);
    CHECK(url_of("submission://bob@host").port == 587);
    CHECK_FALSE(url_of("submission://bob@host").implicit_tls);
}

TEST_CASE("server URLs: mistakes are explained") {
    CHECK(error_of("gopher://host").find("unknown scheme") != std::string::npos);
    CHECK(error_of("gopher://host").find("pop3://") != std::string::npos);
    CHECK(error_of("pop3://alice:secret@host").find("shell history") != std::string::npos);
    CHECK(error_of("mail.example.org").find("not a URL") != std::string::npos);
    CHECK(error_of("imap://alice:secret@host").find("shell history") != std::string::npos);
    CHECK(error_of("imap://host:99999").find("out of range") != std::string::npos);
    CHECK(error_of("imap://host:x1").find("not a number") != std::string::npos);
    CHECK(error_of("imap://host:").find("empty") != std::string::npos);
    CHECK(error_of("imap://@host").find("user name") != std::string::npos);
    CHECK(error_of("imap://%zz@host").find("percent") != std::string::npos);
    CHECK(error_of("imap://host/INBOX").find("SELECT") != std::string::npos);
    CHECK(error_of("imap://[::1").find("]") != std::string::npos);
}

TEST_CASE("loopback hosts") {
    CHECK(is_loopback_host("localhost"));
    CHECK(is_loopback_host("127.0.0.1"));
    CHECK(is_loopback_host("127.9.9.9"));
    CHECK(is_loopback_host("::1"));
    CHECK_FALSE(is_loopback_host("192.0.2.1"));
    CHECK_FALSE(is_loopback_host("mail.example.org"));
}
