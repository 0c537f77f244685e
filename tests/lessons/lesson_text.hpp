// A lesson the test writes inline as YAML, loaded as the runner gets it; a
// load error fails the test with the loader's message.
#pragma once

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// A lesson's lines from its titles to alice's INBOX holding `messages` (YAML
// flow mappings), the store the runner tests start from; `store_settings` are
// lines under "store:" before the users. The test writes the id above, and
// clients and steps below.
inline std::string titles_and_inbox(std::initializer_list<std::string_view> messages,
                                    std::string_view store_settings = "") {
    std::string text = R"(title: {ru: "Т", en: "T"}
summary: {ru: "Т", en: "T"}
store:
)";
    text += store_settings;
    text += R"(  users:
    - name: alice
      password: wonderland
      mailboxes:
        - name: INBOX
          messages:
)";
    for (const auto message : messages) {
        text += "            - ";
        text += message;
        text += '\n';
    }
    return text;
}

// Checks that `error` says each of `words`; a failure shows the whole message.
inline void check_says(const LoadError& error, const std::vector<std::string_view>& words) {
    INFO(sentence(error));
    for (const auto word : words)
        CHECK(sentence(error).find(word) != std::string::npos);
}

inline Lesson lesson_from_text(std::string_view yaml, const std::string& file_name) {
    auto result = load_lesson_text(yaml, file_name, ".");
    if (result.error) FAIL(to_string(*result.error));
    return std::move(*result.lesson);
}

}  // namespace mailscope::lessons::testing
