#include "app/password_prompt.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>

namespace mailscope::app {

namespace {

// Reads one line from the terminal device itself, so a password never
// comes from a redirected stdin by accident.
std::optional<std::string> read_without_echo(int fd) {
    termios saved{};
    if (tcgetattr(fd, &saved) != 0) return std::nullopt;
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) return std::nullopt;
    std::string line;
    bool ended = false;
    char c = 0;
    while (read(fd, &c, 1) == 1) {
        if (c == '\n') {
            ended = true;
            break;
        }
        if (c != '\r') line += c;
    }
    tcsetattr(fd, TCSAFLUSH, &saved);
    if (!ended && line.empty()) return std::nullopt;
    return line;
}

}  // namespace

PasswordResult obtain_password(const std::string& prompt) {
    if (const char* env = std::getenv("MAILSCOPE_PASSWORD"); env != nullptr) {
        return {std::string(env), {}};
    }
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        return {std::nullopt, sim::say(sim::Phrase::CliNoTerminalForPassword)};
    }
    auto written = write(fd, prompt.data(), prompt.size());
    (void)written;
    auto password = read_without_echo(fd);
    close(fd);
    if (!password) return {std::nullopt, sim::say(sim::Phrase::CliNoPasswordTyped)};
    return {std::move(password), {}};
}

}  // namespace mailscope::app
