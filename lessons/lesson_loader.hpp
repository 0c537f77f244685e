// Reading lesson files. The loader is strict on purpose: a teacher who
// mistypes a field name or a state name learns it at once, with the file,
// line and column, instead of watching a lesson that silently checks nothing.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "lessons/lesson.hpp"
#include "sim/core/catalogue.hpp"

namespace mailscope::lessons {

// Largest lesson file read, to bound memory.
inline constexpr std::size_t kMaxLessonFileSize = 4 * 1024 * 1024;

struct LoadError {
    SourceMark mark;
    sim::Said said;  // a sentence of the catalogue, without its full stop
};

// The sentence with its full stop, in `language`.
std::string sentence(const LoadError& error, sim::Language language = sim::Language::En);

// "file:line:column: sentence."
std::string to_string(const LoadError& error, sim::Language language = sim::Language::En);

struct LoadResult {
    std::optional<Lesson> lesson;
    std::optional<LoadError> error;  // set exactly when `lesson` is not
};

// Parses and checks a lesson: unknown fields, missing ru/en texts, unknown
// clients, invalid regular expressions, unknown state names, variables used
// before a step captures them, and a fixture the mail store cannot load are
// all errors. `label` names the source in marks; relative fixture paths are
// resolved against `base_dir`.
LoadResult load_lesson_text(std::string_view yaml, const std::string& label,
                            const std::filesystem::path& base_dir);
LoadResult load_lesson_file(const std::filesystem::path& file);

// "2s", "150ms", "31m", "1h", or a bare number of seconds.
std::optional<std::int64_t> parse_duration_micros(std::string_view text);

}  // namespace mailscope::lessons
