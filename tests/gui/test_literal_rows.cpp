// The window draws a command with literals as its wire pieces, in wire
// order: the line up to the literal (waiting for "+"), the server's "+", the
// literal's octets, the rest of the line, then the completion, all tied to
// the command, which alone opens a span. Played on the client-literals
// lesson, as `mailscope gui --lesson client-literals` plays it.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "gui/headless_frame.hpp"
#include "gui/lesson_session.hpp"
#include "gui/screen_summary.hpp"
#include "gui/sequence_figure.hpp"
#include "gui/view_model/mailbox_snapshot.hpp"
#include "gui/view_model/row_text.hpp"
#include "lessons/lesson_loader.hpp"
#include "sim/imap/session.hpp"

using namespace mailscope;
using namespace mailscope::gui;

namespace {

std::unique_ptr<LessonSession> client_literals(std::size_t steps) {
    auto loaded = lessons::load_lesson_file(std::string(MAILSCOPE_SOURCE_DIR) +
                                            "/lessons/imap/11-client-literals.yaml");
    if (loaded.error) FAIL(lessons::to_string(*loaded.error));
    auto session = std::make_unique<LessonSession>(std::move(*loaded.lesson));
    session->jump_to(steps);
    return session;
}

const sim::TraceEvent& command(const sim::SessionTrace& trace, std::string_view tag) {
    for (const auto& event : trace.events()) {
        if (event.kind == sim::EventKind::Command && event.tag == tag) return event;
    }
    FAIL("no command " << tag);
    return trace.at(0);
}

std::vector<std::string> figure_texts(const sim::SessionTrace& trace, Language language) {
    SequenceOptions options;
    options.language = language;
    std::vector<std::string> texts;
    for (const auto& shape : sequence_figure(trace, options).shapes) {
        if (const auto* text = std::get_if<FigureText>(&shape)) texts.push_back(text->text);
    }
    return texts;
}

bool has(const std::vector<std::string>& texts, std::string_view text) {
    for (const auto& t : texts) {
        if (t == text) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("literal rows: LOGIN's literal between its \"+\" and the rest of its line") {
    const auto session = client_literals(2);
    const sim::SessionTrace& trace = session->trace();
    GuiModel model(trace);
    ViewState view;
    view.animate = false;
    view.cursor = trace.size() - 1;
    HeadlessGui gui(1600, 1000);
    gui.frame(model, view);
    gui.frame(model, view);

    const TraceIndex& index = model.index();
    const auto& login = command(trace, "a1");
    // The rows after the command, in the order the window draws them.
    std::vector<RowKind> kinds;
    std::vector<std::string> texts;
    for (std::uint64_t seq = login.seq; seq < trace.size(); ++seq) {
        if (index.lane(seq) == Lane::Internal) continue;
        kinds.push_back(index.kind(seq));
        texts.push_back(row_text(trace.at(seq), sim::Language::En));
        if (seq != login.seq) CHECK(index.command_of(seq) == login.seq);
    }
    CHECK(kinds == std::vector<RowKind>{RowKind::Command, RowKind::Continuation, RowKind::Literal,
                                        RowKind::Command, RowKind::TaggedOk});
    CHECK(texts[0] == "a1 LOGIN alice {10}");
    CHECK(texts[1] == "+ Ready for literal data");
    CHECK(texts[3] == "the line end that completes a1 LOGIN");
    CHECK(texts[4] == "a1 OK LOGIN completed");
    // One span, from the command to its completion: the pieces open none.
    CHECK(index.spans().size() == 1);
    REQUIRE(index.span_of(login.seq));
    CHECK(index.completion_of(login.seq) == trace.size() - 2);
    // The screen shows every row up to the transition the LOGIN caused.
    const ScreenSummary shown = summarize_screen(model, view);
    CHECK(shown.state == "Authenticated");
}

TEST_CASE("literal rows: the exported sequence figure draws the pieces in both languages") {
    const auto session = client_literals(5);
    const auto english = figure_texts(session->trace(), Language::En);
    CHECK(has(english, "a1 LOGIN alice {10}  (waits for \"+\")"));
    CHECK(has(english, "{10} octets of literal: **********"));
    CHECK(has(english, "\u21B5 the line end that completes the command"));
    // LITERAL+: no wait, and no "+" row before the octets.
    CHECK(has(english, "a4 APPEND Drafts {30+}"));
    const auto russian = figure_texts(session->trace(), Language::Ru);
    CHECK(has(russian, "a1 LOGIN alice {10}  (ждёт «+»)"));
    CHECK(has(russian, "\u21B5 конец строки, завершающий команду"));
    CHECK(has(russian, "литерал {10}: **********"));
    for (const auto& text : english)
        CHECK(text.find("ANNOUNCE") == std::string::npos);
}

TEST_CASE("literal rows: a mailbox named in a literal is the one the mailbox panel shows") {
    sim::SessionTrace trace;
    imap::ImapSession session(trace);
    session.feed(sim::Direction::ServerToClient, "* PREAUTH ready\r\n");
    session.feed(sim::Direction::ClientToServer, "a1 SELECT {6}\r\n");
    session.feed(sim::Direction::ServerToClient, "+ go ahead\r\n");
    session.feed(sim::Direction::ClientToServer, "Drafts\r\n");
    session.feed(sim::Direction::ServerToClient, "* 2 EXISTS\r\n");
    session.feed(sim::Direction::ServerToClient, "a1 OK [READ-WRITE] SELECT completed\r\n");
    MailboxSnapshot snapshot;
    for (const auto& event : trace.events())
        fold(snapshot, event);
    CHECK(snapshot.mailbox == "Drafts");
    CHECK(snapshot.exists == 2);
}
