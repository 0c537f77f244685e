// QUOTA (RFC 9208) in the codec and the decoding engine: GETQUOTA,
// GETQUOTAROOT and SETQUOTA read and write back; QUOTA and QUOTAROOT are
// typed and answer their commands; OVERQUOTA and the STATUS items DELETED
// and DELETED-STORAGE cite RFC 9208; the RFC's examples decode cleanly.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/imap/sections.hpp"
#include "sim/imap/session.hpp"
#include "tests/sim/clean_vectors.hpp"
#include "tests/sim/imap_parsed.hpp"
#include "tests/sim/listed_imap.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;

namespace {

using Preauthed = test::ListedImap;

}  // namespace

TEST_CASE("QUOTA commands read and write back (RFC 9208 7)") {
    const auto get = test::parsed_command("G1 GETQUOTA \"#user/alice\"\r\n");
    CHECK(get.verb == imap::Verb::Getquota);
    CHECK(std::get<imap::QuotaArgs>(get.typed).root == "#user/alice");

    const auto root = test::parsed_command("G2 getquotaroot INBOX\r\n");
    CHECK(root.verb == imap::Verb::Getquotaroot);
    CHECK(std::get<imap::MailboxArgs>(root.typed).mailbox == "INBOX");

    const std::string set_bytes = "S1 SETQUOTA \"\" (STORAGE 512 MESSAGE 1000)\r\n";
    const auto set = test::parsed_command(set_bytes);
    const auto& limits = std::get<imap::QuotaArgs>(set.typed).limits;
    REQUIRE(limits.size() == 2);
    CHECK(limits[1].name == "MESSAGE");
    CHECK(limits[1].limit == 1000);
    CHECK(imap::serialize(set) == set_bytes);
    // An empty list removes every limit (RFC 9208 4.1.3).
    CHECK(std::get<imap::QuotaArgs>(test::parsed_command("S2 SETQUOTA x ()\r\n").typed)
              .limits.empty());
    CHECK(imap::serialize(imap::make_command("S3", imap::Verb::Setquota,
                                             imap::QuotaArgs{"#user/bob", {{"STORAGE", 0, 20}}})) ==
          "S3 SETQUOTA #user/bob (STORAGE 20)\r\n");

    for (const char* wrong :
         {"S4 SETQUOTA x STORAGE 5\r\n", "S5 SETQUOTA x (STORAGE)\r\n",
          "S6 SETQUOTA x (STORAGE -1)\r\n", "S7 SETQUOTA x (STORAGE 9223372036854775808)\r\n",
          "S8 SETQUOTA x (\"STORAGE\" 5)\r\n", "G3 GETQUOTA\r\n", "G4 GETQUOTA a b\r\n",
          "G5 GETQUOTAROOT\r\n"}) {
        CHECK_FALSE(test::command_error(wrong).message.empty());
    }
}

TEST_CASE("QUOTA and QUOTAROOT responses are typed, and wrong ones refused") {
    const std::string quota_bytes = "* QUOTA \"#user/alice\" (STORAGE 54 111 MESSAGE 42 1000)\r\n";
    const auto quota = test::parsed_response(quota_bytes);
    REQUIRE(quota.quota);
    CHECK(quota.quota->root == "#user/alice");
    REQUIRE(quota.quota->resources.size() == 2);
    CHECK(quota.quota->resources[0].usage == 54);
    CHECK(quota.quota->resources[1].limit == 1000);
    // The builder writes an astring as an atom where it can (RFC 3501 9).
    CHECK(imap::serialize(imap::make_quota(*quota.quota)) ==
          "* QUOTA #user/alice (STORAGE 54 111 MESSAGE 42 1000)\r\n");
    CHECK(imap::serialize(quota) == quota_bytes);

    const auto empty = test::parsed_response("* QUOTA \"\" ()\r\n");
    REQUIRE(empty.quota);
    CHECK(empty.quota->resources.empty());

    const auto roots = test::parsed_response("* QUOTAROOT INBOX \"#user/alice\" \"\"\r\n");
    REQUIRE(roots.quota);
    CHECK(roots.quota->mailbox == "INBOX");
    CHECK(roots.quota->roots == std::vector<std::string>{"#user/alice", ""});
    const auto none = test::parsed_response("* QUOTAROOT comp.mail.mime\r\n");
    REQUIRE(none.quota);
    CHECK(none.quota->roots.empty());
    CHECK(imap::serialize(imap::make_quotaroot(*roots.quota)) ==
          "* QUOTAROOT INBOX #user/alice \"\"\r\n");

    for (const char* wrong :
         {"* QUOTA \"\" (STORAGE 10)\r\n", "* QUOTA \"\"\r\n", "* QUOTA \"\" STORAGE 1 2\r\n",
          "* QUOTA \"\" (STORAGE x 2)\r\n", "* QUOTA \"\" (STORAGE 1 9223372036854775808)\r\n",
          "* QUOTAROOT\r\n"}) {
        CHECK_FALSE(test::response_error(wrong).message.empty());
    }
    CHECK(imap::response_section(quota) == "RFC 9208 4.2.1");
    CHECK(imap::response_section(roots) == "RFC 9208 4.2.2");
    CHECK(imap::response_section(test::parsed_response("a NO [OVERQUOTA] full\r\n")) ==
          "RFC 9208 4.3.1");
}

TEST_CASE("the engine links QUOTA answers and asks for QUOTA, QUOTASET and the resources") {
    SUBCASE("listed: no violation; each response answers its command") {
        Preauthed o("IMAP4rev1 QUOTA QUOTASET QUOTA=RES-STORAGE QUOTA=RES-MESSAGE");
        const std::pair<const char*, const char*> exchanges[] = {
            {"a1 GETQUOTAROOT INBOX\r\n",
             "* QUOTAROOT INBOX \"#user/alice\"\r\n* QUOTA \"#user/alice\" (MESSAGE 3 10)\r\n"
             "a1 OK done\r\n"},
            {"a2 SETQUOTA \"#user/alice\" (MESSAGE 5)\r\n",
             "* QUOTA \"#user/alice\" (MESSAGE 3 5)\r\na2 OK done\r\n"},
            {"a3 STATUS INBOX (DELETED DELETED-STORAGE)\r\n",
             "* STATUS INBOX (DELETED 1 DELETED-STORAGE 300)\r\na3 OK done\r\n"},
        };
        for (const auto& [command, answer] : exchanges) {
            o.client(command);
            o.server(answer);
        }
        CHECK(test::violations(o.trace).empty());
        CHECK(test::links_to(o.trace, "* QUOTAROOT", "a1"));
        CHECK(test::links_to(o.trace, "* QUOTA \"#user/alice\" (MESSAGE 3 5)", "a2"));
    }
    SUBCASE("not listed: each use is a violation citing the RFC 9208 sentence") {
        Preauthed o("IMAP4rev1 QUOTA");
        o.client("a1 SETQUOTA \"\" (STORAGE 5)\r\n");
        o.server("a1 BAD no\r\n");
        o.client("a2 STATUS INBOX (DELETED-STORAGE)\r\n");
        o.server("a2 BAD no\r\n");
        Preauthed rev1("IMAP4rev1");
        rev1.client("b1 GETQUOTA \"\"\r\n");
        CHECK(test::violation_sections(o.trace) ==
              std::vector<std::string>{"RFC 9208 4.1.3", "RFC 9208 4.1.4"});
        CHECK(test::violation_sections(rev1.trace) == std::vector<std::string>{"RFC 9208 1"});
    }
    SUBCASE("a QUOTA nobody asked for answers nothing (RFC 9208 4.2.1)") {
        Preauthed o("IMAP4rev1 QUOTA");
        o.server("* QUOTA \"\" (STORAGE 1 2)\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 9208 4.2.1"});
    }
}

TEST_CASE("the example exchanges of RFC 9208 decode without a violation") {
    // The untagged NO [OVERQUOTA] is a warning the server may send at any
    // time (RFC 9208 4.3.1).
    test::check_decodes_cleanly("rfc9208_quota", {"* NO [OVERQUOTA]"});
}
