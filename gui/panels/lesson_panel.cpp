// Lesson: the narration of the step about to run, its question (asked before
// the step runs), what the step just run left behind (its verdict, every
// failed check with the lesson's file:line) and the controls: back, next,
// play/pause with a speed, jump to a step, and the client shown.
#include <fmt/format.h>

#include "gui/panels/panels.hpp"
#include "gui/theme.hpp"

namespace mailscope::gui {

namespace {

void colored_wrapped(ImU32 color, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

void section(const char* title) {
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::TextUnformatted(title);
}

void draw_open_quiz(PanelContext& context, const QuizView& quiz) {
    section(context.text(Text::Question));
    ImGui::TextWrapped("%s", quiz.question.c_str());
    if (quiz.options.empty()) {
        auto& typed = context.view.quiz_input;
        ImGui::SetNextItemWidth(-ImGui::CalcTextSize(context.text(Text::SubmitAnswer)).x -
                                ImGui::GetStyle().FramePadding.x * 4);
        const bool entered =
            ImGui::InputTextWithHint("###typed", context.text(Text::YourAnswer), typed.data(),
                                     typed.size(), ImGuiInputTextFlags_EnterReturnsTrue);
        ImGui::SameLine();
        if ((ImGui::Button(context.text(Text::SubmitAnswer)) || entered) && typed[0] != '\0') {
            context.intents.lesson.action = LessonAction::Answer;
            context.intents.lesson.typed = typed.data();
            typed.fill('\0');
        }
        if (!quiz.typed.empty()) ImGui::TextDisabled("%s", quiz.typed.c_str());
    } else {
        for (std::size_t i = 0; i < quiz.options.size(); ++i) {
            const std::string label = fmt::format("{}###option{}", quiz.options[i], i);
            if (ImGui::RadioButton(label.c_str(), quiz.chosen == i)) {
                context.intents.lesson.action = LessonAction::Answer;
                context.intents.lesson.answer = i;
            }
        }
    }
    ImGui::TextDisabled("%s", context.text(Text::AnswerLater));
}

void draw_verdict(PanelContext& context, const QuizView& quiz) {
    ImGui::TextWrapped("%s", quiz.question.c_str());
    if (quiz.chosen && *quiz.chosen < quiz.options.size()) {
        ImGui::BulletText("%s", quiz.options[*quiz.chosen].c_str());
    } else if (!quiz.typed.empty()) {
        ImGui::BulletText("%s", quiz.typed.c_str());
    }
    if (!quiz.correct) {
        ImGui::TextDisabled("%s", context.text(Text::Unanswered));
    } else {
        colored_wrapped(theme::kind_color(*quiz.correct ? RowKind::TaggedOk : RowKind::TaggedBad),
                        context.text(*quiz.correct ? Text::Correct : Text::Incorrect));
    }
    if (!quiz.explanation.empty()) {
        ImGui::TextDisabled("%s", context.text(Text::AnswerWas));
        ImGui::TextWrapped("%s", quiz.explanation.c_str());
    }
}

void draw_last_step(PanelContext& context, const LessonView& lesson) {
    if (!lesson.last_ran) return;
    section(fmt::format(fmt::runtime(context.text(Text::StepJustRan)), lesson.step_index).c_str());
    if (lesson.failures.empty()) {
        colored_wrapped(theme::kind_color(RowKind::TaggedOk), context.text(Text::ChecksHeld));
    } else {
        colored_wrapped(theme::kind_color(RowKind::Violation), context.text(Text::ChecksFailed));
        for (const std::string& failure : lesson.failures) {
            ImGui::PushFont(context.mono());
            colored_wrapped(theme::kind_color(RowKind::TaggedBad), failure);
            ImGui::PopFont();
        }
    }
    if (lesson.last_quiz) draw_verdict(context, *lesson.last_quiz);
}

void draw_controls(PanelContext& context, const LessonView& lesson) {
    LessonIntent& intent = context.intents.lesson;
    ImGui::BeginDisabled(lesson.step_index == 0);
    if (ImGui::Button(fmt::format("\u25C0 {}", context.text(Text::Previous)).c_str()))
        intent.action = LessonAction::Previous;
    note_control(context, "previous");
    ImGui::EndDisabled();
    ImGui::BeginDisabled(lesson.step_index >= lesson.step_count);
    const std::string next = fmt::format("{} \u25B6", context.text(Text::Next));
    same_line_if_room(button_width(next.c_str()));
    if (ImGui::Button(next.c_str())) intent.action = LessonAction::Next;
    note_control(context, "next");
    const Text play_text = lesson.playing ? Text::Pause : Text::Play;
    const std::string play = fmt::format("{}###lesson_play", context.text(play_text));
    same_line_if_room(button_width(play.c_str()));
    if (ImGui::Button(play.c_str()))
        intent.action = lesson.playing ? LessonAction::Pause : LessonAction::Play;
    ImGui::EndDisabled();
    float seconds = lesson.seconds_per_step;
    const float slider = ImGui::GetFontSize() * 5;
    const char* per_step = context.text(Text::SecondsPerStep);
    same_line_if_room(slider + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(per_step).x);
    ImGui::SetNextItemWidth(slider);
    if (ImGui::SliderFloat("###lesson_speed", &seconds, 0.5f, 10.0f, "%.1f")) {
        intent.action = LessonAction::SetSpeed;
        intent.seconds_per_step = seconds;
    }
    ImGui::SameLine();
    ImGui::TextDisabled("%s", per_step);

    int step = static_cast<int>(lesson.step_index);
    ImGui::SetNextItemWidth(-ImGui::CalcTextSize(context.text(Text::GoToStep)).x -
                            ImGui::GetStyle().ItemInnerSpacing.x * 2);
    if (ImGui::SliderInt(context.text(Text::GoToStep), &step, 0,
                         static_cast<int>(lesson.step_count))) {
        intent.action = LessonAction::JumpTo;
        intent.answer = static_cast<std::size_t>(step);
    }

    if (lesson.clients.size() > 1) {
        ImGui::TextUnformatted(context.text(Text::ClientShown));
        for (std::size_t c = 0; c < lesson.clients.size(); ++c) {
            const std::string label = fmt::format("{}###client{}", lesson.clients[c], c);
            same_line_if_room(ImGui::CalcTextSize(label.c_str(), nullptr, true).x +
                              ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x);
            if (ImGui::RadioButton(label.c_str(), lesson.client == c)) {
                intent.action = LessonAction::SelectClient;
                intent.answer = c;
            }
        }
    }
}

}  // namespace

void draw_lesson_panel(PanelContext& context, bool* open) {
    const PanelWindow window(context, Text::WindowLesson, "lesson", open);
    if (!window.shown()) return;
    const LessonView& lesson = context.model.lesson;
    if (lesson.step_count == 0) {
        ImGui::TextWrapped("%s", context.text(Text::NoLesson));
        return;
    }
    ImGui::TextWrapped("%s", lesson.title.c_str());
    const std::size_t shown = std::min(lesson.step_index + 1, lesson.step_count);
    const std::string step =
        fmt::format(fmt::runtime(context.text(Text::StepOf)), shown, lesson.step_count);
    ImGui::ProgressBar(static_cast<float>(lesson.step_index) / lesson.step_count, {-1, 0},
                       step.c_str());
    if (lesson.asked > 0) {
        ImGui::TextDisabled(
            "%s", fmt::format(fmt::runtime(context.text(Text::Score)), lesson.score, lesson.asked)
                      .c_str());
    }
    draw_controls(context, lesson);
    ImGui::Separator();
    ImGui::BeginChild("###lesson_text");
    if (lesson.step_index >= lesson.step_count) {
        ImGui::TextWrapped("%s", context.text(Text::LessonOver));
    } else {
        ImGui::TextWrapped("%s", lesson.narration.c_str());
        if (!lesson.last_ran) ImGui::TextDisabled("%s", context.text(Text::LessonStart));
    }
    if (!lesson.hint.empty() && ImGui::CollapsingHeader(context.text(Text::Hint))) {
        ImGui::TextWrapped("%s", lesson.hint.c_str());
    }
    if (lesson.quiz) draw_open_quiz(context, *lesson.quiz);
    draw_last_step(context, lesson);
    ImGui::EndChild();
}

}  // namespace mailscope::gui
