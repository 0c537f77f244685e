#include <doctest/doctest.h>
#include <fmt/format.h>

#include <memory>
#include <string>

#include "server_mock/fetch_responder.hpp"
#include "server_mock/imap_envelope.hpp"
#include "server_mock/parsed_cache.hpp"
#include "sim/imap/command.hpp"
#include "sim/imap/response.hpp"
#include "sim/mime/builder.hpp"
#include "tests/server_mock/stored_message.hpp"

using namespace mailscope;
using server::Message;

namespace {

const server::testing::ArrivedAt stored{*server::make_internal_date(1996, 7, 17, 2, 44, 25, -420)};

struct Answer {
    std::string wire;
    bool sets_seen = false;
    std::size_t replaced_nuls = 0;
};

Answer fetch(const Message& message, const std::string& text, bool recent = false,
             bool uid_command = false) {
    server::ParsedCache cache;
    Answer answer;
    server::MessageContext context{message, 3, recent};
    server::FetchEffects effects;
    auto items = server::build_fetch_items(context, server::testing::fetch_atts(text), cache,
                                           uid_command, effects);
    answer.wire = imap::serialize(imap::make_fetch(3, std::move(items)));
    answer.sets_seen = effects.sets_seen;
    answer.replaced_nuls = effects.replaced_nuls;
    return answer;
}

}  // namespace

const mime::MessageHeaders kHeaders;

std::string plain_text() {
    return mime::build_plain_text(kHeaders, "Hi Bob,\nsee you.\n");
}

const std::string kEnvelope =
    "ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800\" \"Hello\" "
    "((\"Alice Example\" NIL \"alice\" \"example.org\")) "
    "((\"Alice Example\" NIL \"alice\" \"example.org\")) "
    "((\"Alice Example\" NIL \"alice\" \"example.org\")) "
    "((\"Bob Example\" NIL \"bob\" \"example.org\")) NIL NIL NIL \"<mailscope.1@example.org>\")";

TEST_CASE("FETCH: flags, UID, size, internal date, envelope and structure of a plain message") {
    Message plain = stored(plain_text());
    plain.flags.set(server::SystemFlag::Seen, true);
    plain.flags.add_keyword("$Work");
    const Answer answer =
        fetch(plain, "(FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE BODY BODYSTRUCTURE)", true);
    CHECK(answer.wire ==
          "* 3 FETCH (FLAGS (\\Seen \\Recent $Work) UID 7 RFC822.SIZE 286 INTERNALDATE "
          "\"17-Jul-1996 02:44:25 -0700\" " +
              kEnvelope +
              " BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 19 2) "
              "BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 19 2 "
              "NIL NIL NIL NIL))\r\n");
    CHECK_FALSE(answer.sets_seen);
}

TEST_CASE("FETCH: the macros arrive expanded and keep their order") {
    const Message plain = stored(plain_text());
    CHECK(fetch(plain, "FAST").wire ==
          "* 3 FETCH (FLAGS () INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 286)\r\n");
}

TEST_CASE("FETCH: UID FETCH puts UID first unless it was asked for (RFC 3501 6.4.8)") {
    const Message plain = stored(plain_text());
    CHECK(fetch(plain, "FLAGS", false, true).wire == "* 3 FETCH (UID 7 FLAGS ())\r\n");
    CHECK(fetch(plain, "(FLAGS UID)", false, true).wire == "* 3 FETCH (FLAGS () UID 7)\r\n");
}

TEST_CASE("FETCH: body sections, partial ranges and PEEK") {
    const Message plain = stored(plain_text());
    Answer answer = fetch(plain, "(BODY.PEEK[HEADER.FIELDS (Subject From)] BODY.PEEK[TEXT]<2.5>)");
    CHECK(answer.wire ==
          "* 3 FETCH (BODY[HEADER.FIELDS (Subject From)] {59}\r\n"
          "From: Alice Example <alice@example.org>\r\nSubject: Hello\r\n\r\n"
          " BODY[TEXT]<2> {5}\r\n Bob,)\r\n");
    CHECK_FALSE(answer.sets_seen);

    answer = fetch(plain, "BODY[HEADER.FIELDS.NOT (Date From To Message-ID MIME-Version)]");
    CHECK(answer.wire ==
          "* 3 FETCH (BODY[HEADER.FIELDS.NOT (Date From To Message-ID MIME-Version)] {95}\r\n"
          "Subject: Hello\r\nContent-Type: text/plain; charset=us-ascii\r\n"
          "Content-Transfer-Encoding: 7bit\r\n\r\n)\r\n");
    CHECK(answer.sets_seen);

    // An origin past the end gives an empty string (RFC 3501 6.4.5). Message
    // data is always a literal, as curl and other clients expect.
    CHECK(fetch(plain, "BODY.PEEK[TEXT]<500.10>").wire ==
          "* 3 FETCH (BODY[TEXT]<500> {0}\r\n)\r\n");
    CHECK(fetch(plain, "BODY.PEEK[1]").wire ==
          "* 3 FETCH (BODY[1] {19}\r\nHi Bob,\r\nsee you.\r\n)\r\n");
    CHECK(fetch(plain, "BODY.PEEK[]<0.4>").wire == "* 3 FETCH (BODY[]<0> {4}\r\nDate)\r\n");
}

TEST_CASE("FETCH: RFC822 items and when they set \\Seen") {
    Message plain = stored(plain_text());
    Answer answer = fetch(plain, "RFC822.HEADER");
    CHECK(answer.wire.starts_with("* 3 FETCH (RFC822.HEADER {267}\r\nDate: "));
    CHECK(answer.wire.ends_with("7bit\r\n\r\n)\r\n"));
    CHECK_FALSE(answer.sets_seen);

    answer = fetch(plain, "RFC822.TEXT");
    CHECK(answer.wire == "* 3 FETCH (RFC822.TEXT {19}\r\nHi Bob,\r\nsee you.\r\n)\r\n");
    CHECK(answer.sets_seen);

    answer = fetch(plain, "RFC822");
    CHECK(answer.wire.starts_with("* 3 FETCH (RFC822 {286}\r\nDate: "));
    CHECK(answer.sets_seen);

    plain.flags.set(server::SystemFlag::Seen, true);
    CHECK_FALSE(fetch(plain, "(RFC822 BODY[])").sets_seen);
}

TEST_CASE("FETCH: a multipart with an attachment") {
    const Message mixed =
        stored(mime::build_mixed(kHeaders, "See the file.", {{"notes.txt", "text/plain", "abc"}}));
    CHECK(fetch(mixed, "(BODYSTRUCTURE BODY[1.MIME] BODY.PEEK[2] BODY[3] BODY[1.2.3])").wire ==
          "* 3 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL "
          "\"7BIT\" 13 1 NIL NIL NIL NIL)(\"TEXT\" \"PLAIN\" NIL NIL NIL \"BASE64\" 6 1 NIL "
          "(\"ATTACHMENT\" (\"FILENAME\" \"notes.txt\")) NIL NIL) \"MIXED\" (\"BOUNDARY\" "
          "\"=_mixed_boundary_1\") NIL NIL NIL) BODY[1.MIME] {79}\r\n"
          "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
          " BODY[2] {6}\r\nYWJj\r\n BODY[3] {0}\r\n BODY[1.2.3] {0}\r\n)\r\n");
    CHECK(fetch(mixed, "BODY").wire ==
          "* 3 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 13 "
          "1)(\"TEXT\" \"PLAIN\" NIL NIL NIL \"BASE64\" 6 1) \"MIXED\"))\r\n");
}

TEST_CASE("FETCH: a forwarded message/rfc822 part") {
    const Message forward =
        stored(mime::build_forward(kHeaders, "FYI", mime::build_plain_text(kHeaders, "inner")));
    const std::string wire = fetch(forward, "(BODYSTRUCTURE BODY[2.HEADER] BODY[2.1])").wire;
    const std::string inner_envelope = kEnvelope.substr(std::string("ENVELOPE ").size());
    CHECK(wire ==
          "* 3 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL "
          "\"7BIT\" 3 1 NIL NIL NIL NIL)(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 272 " +
              inner_envelope +
              " (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 5 1 NIL NIL NIL "
              "NIL) 10 NIL (\"INLINE\" NIL) NIL NIL) \"MIXED\" (\"BOUNDARY\" "
              "\"=_forward_boundary_1\") NIL NIL NIL) BODY[2.HEADER] {267}\r\n"
              "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
              "From: Alice Example <alice@example.org>\r\nTo: Bob Example <bob@example.org>\r\n"
              "Subject: Hello\r\nMessage-ID: <mailscope.1@example.org>\r\nMIME-Version: 1.0\r\n"
              "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n"
              "\r\n BODY[2.1] {5}\r\ninner)\r\n");
}

// The shape of the BODY example in RFC 3501 7.4.2, rebuilt with parts of
// the same sizes and line counts.
TEST_CASE("FETCH: the RFC 3501 7.4.2 BODY example") {
    std::string first;
    for (int i = 0; i < 22; ++i)
        first += std::string(48, 'a') + "\r\n";
    first += std::string(52, 'b');
    std::string second;
    for (int i = 0; i < 72; ++i)
        second += std::string(60, 'Q') + "\r\n";
    second += std::string(90, 'Q');
    const std::string raw =
        "From: Terry Gray <gray@cac.washington.edu>\r\n"
        "Subject: IMAP4rev1 WG mtg summary and minutes\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: MULTIPART/MIXED; BOUNDARY=\"b1\"\r\n\r\n"
        "--b1\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n" +
        first +
        "\r\n--b1\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff\r\n"
        "Content-ID: <960723163407.20117h@cac.washington.edu>\r\n"
        "Content-Description: Compiler diff\r\nContent-Transfer-Encoding: BASE64\r\n\r\n" +
        second + "\r\n--b1--\r\n";
    CHECK(fetch(stored(raw), "BODY").wire ==
          "* 3 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 "
          "23)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") "
          "\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) "
          "\"MIXED\"))\r\n");
}

// RFC 3501 9 writes address lists as "(" 1*address ")", without spaces
// between the addresses; this comparison ignores those spaces so it checks
// the content of the envelope, whichever way the codec separates them.
std::string without_list_spaces(std::string text) {
    for (std::size_t at = text.find(") ("); at != std::string::npos; at = text.find(") (", at))
        text.erase(at + 1, 1);
    return text;
}

TEST_CASE("FETCH: envelope with groups, absent fields and defaults") {
    const std::string raw =
        "From: \"Joe Q. Public\" <john.q.public@example.com>\r\n"
        "Reply-To: Mary <mary@x.test>\r\n"
        "To: A Group:Ed Jones <c@a.test>,joe@where.test;\r\n"
        "Cc: Undisclosed recipients:;\r\n\r\nbody\r\n";
    const Message message = stored(raw);
    server::ParsedCache cache;
    const imap::Envelope envelope = server::to_imap_envelope(cache.get(message).envelope);
    CHECK_FALSE(envelope.date);
    CHECK_FALSE(envelope.subject);
    REQUIRE(envelope.to.size() == 4);
    CHECK(envelope.to[0].mailbox == std::optional<std::string>("A Group"));
    CHECK_FALSE(envelope.to[0].host);
    CHECK_FALSE(envelope.to[3].mailbox);
    CHECK(without_list_spaces(fetch(message, "ENVELOPE").wire) ==
          without_list_spaces(
              "* 3 FETCH (ENVELOPE (NIL NIL ((\"Joe Q. Public\" NIL \"john.q.public\" "
              "\"example.com\")) ((\"Joe Q. Public\" NIL \"john.q.public\" \"example.com\")) "
              "((\"Mary\" NIL \"mary\" \"x.test\")) ((NIL NIL \"A Group\" NIL)(\"Ed Jones\" NIL "
              "\"c\" \"a.test\")(NIL NIL \"joe\" \"where.test\")(NIL NIL NIL NIL)) ((NIL NIL "
              "\"Undisclosed recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL))\r\n"));
}

TEST_CASE("FETCH: Cyrillic sample keeps encoded words and 8-bit parts as literals") {
    const Message russian = stored(mime::build_cyrillic_sample());
    const std::string structure = fetch(russian, "BODYSTRUCTURE").wire;
    CHECK(structure.starts_with("* 3 FETCH (BODYSTRUCTURE (("));
    CHECK(structure.find("\"MIXED\"") != std::string::npos);
    CHECK(structure.find("\"windows-1251\"") != std::string::npos);
    const std::string subject = fetch(russian, "BODY.PEEK[HEADER.FIELDS (SUBJECT)]").wire;
    CHECK(subject.find("=?") != std::string::npos);
}

TEST_CASE("FETCH: a message without octets answers empty, never crashes") {
    Message empty;
    empty.uid = 1;
    const Answer answer = fetch(empty, "(RFC822.SIZE BODY[] BODY[1.MIME] BODYSTRUCTURE)");
    CHECK(answer.wire.starts_with("* 3 FETCH (RFC822.SIZE 0 BODY[] {0}\r\n BODY[1.MIME] {0}\r\n"));
}

TEST_CASE("ParsedCache: one parse per content, bounded, safe with copies") {
    server::ParsedCache cache(3);
    const Message a = stored(plain_text(), 1);
    Message copy = a;
    copy.uid = 9;
    const mime::ParsedMessage& first = cache.get(a);
    CHECK(&cache.get(copy) == &first);
    CHECK(cache.size() == 1);
    for (server::Uid uid = 2; uid < 10; ++uid)
        cache.get(stored(fmt::format("Subject: {}\r\n\r\nx", uid), uid));
    CHECK(cache.size() == 3);
    CHECK(cache.get(a).envelope.subject == std::optional<std::string>("Hello"));

    // An entry whose octets were freed is never returned for new octets.
    server::ParsedCache fresh;
    std::optional<std::string> subject;
    for (int i = 0; i < 50; ++i) {
        const Message temporary = stored(fmt::format("Subject: s{}\r\n\r\n", i), 1);
        subject = fresh.get(temporary).envelope.subject;
        CHECK(subject == std::optional<std::string>(fmt::format("s{}", i)));
    }
}

TEST_CASE("FETCH: hostile nesting stays bounded and answers") {
    std::string raw;
    for (int depth = 0; depth < 200; ++depth) {
        const std::string boundary = fmt::format("b{}", depth);
        raw += "Content-Type: multipart/mixed; boundary=";
        raw += boundary;
        raw += "\r\n\r\n--";
        raw += boundary;
        raw += "\r\n";
    }
    raw += "\r\ntext\xff\r\n";
    const Message hostile = stored(raw);
    const Answer answer =
        fetch(hostile, "(BODYSTRUCTURE ENVELOPE BODY.PEEK[1.1.1.1.MIME] BODY.PEEK[999.1]<5.5>)");
    CHECK(answer.wire.starts_with("* 3 FETCH (BODYSTRUCTURE ("));
    CHECK(answer.wire.ends_with(" BODY[999.1]<5> {0}\r\n)\r\n"));
}

TEST_CASE("FETCH: a stored NUL goes out as 0x80, in sections and in the envelope") {
    using namespace std::string_literals;
    const Message message = stored("Subject: a\0b\r\n\r\nline\0one\r\n\0\r\n"s);
    const Answer body = fetch(message, "(RFC822.SIZE BODY.PEEK[])");
    CHECK(body.replaced_nuls == 3);
    CHECK(body.wire.find('\0') == std::string::npos);
    CHECK(body.wire ==
          "* 3 FETCH (RFC822.SIZE 29 BODY[] {29}\r\nSubject: a\x80"
          "b\r\n\r\nline\x80"
          "one\r\n\x80\r\n)\r\n");
    const Answer envelope = fetch(message, "(ENVELOPE BODY[TEXT]<4.4>)");
    CHECK(envelope.replaced_nuls == 3);
    CHECK(envelope.wire.find('\0') == std::string::npos);
    CHECK(envelope.wire.find("{3}\r\na\x80"
                             "b") != std::string::npos);
    CHECK(envelope.wire.find("BODY[TEXT]<4> {4}\r\n\x80"
                             "one)") != std::string::npos);
    // FLAGS, UID and the size never need the octets.
    CHECK(fetch(message, "(FLAGS UID RFC822.SIZE)").replaced_nuls == 0);
    // The stored message is untouched.
    CHECK(message.octets->find('\0') != std::string::npos);
}
