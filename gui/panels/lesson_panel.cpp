// Lesson: shows the narration the lesson runner hands over in LessonView and
// reports Back / Next / an answer as an intent.
#include <fmt/format.h>

#include "gui/panels/panels.hpp"
#include "gui/theme.hpp"

namespace mailscope::gui {

namespace {

void draw_quiz(PanelContext& context, const QuizView& quiz) {
    ImGui::Separator();
    ImGui::TextWrapped("%s", quiz.question.c_str());
    for (std::size_t i = 0; i < quiz.options.size(); ++i) {
        const std::string label = fmt::format("{}###option{}", quiz.options[i], i);
        if (ImGui::RadioButton(label.c_str(), quiz.chosen == i)) {
            context.intents.lesson = {LessonAction::Answer, i};
        }
    }
    if (!quiz.correct) return;
    const RowKind verdict = *quiz.correct ? RowKind::TaggedOk : RowKind::TaggedBad;
    ImGui::PushStyleColor(ImGuiCol_Text, theme::kind_color(verdict));
    ImGui::TextUnformatted(context.text(*quiz.correct ? Text::Correct : Text::Incorrect));
    ImGui::PopStyleColor();
    if (!quiz.explanation.empty()) ImGui::TextWrapped("%s", quiz.explanation.c_str());
}

}  // namespace

void draw_lesson_panel(PanelContext& context, bool* open) {
    const std::string title = fmt::format("{}###lesson", context.text(Text::WindowLesson));
    if (!ImGui::Begin(title.c_str(), open)) {
        ImGui::End();
        return;
    }
    const LessonView& lesson = context.model.lesson;
    if (lesson.step_count == 0) {
        ImGui::TextWrapped("%s", context.text(Text::NoLesson));
        ImGui::End();
        return;
    }
    ImGui::TextUnformatted(lesson.title.c_str());
    const std::string step = fmt::format(fmt::runtime(context.text(Text::StepOf)),
                                         lesson.step_index + 1, lesson.step_count);
    ImGui::ProgressBar(static_cast<float>(lesson.step_index + 1) / lesson.step_count, {-1, 0},
                       step.c_str());
    ImGui::Spacing();
    ImGui::TextWrapped("%s", lesson.narration.c_str());
    if (!lesson.hint.empty()) {
        ImGui::Spacing();
        if (ImGui::CollapsingHeader(context.text(Text::Hint))) {
            ImGui::TextWrapped("%s", lesson.hint.c_str());
        }
    }
    if (lesson.quiz) draw_quiz(context, *lesson.quiz);
    ImGui::Spacing();
    ImGui::BeginDisabled(lesson.step_index == 0);
    if (ImGui::Button(fmt::format("\u2190 {}", context.text(Text::Previous)).c_str())) {
        context.intents.lesson = {LessonAction::Previous, 0};
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(lesson.step_index + 1 >= lesson.step_count);
    if (ImGui::Button(fmt::format("{} \u2192", context.text(Text::Next)).c_str())) {
        context.intents.lesson = {LessonAction::Next, 0};
    }
    ImGui::EndDisabled();
    ImGui::End();
}

}  // namespace mailscope::gui
