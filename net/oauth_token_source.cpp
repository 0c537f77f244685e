#include "net/oauth_token_source.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

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
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return {std::nullopt, sim::say(sim::Phrase::OAuthCommandFailed, command)};
    std::string output;
    char buffer[4096];
    bool too_long = false;
    while (const std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) {
        if (output.size() + got > kMaxTokenOutput) {
            too_long = true;
            continue;  // drain, so the command is not killed by SIGPIPE mid-write
        }
        output.append(buffer, got);
    }
    const int status = pclose(pipe);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return {std::nullopt, sim::say(sim::Phrase::OAuthCommandFailed, command)};
    }
    std::string token = trimmed(std::move(output));
    if (too_long || !is_token(token)) {
        return {std::nullopt, sim::say(sim::Phrase::OAuthTokenNotOneWord, command)};
    }
    return {std::move(token), {}};
}

bool oauth_token_configured(const std::string& command) {
    return !command.empty() || std::getenv(kOAuthTokenVariable) != nullptr;
}

}  // namespace mailscope::transport
