#include "lessons/lesson_catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "lessons/lesson_loader.hpp"

namespace mailscope::lessons {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxDepth = 3;
// A lessons directory is read whole on every `lesson list`; bound it.
constexpr std::size_t kMaxLessonFiles = 1000;

// The course goes IMAP, POP3, SMTP, then the lessons that join them; other
// folders follow in name order.
int folder_rank(const fs::path& dir, const fs::path& file) {
    const auto relative = file.lexically_relative(dir);
    const auto folder =
        relative.begin() == relative.end() ? std::string() : relative.begin()->string();
    constexpr std::string_view kOrder[] = {"imap", "pop3", "smtp", "e2e"};
    for (std::size_t i = 0; i < std::size(kOrder); ++i) {
        if (folder == kOrder[i]) return static_cast<int>(i);
    }
    return static_cast<int>(std::size(kOrder));
}

}  // namespace

std::vector<fs::path> lesson_directories() {
    std::vector<fs::path> out;
    const auto add = [&](const fs::path& candidate) {
        std::error_code ec;
        if (!fs::is_directory(candidate, ec)) return false;
        const auto canonical = fs::weakly_canonical(candidate, ec);
        if (std::find(out.begin(), out.end(), canonical) == out.end()) out.push_back(canonical);
        return true;
    };
    // One library: the working copy's when there is one, so that edits show.
    if (!add(fs::current_path() / "lessons")) add(fs::path(MAILSCOPE_SOURCE_DIR) / "lessons");
    if (const char* env = std::getenv("MAILSCOPE_LESSONS"); env && *env) {
        std::string_view list(env);
        while (!list.empty()) {
            const auto colon = list.find(':');
            if (colon != 0) add(fs::path(list.substr(0, colon)));
            list = colon == std::string_view::npos ? std::string_view() : list.substr(colon + 1);
        }
    }
    return out;
}

std::vector<fs::path> lesson_files(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it.depth() >= kMaxDepth) it.disable_recursion_pending();
        if (it->is_regular_file(ec) && it->path().extension() == ".yaml") {
            out.push_back(it->path());
            if (out.size() >= kMaxLessonFiles) break;
        }
    }
    std::sort(out.begin(), out.end(), [&](const fs::path& a, const fs::path& b) {
        const auto rank_a = folder_rank(dir, a);
        const auto rank_b = folder_rank(dir, b);
        return rank_a != rank_b ? rank_a < rank_b : a < b;
    });
    return out;
}

std::vector<fs::path> find_all_lessons() {
    std::vector<fs::path> out;
    for (const auto& dir : lesson_directories()) {
        for (auto& file : lesson_files(dir)) {
            if (out.size() >= kMaxLessonFiles) return out;
            out.push_back(std::move(file));
        }
    }
    return out;
}

std::vector<CatalogEntry> load_catalog() {
    std::vector<CatalogEntry> out;
    std::map<std::string, fs::path, std::less<>> ids;
    for (const auto& file : find_all_lessons()) {
        CatalogEntry entry{file, load_lesson_file(file)};
        if (entry.loaded.lesson) {
            const Lesson& lesson = *entry.loaded.lesson;
            const auto [earlier, added] = ids.try_emplace(lesson.id, file);
            if (!added) {
                entry.loaded.error = LoadError{
                    lesson.id_mark,
                    sim::say(sim::Phrase::LessonDuplicateId, lesson.id, earlier->second.string())};
                entry.loaded.lesson.reset();
            }
        }
        out.push_back(std::move(entry));
    }
    return out;
}

std::optional<fs::path> find_lesson(std::string_view id_or_file, sim::Said& error) {
    std::error_code ec;
    const fs::path as_path(id_or_file);
    if (fs::is_regular_file(as_path, ec)) return as_path;
    const auto catalog = load_catalog();
    std::vector<fs::path> named;
    for (const auto& entry : catalog) {
        const bool by_id = entry.loaded.lesson && entry.loaded.lesson->id == id_or_file;
        if (by_id || entry.file.stem() == as_path) named.push_back(entry.file);
    }
    if (named.size() == 1) return named.front();
    if (named.size() > 1) {
        std::string files;
        for (const auto& file : named)
            files += fmt::format("{}{}", files.empty() ? "" : ", ", file.string());
        error = sim::say(sim::Phrase::LessonNamesSeveral, id_or_file, files);
        return std::nullopt;
    }
    error = sim::say(
        catalog.empty() ? sim::Phrase::LessonNotFoundNoDirectory : sim::Phrase::LessonNotFound,
        id_or_file);
    return std::nullopt;
}

}  // namespace mailscope::lessons
