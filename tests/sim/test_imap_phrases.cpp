// What the IMAP engine says about broken exchanges reads as Russian in
// Russian: every violation and every summary it words itself comes from the
// catalogue, whole, with no English sentence glued in.
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/catalogue.hpp"
#include "sim/imap/extended_forms.hpp"
#include "sim/imap/session.hpp"
#include "tests/sim/observer.hpp"
#include "tests/support/russian_text.hpp"

using namespace mailscope;

namespace {

using ImapObserver = test::Observer<imap::ImapSession, sim::Protocol::Imap>;

void check_russian(const sim::Said& said) {
    const auto ru = sim::render(said, sim::Language::Ru);
    INFO("English: " << sim::render(said, sim::Language::En));
    INFO("Russian: " << ru);
    CHECK(test::has_cyrillic(ru));
    CHECK(test::english_sentence_word(ru).empty());
}

// Every sentence the session worded for the events so far; the violations
// counted apart, for the caller to expect some.
std::size_t check_trace(const sim::SessionTrace& trace) {
    std::size_t rules = 0;
    for (const auto& event : trace.events()) {
        if (event.said) check_russian(*event.said);
        if (event.violation) {
            ++rules;
            check_russian(event.violation->said);
        }
    }
    return rules;
}

}  // namespace

TEST_CASE("IMAP violations and summaries read as Russian") {
    ImapObserver o;

    SUBCASE("a command in the wrong state") {
        o.server("* OK ready\r\n");
        o.client("a1 SELECT INBOX\r\n");
        CHECK(check_trace(o.trace) == 1);
    }
    SUBCASE("a line ended with LF alone") {
        o.server("* OK ready\r\n");
        o.client("a1 NOOP\n");
        CHECK(check_trace(o.trace) == 1);
    }
    SUBCASE("literal data before the server's \"+\"") {
        o.server("* OK ready\r\n");
        o.client("a1 LOGIN {5}\r\nalice secret\r\n");
        o.server("+ go ahead\r\n");
        o.server("a1 OK done\r\n");
        CHECK(check_trace(o.trace) >= 1);
    }
    SUBCASE("a literal that counts characters, not octets") {
        o.server("* OK ready\r\n");
        o.client("a1 LOGIN {5}\r\n");
        o.server("+ go ahead\r\n");
        o.client("борис secret\r\n");
        o.server("a1 NO bad\r\n");
        CHECK(check_trace(o.trace) >= 1);
    }
    SUBCASE("a response that does not parse") {
        o.server("* OK ready\r\n");
        o.client("a1 NOOP\r\n");
        o.server("* 1 FETCH (FLAGS (\\Seen)\r\n");
        o.server("a1 OK done\r\n");
        CHECK(check_trace(o.trace) >= 1);
    }
    SUBCASE("responses whose data is wrong") {
        o.server("* OK ready\r\n");
        o.client("a1 NOOP\r\n");
        o.server("* 3 EXISTS 5\r\n");
        o.server("* 1 FETCH (FLAGS)\r\n");
        o.server("a1 DONE what\r\n");
        CHECK(check_trace(o.trace) >= 3);
    }
    SUBCASE("no greeting, an unknown completion, a stray \"+\"") {
        o.server("a9 OK what\r\n");
        o.server("+ nobody asked\r\n");
        CHECK(check_trace(o.trace) >= 2);
    }
    SUBCASE("the connection closes in the middle of a literal") {
        o.server("* OK ready\r\n");
        o.client("a1 LOGIN {5}\r\n");
        o.server("+ go ahead\r\n");
        o.client("al");
        o.eof(sim::Direction::ClientToServer);
        CHECK(check_trace(o.trace) == 1);
    }
}

TEST_CASE("imap phrases: an extension's form is named in Russian, its wire words kept") {
    const auto named = [](std::string_view line) {
        const auto parsed = imap::parse_command(line);
        REQUIRE(parsed.command);
        const auto forms = imap::extended_forms(*parsed.command);
        REQUIRE(forms.size() == 1);
        return std::pair{sim::render(imap::form_said(forms[0]), sim::Language::En),
                         sim::render(imap::form_said(forms[0]), sim::Language::Ru)};
    };
    CHECK(named("a1 STATUS INBOX (SIZE)\r\n") ==
          std::pair<std::string, std::string>{"STATUS item SIZE", "элемент STATUS SIZE"});
    CHECK(
        named("a2 LIST (SUBSCRIBED) \"\" \"*\"\r\n") ==
        std::pair<std::string, std::string>{"LIST option SUBSCRIBED", "параметр LIST SUBSCRIBED"});
    // Named by wire words alone: the same in both languages.
    CHECK(named("a3 SEARCH RETURN (MIN) ALL\r\n") ==
          std::pair<std::string, std::string>{"SEARCH RETURN (MIN)", "SEARCH RETURN (MIN)"});
    CHECK(named("a4 LIST \"\" \"*\" RETURN (STATUS (MESSAGES))\r\n").second ==
          "LIST ... RETURN (STATUS ...)");
}
