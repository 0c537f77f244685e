// The example exchanges of RFC 9051 sections 6 and 7, grouped into sessions
// (tests/vectors/imap/rfc9051_*.txt, each file's header lists its editorial
// changes), decode without a violation; and the engine rules those examples
// brought to light.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/imap/sections.hpp"
#include "tests/sim/clean_vectors.hpp"
#include "tests/sim/listed_imap.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;

namespace {

// The link of the first event whose raw text starts with `start`.
sim::Link rev2ex_link_of(const sim::SessionTrace& trace, std::string_view start) {
    for (const auto& event : trace.events()) {
        if (std::string_view(event.raw).starts_with(start)) return event.link;
    }
    return sim::Link::Unmatched;
}

}  // namespace

TEST_CASE("the example exchanges of RFC 9051 6 and 7 decode without a violation (rev2)") {
    // Every greeting is an untagged OK that answers nothing.
    const std::string_view greeting = "* OK [CAPABILITY";
    test::check_decodes_cleanly("rfc9051_starttls", {greeting});
    test::check_decodes_cleanly("rfc9051_authenticate_gssapi", {greeting});
    test::check_decodes_cleanly("rfc9051_authenticate_initial_response", {greeting});
    test::check_decodes_cleanly("rfc9051_authenticate_plain", {greeting});
    test::check_decodes_cleanly("rfc9051_authenticate_external", {greeting});
    // NOOP's example: an expunge, new mail and a flag change made by another
    // session, which the server tells while NOOP runs (RFC 9051 6.1.2).
    test::check_decodes_cleanly("rfc9051_any_state",
                                {greeting, "* 22 EXPUNGE", "* 23 EXISTS", "* 14 FETCH"});
    // IDLE's example: new mail and expunges in another session (RFC 9051
    // 6.3.13).
    test::check_decodes_cleanly(
        "rfc9051_authenticated",
        {greeting, "* 4 EXISTS", "* 3 EXISTS", "* 2 EXISTS", "* 2 EXPUNGE", "* 3 EXPUNGE"});
    // Mailboxes deleted or renamed in another session, announced with a
    // LIST (RFC 9051 6.3.9.7).
    test::check_decodes_cleanly("rfc9051_list",
                                {"* LIST (\\NonExistent) \".\" \"INBOX.DeletedMailbox\"",
                                 "* LIST () \"/\" \"NewMailbox\""});
    // An ESEARCH without a correlator "was not caused by a particular IMAP
    // command" (RFC 9051 7.3.4); the EXPUNGE of 7.5.1 tells of another
    // session's expunge.
    test::check_decodes_cleanly("rfc9051_selected",
                                {"* ESEARCH UID COUNT", "* ESEARCH COUNT", "* 44 EXPUNGE"});
    // The greeting; an ALERT (RFC 9051 7.1); untagged NO warnings and an
    // untagged BAD and OK about the server itself, not any command (7.1.2,
    // 7.1.3); an autologout BYE (7.1.5).
    test::check_decodes_cleanly("rfc9051_responses",
                                {"* OK IMAP4rev2 server ready", "* OK [ALERT]", "* NO Disk",
                                 "* BAD Disk crash", "* OK Salvage", "* BYE Autologout"});
}

TEST_CASE("an IMAP4rev2 LIST answers CREATE with OLDNAME, and may come unsolicited (rev2)") {
    test::ListedImap rev2("IMAP4rev2");
    rev2.client("c CREATE NonNormalized\r\n");
    rev2.server(
        "* LIST () \"/\" \"Normalized\" (\"OLDNAME\" (\"NonNormalized\"))\r\n"
        "c OK done\r\n");
    rev2.client("n NOOP\r\n");
    rev2.server("* LIST (\\NonExistent) \"/\" gone\r\nn OK done\r\n");
    CHECK(test::violation_sections(rev2.trace).empty());
    CHECK(rev2ex_link_of(rev2.trace, "* LIST () \"/\" \"Normalized\"") == sim::Link::Answers);

    // RFC 3501 7.2.2 still holds in an IMAP4rev1 session.
    test::ListedImap rev1("IMAP4rev1");
    rev1.client("n NOOP\r\n");
    rev1.server("* LIST (\\Noselect) \"/\" gone\r\nn OK done\r\n");
    CHECK(test::violation_sections(rev1.trace) == std::vector<std::string>{"RFC 3501 7.2.2"});
}

TEST_CASE("MOVE's untagged COPYUID and SELECT's UIDNOTSTICKY answer their command (rev2)") {
    test::ListedImap o("IMAP4rev2");
    o.client("s SELECT funny\r\n");
    o.server("* 1 EXISTS\r\n* NO [UIDNOTSTICKY] Non-persistent UIDs\r\ns OK [READ-WRITE] done\r\n");
    o.client("m UID MOVE 1 foo\r\n");
    o.server("* OK [COPYUID 432432 1 1202]\r\n* 1 EXPUNGE\r\nm OK Done\r\n");
    CHECK(test::violation_sections(o.trace).empty());
    CHECK(rev2ex_link_of(o.trace, "* NO [UIDNOTSTICKY]") == sim::Link::Answers);
    CHECK(rev2ex_link_of(o.trace, "* OK [COPYUID") == sim::Link::Answers);
}

TEST_CASE("UID MOVE, COPYUID, APPENDUID and CLOSED cite RFC 9051 in an IMAP4rev2 session (rev2)") {
    CHECK(imap::imap4rev2_section("RFC 6851 3.2") == "RFC 9051 6.4.9");
    CHECK(imap::imap4rev2_section("RFC 4315 3") == "RFC 9051 7.1");
    CHECK(imap::imap4rev2_section("RFC 7162 3.2.11") == "RFC 9051 7.1");
    // CONDSTORE's own codes are not part of IMAP4rev2.
    CHECK(imap::imap4rev2_section("RFC 7162 3.1.2.1") == "RFC 7162 3.1.2.1");
}

TEST_CASE("RFC 9051 7.1.3: an empty command line is the client's syntax error (rev2)") {
    // The example's "...very long command line..." and "...empty line...",
    // written out; the server refuses both with an untagged BAD. Kept out of
    // rfc9051_responses.txt: an empty line is no command (RFC 9051 9:
    // command = tag SP ...), so the engine rightly flags it.
    test::ListedImap o("IMAP4rev2", test::ListedImap::Mailbox::Selected);
    std::string long_line = "A440 FETCH 1 (FLAGS";
    for (int i = 0; i < 2000; ++i)
        long_line += " FLAGS";
    o.client(long_line + ")\r\n");
    o.server("* BAD Command line too long\r\n");
    CHECK(test::violation_sections(o.trace).empty());
    o.client("\r\n");
    o.server("* BAD Empty command line\r\n");
    o.client("A443 EXPUNGE\r\n");
    o.server(
        "* BAD Disk crash, attempting salvage to a new disk!\r\n"
        "* OK Salvage successful, no data lost\r\n"
        "A443 OK Expunge completed\r\n");
    CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 9051 9"});
}
