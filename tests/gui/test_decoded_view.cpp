#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>

#include "gui/view_model/decoded_view.hpp"
#include "sim/mime/builder.hpp"

using namespace mailscope;
using mailscope::gui::decoded_literal_lines;
using mailscope::gui::decoded_mailbox_names;
using mailscope::gui::decoded_note;

namespace {

bool has_line(const std::vector<std::string>& lines, const std::string& wanted) {
    return std::find(lines.begin(), lines.end(), wanted) != lines.end();
}

bool has_part_of_line(const std::vector<std::string>& lines, const std::string& wanted) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
        return line.find(wanted) != std::string::npos;
    });
}

sim::TraceEvent wire(sim::EventKind kind, std::string name, std::string raw) {
    sim::TraceEvent event;
    event.kind = kind;
    event.name = std::move(name);
    event.raw = std::move(raw);
    return event;
}

}  // namespace

TEST_CASE("a literal holding the Cyrillic sample shows its subject and bodies decoded") {
    const auto lines = decoded_literal_lines(mime::build_cyrillic_sample(), 200, 200);
    // The subject travels as windows-1251 quoted-printable encoded-words.
    CHECK(has_line(lines, "Subject: Проверка кодировок"));
    CHECK(has_part_of_line(lines, "From: Иван Петров <ivan@example.ru>"));
    CHECK(has_line(lines, "Привет! Это письмо в кодировке windows-1251."));
    CHECK(has_line(lines, "А эта часть в KOI8-R, закодирована quoted-printable."));
    // The third part is base64 on the wire.
    CHECK(has_line(lines, "Третья часть: UTF-8 в base64. Ёжик!"));
    CHECK(has_part_of_line(lines, "charset=windows-1251"));
    CHECK(has_part_of_line(lines, "(base64)"));
}

TEST_CASE("a body section without a header is shown as text") {
    const auto lines = decoded_literal_lines("just text\r\nsecond line\r\n");
    CHECK(has_line(lines, "just text"));
    CHECK(has_line(lines, "second line"));
}

TEST_CASE("decoded literal lines wrap on characters and stop at the limit") {
    const std::string cyrillic = "Subject: x\r\n\r\n" + std::string(40, 'a') + "\r\n";
    const auto wrapped = decoded_literal_lines(cyrillic, 16, 64);
    CHECK(has_line(wrapped, std::string(16, 'a')));
    CHECK(has_line(wrapped, std::string(8, 'a')));

    std::string many = "Subject: many\r\n\r\n";
    for (int i = 0; i < 500; ++i)
        many += "line\r\n";
    const auto cut = decoded_literal_lines(many, 96, 10);
    REQUIRE(cut.size() == 10);
    CHECK(cut.back() == "... more not shown");

    const auto utf8 = decoded_literal_lines("Ёжик ёжик", 4, 10);
    CHECK(has_line(utf8, "Ёжик"));
}

TEST_CASE("hostile literals stay bounded") {
    std::string nested;
    for (int i = 0; i < 2000; ++i) {
        nested += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" +
                  std::to_string(i) + "\r\n";
    }
    CHECK(decoded_literal_lines(nested, 96, 64).size() <= 64);
    CHECK(decoded_literal_lines(std::string(100000, '\n'), 96, 64).size() <= 64);
    CHECK(decoded_literal_lines("", 96, 64).size() <= 1);
    CHECK(decoded_literal_lines("abc", 0, 0).empty());
}

TEST_CASE("modified UTF-7 mailbox names are decoded beside LIST and SELECT lines") {
    const auto list =
        wire(sim::EventKind::Untagged, "LIST",
             "* LIST (\\HasNoChildren) \"/\" \"&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-\"\r\n");
    const auto names = decoded_mailbox_names(list);
    REQUIRE(names.size() == 1);
    CHECK(names[0].raw == "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-");
    CHECK(names[0].decoded == "Отправленные");
    CHECK(decoded_note(list, "hidden", gui::NoteForm::Short) == "Отправленные");

    const auto select =
        wire(sim::EventKind::Command, "SELECT", "A3 SELECT &BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-\r\n");
    CHECK(decoded_note(select, "hidden") ==
          "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1- \u2192 Отправленные");

    CHECK(decoded_mailbox_names(wire(sim::EventKind::Command, "SELECT", "A1 SELECT INBOX\r\n"))
              .empty());
    // Not a valid modified UTF-7 name: nothing to show rather than garbage.
    CHECK(decoded_mailbox_names(wire(sim::EventKind::Command, "SELECT", "A1 SELECT a&b\r\n"))
              .empty());
    // Every command whose verb table row says it names a mailbox, the UID
    // forms and the ACL commands too.
    for (const auto& command :
         {std::pair{"UID MOVE", "A4 UID MOVE 1:3 &BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-\r\n"},
          std::pair{"MYRIGHTS", "A5 MYRIGHTS &BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-\r\n"}}) {
        // Not a structured binding: CAPTURE's lambda cannot name one in clang 14.
        const char* name = command.first;
        const char* line = command.second;
        CAPTURE(name);
        CHECK(decoded_note(wire(sim::EventKind::Command, name, line), "hidden",
                           gui::NoteForm::Short) == "Отправленные");
    }
    // FETCH data is not a mailbox name even when it has an ampersand.
    CHECK(decoded_mailbox_names(
              wire(sim::EventKind::Untagged, "FETCH", "* 1 FETCH (FLAGS (&BB4-))\r\n"))
              .empty());
}

TEST_CASE("a masked secret is only called hidden") {
    auto sasl = wire(sim::EventKind::Command, "", "********\r\n");
    sasl.redacted = true;
    CHECK(decoded_note(sasl, "hidden") == "hidden");
    CHECK(decoded_note(wire(sim::EventKind::Command, "NOOP", "A1 NOOP\r\n"), "hidden").empty());
}
