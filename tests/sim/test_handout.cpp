// Handouts (sim/core/handout.hpp): the HTML page and the Mermaid diagram of
// a stretch of a session, in both languages, with secrets masked, markup and
// broken bytes made harmless, and only the events asked for.
#include <doctest/doctest.h>

#include <string>

#include "sim/core/handout.hpp"
#include "sim/imap/session.hpp"

using namespace mailscope;
using namespace mailscope::sim;

namespace {

// A session that logs in, selects, has a flag stored and a message
// expunged, with 8-bit octets in a quoted string from the client and a
// completion whose tag no command carries from the server.
SessionTrace classroom_session() {
    SessionTrace trace(Protocol::Imap, "alice <lab>");
    imap::ImapSession session(trace);
    session.feed(Direction::ServerToClient, "* OK ready\r\n");
    session.feed(Direction::ClientToServer, "a1 LOGIN alice wonderland\r\n");
    session.feed(Direction::ServerToClient, "a1 OK done\r\n");
    session.feed(Direction::ClientToServer, "a2 SELECT INBOX\r\n");
    session.feed(Direction::ServerToClient, "* 3 EXISTS\r\na2 OK [READ-WRITE] done\r\n");
    session.feed(Direction::ClientToServer, "a3 STORE 2 +FLAGS (\\Seen)\r\n");
    session.feed(Direction::ServerToClient, "* 2 FETCH (FLAGS (\\Seen))\r\na3 OK done\r\n");
    session.feed(Direction::ClientToServer, "a4 SEARCH SUBJECT \"<b>;#x\xff\"\r\n");
    session.feed(Direction::ServerToClient, "* SEARCH\r\na4 OK done\r\n");
    session.feed(Direction::ClientToServer, "a5 EXPUNGE\r\n");
    session.feed(Direction::ServerToClient, "* 1 EXPUNGE\r\na5 OK done\r\n");
    session.feed(Direction::ServerToClient, "a9 OK nobody asked\r\n");
    return trace;
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t found = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++found;
    return found;
}

}  // namespace

TEST_CASE("a handout page holds the state path, the mailbox changes, the rules and the exchange") {
    const SessionTrace trace = classroom_session();
    const HandoutPart part{&trace, "alice", 0, std::nullopt};
    const std::string en = handout_html({&part, 1}, {Language::En, "Lab <1>"});
    CHECK(en.starts_with("<!DOCTYPE html>"));
    CHECK(en.find("<html lang=\"en\">") != std::string::npos);
    CHECK(en.find("@page { size: A4") != std::string::npos);
    // Self-contained: nothing to fetch when it is opened.
    CHECK(en.find("http") == std::string::npos);
    CHECK(en.find("<script") == std::string::npos);
    CHECK(en.find("<title>Lab &lt;1&gt;</title>") != std::string::npos);
    CHECK(en.find("State path") != std::string::npos);
    CHECK(en.find("Not Authenticated") != std::string::npos);
    CHECK(en.find("Mailbox changes") != std::string::npos);
    // 8-bit octets in a quoted string (RFC 3501 4.3) and a stray completion (2.2.2).
    CHECK(en.find("Rules broken: 2") != std::string::npos);
    CHECK(en.find("<b>RFC 3501 2.2.2</b>") != std::string::npos);
    // The password never appears; the wire text is escaped, a broken byte shown as \xFF.
    CHECK(en.find("wonderland") == std::string::npos);
    CHECK(en.find("<b>;") == std::string::npos);
    CHECK(en.find("&lt;b&gt;;#x\\xFF") != std::string::npos);
    CHECK(count(en, "<tr class=") == trace.size());

    const std::string ru = handout_html({&part, 1}, {Language::Ru, "Лабораторная"});
    CHECK(ru.find("<html lang=\"ru\">") != std::string::npos);
    CHECK(ru.find("Путь по состояниям") != std::string::npos);
    CHECK(ru.find("Не аутентифицирован (Not Authenticated)") != std::string::npos);
    CHECK(ru.find("Нарушено правил: 2") != std::string::npos);
}

TEST_CASE("a handout covers only the events asked for") {
    const SessionTrace trace = classroom_session();
    const HandoutPart first_three{&trace, {}, 0, 2};
    const std::string page = handout_html({&first_three, 1}, {Language::En, "start"});
    CHECK(count(page, "<tr class=") == 3);
    CHECK(page.find("SELECT") == std::string::npos);
    CHECK(page.find("Rules broken: 0") != std::string::npos);
    const HandoutPart past_the_end{&trace, {}, 5, 100000};
    CHECK(count(handout_html({&past_the_end, 1}, {}), "<tr class=") == trace.size() - 5);
}

TEST_CASE("a Mermaid diagram has a participant per client and Mermaid's syntax escaped") {
    const SessionTrace a = classroom_session();
    const SessionTrace b = classroom_session();
    const HandoutPart parts[] = {{&a, "A", 0, 4}, {&b, "B", 0, 4}, {&a, "A", 5, std::nullopt}};
    const std::string diagram = handout_mermaid(parts, {Language::En, "two; #clients"});
    CHECK(diagram.starts_with("sequenceDiagram\n    title two#59; #35;clients\n"));
    CHECK(count(diagram, "participant C1 as client A") == 1);
    CHECK(count(diagram, "participant C2 as client B") == 1);
    CHECK(count(diagram, "participant ") == 3);
    CHECK(diagram.find("C1->>S: a1 LOGIN alice \"***\"") != std::string::npos);
    CHECK(diagram.find("C2->>S: a1 LOGIN") != std::string::npos);
    CHECK(diagram.find("S-->>C1: a1 OK done") != std::string::npos);
    CHECK(diagram.find("Note over C1,S: (4) Not Authenticated") != std::string::npos);
    CHECK(diagram.find("wonderland") == std::string::npos);
    CHECK(diagram.find("#lt;b#gt;#59;#35;x\\xFF") != std::string::npos);
    // Every line is a statement: nothing the wire carried starts a new one.
    for (std::size_t start = 0; start < diagram.size();) {
        const auto end = diagram.find('\n', start);
        const std::string line = diagram.substr(start, end - start);
        CHECK_MESSAGE((line == "sequenceDiagram" || line.starts_with("    ")), line);
        start = end + 1;
    }
    // The events of the later part come after the earlier parts'.
    CHECK(diagram.find("C1->>S: a5 EXPUNGE") > diagram.find("C2->>S: a1 LOGIN"));
}
