// The ACL extension in the IMAP codec and engine (RFC 4314): the five
// commands and three responses parse, serialize back, carry their sections,
// are valid in the right states, and the engine links each answer to its
// command.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "sim/core/transcript.hpp"
#include "sim/imap/command.hpp"
#include "sim/imap/response.hpp"
#include "sim/imap/sections.hpp"
#include "sim/imap/session.hpp"
#include "tests/sim/imap_parsed.hpp"

using namespace mailscope;
using namespace mailscope::imap;

using mailscope::test::parsed_command;
using mailscope::test::parsed_response;

namespace {

// A command or response that parses and serializes back to the same bytes.
template <typename Parsed>
Parsed round_trip(Parsed parsed, const std::string& bytes) {
    CHECK_MESSAGE(serialize(parsed) == bytes, bytes);
    return parsed;
}

Command command_ok(const std::string& bytes) {
    return round_trip(parsed_command(bytes), bytes);
}

Response response_ok(const std::string& bytes) {
    return round_trip(parsed_response(bytes), bytes);
}

}  // namespace

TEST_CASE("ACL commands: the examples of RFC 4314 3 parse into typed arguments") {
    auto setacl = command_ok("A002 SETACL INBOX/Drafts Chris +cda\r\n");
    CHECK(setacl.verb == Verb::Setacl);
    const auto& args = std::get<AclArgs>(setacl.typed);
    CHECK(args.mailbox == "INBOX/Drafts");
    CHECK(args.identifier == "Chris");
    CHECK(args.rights == "+cda");
    CHECK(
        std::get<AclArgs>(command_ok("A035 SETACL INBOX/Drafts John lrQswicda\r\n").typed).rights ==
        "lrQswicda");
    CHECK(std::get<AclArgs>(command_ok("a SETACL \"My Box\" \"bob\" \"\"\r\n").typed).rights == "");

    auto deleteacl = command_ok("B002 DeleteAcl INBOX Fred\r\n");
    CHECK(deleteacl.verb == Verb::Deleteacl);
    CHECK(deleteacl.name == "DeleteAcl");
    CHECK(std::get<AclArgs>(deleteacl.typed).identifier == "Fred");
    CHECK(std::get<MailboxArgs>(command_ok("A002 GETACL INBOX\r\n").typed).mailbox == "INBOX");
    auto listrights = command_ok("a001 LISTRIGHTS ~/Mail/saved smith\r\n");
    CHECK(listrights.verb == Verb::Listrights);
    CHECK(std::get<AclArgs>(listrights.typed).mailbox == "~/Mail/saved");
    CHECK(std::get<MailboxArgs>(command_ok("A003 MYRIGHTS INBOX\r\n").typed).mailbox == "INBOX");

    for (const char* bad :
         {"a SETACL INBOX fred\r\n", "a SETACL INBOX\r\n", "a SETACL INBOX fred lr extra\r\n",
          "a DELETEACL INBOX\r\n", "a DELETEACL INBOX fred lr\r\n", "a GETACL\r\n",
          "a GETACL a b\r\n", "a LISTRIGHTS INBOX\r\n", "a MYRIGHTS\r\n"}) {
        INFO(bad);
        CHECK(parse_command(std::string(bad)).error.has_value());
    }
}

TEST_CASE("ACL commands: built from typed arguments") {
    auto built = make_command("t1", Verb::Setacl, AclArgs{"#users/alice/Shared", "bob", "+lr"});
    CHECK(serialize(built) == "t1 SETACL #users/alice/Shared bob +lr\r\n");
    CHECK(serialize(make_command("t2", Verb::Setacl, AclArgs{"Shared", "bob", ""})) ==
          "t2 SETACL Shared bob \"\"\r\n");
    CHECK(serialize(make_command("t3", Verb::Deleteacl, AclArgs{"My Box", "anyone", ""})) ==
          "t3 DELETEACL \"My Box\" anyone\r\n");
    CHECK(serialize(make_command("t4", Verb::Listrights, AclArgs{"Shared", "bob", ""})) ==
          "t4 LISTRIGHTS Shared bob\r\n");
    CHECK(serialize(make_command("t5", Verb::Myrights, MailboxArgs{"INBOX", {}, {}})) ==
          "t5 MYRIGHTS INBOX\r\n");
    CHECK(verb_from_name("getacl") == Verb::Getacl);
    CHECK(verb_name(Verb::Myrights) == "MYRIGHTS");
}

TEST_CASE("ACL responses: RFC 4314 3.6-3.8 parse, serialize and build") {
    auto acl = response_ok("* ACL INBOX/Drafts Fred rwipslxetad Chris lrswi\r\n");
    REQUIRE(acl.acl);
    CHECK(acl.name == "ACL");
    CHECK(acl.acl->mailbox == "INBOX/Drafts");
    REQUIRE(acl.acl->entries.size() == 2);
    CHECK(acl.acl->entries[1].first == "Chris");
    CHECK(acl.acl->entries[1].second == "lrswi");
    CHECK(response_ok("* ACL Empty\r\n").acl->entries.empty());

    auto listrights = response_ok("* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n");
    REQUIRE(listrights.acl);
    CHECK(listrights.acl->identifier == "smith");
    CHECK(listrights.acl->rights == std::vector<std::string>{"la", "r", "swicdkxte"});
    CHECK(response_ok("* LISTRIGHTS archive.imap anyone \"\" l r s w i p k x t e c d a 0 1 2 3 "
                      "4 5 6 7 8 9\r\n")
              .acl->rights.size() == 24);

    auto myrights = response_ok("* MYRIGHTS INBOX rwiptsldaex\r\n");
    REQUIRE(myrights.acl);
    CHECK(myrights.acl->rights == std::vector<std::string>{"rwiptsldaex"});

    for (const char* bad :
         {"* ACL\r\n", "* ACL INBOX Fred\r\n", "* LISTRIGHTS INBOX smith\r\n",
          "* MYRIGHTS INBOX\r\n", "* MYRIGHTS INBOX lr extra\r\n", "* ACL INBOX (Fred) lr\r\n"}) {
        INFO(bad);
        CHECK(parse_response(std::string(bad)).error.has_value());
    }

    AclData data;
    data.mailbox = "My Box";
    data.entries = {{"alice", "lrswipkxteacd"}, {"bob", ""}};
    CHECK(serialize(make_acl(data)) == "* ACL \"My Box\" alice lrswipkxteacd bob \"\"\r\n");
    AclData rights;
    rights.mailbox = "Shared";
    rights.identifier = "bob";
    rights.rights = {"", "l", "r"};
    CHECK(serialize(make_listrights(rights)) == "* LISTRIGHTS Shared bob \"\" l r\r\n");
    rights.rights = {"lr"};
    CHECK(serialize(make_myrights(rights)) == "* MYRIGHTS Shared lr\r\n");
}

TEST_CASE("ACL: sections and states") {
    CHECK(verb_info(Verb::Setacl).section == "RFC 4314 3.1");
    CHECK(verb_info(Verb::Deleteacl).section == "RFC 4314 3.2");
    CHECK(verb_info(Verb::Getacl).section == "RFC 4314 3.3");
    CHECK(verb_info(Verb::Listrights).section == "RFC 4314 3.4");
    CHECK(verb_info(Verb::Myrights).section == "RFC 4314 3.5");
    CHECK(response_section(response_ok("* ACL INBOX fred lr\r\n")) == "RFC 4314 3.6");
    CHECK(response_section(response_ok("* LISTRIGHTS INBOX fred \"\" l\r\n")) == "RFC 4314 3.7");
    CHECK(response_section(response_ok("* MYRIGHTS INBOX lr\r\n")) == "RFC 4314 3.8");
    for (Verb verb :
         {Verb::Setacl, Verb::Deleteacl, Verb::Getacl, Verb::Listrights, Verb::Myrights}) {
        CHECK_FALSE(command_allowed(verb, State::NotAuthenticated));
        CHECK(command_allowed(verb, State::Authenticated));
        CHECK(command_allowed(verb, State::Selected));
        CHECK_FALSE(command_allowed(verb, State::Logout));
    }
}

TEST_CASE("ACL: the engine links each answer to its command, pipelined or not") {
    sim::SessionTrace trace;
    ImapSession session(trace);
    session.feed(sim::Direction::ServerToClient, "* PREAUTH ready\r\n");
    session.feed(sim::Direction::ClientToServer, "A1 GETACL Shared\r\n");
    session.feed(sim::Direction::ClientToServer, "A2 MYRIGHTS Shared\r\n");
    session.feed(sim::Direction::ClientToServer, "A3 LISTRIGHTS Shared bob\r\n");
    session.feed(sim::Direction::ServerToClient, "* MYRIGHTS Shared lrswipkxteacd\r\n");
    session.feed(sim::Direction::ServerToClient, "* LISTRIGHTS Shared bob \"\" l r\r\n");
    session.feed(sim::Direction::ServerToClient, "* ACL Shared alice lrswipkxteacd bob lr\r\n");
    session.feed(sim::Direction::ServerToClient, "A1 OK done\r\nA2 OK done\r\nA3 OK done\r\n");
    session.feed(sim::Direction::ClientToServer, "A4 SETACL Shared bob +i\r\n");
    session.feed(sim::Direction::ServerToClient, "A4 OK done\r\n");
    CHECK(session.outstanding() == 0);

    auto seq_of = [&](std::string_view start) -> std::uint64_t {
        for (const auto& event : trace.events()) {
            if (std::string_view(event.raw).starts_with(start)) return event.seq;
        }
        FAIL("no event starts with ", start);
        return 0;
    };
    auto linked = [&](std::string_view start) {
        return trace.at(seq_of(start)).link_seq.value_or(0);
    };
    CHECK(linked("* ACL") == seq_of("A1 GETACL"));
    CHECK(linked("* MYRIGHTS") == seq_of("A2 MYRIGHTS"));
    CHECK(linked("* LISTRIGHTS") == seq_of("A3 LISTRIGHTS"));
    for (const auto& event : trace.events()) {
        CHECK(event.kind != sim::EventKind::Violation);
        if (event.raw.starts_with("* ACL")) CHECK(event.section == "RFC 4314 3.6");
        if (event.raw.starts_with("A4 SETACL")) CHECK(event.section == "RFC 4314 3.1");
    }
}

TEST_CASE("ACL: the examples of RFC 4314 read as `decode` reads a transcript") {
    std::ifstream in(std::string(MAILSCOPE_TEST_DATA) + "/vectors/imap/rfc4314_acl.txt",
                     std::ios::binary);
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    const auto parsed = sim::parse_text_transcript(text.str());
    REQUIRE_FALSE(parsed.error);
    sim::SessionTrace trace;
    ImapSession session(trace);
    for (const auto& chunk : parsed.chunks)
        session.feed(chunk.dir, chunk.bytes);
    CHECK(session.outstanding() == 0);
    CHECK(session.state() == State::Selected);
    std::size_t acl = 0;
    for (const auto& event : trace.events()) {
        CHECK(event.kind != sim::EventKind::Violation);
        if (event.raw.starts_with("* ACL ")) {
            ++acl;
            CHECK(event.section == "RFC 4314 3.6");
            CHECK(event.link_seq.has_value());
        }
        if (event.raw.starts_with("* MYRIGHTS ")) CHECK(event.section == "RFC 4314 3.8");
        if (event.raw.starts_with("B002 DeleteAcl")) CHECK(event.section == "RFC 4314 3.2");
    }
    CHECK(acl == 2);
}
