#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/smtp/command.hpp"
#include "sim/smtp/message_data.hpp"
#include "sim/smtp/reply.hpp"
#include "tests/sim/smtp_vectors.hpp"

using namespace mailscope;
using namespace mailscope::smtp;

namespace {

std::string without_crlf(const std::string& bytes) {
    return bytes.substr(0, bytes.size() - 2);
}

}  // namespace

TEST_CASE("SMTP codec: the appendix D commands and replies round-trip") {
    for (const auto& name : testing::scenario_names()) {
        CAPTURE(name);
        auto lines = testing::load_scenario(name);
        REQUIRE(lines.size() > 5);
        bool in_data = false;
        std::vector<std::string> reply_lines;
        std::string data_wire;
        int commands = 0;
        int replies = 0;
        int messages = 0;
        for (const auto& line : lines) {
            if (line.dir == sim::Direction::ClientToServer) {
                if (in_data) {
                    data_wire += line.bytes;
                    if (line.bytes == ".\r\n") {
                        in_data = false;
                        ++messages;
                        // The content unstuffed and stuffed again is the same wire.
                        CHECK(dot_stuff(dot_unstuff(data_wire)) == data_wire);
                        data_wire.clear();
                    }
                    continue;
                }
                auto parsed = parse_command(without_crlf(line.bytes));
                REQUIRE_MESSAGE(parsed.command, line.bytes << parsed.error);
                CHECK(parsed.command->verb != Verb::Unknown);
                CHECK(parsed.command->warnings.empty());
                CHECK(serialize(*parsed.command) == line.bytes);
                ++commands;
            } else {
                auto parsed = parse_reply_line(without_crlf(line.bytes));
                REQUIRE(parsed);
                CHECK(code_in_range(parsed->code));
                reply_lines.push_back(parsed->text);
                if (parsed->last) {
                    std::string text;
                    for (std::size_t i = 0; i < reply_lines.size(); ++i) {
                        text += (i ? "\n" : "") + reply_lines[i];
                    }
                    auto reply = make_reply(parsed->code, "", text);
                    CHECK(reply.lines.size() == reply_lines.size());
                    reply_lines.clear();
                    ++replies;
                    if (parsed->code == 354) in_data = true;
                }
            }
        }
        CHECK(commands >= 4);
        // The greeting answers nothing; DATA is answered twice (354, then the end of data).
        CHECK(replies == commands + 1 + messages);
    }
}

TEST_CASE("SMTP codec: multi-line replies and enhanced status codes") {
    auto reply = make_reply(250, "", "foo.com greets bar.com\n8BITMIME\nSIZE\nDSN\nHELP");
    CHECK(serialize(reply) ==
          "250-foo.com greets bar.com\r\n250-8BITMIME\r\n250-SIZE\r\n250-DSN\r\n250 HELP\r\n");
    auto enhanced = make_reply(550, "5.7.1", "relaying denied");
    CHECK(serialize(enhanced) == "550 5.7.1 relaying denied\r\n");
    CHECK(serialize(make_reply(334, "", "")) == "334 \r\n");
    CHECK(serialize(Reply{250, "", {}}) == "250\r\n");
    CHECK(leading_enhanced_code("2.1.0 Ok", 250) == "2.1.0");
    CHECK(leading_enhanced_code("5.7.1 denied", 550) == "5.7.1");
    CHECK_FALSE(leading_enhanced_code("2.1.0 Ok", 550));  // class must match the code
    CHECK_FALSE(leading_enhanced_code("2.1000.0 x", 250));
    CHECK_FALSE(leading_enhanced_code("1.2.3 x", 150));
    CHECK_FALSE(leading_enhanced_code("2.1.0x", 250));

    auto line = parse_reply_line("250-SIZE 1000");
    REQUIRE(line);
    CHECK(line->code == 250);
    CHECK_FALSE(line->last);
    CHECK(line->text == "SIZE 1000");
    CHECK(parse_reply_line("250")->last);
    CHECK_FALSE(parse_reply_line("25 ok"));
    CHECK_FALSE(parse_reply_line("250_ok"));
    CHECK_FALSE(parse_reply_line("abc ok"));
    CHECK(code_in_range(250));
    CHECK(code_in_range(554));
    CHECK_FALSE(code_in_range(199));
    CHECK_FALSE(code_in_range(999));
    CHECK_FALSE(code_in_range(260));
    CHECK_FALSE(code_in_range(600));
}

TEST_CASE("SMTP codec: paths, source routes, the null path and postmaster") {
    auto routed = parse_command("MAIL FROM:<@a.example,@b.example:user@c.example>");
    REQUIRE(routed.command);
    REQUIRE(routed.command->path);
    CHECK(routed.command->path->route == std::vector<std::string>{"a.example", "b.example"});
    CHECK(routed.command->path->mailbox() == "user@c.example");
    CHECK(serialize(*routed.command) == "MAIL FROM:<@a.example,@b.example:user@c.example>\r\n");

    auto null_path = parse_command("MAIL FROM:<>");
    REQUIRE(null_path.command);
    CHECK(null_path.command->path->null());
    CHECK_FALSE(parse_command("RCPT TO:<>").command);

    auto postmaster = parse_command("RCPT TO:<Postmaster>");
    REQUIRE(postmaster.command);
    CHECK(postmaster.command->path->mailbox() == "Postmaster");
    CHECK_FALSE(parse_command("MAIL FROM:<Postmaster>").command);

    auto quoted = parse_command("RCPT TO:<\"john smith\"@example.org>");
    REQUIRE(quoted.command);
    CHECK(quoted.command->path->local_part == "\"john smith\"");

    auto literal = parse_command("RCPT TO:<alice@[127.0.0.1]>");
    REQUIRE(literal.command);
    CHECK(literal.command->path->domain == "[127.0.0.1]");

    auto spaced = parse_command("mail from: <alice@example.org>");
    REQUIRE(spaced.command);
    CHECK(spaced.command->verb == Verb::Mail);
    CHECK(spaced.command->warnings.size() == 1);

    for (const char* bad :
         {"MAIL FROM:alice@example.org", "MAIL FROM:<alice@example.org", "MAIL FROM:<alice>",
          "MAIL FROM:<al..ice@example.org>", "MAIL FROM:<alice@-bad.org>", "MAIL FROM:<@a:>",
          "MAIL FROM:<@a,:x@y>", "MAIL TO:<alice@example.org>",
          "RCPT TO:<\"unterminated@example.org>"}) {
        CAPTURE(bad);
        auto parsed = parse_command(bad);
        CHECK_FALSE(parsed.command);
        CHECK_FALSE(parsed.error.empty());
    }
    std::string long_local(65, 'a');
    CHECK_FALSE(parse_command("RCPT TO:<" + long_local + "@example.org>").command);
}

TEST_CASE("SMTP codec: ESMTP parameters and AUTH") {
    auto mail = parse_command("MAIL FROM:<a@b.org> SIZE=1000 BODY=8BITMIME AUTH=<>");
    REQUIRE(mail.command);
    REQUIRE(mail.command->parameter("SIZE"));
    CHECK(mail.command->parameter("SIZE")->value == "1000");
    CHECK(mail.command->parameter("BODY")->value == "8BITMIME");
    CHECK(mail.command->parameter("AUTH")->value == "<>");
    CHECK(serialize(*mail.command) == "MAIL FROM:<a@b.org> SIZE=1000 BODY=8BITMIME AUTH=<>\r\n");
    CHECK_FALSE(parse_command("MAIL FROM:<a@b.org> SIZE=").command);
    CHECK_FALSE(parse_command("MAIL FROM:<a@b.org>SIZE=1").command);
    CHECK_FALSE(parse_command("MAIL FROM:<a@b.org> -X").command);

    auto auth = parse_command("AUTH plain AGFsaWNlAHNlY3JldA==");
    REQUIRE(auth.command);
    CHECK(auth.command->mechanism == "PLAIN");
    CHECK(auth.command->initial_response == "AGFsaWNlAHNlY3JldA==");
    auto login = parse_command("AUTH LOGIN");
    REQUIRE(login.command);
    CHECK_FALSE(login.command->initial_response);
    CHECK_FALSE(parse_command("AUTH").command);
    CHECK(parse_command("AUTH").verb == Verb::Auth);

    CHECK_FALSE(parse_command("DATA now").command);
    CHECK_FALSE(parse_command("STARTTLS x").command);
    CHECK_FALSE(parse_command("EHLO").command);
    CHECK_FALSE(parse_command("VRFY").command);
    CHECK(parse_command("NOOP anything").command);
    CHECK(parse_command("HELP MAIL").command);
    auto unknown = parse_command("XFOO bar");
    REQUIRE(unknown.command);
    CHECK(unknown.command->verb == Verb::Unknown);
    CHECK(unknown.command->name == "XFOO");
    CHECK_FALSE(parse_command(std::string("NOOP a\0b", 8)).command);
    CHECK_FALSE(parse_command("").command);
}

TEST_CASE("SMTP codec: dot-stuffing both ways") {
    CHECK(dot_stuff("hello\r\n.hidden\r\n..two\r\n") == "hello\r\n..hidden\r\n...two\r\n.\r\n");
    CHECK(dot_stuff("") == ".\r\n");
    CHECK(dot_stuff("no newline") == "no newline\r\n.\r\n");
    CHECK(dot_stuff("lf\n.only\n") == "lf\r\n..only\r\n.\r\n");
    CHECK(dot_stuff(".") == "..\r\n.\r\n");
    CHECK(dot_unstuff("hello\r\n..hidden\r\n...two\r\n.\r\n") == "hello\r\n.hidden\r\n..two\r\n");
    CHECK(dot_unstuff(".\r\n").empty());

    // "\n.\n" is content, not the end (only CRLF.CRLF ends the data).
    DataReader smuggled(Limits{});
    std::string wire = "a\n.\nMAIL FROM:<x@y.org>\r\n.\r\nQUIT\r\n";
    auto used = smuggled.feed(wire);
    CHECK(smuggled.done());
    CHECK(used == wire.size() - 6);
    CHECK(smuggled.content() == "a\n.\nMAIL FROM:<x@y.org>\r\n");
    CHECK(smuggled.bare_line_ends() == 2);

    // Any split of the wire gives the same content.
    const std::string message = "Subject: x\r\n\r\n.line\r\n..\r\nend\r\n";
    const std::string stuffed = dot_stuff(message);
    for (std::size_t cut = 0; cut <= stuffed.size(); ++cut) {
        DataReader reader(Limits{});
        auto first = reader.feed(std::string_view(stuffed).substr(0, cut));
        CHECK(first == cut);
        reader.feed(std::string_view(stuffed).substr(cut));
        CHECK(reader.done());
        CHECK(reader.content() == message);
        CHECK(reader.wire_size() == stuffed.size());
    }

    // Content past the bound is counted, not kept.
    Limits small;
    small.max_message_size = 10;
    DataReader bounded(small);
    bounded.feed(std::string(100, 'x') + "\r\n.\r\n");
    CHECK(bounded.done());
    CHECK(bounded.truncated());
    CHECK(bounded.content().size() == 10);
    CHECK(bounded.content_size() == 102);

    DataReader long_line(Limits{});
    long_line.feed(std::string(1200, 'y') + "\r\nshort\r\n.\r\n");
    CHECK(long_line.long_lines() == 1);
    CHECK(long_line.longest_line() == 1202);
}
