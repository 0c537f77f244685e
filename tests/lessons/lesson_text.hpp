// A lesson the test writes inline as YAML, loaded as the runner gets it; a
// load error fails the test with the loader's message.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <utility>

#include "lessons/lesson_loader.hpp"

namespace mailscope::lessons::testing {

// The head of the smallest lesson the loader takes, six lines: an id, the
// titles and alice in the store. A test adds clients and steps below it.
inline constexpr std::string_view kLessonHead = R"(id: t
title: {ru: "Т", en: "T"}
summary: {ru: "Т", en: "T"}
store:
  users:
    - {name: alice, password: wonderland}
)";

inline Lesson lesson_from_text(std::string_view yaml, const std::string& file_name) {
    auto result = load_lesson_text(yaml, file_name, ".");
    if (result.error) FAIL(to_string(*result.error));
    return std::move(*result.lesson);
}

}  // namespace mailscope::lessons::testing
