// SORT and THREAD (RFC 5256) in the codec and the decoding engine: the
// commands read and write back with their criteria, algorithm and charset;
// SORT and THREAD responses answer them; THREAD lists follow the grammar of
// RFC 5256 5; the RFC's examples decode without a violation.
#include <doctest/doctest.h>

#include <algorithm>
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

TEST_CASE("SORT and THREAD commands read and write back (RFC 5256 5)") {
    const std::string sort_bytes = "A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL\r\n";
    const auto sort = test::parsed_command(sort_bytes);
    CHECK(sort.verb == imap::Verb::Sort);
    const auto& args = std::get<imap::SortArgs>(sort.typed);
    REQUIRE(args.criteria.size() == 2);
    CHECK(args.criteria[0].key == "SUBJECT");
    CHECK_FALSE(args.criteria[0].reverse);
    CHECK(args.criteria[1].key == "DATE");
    CHECK(args.criteria[1].reverse);
    CHECK(args.charset == "UTF-8");
    CHECK(imap::serialize(sort) == sort_bytes);

    const auto thread =
        test::parsed_command("t1 UID THREAD orderedsubject \"US-ASCII\" TEXT x\r\n");
    CHECK(thread.verb == imap::Verb::Thread);
    CHECK(thread.uid);
    CHECK(std::get<imap::SortArgs>(thread.typed).algorithm == "ORDEREDSUBJECT");
    CHECK(std::get<imap::SortArgs>(thread.typed).charset == "US-ASCII");

    imap::SortArgs built;
    built.criteria = {{true, "ARRIVAL"}};
    built.charset = "UTF-8";
    built.keys = std::get<imap::SearchArgs>(test::parsed_command("s SEARCH UNSEEN\r\n").typed).keys;
    CHECK(imap::serialize(imap::make_command("b1", imap::Verb::Sort, built)) ==
          "b1 SORT (REVERSE ARRIVAL) UTF-8 UNSEEN\r\n");

    // The charset is not optional (search-criteria = charset 1*(SP
    // search-key)), the criteria are a non-empty list of known keys.
    for (const char* wrong :
         {"a SORT (DATE) ALL\r\n", "a SORT DATE UTF-8 ALL\r\n", "a SORT () UTF-8 ALL\r\n",
          "a SORT (REVERSE) UTF-8 ALL\r\n", "a SORT (COLOUR) UTF-8 ALL\r\n",
          "a SORT (DATE) UTF-8\r\n", "a THREAD UTF-8 ALL\r\n", "a THREAD (X) UTF-8 ALL\r\n",
          "a SORT (DATE) {5}\r\nUTF-8 ALL\r\n"}) {
        CHECK_FALSE(test::command_error(wrong).message.empty());
    }
}

TEST_CASE("SORT and THREAD responses, and the thread-list grammar") {
    const auto sort = test::parsed_response("* SORT 2 84 882\r\n");
    CHECK(sort.numbers == std::vector<std::uint32_t>{2, 84, 882});
    CHECK(imap::response_section(sort) == "RFC 5256 4");
    CHECK(imap::serialize(imap::make_sort({5, 3, 4})) == "* SORT 5 3 4\r\n");

    for (const char* right : {"* THREAD\r\n", "* THREAD (2)(3 6 (4 23)(44 7 96))\r\n",
                              "* THREAD ((3)(5))\r\n", "* THREAD (194 195)(196 (197)(198))\r\n"}) {
        const std::string line = right;
        CAPTURE(line);
        CHECK(imap::serialize(test::parsed_response(right)) == right);
    }
    for (const char* wrong : {"* THREAD (2) (3)\r\n", "* THREAD (3 (6))\r\n", "* THREAD ((3))\r\n",
                              "* THREAD ()\r\n", "* THREAD (0)\r\n", "* THREAD (3 6 (4)(5) 7)\r\n",
                              "* THREAD 3\r\n", "* THREAD (3 6 (4) (5))\r\n"}) {
        const std::string line = wrong;
        CAPTURE(line);
        CHECK(test::response_error(wrong).message.find("RFC 5256") != std::string::npos);
    }

    // The builder: a single reply follows its parent; branches are lists.
    imap::ThreadNode lone{2, {}};
    imap::ThreadNode chain{3, {{6, {{4, {{23, {}}}}, {44, {{7, {{96, {}}}}}}}}}};
    CHECK(imap::serialize(imap::make_thread({lone, chain})) ==
          "* THREAD (2)(3 6 (4 23)(44 7 96))\r\n");
    CHECK(imap::serialize(imap::make_thread({})) == "* THREAD\r\n");

    // A dummy (0) shows through its children: two or more are the branches
    // of one thread, a single one takes its place, wherever it is.
    const imap::ThreadNode siblings{0, {{3, {}}, {5, {}}}};
    const imap::ThreadNode promoted{0, {{7, {{0, {{9, {}}}}}}}};
    const imap::ThreadNode nested{4, {{0, {{6, {}}, {8, {{10, {}}}}}}, {11, {}}}};
    for (const auto& [threads, line] : {
             std::pair{std::vector{siblings}, "* THREAD ((3)(5))\r\n"},
             std::pair{std::vector{promoted, siblings}, "* THREAD (7 9)((3)(5))\r\n"},
             std::pair{std::vector{nested}, "* THREAD (4 (6)(8 10)(11))\r\n"},
         }) {
        CHECK(imap::serialize(imap::make_thread(threads)) == line);
        CHECK(imap::serialize(test::parsed_response(line)) == line);
    }
}

TEST_CASE("the engine asks for SORT and a THREAD= capability, and links the answers") {
    using test::ListedImap;
    SUBCASE("listed") {
        ListedImap o("IMAP4rev1 SORT THREAD=REFERENCES", ListedImap::Mailbox::Selected);
        // Pipelined: each answer goes to the command of its kind.
        o.client("a1 SORT (DATE) UTF-8 ALL\r\na2 THREAD REFERENCES UTF-8 ALL\r\n");
        o.server("* THREAD (1 2)(3)\r\n* SORT 3 1 2\r\na1 OK done\r\na2 OK done\r\n");
        CHECK(test::violations(o.trace).empty());
        for (const auto& [answer, tag] : {std::pair{"* SORT", "a1"}, std::pair{"* THREAD", "a2"}})
            CHECK(test::links_to(o.trace, answer, tag));
    }
    SUBCASE("not listed, or asked outside the selected state") {
        ListedImap o("IMAP4rev1");
        o.client("a0 SORT (DATE) UTF-8 ALL\r\n");
        o.server("a0 BAD no mailbox\r\n");
        o.client("s SELECT INBOX\r\n");
        o.server("* 3 EXISTS\r\ns OK [READ-WRITE] done\r\n");
        o.client("a1 THREAD ORDEREDSUBJECT UTF-8 ALL\r\n");
        const auto sections = test::violation_sections(o.trace);
        CHECK(std::find(sections.begin(), sections.end(), "RFC 5256 1") != sections.end());
        CHECK(test::violations(o.trace).size() >= 2);
    }
}

TEST_CASE("the example exchanges of RFC 5256 decode without a violation") {
    test::check_decodes_cleanly("rfc5256_sort_thread");
}
