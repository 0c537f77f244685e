#include <doctest/doctest.h>

#include <string>

#include "imap_vectors.hpp"
#include "sim/imap/command.hpp"
#include "sim/imap/sections.hpp"
#include "tests/sim/imap_parsed.hpp"

using namespace mailscope::imap;

using mailscope::test::command_error;
using mailscope::test::parsed_command;

TEST_CASE("command: every RFC 3501 example parses and serializes back byte for byte") {
    auto vectors = testing::load_vectors("rfc3501_commands.txt");
    REQUIRE(vectors.size() > 50);
    for (const auto& v : vectors) {
        INFO(v.section, " ", v.bytes);
        auto r = parse_command(v.bytes);
        if (r.error) INFO(r.error->message);
        REQUIRE(r.command);
        CHECK(serialize(*r.command) == v.bytes);
        if (v.bytes.rfind("A442 XPIG-LATIN", 0) == 0) {
            CHECK(r.command->verb == Verb::Unknown);
        } else {
            CHECK(r.command->verb != Verb::Unknown);
        }
    }
}

TEST_CASE("command: typed LOGIN, literals and secrets") {
    auto c = parsed_command("A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n");
    CHECK(c.tag == "A001");
    CHECK(c.verb == Verb::Login);
    const auto& login = std::get<LoginArgs>(c.typed);
    CHECK(login.user == "FRED FOOBAR");
    CHECK(login.password == "fat man");
    Frame frame;
    frame.bytes = serialize(c);
    auto ranges = secret_ranges(frame, c);
    REQUIRE(ranges.size() == 1);
    CHECK(frame.bytes.substr(ranges[0].first, ranges[0].second - ranges[0].first) == "fat man");

    auto q = parsed_command("a LOGIN joe \"pa\\\"ss\"\r\n");
    frame.bytes = serialize(q);
    ranges = secret_ranges(frame, q);
    REQUIRE(ranges.size() == 1);
    CHECK(frame.bytes.substr(ranges[0].first, ranges[0].second - ranges[0].first) == "pa\\\"ss");

    auto auth = parsed_command("a AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=\r\n");
    CHECK(std::get<AuthenticateArgs>(auth.typed).initial_response == "AGpvZQBzZWNyZXQ=");
    frame.bytes = serialize(auth);
    ranges = secret_ranges(frame, auth);
    REQUIRE(ranges.size() == 1);
    CHECK(frame.bytes.substr(ranges[0].first, ranges[0].second - ranges[0].first) ==
          "AGpvZQBzZWNyZXQ=");
}

TEST_CASE("command: SEARCH builds a key tree") {
    auto c = parsed_command("A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n");
    const auto& s = std::get<SearchArgs>(c.typed);
    REQUIRE(s.keys.size() == 3);
    CHECK(s.keys[0].kind == SearchKey::Kind::Flagged);
    CHECK(s.keys[1].kind == SearchKey::Kind::Since);
    CHECK(s.keys[1].string == "1-Feb-1994");
    CHECK(s.keys[2].kind == SearchKey::Kind::Not);
    REQUIRE(s.keys[2].children.size() == 1);
    CHECK(s.keys[2].children[0].kind == SearchKey::Kind::From);
    CHECK(s.keys[2].children[0].string == "Smith");

    auto nested = parsed_command(
        "t UID SEARCH OR (SEEN LARGER 100) NOT OR 1:5,*,9:7 HEADER X-Spam yes UID 4:2 KEYWORD "
        "$Junk\r\n");
    CHECK(nested.uid);
    const auto& n = std::get<SearchArgs>(nested.typed);
    REQUIRE(n.keys.size() == 3);
    CHECK(n.keys[0].kind == SearchKey::Kind::Or);
    CHECK(n.keys[0].children[0].kind == SearchKey::Kind::Group);
    CHECK(n.keys[0].children[0].children[1].number == 100);
    CHECK(n.keys[0].children[1].kind == SearchKey::Kind::Not);
    const auto& inner_or = n.keys[0].children[1].children[0];
    CHECK(inner_or.kind == SearchKey::Kind::Or);
    CHECK(inner_or.children[0].kind == SearchKey::Kind::SequenceSet);
    CHECK(inner_or.children[0].set.ranges.size() == 3);
    CHECK(inner_or.children[1].kind == SearchKey::Kind::Header);
    CHECK(inner_or.children[1].string == "X-Spam");
    CHECK(inner_or.children[1].value == "yes");
    CHECK(n.keys[1].kind == SearchKey::Kind::Uid);
    CHECK(n.keys[2].string == "$Junk");

    auto cs = parsed_command("A284 SEARCH CHARSET UTF-8 TEXT {6}\r\nXXXXXX\r\n");
    CHECK(std::get<SearchArgs>(cs.typed).charset == "UTF-8");
    CHECK(std::get<SearchArgs>(cs.typed).keys[0].string == "XXXXXX");

    command_error("a SEARCH SINCE 31-Foo-1994\r\n");
    command_error("a SEARCH OR SEEN\r\n");
    command_error("a SEARCH BOGUS\r\n");
    command_error("a SEARCH\r\n");
    std::string deep = "a SEARCH";
    for (int i = 0; i < 100; ++i)
        deep += " NOT";
    deep += " SEEN\r\n";
    CHECK(command_error(deep).message.find("nested deeper") != std::string::npos);
}

TEST_CASE("command: FETCH attributes, macros and sections") {
    auto c = parsed_command("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n");
    const auto& f = std::get<FetchArgs>(c.typed);
    REQUIRE(f.set.ranges.size() == 1);
    CHECK(f.set.ranges[0].first == 2);
    CHECK(f.set.ranges[0].last == 4);
    REQUIRE(f.atts.size() == 2);
    CHECK(f.atts[0].kind == FetchAtt::Kind::Flags);
    CHECK(f.atts[1].kind == FetchAtt::Kind::BodySection);
    CHECK(f.atts[1].section.text == SectionSpec::Text::HeaderFields);
    CHECK(f.atts[1].section.fields == std::vector<std::string>{"DATE", "FROM"});
    CHECK(fetch_att_name(f.atts[1]) == "BODY[HEADER.FIELDS (DATE FROM)]");

    auto full = parsed_command("a003 fetch 12 full\r\n");
    const auto& ff = std::get<FetchArgs>(full.typed);
    CHECK(ff.macro == "full");
    CHECK(ff.atts.size() == 5);
    CHECK(ff.atts[4].kind == FetchAtt::Kind::Body);

    auto peek =
        parsed_command("a UID FETCH 1:* (UID BODY.PEEK[1.2.MIME]<0.2048> BODY[] RFC822.SIZE)\r\n");
    const auto& p = std::get<FetchArgs>(peek.typed);
    REQUIRE(p.atts.size() == 4);
    CHECK(p.atts[1].peek);
    CHECK(p.atts[1].section.part == std::vector<std::uint32_t>{1, 2});
    CHECK(p.atts[1].section.text == SectionSpec::Text::Mime);
    CHECK(p.atts[1].partial == std::make_pair(0u, 2048u));
    CHECK(p.atts[2].section.text == SectionSpec::Text::None);
    CHECK(serialize(peek) ==
          "a UID FETCH 1:* (UID BODY.PEEK[1.2.MIME]<0.2048> BODY[] RFC822.SIZE)\r\n");

    command_error("a FETCH 1 BODY[MIME]\r\n");
    command_error("a FETCH 1 BODY.PEEK\r\n");
    command_error("a FETCH 0 FLAGS\r\n");
    command_error("a FETCH 1 ()\r\n");
    command_error("a FETCH 1 BODY[]<5>\r\n");
}

TEST_CASE("command: STORE forms") {
    auto c = parsed_command("a005 store 12 +flags \\deleted\r\n");
    const auto& s = std::get<StoreArgs>(c.typed);
    CHECK(s.mode == StoreArgs::Mode::Add);
    CHECK_FALSE(s.silent);
    CHECK(s.flags == std::vector<std::string>{"\\deleted"});
    auto silent = parsed_command("a STORE 1:3 -FLAGS.SILENT (\\Seen $Label1)\r\n");
    CHECK(std::get<StoreArgs>(silent.typed).mode == StoreArgs::Mode::Remove);
    CHECK(std::get<StoreArgs>(silent.typed).silent);
    CHECK(std::get<StoreArgs>(silent.typed).flags.size() == 2);
    auto replace = parsed_command("a STORE 1 FLAGS ()\r\n");
    CHECK(std::get<StoreArgs>(replace.typed).mode == StoreArgs::Mode::Replace);
    command_error("a STORE 1 FLAGS (\\*)\r\n");
    command_error("a STORE 1 LABELS (x)\r\n");
}

TEST_CASE("command: APPEND, STATUS, LIST, RENAME, ID, ENABLE, UID EXPUNGE, MOVE") {
    auto a =
        parsed_command("A1 APPEND saved (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {5+}\r\nhello\r\n");
    const auto& ap = std::get<AppendArgs>(a.typed);
    CHECK(ap.mailbox == "saved");
    REQUIRE(ap.messages.size() == 1);
    CHECK(ap.messages[0].has_flags);
    CHECK(ap.messages[0].date_time == " 7-Feb-1994 21:52:25 -0800");
    CHECK(ap.messages[0].message == "hello");
    CHECK_FALSE(a.args.back().synchronizing);
    command_error("A1 APPEND saved \"yesterday\" {5}\r\nhello\r\n");
    command_error("A1 APPEND saved hello\r\n");

    auto st = parsed_command("A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n");
    CHECK(std::get<StatusArgs>(st.typed).items == std::vector<std::string>{"UIDNEXT", "MESSAGES"});
    auto l = parsed_command("A202 LIST ~/Mail/ %\r\n");
    CHECK(std::get<ListArgs>(l.typed).reference == "~/Mail/");
    CHECK(std::get<ListArgs>(l.typed).pattern == "%");
    auto gm = parsed_command("a SELECT [Gmail]/Sent\r\n");
    CHECK(std::get<MailboxArgs>(gm.typed).mailbox == "[Gmail]/Sent");
    auto rn = parsed_command("a RENAME \"a b\" c\r\n");
    CHECK(std::get<RenameArgs>(rn.typed).from == "a b");
    auto id = parsed_command("a ID (\"name\" \"mailscope\" \"version\" NIL)\r\n");
    REQUIRE(std::get<IdArgs>(id.typed).fields.size() == 2);
    CHECK_FALSE(std::get<IdArgs>(id.typed).fields[1].second);
    CHECK(std::get<IdArgs>(parsed_command("a ID NIL\r\n").typed).fields.empty());
    CHECK(std::get<EnableArgs>(parsed_command("a ENABLE CONDSTORE UTF8=ACCEPT\r\n").typed)
              .capabilities.size() == 2);
    auto ue = parsed_command("a UID EXPUNGE 3:5\r\n");
    CHECK(ue.verb == Verb::Expunge);
    CHECK(std::get<ExpungeArgs>(ue.typed).set.ranges[0].last == 5);
    auto mv = parsed_command("a UID MOVE 42 Trash\r\n");
    CHECK(std::get<CopyArgs>(mv.typed).mailbox == "Trash");
    CHECK(parsed_command("a IDLE\r\n").verb == Verb::Idle);
    CHECK(parsed_command("a unselect\r\n").verb == Verb::Unselect);
    CHECK(parsed_command("a NAMESPACE\r\n").verb == Verb::Namespace);
}

TEST_CASE("command: strict spacing, arguments and octets") {
    CHECK(command_error("a  NOOP\r\n").message.find("two spaces") != std::string::npos);
    CHECK(command_error("a NOOP \r\n").message.find("space") != std::string::npos);
    CHECK(command_error("a NOOP x\r\n").message.find("takes no arguments") != std::string::npos);
    command_error("a LOGIN joe\r\n");
    command_error("a LOGIN joe secret extra\r\n");
    command_error("a LOGIN  joe secret\r\n");
    command_error("a SELECT\r\n");
    command_error("a STATUS box ( MESSAGES)\r\n");
    command_error("a STATUS box(MESSAGES)\r\n");
    command_error("a UID NOOP\r\n");
    command_error("a SELECT \"unterminated\r\n");
    command_error("a SELECT \"bad \\escape\"\r\n");
    command_error("a LIST \"\" \r\n");
    command_error("a NOOP");

    auto nul = parse_command(std::string("a LOGIN joe {3}\r\na\0b\r\n", 22));
    CHECK(nul.tag == "a");
    REQUIRE(nul.error);
    CHECK(nul.error->message.find("NUL") != std::string::npos);
    auto eight = parse_command("a SELECT caf\xC3\xA9\r\n");
    REQUIRE(eight.error);
    CHECK(eight.error->message.find("8-bit") != std::string::npos);
    CHECK(parsed_command("a SELECT \"caf\xC3\xA9\"\r\n").verb == Verb::Select);

    auto bad = parse_command("T17 LOGIN\r\n");
    CHECK(bad.tag == "T17");
    CHECK_FALSE(bad.command);
    CHECK(parse_command("\r\n").tag.empty());
    CHECK(parse_command("a+b NOOP\r\n").tag.empty());

    std::string deep = "a XDEEP ";
    for (int i = 0; i < 1000; ++i)
        deep += "(";
    deep += "\r\n";
    CHECK(command_error(deep).message.find("nested deeper than 32") != std::string::npos);
}

TEST_CASE("command: unknown verbs keep a generic tree") {
    auto c = parsed_command("X1 XFROB (a \"b\" {1+}\r\nc) NIL 12\r\n");
    CHECK(c.verb == Verb::Unknown);
    CHECK(c.name == "XFROB");
    REQUIRE(c.args.size() == 3);
    CHECK(c.args[0].kind == Node::Kind::List);
    CHECK(c.args[0].children[2].kind == Node::Kind::Literal);
    CHECK_FALSE(c.args[0].children[2].synchronizing);
    CHECK(c.args[1].kind == Node::Kind::Nil);
    CHECK(c.args[2].as_number() == 12u);
    CHECK(serialize(c) == "X1 XFROB (a \"b\" {1+}\r\nc) NIL 12\r\n");
}

TEST_CASE("command: builders choose the lightest form and parse back") {
    auto login = make_command("A1", Verb::Login, LoginArgs{"joe", "p w\"d"});
    CHECK(serialize(login) == "A1 LOGIN joe \"p w\\\"d\"\r\n");
    auto lit = make_command("A2", Verb::Login, LoginArgs{"jos\xC3\xA9", "x"}, false, true);
    CHECK(serialize(lit) == "A2 LOGIN {5+}\r\njos\xC3\xA9 x\r\n");
    auto nil = make_command("A3", Verb::Select, MailboxArgs{"NIL", {}, {}});
    CHECK(serialize(nil) == "A3 SELECT \"NIL\"\r\n");

    FetchArgs fetch;
    fetch.set = *SequenceSet::parse("1:*");
    FetchAtt uid;
    uid.kind = FetchAtt::Kind::Uid;
    FetchAtt sec;
    sec.kind = FetchAtt::Kind::BodySection;
    sec.peek = true;
    sec.section.part = {2};
    sec.section.text = SectionSpec::Text::HeaderFieldsNot;
    sec.section.fields = {"Received"};
    sec.partial = std::make_pair(0u, 100u);
    fetch.atts = {uid, sec};
    auto f = make_command("A4", Verb::Fetch, fetch, true);
    CHECK(serialize(f) ==
          "A4 UID FETCH 1:* (UID BODY.PEEK[2.HEADER.FIELDS.NOT (Received)]<0.100>)\r\n");

    SearchArgs search;
    SearchKey seen;
    seen.kind = SearchKey::Kind::Unseen;
    SearchKey from;
    from.kind = SearchKey::Kind::From;
    from.string = "a b";
    SearchKey orkey;
    orkey.kind = SearchKey::Kind::Or;
    orkey.children = {seen, from};
    search.keys = {orkey};
    CHECK(serialize(make_command("A5", Verb::Search, search)) ==
          "A5 SEARCH OR UNSEEN FROM \"a b\"\r\n");

    StoreArgs store;
    store.set = *SequenceSet::parse("4:2");
    store.mode = StoreArgs::Mode::Add;
    store.silent = true;
    store.flags = {"\\Seen"};
    CHECK(serialize(make_command("A6", Verb::Store, store)) ==
          "A6 STORE 4:2 +FLAGS.SILENT (\\Seen)\r\n");

    AppendArgs append;
    append.mailbox = "Sent";
    append.messages.emplace_back().message = "Subject: x\r\n\r\nhi\r\n";
    auto ap = make_command("A7", Verb::Append, append);
    CHECK(serialize(ap) == "A7 APPEND Sent {18}\r\nSubject: x\r\n\r\nhi\r\n\r\n");
    CHECK(serialize(make_command("A8", Verb::Noop)) == "A8 NOOP\r\n");
    ListArgs everything;
    everything.pattern = "*";
    CHECK(serialize(make_command("A9", Verb::List, everything)) == "A9 LIST \"\" *\r\n");
    ListArgs extended = everything;
    extended.select_options = CommandOptions{{"SUBSCRIBED", {}, false}};
    extended.pattern_list = true;
    extended.more_patterns = {"Sent/%"};
    extended.return_options = CommandOptions{{"STATUS", {"MESSAGES", "UNSEEN"}, true}};
    CHECK(serialize(make_command("A10", Verb::List, extended)) ==
          "A10 LIST (SUBSCRIBED) \"\" (* Sent/%) RETURN (STATUS (MESSAGES UNSEEN))\r\n");
    SearchArgs counted;
    counted.return_options = CommandOptions{{"MIN", {}, false}, {"PARTIAL", {"1:100"}, true}};
    counted.keys = std::get<SearchArgs>(parsed_command("s SEARCH ALL\r\n").typed).keys;
    CHECK(serialize(make_command("A11", Verb::Search, counted)) ==
          "A11 SEARCH RETURN (MIN PARTIAL 1:100) ALL\r\n");

    for (const auto& cmd : {login, lit, nil, f, ap}) {
        auto back = parse_command(serialize(cmd));
        REQUIRE(back.command);
        CHECK(serialize(*back.command) == serialize(cmd));
    }
}

TEST_CASE("command: sequence sets") {
    auto set = SequenceSet::parse("1:3,7,*,9:5");
    REQUIRE(set);
    CHECK(set->contains(2, 20));
    CHECK(set->contains(20, 20));
    CHECK(set->contains(6, 20));
    CHECK_FALSE(set->contains(4, 20));
    CHECK(set->to_string() == "1:3,7,*,9:5");
    CHECK_FALSE(SequenceSet::parse("1:"));
    CHECK_FALSE(SequenceSet::parse("0"));
    CHECK_FALSE(SequenceSet::parse("1,,2"));
    CHECK_FALSE(SequenceSet::parse("99999999999"));
}

TEST_CASE("command: RFC sections") {
    CHECK(verb_info(Verb::Login).section == "RFC 3501 6.2.3");
    CHECK(verb_info(Verb::Idle).section == "RFC 2177 3");
    CHECK(verb_name(Verb::Fetch) == "FETCH");
    CHECK(verb_from_name("uNsElEcT") == Verb::Unselect);
}

TEST_CASE("command: LIST-EXTENDED and SEARCH RETURN forms (RFC 5258, RFC 5819, RFC 4731)") {
    auto l = parsed_command("A05 LIST (REMOTE SUBSCRIBED) \"\" \"*\"\r\n");
    const auto& remote = std::get<ListArgs>(l.typed);
    REQUIRE(remote.select_options);
    CHECK(remote.select_options->size() == 2);
    CHECK((*remote.select_options)[1].name == "SUBSCRIBED");
    CHECK(remote.pattern == "*");
    CHECK(remote.extended());

    auto patterns = parsed_command("BBB LIST \"\" (\"INBOX\" \"Drafts\" \"Sent/%\")\r\n");
    const auto& many = std::get<ListArgs>(patterns.typed);
    CHECK(many.pattern_list);
    CHECK(many.pattern == "INBOX");
    CHECK(many.more_patterns == std::vector<std::string>{"Drafts", "Sent/%"});

    auto status = parsed_command("A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN SIZE))\r\n");
    const auto& returned = std::get<ListArgs>(status.typed);
    REQUIRE(returned.return_options);
    REQUIRE(returned.return_options->size() == 1);
    CHECK((*returned.return_options)[0].values ==
          std::vector<std::string>{"MESSAGES", "UNSEEN", "SIZE"});
    CHECK_FALSE(returned.select_options);

    auto plain = parsed_command("a LIST \"\" *\r\n");
    CHECK_FALSE(std::get<ListArgs>(plain.typed).extended());
    // LSUB takes none of it.
    command_error("a LSUB (SUBSCRIBED) \"\" *\r\n");
    CHECK(command_error("a LIST (RECURSIVEMATCH) \"\" %\r\n").message.find("RFC 5258 3.1") !=
          std::string::npos);
    CHECK(command_error("a LIST \"\" % RETURN (STATUS)\r\n").message.find("RFC 5819") !=
          std::string::npos);
    command_error("a LIST \"\" () \r\n");
    command_error("a LIST \"\" % RETURN CHILDREN\r\n");

    auto s = parsed_command("A285 UID SEARCH RETURN (MIN MAX) 1:5000\r\n");
    const auto& search = std::get<SearchArgs>(s.typed);
    REQUIRE(search.return_options);
    CHECK(search.return_options->size() == 2);
    CHECK(search.keys.size() == 1);
    auto empty = parsed_command("A283 SEARCH RETURN () CHARSET UTF-8 FLAGGED\r\n");
    CHECK(std::get<SearchArgs>(empty.typed).return_options->empty());
    CHECK(std::get<SearchArgs>(empty.typed).charset == "UTF-8");
    command_error("a SEARCH RETURN MIN ALL\r\n");
    command_error("a SEARCH RETURN (MIN)\r\n");

    CHECK(serialize(make_command(s.tag, s.verb, s.typed, true)) ==
          "A285 UID SEARCH RETURN (MIN MAX) 1:5000\r\n");

    // SEARCHRES: "$" stands for a whole message set (RFC 5182 3).
    auto saved = parsed_command("A283 FETCH $ (UID FLAGS)\r\n");
    CHECK(std::get<FetchArgs>(saved.typed).set.saved);
    CHECK(std::get<FetchArgs>(saved.typed).set.to_string() == "$");
    auto in_search = parsed_command("P283 SEARCH (OR $ 1,3000:3021) UID $\r\n");
    const auto& keys = std::get<SearchArgs>(in_search.typed).keys;
    CHECK(keys[0].children[0].children[0].set.saved);
    CHECK(keys[1].set.saved);
    command_error("a FETCH 1,$ (FLAGS)\r\n");
    command_error("a COPY $$ Trash\r\n");
    CHECK(serialize(make_command(status.tag, status.verb, status.typed)) ==
          "A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN SIZE))\r\n");
}
