// Exports (SVG, file names, prefixes) and the LIST scanner of the mailbox inspector.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string_view>
#include <variant>

#include "gui/export.hpp"
#include "gui/sequence_svg.hpp"
#include "gui/view_model/list_scan.hpp"
#include "tests/support/synthetic_trace.hpp"

using namespace mailscope;
using namespace mailscope::gui;
using mailscope::test::make_synthetic_trace;

TEST_CASE("LIST responses give folders with decoded names") {
    auto folder = scan_list("* LIST (\\HasChildren) \"/\" \"&BCAEMAQxBD4EQgQw-\"\r\n");
    REQUIRE(folder);
    CHECK(folder->wire == "&BCAEMAQxBD4EQgQw-");
    CHECK(folder->decoded == "Работа");
    CHECK(folder->delimiter == '/');
    CHECK(folder->attributes == std::vector<std::string>{"\\HasChildren"});

    folder = scan_list("* LSUB () NIL INBOX");
    REQUIRE(folder);
    CHECK(folder->decoded == "INBOX");
    CHECK_FALSE(folder->delimiter);

    folder = scan_list("* LIST () \".\" {5}\r\nA.b c\r\n");
    REQUIRE(folder);
    CHECK(folder->wire == "A.b c");

    CHECK_FALSE(scan_list("* LIST (\\Noselect"));
    CHECK_FALSE(scan_list("* LIST () \"/\" {99}\r\nshort"));
    CHECK_FALSE(scan_list("* 3 EXISTS"));
    CHECK_FALSE(scan_list(""));
    // Undecodable names stay as sent.
    folder = scan_list("* LIST () \"/\" \"&&-bad&\"");
    REQUIRE(folder);
    CHECK(folder->decoded == folder->wire);
}

TEST_CASE("response codes give UIDVALIDITY and UIDNEXT") {
    CHECK(code_number("UIDVALIDITY 3857529045", "UIDVALIDITY") == 3857529045u);
    CHECK(code_number("UIDNEXT 4", "UIDNEXT") == 4u);
    CHECK_FALSE(code_number("UIDNEXT", "UIDNEXT"));
    CHECK_FALSE(code_number("UIDNEXT x", "UIDNEXT"));
    CHECK_FALSE(code_number("UNSEEN 3", "UIDNEXT"));
    CHECK_FALSE(code_number("UIDNEXT 99999999999", "UIDNEXT"));
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
