#include <doctest/doctest.h>

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
};

}  // namespace

TEST_CASE("SEARCH: flags, \\Recent, NEW and OLD") {
    Message message = stored(mime::build_plain_text({}, "hello"));
    message.flags.set(server::SystemFlag::Flagged, true);
    message.flags.add_keyword("$Work");
    Searcher search;
    CHECK(search(message, "ALL"));
    CHECK(search(message, "FLAGGED"));
    CHECK_FALSE(search(message, "UNFLAGGED"));
    CHECK(search(message, "UNSEEN UNANSWERED UNDELETED UNDRAFT"));
    CHECK_FALSE(search(message, "SEEN"));
    CHECK_FALSE(search(message, "ANSWERED"));
    CHECK_FALSE(search(message, "DELETED"));
    CHECK_FALSE(search(message, "DRAFT"));
    CHECK(search(message, "KEYWORD $work"));
    CHECK_FALSE(search(message, "UNKEYWORD $Work"));
    CHECK(search(message, "UNKEYWORD $Other"));
    CHECK(search(message, "OLD"));
    CHECK_FALSE(search(message, "RECENT"));
    search.recent = true;
    CHECK(search(message, "RECENT NEW"));
    message.flags.set(server::SystemFlag::Seen, true);
    CHECK_FALSE(search(message, "NEW"));
    CHECK_FALSE(search(message, "OLD"));
}

TEST_CASE("SEARCH: sizes, sequence numbers and UIDs with *") {
    const Message message = stored(mime::build_plain_text({}, "hello"));
    const std::string size = std::to_string(message.size());
    Searcher search;
    CHECK(search(message, "LARGER " + std::to_string(message.size() - 1)));
    CHECK_FALSE(search(message, "LARGER " + size));
    CHECK(search(message, "SMALLER " + std::to_string(message.size() + 1)));
    CHECK_FALSE(search(message, "SMALLER " + size));
    CHECK(search(message, "2:4"));
    CHECK_FALSE(search(message, "4:*"));
    CHECK(search(message, "UID 7"));
    CHECK(search(message, "UID 5:*"));
    CHECK_FALSE(search(message, "UID 8:*"));
    search.seq = 10;
    CHECK(search(message, "*"));
}

TEST_CASE("SEARCH: internal date by the day in its own zone") {
    const Message message = stored(mime::build_plain_text({}, "hello"));
    Searcher search;
    CHECK(search(message, "ON 16-Jul-1996"));
    CHECK_FALSE(search(message, "ON 17-Jul-1996"));
    CHECK(search(message, "SINCE 16-Jul-1996"));
    CHECK_FALSE(search(message, "SINCE 17-Jul-1996"));
    CHECK(search(message, "BEFORE 17-Jul-1996"));
    CHECK_FALSE(search(message, "BEFORE 16-Jul-1996"));
    CHECK(search(message, "SINCE \"1-Jan-1990\""));
}

TEST_CASE("SEARCH: sent dates come from the Date: header") {
    // Date: Mon, 7 Feb 1994 21:52:25 -0800 (the builder's default).
    const Message message = stored(mime::build_plain_text({}, "hello"));
    Searcher search;
    CHECK(search(message, "SENTON 7-Feb-1994"));
    CHECK(search(message, "SENTSINCE 7-feb-1994 SENTBEFORE 8-Feb-1994"));
    CHECK_FALSE(search(message, "SENTBEFORE 7-Feb-1994"));
    CHECK_FALSE(search(message, "SENTSINCE 8-Feb-1994"));

    const Message old_year = stored("Date: 3 Mar 99 10:00 GMT\r\n\r\nx");
    CHECK(search(old_year, "SENTON 3-Mar-1999"));
    const Message no_date = stored("Subject: none\r\n\r\nx");
    CHECK_FALSE(search(no_date, "SENTSINCE 1-Jan-1970"));
    CHECK_FALSE(search(no_date, "SENTBEFORE 1-Jan-2100"));
}

TEST_CASE("SEARCH: header keys are case-insensitive substrings") {
    mime::MessageHeaders headers;
    headers.extra = {{"Cc", "Carol <carol@example.net>"}, {"X-Mailer", "Mailscope 1.0"}};
    const Message message = stored(mime::build_plain_text(headers, "hello"));
    Searcher search;
    CHECK(search(message, "FROM alice"));
    CHECK(search(message, "FROM \"ALICE EXAMPLE\""));
    CHECK(search(message, "TO bob@EXAMPLE.org"));
    CHECK(search(message, "CC carol"));
    CHECK_FALSE(search(message, "BCC carol"));
    CHECK(search(message, "SUBJECT ell"));
    CHECK_FALSE(search(message, "SUBJECT goodbye"));
    CHECK(search(message, "HEADER X-Mailer scope"));
    // RFC 3501 6.4.4: an empty string matches every message with the field.
    CHECK(search(message, "HEADER x-mailer \"\""));
    CHECK_FALSE(search(message, "HEADER X-Spam \"\""));
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
    CHECK(search(commented, "FROM user-from@domain.org"));
    CHECK(search(commented, "FROM USER-FROM@DOMAIN"));
    CHECK_FALSE(search(commented, "FROM comment"));
    CHECK(search(commented, "TO \"Bob <bob@example.org>\""));
    CHECK(search(commented, "TO \"quoted, name\""));
    CHECK(search(commented, "CC team"));
    CHECK(search(commented, "CC carol@example.net"));
    CHECK_FALSE(search(commented, "BCC \"\""));
    // The header keys still see the text as written.
    CHECK(search(commented, "HEADER From comment"));
}

TEST_CASE("SEARCH: BODY and TEXT") {
    const Message message = stored(mime::build_mixed(mime::MessageHeaders{}, "See the file.",
                                                     {{"notes.txt", "text/plain", "secret word"}}));
    Searcher search;
    CHECK(search(message, "BODY \"the FILE\""));
    CHECK_FALSE(search(message, "BODY Alice"));
    CHECK(search(message, "TEXT Alice"));
    CHECK(search(message, "TEXT file"));
    // The attachment is base64 on the wire; its decoded text is searched.
    CHECK(search(message, "BODY \"secret word\""));
    CHECK_FALSE(search(message, "TEXT nowhere"));

    mime::MessageHeaders inner_headers;
    inner_headers.subject = "Inner topic";
    const Message forward = stored(mime::build_forward(
        mime::MessageHeaders{}, "FYI", mime::build_plain_text(inner_headers, "inner text")));
    CHECK(search(forward, "BODY \"inner topic\""));
    CHECK(search(forward, "BODY \"inner text\""));
    CHECK_FALSE(search(forward, "SUBJECT inner"));
}

TEST_CASE("SEARCH: Cyrillic headers and bodies in several charsets") {
    const Message message = stored(mime::build_cyrillic_sample());
    Searcher search;
    CHECK(search(message, "CHARSET UTF-8 SUBJECT " + literal("проверка")));
    CHECK(search(message, "CHARSET UTF-8 SUBJECT " + literal("КОДИР")));
    CHECK(search(message, "CHARSET UTF-8 FROM " + literal("петров")));
    CHECK(search(message, "CHARSET UTF-8 TO " + literal("мария")));
    CHECK(search(message, "CHARSET UTF-8 BODY " + literal("привет")));
    CHECK(search(message, "CHARSET UTF-8 BODY " + literal("эта")));
    CHECK(search(message, "CHARSET UTF-8 BODY " + literal("ёжик")));
    CHECK(search(message, "CHARSET UTF-8 BODY " + literal("ОТЧЁТ")));
    CHECK_FALSE(search(message, "CHARSET UTF-8 BODY " + literal("пока")));
}

TEST_CASE("SEARCH: NOT, OR and groups") {
    Message message = stored(mime::build_plain_text({}, "hello"));
    message.flags.set(server::SystemFlag::Answered, true);
    Searcher search;
    CHECK(search(message, "NOT DELETED"));
    CHECK_FALSE(search(message, "NOT ANSWERED"));
    CHECK(search(message, "OR DELETED ANSWERED"));
    CHECK_FALSE(search(message, "OR DELETED DRAFT"));
    CHECK(search(message, "(ANSWERED FROM alice) UNSEEN"));
    CHECK_FALSE(search(message, "(ANSWERED FROM carol)"));
    CHECK(search(message, "OR (DELETED) (NOT (NOT ANSWERED))"));
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
