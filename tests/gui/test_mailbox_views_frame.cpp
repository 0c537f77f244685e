// The mailbox panel of a lesson of each protocol, drawn without a window at
// the sizes a classroom uses: it shows the store beside the client's view
// and nothing is cut off.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>

#include "gui/headless_frame.hpp"
#include "gui/lesson_session.hpp"
#include "lessons/lesson_loader.hpp"

using namespace mailscope;
using namespace mailscope::gui;

namespace {

lessons::Lesson load(const char* relative) {
    const std::string path = std::string(MAILSCOPE_SOURCE_DIR) + "/lessons/" + relative;
    auto result = lessons::load_lesson_file(path);
    if (result.error) FAIL(lessons::to_string(*result.error));
    return std::move(*result.lesson);
}

struct Case {
    const char* lesson;
    std::size_t steps;
    const char* view;
    std::size_t rows;
    std::size_t greyed;
};

}  // namespace

TEST_CASE(
    "the mailbox panel of an IMAP, a POP3 and an SMTP lesson fits at 1280x720 and 1920x1080") {
    const Case cases[] = {
        {"imap/08-select-and-examine.yaml", 4, "imap", 6, 6},
        {"pop3/01-pop3-session.yaml", 6, "pop3", 3, 3},  // LIST: sizes, no UIDL yet
        {"smtp/01-smtp-session.yaml", 9, "smtp", 7, 0},
    };
    for (const Case& c : cases) {
        LessonSession session(load(c.lesson));
        session.jump_to(c.steps);
        for (const auto& [width, height] : {std::pair{1280, 720}, std::pair{1920, 1080}}) {
            for (const Language language : {Language::Ru, Language::En}) {
                const std::string where = fmt::format("{} at {}x{} in {}", c.lesson, width, height,
                                                      language == Language::Ru ? "ru" : "en");
                CAPTURE(where);
                HeadlessGui gui(width, height);
                GuiModel model(session.trace());
                model.store_truth = &session.store_truth();
                ViewState view;
                view.language = language;
                view.animate = false;
                for (int frame = 0; frame < 3; ++frame)
                    gui.frame(model, view);
                CHECK(view.mailbox_shown.view == c.view);
                CHECK(view.mailbox_shown.rows == c.rows);
                CHECK(view.mailbox_shown.greyed_rows == c.greyed);
                CHECK_MESSAGE(view.layout_problems.empty(),
                              fmt::format("{}", fmt::join(view.layout_problems, "; ")));
                const auto& mailbox =
                    view.layout.rects[static_cast<std::size_t>(LayoutSlot::Mailbox)];
                REQUIRE(mailbox);
                // Not shrunk to a strip: there is something to show.
                CHECK(mailbox->height > height / 5.0f);
            }
        }
    }
}
