// POP3 commands, replies and dot-stuffing: the RFC 1939 examples round-trip,
// and hostile lines are refused with a reason.
#include <doctest/doctest.h>

#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "pop3_vectors.hpp"
#include "sim/pop3/command.hpp"
#include "sim/pop3/reply.hpp"

using namespace mailscope;
using namespace mailscope::pop3;

TEST_CASE("pop3 codec: every command line of the RFC examples parses and serializes back") {
    auto exchanges = testing::load_exchanges("rfc1939_exchanges.txt");
    REQUIRE(exchanges.size() >= 18);
    std::size_t commands = 0;
    for (const auto& exchange : exchanges) {
        for (const auto& line : exchange.lines) {
            if (line.dir != sim::Direction::ClientToServer) continue;
            CAPTURE(exchange.section);
            CAPTURE(line.text);
            auto parsed = parse_command(line.text);
            REQUIRE(parsed.command);
            CHECK(parsed.command->verb != Verb::Unknown);
            CHECK(serialize(*parsed.command) == line.text + "\r\n");
            ++commands;
        }
    }
    CHECK(commands >= 30);
}

TEST_CASE("pop3 codec: every status line of the RFC examples parses and serializes back") {
    std::size_t replies = 0;
    for (const auto& exchange : testing::load_exchanges("rfc1939_exchanges.txt")) {
        for (const auto& line : exchange.lines) {
            if (line.dir != sim::Direction::ServerToClient) continue;
            if (!line.text.starts_with("+OK") && !line.text.starts_with("-ERR")) continue;
            CAPTURE(line.text);
            auto reply = parse_status_line(line.text);
            REQUIRE(reply);
            CHECK(serialize(*reply) == line.text + "\r\n");
            ++replies;
        }
    }
    CHECK(replies >= 35);
}

TEST_CASE("pop3 codec: RFC 2449 response codes") {
    auto reply = parse_status_line("-ERR [IN-USE] Do you have another POP session running?");
    REQUIRE(reply);
    CHECK(reply->kind == ReplyKind::Err);
    CHECK(reply->code == "IN-USE");
    CHECK(reply->text == "Do you have another POP session running?");
    auto hierarchical = parse_status_line("-ERR [SYS/TEMP] try later");
    REQUIRE(hierarchical);
    CHECK(hierarchical->code == "SYS/TEMP");
    // A bracket that is no code stays text.
    auto plain = parse_status_line("+OK [not a code");
    REQUIRE(plain);
    CHECK(plain->code.empty());
    CHECK(plain->text == "[not a code");
    CHECK(serialize(make_err("locked", "IN-USE")) == "-ERR [IN-USE] locked\r\n");
    auto challenge = parse_status_line("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+");
    REQUIRE(challenge);
    CHECK(challenge->kind == ReplyKind::Continuation);
    CHECK_FALSE(parse_status_line("+ok lower case"));
    CHECK_FALSE(parse_status_line("OK"));
    CHECK_FALSE(parse_status_line("+OKAY"));
}

TEST_CASE("pop3 codec: which replies are multi-line") {
    auto multiline = [](const char* line) {
        auto parsed = parse_command(line);
        REQUIRE(parsed.command);
        return reply_is_multiline(*parsed.command);
    };
    CHECK(multiline("LIST"));
    CHECK_FALSE(multiline("LIST 1"));
    CHECK(multiline("UIDL"));
    CHECK_FALSE(multiline("UIDL 2"));
    CHECK(multiline("RETR 1"));
    CHECK(multiline("TOP 1 0"));
    CHECK(multiline("CAPA"));
    CHECK(multiline("AUTH"));
    CHECK_FALSE(multiline("AUTH PLAIN"));
    CHECK_FALSE(multiline("STAT"));
    CHECK_FALSE(multiline("DELE 1"));
    CHECK_FALSE(multiline("LAST"));
}

TEST_CASE("pop3 codec: arguments are checked") {
    auto error = [](const char* line) { return parse_command(line).error; };
    CHECK(error("RETR") == "RETR takes 1 argument");
    CHECK(error("RETR 0") == "message numbers start at 1");
    CHECK(error("LIST 99999999999999999999").find("not a number") != std::string::npos);
    CHECK(error("LIST 4294967296").find("not a number") != std::string::npos);
    CHECK(parse_command("LIST 4294967295").command);
    CHECK(error("TOP 1") == "TOP takes 2 arguments");
    CHECK(parse_command("TOP 1 0").command);
    CHECK(error("APOP mrose nothex").find("32 hexadecimal") != std::string::npos);
    CHECK(error("STAT 1") == "STAT takes no argument");
    CHECK(error("AB").find("three or four") != std::string::npos);
    CHECK(error("R3TR 1").find("letters") != std::string::npos);
    CHECK(error("") == "an empty command line");
    auto nul = parse_command(std::string_view("USER a\0b", 8));
    CHECK_FALSE(nul.command);
    CHECK(nul.error == "a NUL octet in a command line");
    CHECK(nul.keyword == "USER");
    // PASS keeps spaces: the password is the rest of the line (RFC 1939 7).
    auto pass = parse_command("PASS two words ");
    REQUIRE(pass.command);
    REQUIRE(pass.command->args.size() == 1);
    CHECK(pass.command->args[0] == "two words ");
    // Unknown keywords parse: the server answers -ERR, the trace names them.
    auto unknown = parse_command("XTND XMIT");
    REQUIRE(unknown.command);
    CHECK(unknown.command->verb == Verb::Unknown);
    CHECK(unknown.command->keyword == "XTND");
    CHECK(serialize(*unknown.command) == "XTND XMIT\r\n");
    // Keywords are case-insensitive (RFC 1939 3).
    auto lower = parse_command("retr 2");
    REQUIRE(lower.command);
    CHECK(lower.command->verb == Verb::Retr);
}

TEST_CASE("pop3 codec: LAST parses and says it is obsolete") {
    auto last = parse_command("LAST");
    REQUIRE(last.command);
    CHECK(last.command->verb == Verb::Last);
    CHECK(verb_info(Verb::Last).section == "RFC 1725 5");
    CHECK(std::string(sim::phrase_format(verb_info(Verb::Last).purpose, sim::Language::En))
              .find("obsolete") != std::string::npos);
    CHECK(command_allowed(Verb::Last, State::Transaction));
    CHECK_FALSE(command_allowed(Verb::Last, State::Authorization));
}

TEST_CASE("pop3 codec: commands allowed per state") {
    CHECK(command_allowed(Verb::User, State::Authorization));
    CHECK_FALSE(command_allowed(Verb::User, State::Transaction));
    CHECK(command_allowed(Verb::Capa, State::Authorization));
    CHECK(command_allowed(Verb::Capa, State::Transaction));
    CHECK(command_allowed(Verb::Quit, State::Authorization));
    CHECK(command_allowed(Verb::Quit, State::Transaction));
    CHECK_FALSE(command_allowed(Verb::Stat, State::Authorization));
    CHECK_FALSE(command_allowed(Verb::Noop, State::Authorization));
    CHECK_FALSE(command_allowed(Verb::Stls, State::Transaction));
    CHECK_FALSE(command_allowed(Verb::Retr, State::Update));
}

TEST_CASE("pop3 codec: dot-stuffing both ways") {
    const std::string message = "Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\nmiddle . dot\r\n.";
    const std::string stuffed = dot_stuff(message);
    CHECK(stuffed == "Subject: dots\r\n\r\n..\r\n...\r\n..leading\r\nmiddle . dot\r\n..\r\n.\r\n");
    // The last line had no CRLF: stuffing adds one, so unstuffing gives it back with one.
    CHECK(dot_unstuff(stuffed.substr(0, stuffed.size() - 3)) == message + "\r\n");
    CHECK(dot_stuff("") == ".\r\n");
    auto reply = make_multiline("2 messages", "1 120\r\n2 200\r\n");
    CHECK(serialize(reply) == "+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n");
}

TEST_CASE("pop3 codec: the multi-line decoder gives the same data for every split") {
    const std::string message = "From: a\r\n\r\n.\r\n..two\r\n.x\r\nend\r\n";
    const std::string wire = dot_stuff(message) + "+OK next";
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
        for (std::size_t cut2 = cut; cut2 <= wire.size(); cut2 += 3) {
            MultilineDecoder decoder;
            std::size_t used = decoder.feed(std::string_view(wire).substr(0, cut));
            if (!decoder.done())
                used += decoder.feed(std::string_view(wire).substr(cut, cut2 - cut));
            if (!decoder.done()) used += decoder.feed(std::string_view(wire).substr(cut2));
            CAPTURE(cut);
            CAPTURE(cut2);
            REQUIRE(decoder.done());
            CHECK(decoder.data() == message);
            CHECK(used == wire.size() - std::string("+OK next").size());
            CHECK(decoder.terminator_size() == 3);
            CHECK_FALSE(decoder.bare_lf());
        }
    }
}

TEST_CASE("pop3 codec: the decoder reads any bytes alike, whole or one octet at a time") {
    // Lines of every shape: stuffed dots, bare CR and LF, long runs that the
    // decoder takes a word at a time, and a terminator somewhere or nowhere.
    std::mt19937 random(1939);
    const std::string_view pieces[] = {
        "a",  "bc",   ".", "\r", "\n", "\r\n", ".\r\n", "\r\n.\r\n", "0123456789abcdefghij",
        "..", "\n.\n"};
    for (int round = 0; round < 2000; ++round) {
        std::string wire;
        const int count = static_cast<int>(random() % 40);
        for (int i = 0; i < count; ++i)
            wire += pieces[random() % std::size(pieces)];
        MultilineDecoder whole(round % 3 == 0 ? 16 : ~0ull);
        const std::size_t used_whole = whole.feed(wire);
        MultilineDecoder octets(round % 3 == 0 ? 16 : ~0ull);
        std::size_t used_octets = 0;
        for (std::size_t i = 0; i < wire.size() && !octets.done(); ++i)
            used_octets += octets.feed(std::string_view(wire).substr(i, 1));
        CAPTURE(wire);
        CHECK(used_whole == used_octets);
        CHECK(whole.done() == octets.done());
        CHECK(whole.data() == octets.data());
        CHECK(whole.data_size() == octets.data_size());
        CHECK(whole.bare_lf() == octets.bare_lf());
        CHECK(whole.terminator_size() == octets.terminator_size());
    }
}

TEST_CASE("pop3 codec: the decoder keeps a bounded prefix and counts the rest") {
    MultilineDecoder decoder(10);
    std::string body(1 << 20, 'x');
    body += "\r\n.\r\n";
    CHECK(decoder.feed(body) == body.size());
    CHECK(decoder.done());
    CHECK(decoder.data().size() == 10);
    CHECK(decoder.data_size() == (1u << 20) + 2);
    CHECK(decoder.truncated());
}

TEST_CASE("pop3 codec: a bare LF terminator is noticed") {
    MultilineDecoder decoder;
    decoder.feed("line\n.\n");
    CHECK(decoder.done());
    CHECK(decoder.bare_lf());
    CHECK(decoder.terminator_size() == 2);
    CHECK(decoder.data() == "line\n");
}
