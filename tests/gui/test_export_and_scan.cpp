// Exports (SVG, file names, prefixes) and the folders of the mailbox inspector.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string_view>
#include <variant>

#include "gui/export.hpp"
#include "gui/sequence_svg.hpp"
#include "gui/view_model/mailbox_snapshot.hpp"
#include "sim/imap/session.hpp"
#include "tests/support/synthetic_trace.hpp"

using namespace mailscope;
using namespace mailscope::gui;
using mailscope::test::make_synthetic_trace;

TEST_CASE("LIST responses give folders with decoded names") {
    sim::SessionTrace trace;
    imap::ImapSession session(trace);
    session.feed(sim::Direction::ServerToClient, "* PREAUTH ready\r\n");
    session.feed(sim::Direction::ClientToServer, "a1 LIST \"\" *\r\n");
    session.feed(sim::Direction::ServerToClient,
                 "* LIST (\\HasChildren) \"/\" \"&BCAEMAQxBD4EQgQw-\"\r\n"
                 "* LIST () \"/\" \"&&-bad&\"\r\n* LSUB () NIL INBOX\r\na1 OK done\r\n");
    MailboxSnapshot snapshot;
    for (const auto& event : trace.events())
        fold(snapshot, event);
    REQUIRE(snapshot.folders.size() == 3);
    CHECK(snapshot.folders[0].wire == "&BCAEMAQxBD4EQgQw-");
    CHECK(snapshot.folders[0].decoded == "Работа");
    CHECK(snapshot.folders[0].delimiter == '/');
    CHECK(snapshot.folders[0].attributes == std::vector<std::string>{"\\HasChildren"});
    // Undecodable names stay as sent.
    CHECK(snapshot.folders[1].decoded == snapshot.folders[1].wire);
    CHECK(snapshot.folders[2].decoded == "INBOX");
    CHECK_FALSE(snapshot.folders[2].delimiter);
}

TEST_CASE("XML escaping keeps markup and broken bytes out") {
    CHECK(xml_escape("a<b>&\"c\"") == "a&lt;b&gt;&amp;&quot;c&quot;");
    CHECK(xml_escape("Привет") == "Привет");
    CHECK(xml_escape(std::string("x\x01y\xff\xd0", 5)) == "x?y??");
}

TEST_CASE("the sequence diagram has both lanes and one row per event up to the cursor") {
    const sim::SessionTrace trace = make_synthetic_trace(120, 3);
    SvgOptions options;
    options.title = "T & <U>";
    options.through = 40;
    const std::string svg = sequence_svg(trace, options);
    CHECK(svg.starts_with("<?xml"));
    CHECK(svg.ends_with("</svg>\n"));
    CHECK(svg.find("Client") != std::string::npos);
    CHECK(svg.find("Server") != std::string::npos);
    CHECK(svg.find("T &amp; &lt;U&gt;") != std::string::npos);
    std::size_t seq_labels = 0;
    for (std::size_t at = svg.find("font-size=\"11\">"); at != std::string::npos;
         at = svg.find("font-size=\"11\">", at + 1)) {
        ++seq_labels;
    }
    CHECK(seq_labels == 41);

    options.language = Language::Ru;
    options.max_rows = 10;
    const std::string cut = sequence_svg(trace, options);
    CHECK(cut.find("Клиент") != std::string::npos);
    CHECK(cut.find("ещё событий: 31") != std::string::npos);
    CHECK(sequence_svg(sim::SessionTrace{}, {}).ends_with("</svg>\n"));
}

TEST_CASE("export names and prefixes") {
    CHECK(export_file_name(ExportKind::Svg, "A", 12) == "mailscope-A-12.svg");
    CHECK(export_file_name(ExportKind::Jsonl, "server for A/../x", 0) ==
          "mailscope-server-for-A-x-0.jsonl");
    CHECK(export_file_name(ExportKind::Text, "", 3) == "mailscope-session-3.txt");
    const sim::SessionTrace trace = make_synthetic_trace(50, 1);
    CHECK(trace_prefix(trace, 9).size() == 10);
    CHECK(trace_prefix(trace, 1000).size() == trace.size());
}

TEST_CASE("the SVG writes every shape of the figure the PNG draws") {
    const sim::SessionTrace trace = make_synthetic_trace(80, 2);
    SequenceOptions options;
    options.title = "Title";
    options.through = 30;
    const SequenceFigure figure = sequence_figure(trace, options);
    const std::string svg = sequence_svg(trace, options);
    std::size_t texts = 0, lines = 0, rects = 0;
    for (const FigureShape& shape : figure.shapes) {
        texts += std::holds_alternative<FigureText>(shape);
        lines += std::holds_alternative<FigureLine>(shape);
        rects += std::holds_alternative<FigureRect>(shape);
    }
    const auto count = [&](std::string_view needle) {
        std::size_t found = 0;
        for (auto at = svg.find(needle); at != std::string::npos; at = svg.find(needle, at + 1))
            ++found;
        return found;
    };
    CHECK(texts == count("<text "));
    CHECK(lines == count("<line "));
    CHECK(rects == count("<rect "));
    CHECK(figure.width == 1100);
    CHECK(svg.find(fmt::format("height=\"{}\"", figure.height)) != std::string::npos);
    // One seq label per event through the cursor, a title, two lane names.
    CHECK(texts >= 31 + 3);
}
