#include "lessons/lesson_catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

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
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("MAILSCOPE_LESSONS"); env && *env) {
        candidates.emplace_back(env);
    }
    candidates.emplace_back(fs::current_path() / "lessons");
    candidates.emplace_back(fs::path(MAILSCOPE_SOURCE_DIR) / "lessons");
    std::vector<fs::path> out;
    for (const auto& candidate : candidates) {
        std::error_code ec;
        if (!fs::is_directory(candidate, ec)) continue;
        const auto canonical = fs::weakly_canonical(candidate, ec);
        if (std::find(out.begin(), out.end(), canonical) == out.end()) out.push_back(canonical);
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
    for (const auto& dir : lesson_directories()) {
        auto files = lesson_files(dir);
        if (!files.empty()) return files;
    }
    return {};
}

std::optional<fs::path> find_lesson(std::string_view id_or_file, std::string& error) {
    std::error_code ec;
    const fs::path as_path(id_or_file);
    if (fs::is_regular_file(as_path, ec)) return as_path;
    const auto files = find_all_lessons();
    for (const auto& file : files) {
        if (file.stem() == as_path) return file;
    }
    for (const auto& file : files) {
        const auto loaded = load_lesson_file(file);
        if (loaded.lesson && loaded.lesson->id == id_or_file) return file;
    }
    error = files.empty() ? fmt::format(
                                "no lesson \"{}\": no lessons directory was found (set "
                                "MAILSCOPE_LESSONS to one)",
                                id_or_file)
                          : fmt::format("no lesson \"{}\"; `mailscope lesson list` shows the ids",
                                        id_or_file);
    return std::nullopt;
}

}  // namespace mailscope::lessons
