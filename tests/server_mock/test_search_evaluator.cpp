#include <doctest/doctest.h>

#include <initializer_list>
#include <memory>
#include <string>

#include "server_mock/search_evaluator.hpp"
#include "sim/imap/command.hpp"
#include "sim/mime/builder.hpp"
#include "tests/server_mock/stored_message.hpp"

using namespace mailscope;
using server::Message;
using server::testing::search_keys;

namespace {

// 23:30 on 16 Jul 1996 at -0700 is already 17 Jul in UTC: the date keys
// must use the 16th, the date in the message's own zone.
const server::testing::ArrivedAt stored{*server::make_internal_date(1996, 7, 16, 23, 30, 0, -420)};

// A SEARCH string as an RFC 7888 non-synchronizing literal.
std::string literal(const std::string& utf8) {
    std::string out = "{";
    out += std::to_string(utf8.size());
    out += "+}\r\n";
    out += utf8;
    return out;
}

struct Searcher {
    server::ParsedCache cache;
    std::uint32_t seq = 3;
    bool recent = false;

    bool operator()(const Message& message, const std::string& text) {
        const server::MessageContext context{message, seq, recent};
        return server::matches_search(search_keys(text), context, cache, 10, 20);
    }
    // Checks that `message` matches each of `found` and none of `missed`.
    void check(const Message& message, std::initializer_list<std::string> found,
               std::initializer_list<std::string> missed = {}) {
        for (const auto& text : found) {
            CAPTURE(text);
            CHECK((*this)(message, text));
        }
        for (const auto& text : missed) {
            CAPTURE(text);
            CHECK_FALSE((*this)(message, text));
        }
    }
};

}  // namespace

TEST_CASE("SEARCH: flags, \\Recent, NEW and OLD") {
    Message message = stored(mime::build_plain_text({}, "hello"));
    message.flags.set(server::SystemFlag::Flagged, true);
    message.flags.add_keyword("$Work");
    Searcher search;
    search.check(
        message,
        {"ALL", "FLAGGED", "UNSEEN UNANSWERED UNDELETED UNDRAFT", "KEYWORD $work",
         "UNKEYWORD $Other", "OLD"},
        {"UNFLAGGED", "SEEN", "ANSWERED", "DELETED", "DRAFT", "UNKEYWORD $Work", "RECENT"});
    search.recent = true;
    CHECK(search(message, "RECENT NEW"));
    message.flags.set(server::SystemFlag::Seen, true);
    search.check(message, {}, {"NEW", "OLD"});
}

TEST_CASE("SEARCH: sizes, sequence numbers and UIDs with *") {
    const Message message = stored(mime::build_plain_text({}, "hello"));
    const std::string size = std::to_string(message.size());
    Searcher search;
    search.check(message,
                 {"LARGER " + std::to_string(message.size() - 1),
                  "SMALLER " + std::to_string(message.size() + 1), "2:4", "UID 7", "UID 5:*"},
                 {"LARGER " + size, "SMALLER " + size, "4:*", "UID 8:*"});
    search.seq = 10;
    CHECK(search(message, "*"));
}

TEST_CASE("SEARCH: internal date by the day in its own zone") {
    const Message message = stored(mime::build_plain_text({}, "hello"));
    Searcher search;
    search.check(
        message,
        {"ON 16-Jul-1996", "SINCE 16-Jul-1996", "BEFORE 17-Jul-1996", "SINCE \"1-Jan-1990\""},
        {"ON 17-Jul-1996", "SINCE 17-Jul-1996", "BEFORE 16-Jul-1996"});
}

TEST_CASE("SEARCH: sent dates come from the Date: header") {
    // Date: Mon, 7 Feb 1994 21:52:25 -0800 (the builder's default).
    const Message message = stored(mime::build_plain_text({}, "hello"));
    Searcher search;
    search.check(message, {"SENTON 7-Feb-1994", "SENTSINCE 7-feb-1994 SENTBEFORE 8-Feb-1994"},
                 {"SENTBEFORE 7-Feb-1994", "SENTSINCE 8-Feb-1994"});

    const Message old_year = stored("Date: 3 Mar 99 10:00 GMT\r\n\r\nx");
    CHECK(search(old_year, "SENTON 3-Mar-1999"));
    const Message no_date = stored("Subject: none\r\n\r\nx");
    search.check(no_date, {}, {"SENTSINCE 1-Jan-1970", "SENTBEFORE 1-Jan-2100"});
}

TEST_CASE("SEARCH: header keys are case-insensitive substrings") {
    mime::MessageHeaders headers;
    headers.extra = {{"Cc", "Carol <carol@example.net>"}, {"X-Mailer", "Mailscope 1.0"}};
    const Message message = stored(mime::build_plain_text(headers, "hello"));
    Searcher search;
    search.check(message,
                 {"FROM alice", "FROM \"ALICE EXAMPLE\"", "TO bob@EXAMPLE.org", "CC carol",
                  "SUBJECT ell", "HEADER X-Mailer scope"},
                 {"BCC carol", "SUBJECT goodbye"});
    // RFC 3501 6.4.4: an empty string matches every message with the field.
    search.check(message, {"HEADER x-mailer \"\""}, {"HEADER X-Spam \"\""});
}

TEST_CASE("SEARCH: FROM, TO, CC and BCC match the envelope's addresses, not the header text") {
    // RFC 3501 6.4.4 "the envelope structure's FROM field": comments and
    // folding inside an address must not hide it.
    const Message commented = stored(
        "From: <user-from (comment)@ (comment) domain.org>\r\n"
        "To: Bob\r\n <bob@example.org>, \"Quoted, Name\" <q@x.test>\r\n"
        "Cc: Team: carol@example.net;\r\n"
        "Subject: addresses\r\n\r\nbody\r\n");
    Searcher search;
    search.check(
        commented,
        {"FROM user-from@domain.org", "FROM USER-FROM@DOMAIN", "TO \"Bob <bob@example.org>\"",
         "TO \"quoted, name\"", "CC team", "CC carol@example.net"},
        {"FROM comment", "BCC \"\""});
    // The header keys still see the text as written.
    CHECK(search(commented, "HEADER From comment"));
}

TEST_CASE("SEARCH: BODY and TEXT") {
    const Message message = stored(mime::build_mixed(mime::MessageHeaders{}, "See the file.",
                                                     {{"notes.txt", "text/plain", "secret word"}}));
    Searcher search;
    search.check(message, {"BODY \"the FILE\"", "TEXT Alice", "TEXT file"}, {"BODY Alice"});
    // The attachment is base64 on the wire; its decoded text is searched.
    search.check(message, {"BODY \"secret word\""}, {"TEXT nowhere"});

    mime::MessageHeaders inner_headers;
    inner_headers.subject = "Inner topic";
    const Message forward = stored(mime::build_forward(
        mime::MessageHeaders{}, "FYI", mime::build_plain_text(inner_headers, "inner text")));
    search.check(forward, {"BODY \"inner topic\"", "BODY \"inner text\""}, {"SUBJECT inner"});
}

TEST_CASE("SEARCH: Cyrillic headers and bodies in several charsets") {
    const Message message = stored(mime::build_cyrillic_sample());
    Searcher search;
    search.check(
        message,
        {"CHARSET UTF-8 SUBJECT " + literal("проверка"),
         "CHARSET UTF-8 SUBJECT " + literal("КОДИР"), "CHARSET UTF-8 FROM " + literal("петров"),
         "CHARSET UTF-8 TO " + literal("мария"), "CHARSET UTF-8 BODY " + literal("привет"),
         "CHARSET UTF-8 BODY " + literal("эта"), "CHARSET UTF-8 BODY " + literal("ёжик"),
         "CHARSET UTF-8 BODY " + literal("ОТЧЁТ")},
        {"CHARSET UTF-8 BODY " + literal("пока")});
}

TEST_CASE("SEARCH: NOT, OR and groups") {
    Message message = stored(mime::build_plain_text({}, "hello"));
    message.flags.set(server::SystemFlag::Answered, true);
    Searcher search;
    search.check(message,
                 {"NOT DELETED", "OR DELETED ANSWERED", "(ANSWERED FROM alice) UNSEEN",
                  "OR (DELETED) (NOT (NOT ANSWERED))"},
                 {"NOT ANSWERED", "OR DELETED DRAFT", "(ANSWERED FROM carol)"});
}

TEST_CASE("SEARCH: errors before running") {
    CHECK_FALSE(server::search_error(search_keys("SINCE 1-Feb-1994 FROM x")));
    const auto error = server::search_error(search_keys("OR ALL (NOT BEFORE 31-Feb-2024)"));
    REQUIRE(error);
    CHECK(error->find("31-Feb-2024") != std::string::npos);
    CHECK(server::search_error(search_keys("SENTON 30-Feb-2001")));
}

TEST_CASE("SEARCH: strings in another charset are converted to UTF-8") {
    auto criteria = search_keys("CHARSET KOI8-R SUBJECT {4}\r\n\xf0\xf2\xcf\xd7");
    CHECK_FALSE(server::convert_search_charset(criteria, "KOI8-R"));
    CHECK(criteria.front().string == "\xd0\x9f\xd0\xa0\xd0\xbe\xd0\xb2");
    auto unknown = search_keys("SUBJECT x");
    CHECK(server::convert_search_charset(unknown, "X-UNKNOWN"));
    CHECK(unknown.front().string == "x");
}

TEST_CASE("SEARCH: case folding") {
    CHECK(server::fold_case("ПРИВЕТ Ёжик ÀB") == "привет ёжик àb");
    CHECK(server::fold_case("\xff") == "\xef\xbf\xbd");
}
