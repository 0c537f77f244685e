#include "net/oauth_token_source.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <thread>

extern char** environ;

namespace mailscope::transport {

namespace {

// Real providers' access tokens are at most a few KiB; more output than this
// is not a token.
constexpr std::size_t kMaxTokenOutput = 64 * 1024;

std::string trimmed(std::string text) {
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && blank(text.back()))
        text.pop_back();
    const auto first = std::find_if_not(text.begin(), text.end(), blank);
    text.erase(text.begin(), first);
    return text;
}

bool is_token(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        const auto octet = static_cast<unsigned char>(c);
        return octet > 0x20 && octet < 0x7f;
    });
}

// The command's first word: what a failure names. The rest may hold a
// client secret or a refresh token.
std::string program_of(const std::string& command) {
    const auto start = command.find_first_not_of(" \t");
    if (start == std::string::npos) return command;
    return command.substr(start, command.find_first_of(" \t", start) - start);
}

struct CommandOutput {
    std::string text;
    bool ok = false;  // exited with 0, in time, within the size limit
};

CommandOutput run_command(const std::string& command, std::chrono::milliseconds timeout) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return {};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    pid_t pid = 0;
    const int spawned =
        posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (spawned != 0) {
        close(fds[0]);
        return {};
    }
    CommandOutput out;
    bool within_limits = true;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[4096];
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd ready{fds[0], POLLIN, 0};
        if (left.count() <= 0 || poll(&ready, 1, static_cast<int>(left.count())) <= 0) {
            within_limits = false;
            break;
        }
        const auto got = read(fds[0], buffer, sizeof buffer);
        if (got <= 0) break;
        out.text.append(buffer, static_cast<std::size_t>(got));
        if (out.text.size() > kMaxTokenOutput) {
            within_limits = false;
            break;
        }
    }
    close(fds[0]);
    // A command that overran its time or its output is stopped, not waited
    // for; so is one that closed its output but goes on running.
    int status = 0;
    while (within_limits) {
        const auto reaped = waitpid(pid, &status, WNOHANG);
        if (reaped == pid || (reaped < 0 && errno != EINTR)) break;
        if (std::chrono::steady_clock::now() > deadline) {
            within_limits = false;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!within_limits) {
        kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    out.ok = within_limits && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return out;
}

}  // namespace

OAuthTokenResult obtain_oauth_token(const std::string& command) {
    if (command.empty()) {
        const char* value = std::getenv(kOAuthTokenVariable);
        if (value == nullptr) {
            return {std::nullopt, sim::say(sim::Phrase::OAuthNoTokenSource, kOAuthTokenVariable)};
        }
        std::string token = trimmed(value);
        if (!is_token(token)) {
            return {std::nullopt, sim::say(sim::Phrase::OAuthTokenNotOneWord, kOAuthTokenVariable)};
        }
        return {std::move(token), {}};
    }
    const auto program = program_of(command);
    auto output = run_command(command, kOAuthTokenCommandTimeout);
    if (!output.ok) {
        return {std::nullopt,
                sim::say(sim::Phrase::OAuthCommandFailed, program,
                         std::chrono::duration_cast<std::chrono::seconds>(kOAuthTokenCommandTimeout)
                             .count())};
    }
    std::string token = trimmed(std::move(output.text));
    if (!is_token(token))
        return {std::nullopt, sim::say(sim::Phrase::OAuthTokenNotOneWord, program)};
    return {std::move(token), {}};
}

}  // namespace mailscope::transport
