// Finding lessons on disk for `mailscope lesson` and the GUI.
//
// The lessons directory is, in order: $MAILSCOPE_LESSONS; lessons/ in the
// current directory; lessons/ of the source tree mailscope was built from.
// Lesson files are the *.yaml files below it (lessons/imap/01-greeting.yaml):
// the folders imap, pop3, smtp and e2e in that order, then any other folder,
// and by path within a folder, so numbering the files orders the course.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailscope::lessons {

// The directories that exist, in the order above (duplicates removed).
std::vector<std::filesystem::path> lesson_directories();

// The *.yaml files below `dir` (at most three levels deep), in course order.
std::vector<std::filesystem::path> lesson_files(const std::filesystem::path& dir);

// The lessons of the first directory that has any; empty when none does.
std::vector<std::filesystem::path> find_all_lessons();

// `id_or_file` is a path to a lesson file, or the id of a lesson in the
// lessons directory (its `id` field, or the file name without .yaml).
// Gives a sentence in `error` when nothing fits.
std::optional<std::filesystem::path> find_lesson(std::string_view id_or_file, std::string& error);

}  // namespace mailscope::lessons
