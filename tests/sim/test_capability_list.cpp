#include <doctest/doctest.h>

#include <string>

#include "sim/core/capability_list.hpp"

using namespace mailscope::sim;

TEST_CASE("IMAP capability lists gain and lose STARTTLS, nothing else changes") {
    auto added = offer_starttls(Protocol::Imap, "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n", true);
    CHECK(added.text == "* CAPABILITY IMAP4rev1 AUTH=PLAIN STARTTLS\r\n");
    CHECK(added.change == ListChange::Added);

    auto kept = offer_starttls(Protocol::Imap, "* CAPABILITY IMAP4rev1 starttls\r\n", true);
    CHECK(kept.text == "* CAPABILITY IMAP4rev1 starttls\r\n");
    CHECK(kept.change == ListChange::None);

    auto removed =
        offer_starttls(Protocol::Imap, "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n", false);
    CHECK(removed.text == "* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n");
    CHECK(removed.change == ListChange::Removed);

    auto code = offer_starttls(Protocol::Imap, "* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n", true);
    CHECK(code.text == "* OK [CAPABILITY IMAP4rev1 IDLE STARTTLS] ready\r\n");
    auto tagged =
        offer_starttls(Protocol::Imap, "a1 OK [CAPABILITY IMAP4rev1 STARTTLS] done\r\n", false);
    CHECK(tagged.text == "a1 OK [CAPABILITY IMAP4rev1] done\r\n");

    // STARTTLSX is another capability; a line without a list is left alone.
    auto other = offer_starttls(Protocol::Imap, "* CAPABILITY IMAP4rev1 STARTTLSX\r\n", false);
    CHECK(other.change == ListChange::None);
    CHECK(offer_starttls(Protocol::Imap, "* OK ready\r\n", true).text == "* OK ready\r\n");
}

TEST_CASE("POP3 CAPA replies gain and lose the STLS line") {
    const std::string capa = "+OK list follows\r\nUSER\r\nSASL PLAIN\r\n.\r\n";
    auto added = offer_starttls(Protocol::Pop3, capa, true);
    CHECK(added.text == "+OK list follows\r\nUSER\r\nSASL PLAIN\r\nSTLS\r\n.\r\n");
    CHECK(added.change == ListChange::Added);
    auto removed = offer_starttls(Protocol::Pop3, added.text, false);
    CHECK(removed.text == capa);
    CHECK(removed.change == ListChange::Removed);
    CHECK(offer_starttls(Protocol::Pop3, "-ERR no\r\n", true).change == ListChange::None);
}

TEST_CASE("SMTP EHLO replies gain and lose STARTTLS, keeping the last line last") {
    auto single = offer_starttls(Protocol::Smtp, "250 mail.example.org\r\n", true);
    CHECK(single.text == "250-mail.example.org\r\n250 STARTTLS\r\n");
    CHECK(single.change == ListChange::Added);

    auto multi = offer_starttls(Protocol::Smtp, "250-mail.example.org\r\n250 SIZE 1000\r\n", true);
    CHECK(multi.text == "250-mail.example.org\r\n250-STARTTLS\r\n250 SIZE 1000\r\n");

    auto last = offer_starttls(Protocol::Smtp,
                               "250-mail.example.org\r\n250-SIZE 1000\r\n250 STARTTLS\r\n", false);
    CHECK(last.text == "250-mail.example.org\r\n250 SIZE 1000\r\n");
    CHECK(last.change == ListChange::Removed);

    auto middle = offer_starttls(Protocol::Smtp,
                                 "250-mail.example.org\r\n250-STARTTLS\r\n250 8BITMIME\r\n", false);
    CHECK(middle.text == "250-mail.example.org\r\n250 8BITMIME\r\n");

    // The greeting line is a domain, never a keyword; other codes are left alone.
    CHECK(offer_starttls(Protocol::Smtp, "250 STARTTLS\r\n", false).change == ListChange::None);
    CHECK(offer_starttls(Protocol::Smtp, "554 no\r\n", true).change == ListChange::None);
}
