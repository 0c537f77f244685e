// Every lesson shipped below lessons/ loads and passes its own checks: a
// lesson is also a test of the engines and servers it teaches. The runner
// does not read the language (only the narration differs), so one run
// checks both; what the language changes, every text, must exist in both.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>

#include "lessons/lesson_catalog.hpp"
#include "lessons/lesson_loader.hpp"
#include "lessons/lesson_runner.hpp"

using namespace mailscope::lessons;

namespace {

void check_texts(const Lesson& lesson) {
    for (const auto& step : lesson.steps) {
        CHECK_FALSE(step.narration.ru.empty());
        CHECK_FALSE(step.narration.en.empty());
        if (!step.quiz) continue;
        CHECK_FALSE(step.quiz->question.ru.empty());
        CHECK_FALSE(step.quiz->question.en.empty());
        CHECK_FALSE(step.quiz->explanation.ru.empty());
        CHECK_FALSE(step.quiz->explanation.en.empty());
    }
}

}  // namespace

TEST_CASE("every lesson of the library loads and runs to the end without a failed check") {
    const auto dir = std::filesystem::path(MAILSCOPE_SOURCE_DIR) / "lessons";
    const auto files = lesson_files(dir);
    std::map<std::string, std::size_t> per_folder;
    for (const auto& file : files) {
        INFO(file.string());
        ++per_folder[file.parent_path().filename().string()];
        auto loaded = load_lesson_file(file);
        if (loaded.error) FAIL_CHECK(to_string(*loaded.error));
        if (!loaded.lesson) continue;
        check_texts(*loaded.lesson);
        LessonRunner runner(std::move(*loaded.lesson));
        for (const auto& result : runner.run_to_end()) {
            for (const auto& failure : result.failures)
                FAIL_CHECK(to_string(failure.mark)
                           << ": " << sim::render(failure.said, sim::Language::En));
        }
        CHECK(runner.all_passed());
    }
    CHECK(per_folder["imap"] >= 18);
    CHECK(per_folder["pop3"] >= 3);
    CHECK(per_folder["smtp"] >= 1);
    CHECK(per_folder["e2e"] >= 1);
}

TEST_CASE("the course order: IMAP, POP3, SMTP, then end to end") {
    const auto dir = std::filesystem::path(MAILSCOPE_SOURCE_DIR) / "lessons";
    const auto files = lesson_files(dir);
    REQUIRE_FALSE(files.empty());
    CHECK(files.front().filename() == "01-greeting.yaml");
    std::vector<std::string> folders;
    for (const auto& file : files) {
        const auto folder = file.parent_path().filename().string();
        if (folders.empty() || folders.back() != folder) folders.push_back(folder);
    }
    CHECK(folders == std::vector<std::string>{"imap", "pop3", "smtp", "e2e"});
}
