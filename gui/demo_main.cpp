// ms_gui_demo: the GUI over a synthetic IMAP session, for trying the panels
// and taking screenshots before the engines and lessons feed it.
//
//   ms_gui_demo [--events N] [--cursor SEQ] [--lang ru|en] [--size WxH]
//               [--large] [--log] [--screenshot out.png] [--frames N]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "gui/app_window.hpp"
#include "gui/synthetic_trace.hpp"

namespace {

using namespace mailscope;

gui::LessonView demo_lesson(gui::Language language) {
    gui::LessonView lesson;
    lesson.step_index = 3;
    lesson.step_count = 9;
    if (language == gui::Language::Ru) {
        lesson.title = "Урок 1. Первый сеанс IMAP";
        lesson.narration =
            "Сервер ответил на SELECT: строка «* 5 EXISTS» сообщает число писем в ящике, "
            "а помеченный ответ «OK [READ-WRITE]» переводит сеанс в состояние Selected "
            "(переход 5 на диаграмме, RFC 3501 раздел 3).\n\nНаведите курсор на ответ, чтобы "
            "увидеть команду, на которую он отвечает.";
        lesson.hint = "Непомеченные ответы (*) приходят до помеченного завершения команды.";
        lesson.quiz =
            gui::QuizView{"Какой ответ переводит сеанс в состояние Selected?",
                          {"* 5 EXISTS", "a002 OK [READ-WRITE] SELECT completed", "* FLAGS (...)"},
                          std::nullopt,
                          std::nullopt,
                          {}};
    } else {
        lesson.title = "Lesson 1. A first IMAP session";
        lesson.narration =
            "The server answered SELECT: \"* 5 EXISTS\" gives the number of messages, and the "
            "tagged \"OK [READ-WRITE]\" moves the session to Selected (edge 5 of the diagram, "
            "RFC 3501 section 3).\n\nHover a response to see the command it answers.";
        lesson.hint = "Untagged responses (*) arrive before the command's tagged completion.";
        lesson.quiz =
            gui::QuizView{"Which response moves the session to Selected?",
                          {"* 5 EXISTS", "a002 OK [READ-WRITE] SELECT completed", "* FLAGS (...)"},
                          std::nullopt,
                          std::nullopt,
                          {}};
    }
    return lesson;
}

bool parse_size(std::string_view text, int& width, int& height) {
    const std::size_t x = text.find('x');
    if (x == std::string_view::npos) return false;
    width = std::atoi(std::string(text.substr(0, x)).c_str());
    height = std::atoi(std::string(text.substr(x + 1)).c_str());
    return width > 0 && height > 0;
}

}  // namespace

int main(int argc, char** argv) {
    gui::GuiOptions options;
    std::size_t events = 400;
    bool log_tab = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--events" && has_value) {
            events = std::strtoull(argv[++i], nullptr, 10);
        } else if (arg == "--cursor" && has_value) {
            options.cursor = std::strtoull(argv[++i], nullptr, 10);
        } else if (arg == "--lang" && has_value) {
            const auto language = gui::language_from_code(argv[++i]);
            if (!language) {
                std::fprintf(stderr, "The language must be ru or en.\n");
                return gui::gui_bad_options;
            }
            options.language = *language;
        } else if (arg == "--size" && has_value) {
            if (!parse_size(argv[++i], options.width, options.height)) {
                std::fprintf(stderr, "The size must look like 1600x1000.\n");
                return gui::gui_bad_options;
            }
        } else if (arg == "--log") {
            log_tab = true;
        } else if (arg == "--large") {
            options.large_text = true;
        } else if (arg == "--screenshot" && has_value) {
            options.screenshot_path = argv[++i];
        } else if (arg == "--frames" && has_value) {
            options.warmup_frames = std::atoi(argv[++i]);
        } else {
            std::fprintf(stderr,
                         "Usage: ms_gui_demo [--events N] [--cursor SEQ] [--lang ru|en] "
                         "[--size WxH] [--large] [--log] [--screenshot out.png] [--frames N]\n");
            return gui::gui_bad_options;
        }
    }
    const sim::SessionTrace trace = gui::make_synthetic_trace(events);
    options.trace = &trace;
    options.lesson = demo_lesson(options.language);
    if (log_tab) {
        options.on_frame = [asked = false](gui::GuiModel&, gui::ViewState& view) mutable {
            if (!asked) view.select_exchange_tab = gui::ExchangeTab::Log;
            asked = true;
        };
    }
    options.on_intents = [](const gui::FrameIntents& intents, gui::GuiModel& model,
                            gui::ViewState&) {
        gui::LessonView& lesson = model.lesson;
        switch (intents.lesson.action) {
            case gui::LessonAction::Previous:
                if (lesson.step_index > 0) --lesson.step_index;
                break;
            case gui::LessonAction::Next:
                if (lesson.step_index + 1 < lesson.step_count) ++lesson.step_index;
                break;
            case gui::LessonAction::Answer:
                if (lesson.quiz) {
                    lesson.quiz->chosen = intents.lesson.answer;
                    lesson.quiz->correct = intents.lesson.answer == 1;
                }
                break;
            case gui::LessonAction::None:
                break;
        }
    };
    return gui::run_gui(options);
}
