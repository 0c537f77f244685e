// Finding lessons on disk for `mailscope lesson` and the GUI.
//
// The library is lessons/ in the current directory, else lessons/ of the
// source tree mailscope was built from; the folders $MAILSCOPE_LESSONS names
// (separated by ":") add a teacher's own lessons after it. Lesson files are
// the *.yaml files below a folder (lessons/imap/01-greeting.yaml): the
// folders imap, pop3, smtp and e2e in that order, then any other folder, and
// by path within a folder, so numbering the files orders the course. Ids
// name lessons, so two files with one id are an error.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lessons/lesson_loader.hpp"

namespace mailscope::lessons {

// The directories that exist, in the order above (duplicates removed).
std::vector<std::filesystem::path> lesson_directories();

// The *.yaml files below `dir` (at most three levels deep), in course order.
std::vector<std::filesystem::path> lesson_files(const std::filesystem::path& dir);

// The lesson files of every directory, library first; empty when none has any.
std::vector<std::filesystem::path> find_all_lessons();

// Each file of find_all_lessons(), loaded; one that does not load, or whose
// id an earlier file already has, carries its error instead.
struct CatalogEntry {
    std::filesystem::path file;
    LoadResult loaded;
};
std::vector<CatalogEntry> load_catalog();

// `id_or_file` is a path to a lesson file, or the id of a lesson in the
// lessons directory (its `id` field, or the file name without .yaml).
// Gives a sentence of the catalogue in `error` when nothing fits.
std::optional<std::filesystem::path> find_lesson(std::string_view id_or_file, sim::Said& error);

}  // namespace mailscope::lessons
