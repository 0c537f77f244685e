#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/imap/response.hpp"

using namespace mailscope::imap;

namespace {

// write_fetch must put on the wire exactly what the tree of make_fetch
// serializes to, and name the items the same way.
void check_written_as_built(std::uint32_t seq, const std::vector<FetchItem>& items,
                            bool quoted_8bit = false) {
    const std::string built = serialize(make_fetch(seq, items));
    std::vector<FetchItem> written_items = items;
    std::string written = "earlier bytes";
    CHECK(write_fetch(written, seq, written_items) == quoted_8bit);
    CHECK(written == "earlier bytes" + built);
    const Response shape = make_fetch(seq, items);
    REQUIRE(written_items.size() == shape.fetch.size());
    for (std::size_t i = 0; i < written_items.size(); ++i)
        CHECK(written_items[i].name == shape.fetch[i].name);
}

FetchItem unnamed(FetchItem item) {
    item.name.clear();
    return item;
}

}  // namespace

TEST_CASE("write_fetch: the flags, numbers and dates a long FETCH sends, as make_fetch") {
    check_written_as_built(1, {fetch_uid(7), fetch_flags({})});
    check_written_as_built(4294967295u, {fetch_uid(4294967295u),
                                         fetch_flags({"\\Seen", "\\Recent", "$Label1", "NIL"})});
    check_written_as_built(3, {fetch_flags({"\\Answered"}), fetch_size(0),
                               fetch_internal_date("17-Jul-1996 02:44:25 -0700"),
                               fetch_modseq(18446744073709551615ull)});
    check_written_as_built(2, {unnamed(fetch_uid(9)), unnamed(fetch_flags({"\\Draft"})),
                               unnamed(fetch_size(12)), unnamed(fetch_modseq(5))});
    check_written_as_built(2, {fetch_internal_date("a \"quoted\" \\ date")});
    check_written_as_built(2, {fetch_internal_date("17-Jul-1996 \xc3\xa9")}, true);
}

TEST_CASE("write_fetch: message data goes as literals, NIL when absent, literal8 with NUL") {
    SectionSpec whole;
    SectionSpec header;
    header.text = SectionSpec::Text::Header;
    SectionSpec fields;
    fields.part = {1, 2};
    fields.text = SectionSpec::Text::HeaderFields;
    fields.fields = {"From", "Subject"};
    check_written_as_built(5, {fetch_uid(5), fetch_section(whole, std::string("a\r\nb\r\n"))});
    check_written_as_built(5, {fetch_section(header, std::string("Subject: x\r\n\r\n"), 0u)});
    check_written_as_built(5, {fetch_section(fields, std::nullopt, 12u), fetch_flags({"\\Seen"})});
    check_written_as_built(5, {fetch_section(whole, std::string(), std::nullopt)});
    check_written_as_built(
        5, {fetch_section(whole, std::string("8-bit \xff and \0 NUL", 17), std::nullopt,
                          FetchAtt::Kind::Binary),
            fetch_section(whole, std::string("plain"), 3u, FetchAtt::Kind::Binary),
            fetch_binary_size(whole, 17)});
    for (auto kind :
         {FetchAtt::Kind::Rfc822, FetchAtt::Kind::Rfc822Header, FetchAtt::Kind::Rfc822Text}) {
        FetchItem item;
        item.kind = kind;
        item.string = std::string("Subject: \xd0\x9f\r\n\r\n");
        check_written_as_built(6, {item, fetch_uid(6)});
        item.string.reset();
        check_written_as_built(6, {fetch_uid(6), item});
    }
}

TEST_CASE("write_fetch: ENVELOPE and BODYSTRUCTURE as their trees, 8-bit quoted reported") {
    Envelope ascii;
    ascii.subject = "Hi";
    ascii.from.push_back(Address{"Terry Gray", std::nullopt, "gray", "cac.washington.edu"});
    BodyStructure text;
    text.type = "TEXT";
    text.subtype = "PLAIN";
    text.params = {{"CHARSET", "US-ASCII"}};
    text.encoding = "7BIT";
    text.size = 3028;
    text.lines = 92;
    check_written_as_built(8, {fetch_envelope(ascii), fetch_uid(8), fetch_body_structure(text),
                               fetch_body_structure(text, false)});
    Envelope full;
    full.date = "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)";
    full.subject = std::string(1100, 's');
    full.from.push_back(Address{std::nullopt, std::nullopt, "a", "x"});
    full.from.push_back(Address{"Quote \" and \\", "@route", "b", "y"});
    full.sender = full.from;
    full.reply_to.push_back(Address{"line\r\nbreak", std::nullopt, "c", "z"});
    full.to.push_back(Address{std::nullopt, std::nullopt, "group", std::nullopt});
    full.to.push_back(Address{std::nullopt, std::nullopt, std::nullopt, std::nullopt});
    full.cc.push_back(Address{"", std::nullopt, "", ""});
    full.bcc = full.reply_to;
    full.in_reply_to = "<a@b>";
    full.message_id = std::string("<nul\0@b>", 9);
    check_written_as_built(9, {fetch_flags({}), fetch_envelope(full), fetch_envelope(Envelope{})});
    Envelope eight_bit = ascii;
    eight_bit.subject = "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82";
    check_written_as_built(
        8, {fetch_uid(8), fetch_envelope(eight_bit)},
        !quoted_with_8bit(make_fetch(8, {fetch_envelope(eight_bit)}).data).empty());
}
