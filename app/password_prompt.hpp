// The password for LOGIN: from MAILSCOPE_PASSWORD, or typed without echo.
// It is kept in memory only, never logged or written to a file.
#pragma once

#include <optional>
#include <string>

#include "sim/core/catalogue.hpp"

namespace mailscope::app {

struct PasswordResult {
    std::optional<std::string> password;
    sim::Said error;  // why there is none
};

// Reads MAILSCOPE_PASSWORD when set, otherwise asks on the terminal with
// echo off. Without a terminal and without the variable, fails.
PasswordResult obtain_password(const std::string& prompt);

}  // namespace mailscope::app
