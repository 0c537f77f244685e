#include "gui/virtual_display.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace mailscope::gui {

bool has_display() {
    const char* x11 = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    return (x11 && *x11) || (wayland && *wayland);
}

void rerun_under_xvfb(int width, int height) {
    if (std::getenv("MAILSCOPE_IN_XVFB")) return;
    std::ifstream cmdline("/proc/self/cmdline", std::ios::binary);
    const std::string all{std::istreambuf_iterator<char>(cmdline), {}};
    std::vector<std::string> words;
    for (std::size_t start = 0; start < all.size();) {
        const std::size_t end = all.find('\0', start);
        words.push_back(all.substr(start, end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (words.empty() || error) return;
    words[0] = self.string();
    const std::string screen = fmt::format("-screen 0 {}x{}x24", width, height);
    std::vector<std::string> command{"xvfb-run", "-a", "-s", screen};
    command.insert(command.end(), words.begin(), words.end());
    std::vector<char*> argv;
    for (auto& word : command)
        argv.push_back(word.data());
    argv.push_back(nullptr);
    setenv("MAILSCOPE_IN_XVFB", "1", 1);
    std::cout.flush();
    execvp("xvfb-run", argv.data());
    unsetenv("MAILSCOPE_IN_XVFB");
}

}  // namespace mailscope::gui
