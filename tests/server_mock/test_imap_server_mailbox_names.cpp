// Mailbox names that are not canonical modified UTF-7 (RFC 3501 5.1.3) are
// refused with a BAD that says why, by every command that takes a name.
#include <doctest/doctest.h>

#include <string>

#include "imap_server_harness.hpp"
#include "server_mock/mailbox_name.hpp"

using namespace mailscope::server;
using testing::Client;
using testing::fill_store;

namespace {

// The BAD answer's text for `tag`, or "" when the answer was not BAD.
std::string bad_text(const std::string& answer, const std::string& tag) {
    const std::string start = tag + " BAD ";
    if (!answer.starts_with(start)) return {};
    return answer.substr(start.size());
}

}  // namespace

TEST_CASE("mailbox names: the encoding check names the rule and the reason") {
    CHECK_FALSE(mailbox_encoding_error("INBOX").has_value());
    CHECK_FALSE(mailbox_encoding_error("Tom &- Jerry").has_value());
    CHECK_FALSE(mailbox_encoding_error("&BBIERQQ+BDQETwRJBDgENQ-/&BCAEMAQxBD4EQgQw-").has_value());
    const auto hidden_a = mailbox_encoding_error("&AGE-");
    REQUIRE(hidden_a);
    CHECK(hidden_a->starts_with("the name is not canonical modified UTF-7 (RFC 3501 5.1.3): "));
    CHECK(hidden_a->find("'a'") != std::string::npos);
    CHECK(mailbox_encoding_error("&2D0-")->find("surrogate") != std::string::npos);
    CHECK(mailbox_encoding_error("&AEkATgBCAE8AWA-")->find("'I'") != std::string::npos);
    CHECK(mailbox_encoding_error("&AOk-&AOk-")->find("null shift") != std::string::npos);
    CHECK(mailbox_encoding_error("&AOl-")->find("padding bits") != std::string::npos);
    // U+0000 and U+000A are canonical mUTF-7 but no name may hold them.
    CHECK(mailbox_encoding_error("&AAA-")->find("control character") != std::string::npos);
    CHECK(mailbox_encoding_error("a&AAo-b")->find("control character") != std::string::npos);
    CHECK(mailbox_encoding_error("&AIU-")->find("control character") != std::string::npos);
    // The store refuses them too, for names that do not come from a command.
    CHECK(mailbox_name_error("&AGE-", '/').has_value());

    CHECK_FALSE(list_pattern_encoding_error("*").has_value());
    CHECK_FALSE(list_pattern_encoding_error("&BBIERQQ+BDQETwRJBDgENQ-/%").has_value());
    CHECK_FALSE(list_pattern_encoding_error("&BBI*").has_value());  // cut by a wildcard
    CHECK_FALSE(list_pattern_encoding_error("Tom &- *").has_value());
    CHECK(list_pattern_encoding_error("&AGE-*").has_value());
    CHECK(list_pattern_encoding_error("%/&AOk-&AOk-")->find("one run") != std::string::npos);
    CHECK(list_pattern_encoding_error("a&b").has_value());
}

TEST_CASE("mailbox names: every command taking a name answers BAD for a non-canonical one") {
    MailStore store;
    fill_store(store);
    Client c(store);
    c.login();
    for (const char* name : {"&AGE-", "&2D0-", "&AEkATgBCAE8AWA-", "&AGEAYg-", "&AOl-",
                             "&AOk-&AOk-", "Sub/&AGE-", "&AAA-"}) {
        CAPTURE(name);
        const std::string quoted = std::string("\"") + name + "\"";
        for (const std::string& command :
             {"CREATE " + quoted, "SELECT " + quoted, "EXAMINE " + quoted, "DELETE " + quoted,
              "SUBSCRIBE " + quoted, "UNSUBSCRIBE " + quoted, "STATUS " + quoted + " (MESSAGES)",
              "RENAME Archive " + quoted, "RENAME " + quoted + " Elsewhere",
              "APPEND " + quoted + " {12+}\r\nSubject: x\r\n", "LIST \"\" " + quoted,
              "LSUB \"\" " + quoted}) {
            CAPTURE(command);
            const auto text = bad_text(c.send("N1 " + command + "\r\n"), "N1");
            const bool says_why =
                text.find("not canonical modified UTF-7 (RFC 3501 5.1.3)") != std::string::npos ||
                text.find("control character") != std::string::npos;
            CHECK(says_why);
        }
    }
    c.select();
    CHECK(bad_text(c.send("N2 COPY 1 \"&AGE-\"\r\n"), "N2").find("'a'") != std::string::npos);
    CHECK(bad_text(c.send("N3 MOVE 1 \"&AEkATgBCAE8AWA-\"\r\n"), "N3").find("'I'") !=
          std::string::npos);
    CHECK(bad_text(c.send("N4 UID COPY 1 \"&2D0-\"\r\n"), "N4").find("surrogate") !=
          std::string::npos);

    // Nothing was created, renamed or appended; the canonical spellings work.
    CHECK(c.send("N5 LIST \"\" *\r\n") ==
          "* LIST (\\HasNoChildren) \"/\" INBOX\r\n* LIST (\\HasNoChildren) \"/\" Archive\r\n"
          "N5 OK LIST completed\r\n");
    CHECK(store.find("alice", "INBOX")->messages.size() == 3);
    CHECK(c.send("N6 CREATE \"a\"\r\n") == "N6 OK CREATE completed\r\n");
    CHECK(c.send("N7 CREATE \"&AOk-&-\"\r\n") == "N7 OK CREATE completed\r\n");
    CHECK(c.send("N8 CREATE \"&AOkA6Q-\"\r\n") == "N8 OK CREATE completed\r\n");
    CHECK(c.send("N9 LIST \"\" \"&AOk*\"\r\n").find("N9 OK LIST completed") != std::string::npos);
}
