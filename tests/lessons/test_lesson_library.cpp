// Every lesson shipped in lessons/imap loads and passes its own checks: a
// lesson is also a test of the engines it teaches.
#include <doctest/doctest.h>

#include <filesystem>

#include "lessons/lesson_catalog.hpp"
#include "lessons/lesson_loader.hpp"
#include "lessons/lesson_runner.hpp"

using namespace mailscope::lessons;

TEST_CASE("every IMAP lesson loads and runs to the end without a failed check") {
    const auto dir = std::filesystem::path(MAILSCOPE_SOURCE_DIR) / "lessons/imap";
    const auto files = lesson_files(dir);
    CHECK(files.size() >= 18);
    for (const auto& file : files) {
        INFO(file.string());
        auto loaded = load_lesson_file(file);
        if (loaded.error) FAIL_CHECK(to_string(*loaded.error));
        if (!loaded.lesson) continue;
        for (const auto& step : loaded.lesson->steps) {
            CHECK_FALSE(step.narration.ru.empty());
            CHECK_FALSE(step.narration.en.empty());
        }
        LessonRunner runner(std::move(*loaded.lesson));
        for (const auto& result : runner.run_to_end()) {
            for (const auto& failure : result.failures)
                FAIL_CHECK(to_string(failure.mark) << ": " << failure.message);
        }
        CHECK(runner.all_passed());
    }
}
