// CONDSTORE in the codec and the decoding engine (RFC 7162 3.1): the SELECT
// parameter, the MODSEQ fetch item and search key, the CHANGEDSINCE and
// UNCHANGEDSINCE modifiers, read and written back; their limits; the
// responses that carry mod-sequences; and the capability each one needs.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/imap/command.hpp"
#include "sim/imap/response.hpp"
#include "sim/imap/session.hpp"
#include "tests/sim/clean_vectors.hpp"
#include "tests/sim/imap_parsed.hpp"
#include "tests/sim/listed_imap.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;

namespace {

struct CondstoreSession : test::ListedImap {
    explicit CondstoreSession(std::string_view capabilities)
        : ListedImap(capabilities, Mailbox::Selected) {}
};

}  // namespace

TEST_CASE("CONDSTORE commands read into typed arguments and write back byte for byte") {
    for (std::string_view line : {
             "A1 SELECT INBOX (CONDSTORE)\r\n",
             "A2 EXAMINE INBOX (CONDSTORE)\r\n",
             "A3 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)\r\n",
             "A4 STORE 12 (UNCHANGEDSINCE 0) +FLAGS.SILENT ($MDNSent)\r\n",
             "A5 UID FETCH 1:* (FLAGS MODSEQ) (CHANGEDSINCE 12345)\r\n",
             "A6 UID FETCH 300:500 (UID FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n",
             "A7 FETCH 1:3 MODSEQ\r\n",
             "A8 SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338\r\n",
             "A9 SEARCH OR NOT MODSEQ 720162338 LARGER 50000\r\n",
         }) {
        const imap::Command parsed = test::parsed_command(line);
        CHECK(imap::serialize(
                  imap::make_command(parsed.tag, parsed.verb, parsed.typed, parsed.uid)) == line);
    }

    const auto select =
        std::get<imap::MailboxArgs>(test::parsed_command("A1 SELECT INBOX (CONDSTORE)\r\n").typed);
    REQUIRE(select.select_params);
    CHECK(imap::has_option(*select.select_params, "CONDSTORE"));

    const auto store = std::get<imap::StoreArgs>(
        test::parsed_command("A3 STORE 1 (UNCHANGEDSINCE 9223372036854775807) FLAGS ()\r\n").typed);
    CHECK(store.unchanged_since == 9223372036854775807u);

    const auto fetch = std::get<imap::FetchArgs>(
        test::parsed_command("A5 UID FETCH 1:* FLAGS (CHANGEDSINCE 7 VANISHED)\r\n").typed);
    CHECK(fetch.changed_since == 7u);
    CHECK(fetch.vanished);
    CHECK(fetch.atts.size() == 1);

    const auto search = std::get<imap::SearchArgs>(
        test::parsed_command("A8 SEARCH MODSEQ \"/flags/\\\\draft\" ALL 620162338\r\n").typed);
    REQUIRE(search.keys.size() == 1);
    CHECK(search.keys[0].kind == imap::SearchKey::Kind::ModSeq);
    CHECK(search.keys[0].string == "/flags/\\draft");
    CHECK(search.keys[0].value == "all");
    CHECK(search.keys[0].modseq == 620162338u);
}

TEST_CASE("CONDSTORE arguments out of the grammar are refused with the rule") {
    struct Case {
        std::string_view line, says;
    };
    for (const Case& c : {
             Case{"a FETCH 1 (FLAGS) (CHANGEDSINCE 0)\r\n", "from 1"},
             Case{"a FETCH 1 (FLAGS) (CHANGEDSINCE 9223372036854775808)\r\n", "2^63-1"},
             Case{"a FETCH 1 (FLAGS) (CHANGEDSINCE)\r\n", "needs a mod-sequence"},
             Case{"a UID FETCH 1 (FLAGS) (VANISHED)\r\n", "needs CHANGEDSINCE"},
             Case{"a FETCH 1 (FLAGS) (CHANGEDSINCE 5 CHANGEDSINCE 6)\r\n", "each once"},
             Case{"a FETCH 1 (FLAGS) (PARTIAL 1:5)\r\n", "not a FETCH modifier"},
             Case{"a FETCH 1 (FLAGS) ()\r\n", "empty"},
             Case{"a STORE 1 (UNCHANGEDSINCE) +FLAGS (\\Seen)\r\n", "UNCHANGEDSINCE n"},
             Case{"a STORE 1 (UNCHANGEDSINCE -1) +FLAGS (\\Seen)\r\n", "mod-sequence"},
             Case{"a STORE 1 (UNCHANGEDSINCE 5 UNCHANGEDSINCE 6) +FLAGS (\\Seen)\r\n",
                  "UNCHANGEDSINCE n"},
             Case{"a SEARCH MODSEQ\r\n", "needs a mod-sequence"},
             Case{"a SEARCH MODSEQ \"/flags/\\\\draft\" mine 5\r\n", "priv, shared or all"},
             Case{"a SEARCH MODSEQ \"/comment\" all 5\r\n", "not a metadata entry"},
             Case{"a SELECT INBOX ()\r\n", "empty"},
         }) {
        INFO(c.line);
        CHECK(test::command_error(c.line).message.find(c.says) != std::string::npos);
    }
}

TEST_CASE("mod-sequences in responses: FETCH MODSEQ, SEARCH (MODSEQ n), HIGHESTMODSEQ, MODIFIED") {
    const auto search = test::parsed_response("* SEARCH 2 5 6 (MODSEQ 917162500)\r\n");
    CHECK(search.numbers == std::vector<std::uint32_t>{2, 5, 6});
    CHECK(search.modseq == 917162500u);
    // The mod-sequence follows the numbers found, never stands alone.
    test::response_error("* SEARCH (MODSEQ 917162500)\r\n");
    test::response_error("* SEARCH 2 (MODSEQ 0)\r\n");
    test::response_error("* SEARCH 2 (HIGHEST 5)\r\n");

    const auto highest = test::parsed_response("* OK [HIGHESTMODSEQ 715194045007] ok\r\n");
    REQUIRE(highest.code);
    CHECK(highest.code->modseq == 715194045007u);
    const auto modified = test::parsed_response("d105 OK [MODIFIED 7,9] failed\r\n");
    REQUIRE(modified.code);
    CHECK(modified.code->set1.to_string() == "7,9");

    const auto written = imap::make_fetch(4, {imap::fetch_uid(8), imap::fetch_modseq(29738)});
    CHECK(imap::serialize(written) == "* 4 FETCH (UID 8 MODSEQ (29738))\r\n");
}

TEST_CASE("each CONDSTORE form needs CONDSTORE listed, or QRESYNC, which implies it") {
    SUBCASE("not listed") {
        CondstoreSession o("IMAP4rev1");
        o.client("a1 SELECT INBOX (CONDSTORE)\r\n");
        o.client("a2 FETCH 1 (MODSEQ)\r\n");
        o.client("a3 FETCH 1 (FLAGS) (CHANGEDSINCE 5)\r\n");
        o.client("a4 STORE 1 (UNCHANGEDSINCE 5) +FLAGS (\\Seen)\r\n");
        o.client("a5 SEARCH NOT MODSEQ 5\r\n");
        o.client("a6 UID FETCH 1 (FLAGS) (CHANGEDSINCE 5 VANISHED)\r\n");
        CHECK(test::violation_sections(o.trace) ==
              std::vector<std::string>{"RFC 7162 3.1.8", "RFC 7162 3.1.4", "RFC 7162 3.1.4",
                                       "RFC 7162 3.1.3", "RFC 7162 3.1.5", "RFC 7162 3.2.3",
                                       "RFC 7162 3.1.4", "RFC 7162 3.2.6"});
    }
    for (std::string_view listed : {"IMAP4rev1 CONDSTORE", "IMAP4rev1 QRESYNC"}) {
        INFO(listed);
        CondstoreSession o(listed);
        o.client("a2 FETCH 1 (MODSEQ)\r\n");
        o.client("a3 UID STORE 1 (UNCHANGEDSINCE 5) +FLAGS (\\Seen)\r\n");
        o.client("a4 SEARCH MODSEQ 5\r\n");
        o.server("* 1 FETCH (MODSEQ (7))\r\na2 OK done\r\n");
        o.server("a3 OK [MODIFIED 1] Conditional STORE failed\r\n");
        o.server("* SEARCH 1 (MODSEQ 7)\r\na4 OK done\r\n");
        CHECK(test::violations(o.trace).empty());
        CHECK(test::links_to(o.trace, "* SEARCH 1 (MODSEQ 7)", "a4"));
    }
}

TEST_CASE("the example exchanges of RFC 7162 3.1 and RFC 4731 3.2 decode without a violation") {
    // Example 4's HIGHESTMODSEQ came "because this was the first CONDSTORE
    // enabling command" (RFC 7162 3.1.3): an untagged OK, which answers no
    // command by its form (RFC 3501 7.1).
    test::check_decodes_cleanly("rfc7162_condstore", {"* OK [HIGHESTMODSEQ 12111230047]"});
}

TEST_CASE("RFC 7162 3.1.3's examples 9 to 11: another client changed the messages first") {
    // The other client's changes reach this one as the RFC prints them: during
    // its NOOP, as FETCH and EXPUNGE responses no command of its own asked for.
    test::check_decodes_cleanly("rfc7162_modified",
                                {"* 101 FETCH (MODSEQ (303011130956) FLAGS", "* 4 EXPUNGE",
                                 "* 2 FETCH (MODSEQ (320172340)"});
}
