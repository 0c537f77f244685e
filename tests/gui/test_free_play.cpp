// FreePlay: typed commands against the mock server on the classroom fixture.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "gui/free_play.hpp"
#include "tests/support/said_text.hpp"

using namespace mailscope;
using namespace mailscope::gui;

namespace {

std::unique_ptr<FreePlay> classroom() {
    auto made = FreePlay::from_fixture(std::string(MAILSCOPE_SOURCE_DIR) +
                                       "/server_mock/fixtures/classroom.yaml");
    if (auto* error = std::get_if<sim::Said>(&made)) FAIL(test::english(*error));
    return std::move(std::get<std::unique_ptr<FreePlay>>(made));
}

bool has(const std::vector<std::string>& verbs, const char* verb) {
    return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

bool server_said(const FreePlay& play, std::string_view text) {
    const auto& events = play.trace().events();
    return std::any_of(events.begin(), events.end(), [&](const sim::TraceEvent& event) {
        return event.dir == sim::Direction::ServerToClient &&
               event.raw.find(text) != std::string::npos;
    });
}

}  // namespace

TEST_CASE("the composer adds the tag only when it is missing") {
    struct Case {
        const char* typed;
        const char* wire;
        const char* tag;
    };
    const Case cases[] = {
        {"NOOP", "A007 NOOP\r\n", "A007"},
        // "LOGIN alice x" would read as tag LOGIN with an unknown verb.
        {"login alice wonderland", "A007 login alice wonderland\r\n", "A007"},
        {"x1 CAPABILITY\r\n", "x1 CAPABILITY\r\n", "x1"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.typed);
        const auto composed = compose_command(c.typed, "", "A007");
        REQUIRE(composed.command);
        CHECK(composed.wire == c.wire);
        CHECK(composed.command->tag == c.tag);
    }
    const auto broken = compose_command("SELECT", "", "A004");
    CHECK_FALSE(broken.command);
    CHECK_FALSE(sim::is_empty(broken.error));
}

TEST_CASE("literal sizes are counted in octets") {
    CHECK(literal_size_hint("") == "{0}");
    CHECK(literal_size_hint("abc") == "{3}");
    // Cyrillic letters take two octets each in UTF-8; line ends become CRLF.
    CHECK(literal_size_hint("Ёж\nok") == "{8}");
    CHECK(literal_size_hint("one\n---\ntwo words") == "{3} {9}");

    const auto split = split_literal_texts("a\nb\n---\nc");
    REQUIRE(split.size() == 2);
    CHECK(split[0] == "a\r\nb");
    CHECK(split[1] == "c");

    const auto login = compose_command("LOGIN {} {}", "alice\n---\nwonderland", "A001");
    REQUIRE(login.command);
    CHECK(login.wire == "A001 LOGIN {5}\r\nalice {10}\r\nwonderland\r\n");
}

TEST_CASE("the composer refuses a literal where no argument can be one") {
    // STORE's flags and ENABLE's capabilities are atoms (RFC 3501 9, RFC
    // 5161 4); the refusal names the verb before anything is sent.
    for (const auto* line : {"STORE 1 +FLAGS {}", "a1 UID STORE 1 FLAGS {}", "ENABLE {}"}) {
        CAPTURE(line);
        const auto composed = compose_command(line, "x", "A001");
        CHECK_FALSE(composed.command);
        CHECK(test::english(composed.error).find("has no argument that can be a literal") !=
              std::string::npos);
    }
    CHECK(test::english(compose_command("ENABLE {}", "x", "A001").error).starts_with("ENABLE "));
    CHECK(test::russian(compose_command("ENABLE {}", "x", "A001").error).starts_with("у ENABLE "));
    // A mailbox name or a SEARCH string can be one.
    CHECK(compose_command("SELECT {}", "INBOX", "A001").command);
    CHECK(compose_command("UID SEARCH SUBJECT {}", "hi", "A001").command);
}

TEST_CASE("the composer offers exactly the verbs of the table valid in the state") {
    auto play = classroom();
    std::vector<std::string> expected;
    for (const auto& info : imap::verbs) {
        if (info.verb != imap::Verb::Unknown && imap::command_allowed(info.verb, play->state())) {
            expected.emplace_back(info.name);
        }
    }
    CHECK(play->allowed_verbs() == expected);
    CHECK(expected == std::vector<std::string>{"CAPABILITY", "NOOP", "LOGOUT", "STARTTLS",
                                               "AUTHENTICATE", "LOGIN", "ID"});
}

TEST_CASE("free play talks to the mock server on the classroom mail") {
    auto play = classroom();
    CHECK(play->state() == imap::State::NotAuthenticated);
    CHECK(has(play->allowed_verbs(), "LOGIN"));
    CHECK_FALSE(has(play->allowed_verbs(), "SELECT"));

    // A command not valid in the state is refused before it is sent.
    const std::size_t before = play->trace().size();
    const auto refused = play->send("SELECT INBOX", "");
    REQUIRE(refused);
    CHECK(test::english(*refused).find("not valid") != std::string::npos);
    CHECK(test::russian(*refused).find("недопустима") != std::string::npos);
    CHECK(play->trace().size() == before);

    CHECK_FALSE(play->send("LOGIN {} {}", "alice\n---\nwonderland"));
    CHECK(play->state() == imap::State::Authenticated);
    CHECK(has(play->allowed_verbs(), "SELECT"));

    CHECK_FALSE(play->send("SELECT INBOX", ""));
    CHECK(play->state() == imap::State::Selected);
    CHECK(server_said(*play, "EXISTS"));

    CHECK_FALSE(play->send("LOGOUT", ""));
    CHECK(server_said(*play, "BYE"));
    CHECK(play->send("NOOP", ""));
}

TEST_CASE("a fixture that cannot be read is a sentence, not a crash") {
    auto made = FreePlay::from_fixture("/nonexistent/classroom.yaml");
    REQUIRE(std::holds_alternative<sim::Said>(made));
    CHECK(test::english(std::get<sim::Said>(made)).find("/nonexistent/classroom.yaml") !=
          std::string::npos);
}

TEST_CASE("the composer gives a line that starts with UID its own tag") {
    const auto search = compose_command("UID SEARCH ALL", "", "A005");
    REQUIRE(search.command);
    CHECK(search.wire == "A005 UID SEARCH ALL\r\n");
    CHECK(search.command->tag == "A005");
    CHECK(search.command->uid);

    const auto own = compose_command("u1 UID FETCH 1:* (FLAGS)", "", "A006");
    REQUIRE(own.command);
    CHECK(own.command->tag == "u1");
}
