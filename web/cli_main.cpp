// mailscope-web-cli: `mailscope lesson list` and `mailscope lesson run`
// built for WebAssembly and run under node, so that the tests can check that
// every lesson plays in the browser's build exactly as in the native one.
// Only the options of those two commands are read; the native command line
// (app/main.cpp) has the rest.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "app/lesson_command.hpp"

namespace {

using mailscope::app::LessonListOptions;
using mailscope::app::LessonRunOptions;

constexpr int usage_error = 2;

int usage() {
    std::cerr << "usage: mailscope-web-cli lesson list [--lang ru|en]\n"
                 "       mailscope-web-cli lesson run ID|FILE [--lang ru|en] [--step N] "
                 "[--last-step N] [--check] [--no-color]\n";
    return usage_error;
}

bool read_number(const char* text, std::size_t& number) {
    char* end = nullptr;
    const unsigned long value = std::strtoul(text, &end, 10);
    if (!end || *end != '\0' || value == 0) return false;
    number = value;
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3 || std::string_view(argv[1]) != "lesson") return usage();
    const std::string_view command = argv[2];
    if (command == "list") {
        LessonListOptions options;
        if (argc == 5 && std::string_view(argv[3]) == "--lang") {
            options.lang = argv[4];
        } else if (argc != 3) {
            return usage();
        }
        return mailscope::app::run_lesson_list(options);
    }
    if (command != "run" || argc < 4) return usage();
    LessonRunOptions options;
    options.lesson = argv[3];
    options.colour = isatty(STDOUT_FILENO) != 0;
    for (int i = 4; i < argc; ++i) {
        const std::string_view option = argv[i];
        const bool has_value = i + 1 < argc;
        std::size_t number = 0;
        if (option == "--check") {
            options.check = true;
        } else if (option == "--no-color") {
            options.colour = false;
        } else if (option == "--lang" && has_value) {
            options.lang = argv[++i];
        } else if (option == "--step" && has_value && read_number(argv[++i], number)) {
            options.step = number;
        } else if (option == "--last-step" && has_value && read_number(argv[++i], number)) {
            options.last_step = number;
        } else {
            return usage();
        }
    }
    return mailscope::app::run_lesson(options);
}
